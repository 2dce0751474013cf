"""The CI's pip-audit step fails on a known vulnerability and names what it could not audit."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_report.py"


def _run(tmp_path, dependencies, **env):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(report)], capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def test_a_vulnerable_pin_fails_and_names_the_fixed_version(tmp_path):
    result = _run(tmp_path, [
        {"name": "django", "version": "6.1.0", "vulns": [
            {"id": "PYSEC-2026-1", "fix_versions": ["6.1.1"], "aliases": [], "description": ""}
        ]},
        {"name": "segno", "version": "1.6.6", "vulns": []},
    ])

    assert result.returncode == 1
    assert "VULNERABLE django==6.1.0: PYSEC-2026-1 (fixed in 6.1.1)" in result.stdout
    assert "2 of 2 pinned dependencies audited, 1 with known vulnerabilities" in result.stdout


def test_dependencies_the_service_did_not_know_are_named_and_fail_only_when_strict(tmp_path):
    dependencies = [
        {"name": "segno", "version": "1.6.6", "vulns": []},
        {"name": "pydyf", "skip_reason": "Dependency not found on PyPI"},
    ]

    relaxed = _run(tmp_path, dependencies)
    strict = _run(tmp_path, dependencies, BIMTEK_AUDIT_STRICT="1")

    assert relaxed.returncode == 0
    assert "1 of 2 pinned dependencies audited" in relaxed.stdout
    assert "NOT AUDITED (the vulnerability service did not know them): pydyf" in relaxed.stdout
    assert strict.returncode == 1
