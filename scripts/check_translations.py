"""Fail if any translatable string of the project lacks an Indonesian translation.

Runs makemessages (GNU gettext) against a copy of the catalogue, lists every msgid that is new,
empty or fuzzy, and leaves the committed catalogue untouched.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"


def main() -> int:
    if not shutil.which("xgettext"):
        print("xgettext (GNU gettext) is needed: apt-get install gettext", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as backup_dir:
        backup = Path(backup_dir) / "django.po"
        shutil.copy2(CATALOGUE, backup)
        try:
            subprocess.run(
                [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete",
                 "--ignore", "var/*", "--ignore", "benchmarks/*", "--ignore", "tests/*"],
                cwd=ROOT, check=True, capture_output=True,
            )
            with CATALOGUE.open("rb") as po_file:
                catalog = read_po(po_file)
        finally:
            shutil.copy2(backup, CATALOGUE)
    missing = [
        message
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    for message in missing:
        where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
        print(f"untranslated: {message.id!r} ({where})")
    print(f"{len(catalog)} messages, {len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
