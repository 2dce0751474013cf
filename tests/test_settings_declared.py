"""Every setting the apps read is declared once, in bimtek/settings.py, and read when used.

A default written beside a read (getattr(settings, "X", 30)) is a second declaration that
drifts from the first, and a setting read at import time ignores a later override (a test's
settings fixture, for one). Django's own settings need no declaration: they have defaults.
"""

import ast
from pathlib import Path

from django.conf import global_settings

from bimtek import settings as project_settings

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "workers",
    "core",
    "participants",
    "trainings",
    "assessments",
    "evaluations",
    "certificates",
    "privacy",
)
# Django reads the user model's name when the models are defined, before any request.
READ_AT_IMPORT = {"AUTH_USER_MODEL"}


def _app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield path.relative_to(ROOT), ast.parse(path.read_text(), filename=str(path))


def _is_settings(node) -> bool:
    return isinstance(node, ast.Name) and node.id == "settings"


def _setting_reads(tree, *, in_function=False):
    """Yield (line, name, in_function) for every settings.NAME in the tree."""
    for node in ast.iter_child_nodes(tree):
        inside = in_function or isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        )
        if isinstance(node, ast.Attribute) and _is_settings(node.value) and node.attr.isupper():
            yield node.lineno, node.attr, in_function
        yield from _setting_reads(node, in_function=inside)


def test_no_app_reads_a_setting_with_getattr_or_hasattr():
    found = [
        f"{path}:{node.lineno}"
        for path, tree in _app_modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"getattr", "hasattr"}
        and node.args
        and _is_settings(node.args[0])
    ]

    assert not found, "read settings.X, declared in bimtek/settings.py:\n" + "\n".join(found)


def test_every_setting_an_app_reads_is_declared_by_the_project_or_by_django():
    undeclared = [
        f"{path}:{line}: settings.{name}"
        for path, tree in _app_modules()
        for line, name, _in_function in _setting_reads(tree)
        if not hasattr(project_settings, name) and not hasattr(global_settings, name)
    ]

    assert not undeclared, "declare in bimtek/settings.py:\n" + "\n".join(undeclared)


def test_settings_are_read_when_used_not_when_a_module_is_imported():
    at_import = [
        f"{path}:{line}: settings.{name}"
        for path, tree in _app_modules()
        for line, name, in_function in _setting_reads(tree)
        if not in_function and name not in READ_AT_IMPORT
    ]

    assert not at_import, "read inside the function that uses it:\n" + "\n".join(at_import)


def test_the_scan_sees_the_settings_the_apps_are_known_to_read():
    # Guard against a scan that silently finds nothing (a renamed import, a moved app).
    read = {name for _path, tree in _app_modules() for _line, name, _f in _setting_reads(tree)}

    assert {"CERTIFICATES_VERIFY_PER_MINUTE", "BIMTEK_ACTIVATION_DAYS", "SITE_URL"} <= read
