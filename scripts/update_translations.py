"""Regenerate locale/id/LC_MESSAGES/django.po from the code and the translation parts.

Translators (and developers) write Indonesian translations in locale/id/parts/*.po, one file per
area of the app, holding only msgid/msgstr pairs. This script runs makemessages to collect every
translatable string, fills each msgstr from the parts (or keeps what django.po already has),
writes django.po and compiles it. Run it after adding or changing strings:

    .venv/bin/python scripts/update_translations.py
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale" / "id"
CATALOGUE = LOCALE / "LC_MESSAGES" / "django.po"


def _key(message):
    return (message.id, message.context)


def main() -> int:
    known = {}
    with CATALOGUE.open("rb") as po_file:
        for message in read_po(po_file):
            if message.id and message.string and not message.fuzzy:
                known[_key(message)] = message.string
    for part in sorted((LOCALE / "parts").glob("*.po")):
        with part.open("rb") as po_file:
            for message in read_po(po_file):
                if message.id and message.string:
                    known[_key(message)] = message.string

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete",
         "--ignore", "var/*", "--ignore", "benchmarks/*", "--ignore", "tests/*"],
        cwd=ROOT, check=True, capture_output=True,
    )
    with CATALOGUE.open("rb") as po_file:
        catalog = read_po(po_file, locale="id")
    missing = 0
    for message in catalog:
        if not message.id:
            continue
        if _key(message) in known:
            message.string = known[_key(message)]
            message.flags.discard("fuzzy")
        elif message.fuzzy or not message.string:
            message.string = "" if not message.pluralizable else ("",) * 1
            message.flags.discard("fuzzy")
            missing += 1
    catalog.fuzzy = False
    with CATALOGUE.open("wb") as po_file:
        write_po(po_file, catalog, width=100, include_previous=False)
    subprocess.run([sys.executable, "manage.py", "compile_translations"], cwd=ROOT, check=True)
    print(f"{len(catalog)} messages, {missing} without translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
