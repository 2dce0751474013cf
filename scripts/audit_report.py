"""Read pip-audit's JSON report: list each vulnerability with its fix, and say what was not audited.

pip-audit asks PyPI for each pinned version. Where that lookup fails (some PyPI mirrors answer
only the project-wide JSON, not the per-version one), the pin is looked up in PyPI's project
JSON instead: its "vulnerabilities" are those of the latest release, so they count for a pin
that is the latest release, and a pin behind the latest is reported as not audited.

Exit 1 when a pinned dependency has a known vulnerability. A dependency that could not be
audited either way is reported by name; with BIMTEK_AUDIT_STRICT=1 that fails too.

    python scripts/audit_report.py report.json requirements.txt
"""

import json
import os
import re
import sys
import urllib.error
import urllib.request

# A template with {name}; tests point it at local files.
PROJECT_JSON = os.environ.get("BIMTEK_AUDIT_PROJECT_JSON", "https://pypi.org/pypi/{name}/json")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: str) -> dict[str, str]:
    pins = {}
    with open(path, encoding="utf-8") as requirements:
        for line in requirements:
            name, separator, version = line.strip().partition("==")
            if separator:
                pins[normalise(name)] = version
    return pins


def latest_release(name: str) -> tuple[str, list[dict]] | None:
    """Return PyPI's latest version of a project and that release's advisories, or None."""
    try:
        with urllib.request.urlopen(PROJECT_JSON.format(name=name), timeout=20) as response:
            data = json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return None
    advisories = [vuln for vuln in data.get("vulnerabilities") or [] if not vuln.get("withdrawn")]
    return data["info"]["version"], advisories


def main(report_path: str, requirements_path: str) -> int:
    with open(report_path, encoding="utf-8") as report_file:
        dependencies = json.load(report_file)["dependencies"]
    pins = read_pins(requirements_path)
    findings = []  # (name, version, advisory id, fixed versions)
    not_audited = []
    by_project_json = 0
    for dep in dependencies:
        if "skip_reason" not in dep:
            for vuln in dep.get("vulns") or []:
                findings.append((dep["name"], dep["version"], vuln["id"], vuln.get("fix_versions")))
            continue
        version = dep.get("version") or pins.get(normalise(dep["name"]))
        latest = latest_release(dep["name"]) if version else None
        if latest is None:
            not_audited.append(f"{dep['name']} (not found)")
        elif latest[0] != version:
            not_audited.append(f"{dep['name']}=={version} (PyPI's latest is {latest[0]})")
        else:
            by_project_json += 1
            for vuln in latest[1]:
                findings.append((dep["name"], version, vuln["id"], vuln.get("fixed_in")))

    for name, version, advisory, fixes in findings:
        fixed = ", ".join(fixes or []) or "no fixed version yet"
        print(f"VULNERABLE {name}=={version}: {advisory} (fixed in {fixed})")
    vulnerable = {name for name, *_rest in findings}
    audited = len(dependencies) - len(not_audited)
    print(
        f"pip-audit: {audited} of {len(dependencies)} pinned dependencies audited "
        f"({by_project_json} through PyPI's project JSON), "
        f"{len(vulnerable)} with known vulnerabilities"
    )
    if not_audited:
        print(f"NOT AUDITED: {', '.join(not_audited)}")
    if vulnerable:
        return 1
    if not_audited and os.environ.get("BIMTEK_AUDIT_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
