"""The CI's pip-audit step fails on a known vulnerability and names what it could not audit."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_report.py"


def _run(tmp_path, dependencies, pins="", projects=None, **env):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(pins)
    # PyPI's project JSON, served from files: {name}.json
    for name, data in (projects or {}).items():
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(report), str(requirements)],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "BIMTEK_AUDIT_PROJECT_JSON": f"file://{tmp_path}/{{name}}.json",
            **env,
        },
    )


def test_a_vulnerable_pin_fails_and_names_the_fixed_version(tmp_path):
    result = _run(tmp_path, [
        {"name": "django", "version": "6.1.0", "vulns": [
            {"id": "PYSEC-2026-1", "fix_versions": ["6.1.1"], "aliases": [], "description": ""}
        ]},
        {"name": "segno", "version": "1.6.6", "vulns": []},
    ])  # fmt: skip

    assert result.returncode == 1
    assert "VULNERABLE django==6.1.0: PYSEC-2026-1 (fixed in 6.1.1)" in result.stdout
    assert "2 of 2 pinned dependencies audited (0 through PyPI's project JSON), 1 with" in (
        result.stdout
    )


def test_a_pin_the_per_version_lookup_missed_is_audited_from_the_project_json(tmp_path):
    dependencies = [
        {"name": "segno", "version": "1.6.6", "vulns": []},
        {"name": "pydyf", "skip_reason": "Dependency not found on PyPI"},
    ]
    clean = {"info": {"version": "0.12.1"}, "vulnerabilities": []}
    vulnerable = {"info": {"version": "0.12.1"}, "vulnerabilities": [
        {"id": "GHSA-xxxx", "fixed_in": ["0.12.2"], "withdrawn": None},
        {"id": "GHSA-gone", "fixed_in": [], "withdrawn": "2026-01-01T00:00:00"},
    ]}  # fmt: skip

    ok = _run(tmp_path, dependencies, "pydyf==0.12.1\n", {"pydyf": clean})
    bad = _run(tmp_path, dependencies, "pydyf==0.12.1\n", {"pydyf": vulnerable})

    assert ok.returncode == 0
    assert "2 of 2 pinned dependencies audited (1 through PyPI's project JSON), 0 with" in (
        ok.stdout
    )
    assert bad.returncode == 1
    assert "VULNERABLE pydyf==0.12.1: GHSA-xxxx (fixed in 0.12.2)" in bad.stdout
    assert "GHSA-gone" not in bad.stdout  # withdrawn advisories do not count


def test_what_could_not_be_audited_is_named_and_fails_only_when_strict(tmp_path):
    dependencies = [
        {"name": "segno", "version": "1.6.6", "vulns": []},
        {"name": "pydyf", "skip_reason": "Dependency not found on PyPI"},
        {"name": "tinycss2", "skip_reason": "Dependency not found on PyPI"},
    ]
    pins = "pydyf==0.11.0\ntinycss2==1.5.1\n"
    projects = {"pydyf": {"info": {"version": "0.12.1"}, "vulnerabilities": []}}  # no tinycss2

    relaxed = _run(tmp_path, dependencies, pins, projects)
    strict = _run(tmp_path, dependencies, pins, projects, BIMTEK_AUDIT_STRICT="1")

    assert relaxed.returncode == 0
    assert "1 of 3 pinned dependencies audited" in relaxed.stdout
    assert (
        "NOT AUDITED: pydyf==0.11.0 (PyPI's latest is 0.12.1), tinycss2 (not found)"
        in relaxed.stdout
    )
    assert strict.returncode == 1
