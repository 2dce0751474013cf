"""Our code uses Django's public API only: none of Django's underscore names.

Django changes or drops its underscore names in any release without a deprecation. Two are
public despite the underscore: Model._meta (the documented Options API) and Model._state (shown
in the documentation of Model.from_db).

The rule, over every Python file of the project (not the virtualenv, not build output):

- an underscore name our code reads as an attribute (`x._name`), or passes by name to getattr(),
  setattr(), hasattr(), delattr() or monkeypatch.setattr(), must be defined somewhere in our own
  code (by a def, a class, an assignment or an import): then it is ours, not Django's or
  another library's;
- a method our code defines in a class that has base classes, and an attribute our code
  assigns (`x._name = ...`), must not have the name of something Django's own source defines
  (a def, or an assignment to a name or an attribute): that overrides or overwrites Django's;
- nothing is imported from Django under an underscore name or from an underscore module.

Our own private helpers stay free to use, and may even share a name with one of Django's in a
class of ours that inherits from nothing, where they cannot override anything.
"""

import ast
import functools
import os
import re
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
NOT_OURS = {"node_modules", "build", "dist", "var"}
PUBLIC_DESPITE_UNDERSCORE = {"_meta", "_state"}
NAME_ARGUMENT_CALLS = {"getattr", "setattr", "hasattr", "delattr"}
DJANGO_DEFINITION = re.compile(
    r"\bdef\s+(_\w+)|\.(_\w+)\s*=(?!=)|^\s*(_\w+)\s*(?::[^=\n]*)?=(?!=)", re.MULTILINE
)



def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@functools.cache
def django_names() -> frozenset[str]:
    """Return every underscore name Django's source defines."""
    names = set()
    for path in Path(django.__file__).parent.rglob("*.py"):
        for match in DJANGO_DEFINITION.finditer(path.read_text(encoding="utf-8")):
            names.update(name for name in match.groups() if name and is_private(name))
    return frozenset(names)


def our_sources() -> dict[str, str]:
    """Return the source of every Python file of the project, by path from the root."""
    sources = {}
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [
            name
            for name in subdirectories
            if not name.startswith(".") and name not in NOT_OURS and not name.endswith(".egg-info")
        ]
        for name in files:
            if name.endswith(".py"):
                path = Path(directory, name)
                sources[path.relative_to(ROOT).as_posix()] = path.read_text(encoding="utf-8")
    return sources


class Scan(ast.NodeVisitor):
    """Collect one file's underscore names: those it reads, defines, and could take from Django."""

    def __init__(self, path: str):
        self.path = path
        self.read: list[tuple[str, int, str]] = []
        self.defined: set[str] = set()
        self.overriding: list[tuple[str, int, str]] = []
        self.imported: list[tuple[str, int, str]] = []

    def visit_ClassDef(self, node: ast.ClassDef):
        self.defined.add(node.name)
        if node.bases:
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and is_private(
                    item.name
                ):
                    self.overriding.append((self.path, item.lineno, item.name))
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef):
        self.defined.add(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Name(self, node: ast.Name):
        if isinstance(node.ctx, ast.Store):
            self.defined.add(node.id)

    def visit_Attribute(self, node: ast.Attribute):
        if is_private(node.attr):
            if isinstance(node.ctx, ast.Load):
                self.read.append((self.path, node.lineno, node.attr))
            else:
                self.defined.add(node.attr)
                self.overriding.append((self.path, node.lineno, node.attr))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name in NAME_ARGUMENT_CALLS and len(node.args) >= 2:
            argument = node.args[1]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                if is_private(argument.value):
                    self.read.append((self.path, node.lineno, argument.value))
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import):
        for alias in node.names:
            self.defined.add((alias.asname or alias.name).split(".")[0])
            if alias.name.split(".")[0] == "django" and any(
                is_private(part) for part in alias.name.split(".")
            ):
                self.imported.append((self.path, node.lineno, alias.name))

    def visit_ImportFrom(self, node: ast.ImportFrom):
        module = node.module or ""
        from_django = module.split(".")[0] == "django"
        for alias in node.names:
            self.defined.add(alias.asname or alias.name)
            if from_django and (
                is_private(alias.name) or any(is_private(part) for part in module.split("."))
            ):
                self.imported.append((self.path, node.lineno, f"{module}.{alias.name}"))


def findings(sources: dict[str, str]) -> list[tuple[str, int, str]]:
    """Return (path, line, name) of every use of an underscore name that is Django's."""
    scans = []
    for path, source in sources.items():
        scan = Scan(path)
        scan.visit(ast.parse(source, filename=path))
        scans.append(scan)
    ours = set().union(*(scan.defined for scan in scans))
    found = []
    for scan in scans:
        found += [use for use in scan.read if use[2] not in ours]
        found += [use for use in scan.overriding if use[2] in django_names()]
        found += scan.imported
    return sorted(use for use in found if use[2] not in PUBLIC_DESPITE_UNDERSCORE)


def test_our_code_uses_no_underscore_name_of_django():
    found = findings(our_sources())

    assert found == []


def test_the_scan_finds_each_kind_of_use_and_spares_our_own_helpers():
    source = """
from django import forms
from django.db import connection
from django.utils._os import safe_join


class EmployeeForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        self._session_key = None


class Views:
    def _render(self, request):
        return self._units


def _helper(value):
    value._units = {}
    cursor = connection._prepare_cursor(value)
    getattr(value, "_committed", False)
    return value._meta.concrete_fields, value._state.adding, _helper
"""

    found = findings({"example.py": source})

    assert [(line, name) for _path, line, name in found] == [
        (4, "django.utils._os.safe_join"),
        (8, "_post_clean"),
        (10, "_session_key"),
        (20, "_prepare_cursor"),
        (21, "_committed"),
    ]
