"""Read pip-audit's JSON report: list each vulnerability with its fix, and say what was not audited.

Exit 1 when a pinned dependency has a known vulnerability. A dependency the vulnerability service
could not look up is reported by name; with BIMTEK_AUDIT_STRICT=1 that fails too (the default
only warns, since an offline mirror of PyPI answers no version lookups).

    python scripts/audit_report.py report.json
"""

import json
import os
import sys


def main(path: str) -> int:
    with open(path, encoding="utf-8") as report_file:
        dependencies = json.load(report_file)["dependencies"]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    audited = len(dependencies) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']}=={dep['version']}: {vuln['id']} (fixed in {fixes})")
    print(f"pip-audit: {audited} of {len(dependencies)} pinned dependencies audited, "
          f"{len(vulnerable)} with known vulnerabilities")
    if skipped:
        names = ", ".join(dep['name'] for dep in skipped)
        print(f"NOT AUDITED (the vulnerability service did not know them): {names}")
    if vulnerable:
        return 1
    if skipped and os.environ.get("BIMTEK_AUDIT_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
