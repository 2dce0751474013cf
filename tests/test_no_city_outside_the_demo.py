"""Bimtek belongs to whichever office installs it: no city and no zone label is written into it.

A city's name lives only in the demo (every app's demo.py, seed_demo, fixtures/) and in the tests;
everything else reads the office profile. The zone labels (WIB, WITA, WIT) are written once, in
office/models.py, and every page and document asks the office for its own.
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The demo city and its places, and regencies and cities across every zone (2 dozen and more).
CITIES = [
    "Magelang", "Mungkid", "Tidar", "Borobudur",
    "Semarang", "Surabaya", "Bandung", "Yogyakarta", "Surakarta", "Malang", "Bogor", "Bekasi",
    "Depok", "Tangerang", "Cirebon", "Tegal", "Pekalongan", "Salatiga", "Temanggung",
    "Purworejo", "Wonosobo", "Boyolali", "Klaten", "Sleman", "Bantul", "Medan", "Palembang",
    "Padang", "Pekanbaru", "Jambi", "Bengkulu", "Lampung", "Pontianak", "Banjarmasin",
    "Balikpapan", "Samarinda", "Denpasar", "Mataram", "Kupang", "Makassar", "Manado",
    "Kendari", "Gorontalo", "Ambon", "Ternate", "Jayapura", "Sorong", "Merauke", "Jakarta",
]  # fmt: skip
CITY = re.compile(r"\b(" + "|".join(CITIES) + r")\b", re.IGNORECASE)
ZONE_LABEL = re.compile(r"\b(WIB|WITA|WIT)\b")
# A time zone's IANA name ("Asia/Makassar") names the zone, not the office's city.
ZONE_NAME = re.compile(r"Asia/[A-Za-z_]+")
# office/models.py and the migration that records its choices.
ZONE_LABELS_HOME = {
    Path("office/models.py"),
    Path("office/migrations/0001_office_profile.py"),
}
# The benchmarks measure the demo's data, as the fixtures hold it.
LEFT_OUT = {
    "tests", "fixtures", "benchmarks", "node_modules", "locale", "static", "var", "deploy",
}  # fmt: skip


def _sources():
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if path.suffix not in (".py", ".html", ".txt") or not path.is_file():
            continue
        if relative.parts[0] in LEFT_OUT or relative.parts[0].startswith("."):
            continue
        if path.name == "demo.py" or path.name == "seed_demo.py":
            continue
        yield relative, path.read_text(encoding="utf-8")


def _findings(pattern, *, skip=()):
    found = []
    for relative, text in _sources():
        if relative in skip:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for match in pattern.finditer(ZONE_NAME.sub("", line)):
                found.append(f"{relative}:{number}: {match.group(0)}")
    return found


def test_the_scan_reads_the_apps_and_the_templates():
    scanned = {relative.parts[0] for relative, _text in _sources()}

    assert {"core", "office", "participants", "trainings", "certificates", "templates"} <= scanned


def test_no_city_is_named_outside_the_demo_and_the_tests():
    assert _findings(CITY) == []


def test_no_zone_label_is_written_outside_the_office_profile():
    assert _findings(ZONE_LABEL, skip=ZONE_LABELS_HOME) == []
