"""Fail if any translatable string of the project lacks an Indonesian translation.

Runs the update of scripts/update_translations.py on a scratch copy of the project, so the
committed catalogue stays untouched, and lists every msgid that has no translation there or only
a fuzzy one, and every msgid that django.po holds more than once.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po
from update_translations import CATALOGUE, ROOT, untranslated, update


def _copy_project(target):
    """Copy the project's files, as git sees them (committed or not, ignored ones left out)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def main() -> int:
    if not shutil.which("xgettext"):
        print("xgettext (GNU gettext) is needed: apt-get install gettext", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        _copy_project(Path(scratch))
        duplicates = update(Path(scratch))
        with (Path(scratch) / CATALOGUE).open("rb") as po_file:
            catalog = read_po(po_file)
    for duplicate in duplicates:
        print(f"duplicate: {duplicate}")
    if duplicates:
        print("run scripts/update_translations.py to keep one entry per msgid")
    missing = untranslated(catalog)
    for message in missing:
        where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
        print(f"untranslated: {message.id!r} ({where})")
    print(f"{len(catalog)} messages, {len(missing)} untranslated, {len(duplicates)} duplicated")
    return 1 if missing or duplicates else 0


if __name__ == "__main__":
    sys.exit(main())
