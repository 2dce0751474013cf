"""Bring the Indonesian catalogue, locale/id/LC_MESSAGES/django.po, up to date with the code.

django.po is the one catalogue: translators edit its msgstr lines, and a developer who adds a
string may append its entry at the end. This script runs Django's makemessages, whose msgmerge
keeps every translation, puts the entries in the code's order, offers a fuzzy guess for a new
string and drops the strings the code no longer has; then it compiles the catalogue. A msgid
that appears twice (entries appended on two branches) keeps its later translation, with a
warning. Run it after adding or changing strings; a second run changes nothing:

    .venv/bin/python scripts/update_translations.py
"""

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale", "id", "LC_MESSAGES", "django.po")
MAKEMESSAGES = [
    "makemessages", "-l", "id", "--no-obsolete",
    "--ignore", "var/*", "--ignore", "benchmarks/*", "--ignore", "tests/*",
]  # fmt: skip

_KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s*"(.*)"\s*$')
_CONTINUATION = re.compile(r'\s*"(.*)"\s*$')
_CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*"\n', re.MULTILINE)


@dataclass
class _Entry:
    line: int
    lines: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def key(self):
        # The header (msgid "" without a context) is no message: it is never folded.
        if self.fields.get("msgid") or "msgctxt" in self.fields:
            return self.fields.get("msgctxt"), self.fields.get("msgid", "")
        return None

    @property
    def translation(self):
        return [value for name, value in self.fields.items() if name.startswith("msgstr")]

    @property
    def translated(self):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in self.lines)
        return not fuzzy and bool(self.translation) and all(self.translation)


def _entries(text):
    """Split a PO file's text into its entries, each with its comments."""
    entries, entry, name = [], None, None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            entry = None
            continue
        after_msgstr = name is not None and name.startswith("msgstr")
        if entry is None or (after_msgstr and line.startswith(("#", "msgctxt", "msgid"))):
            entry, name = _Entry(line=number), None
            entries.append(entry)
        entry.lines.append(line)
        if keyword := _KEYWORD.match(line):
            name = keyword[1]
            entry.fields[name] = keyword[2]
        elif (continued := _CONTINUATION.match(line)) and name is not None:
            entry.fields[name] += continued[1]
    return entries


def fold_duplicates(text):
    """Keep one entry per msgid, the later translated one; return the text and a warning per fold."""
    entries = _entries(text)
    places = {}
    for index, entry in enumerate(entries):
        if entry.key:
            places.setdefault(entry.key, []).append(index)
    dropped, warnings = set(), []
    for (context, msgid), indexes in places.items():
        if len(indexes) == 1:
            continue
        # An empty or fuzzy entry is no translation: it must not undo one made elsewhere.
        kept = ([index for index in indexes if entries[index].translated] or indexes)[-1]
        dropped.update(index for index in indexes if index != kept)
        where = ", ".join(str(entries[index].line) for index in indexes)
        name = f'msgctxt "{context}" msgid "{msgid}"' if context is not None else f'"{msgid}"'
        warnings.append(
            f"{name} appears {len(indexes)} times (lines {where}); the one on line "
            f"{entries[kept].line} is kept: {' | '.join(entries[kept].translation)!r}"
        )
    if not dropped:
        return text, warnings
    kept_entries = [entry for index, entry in enumerate(entries) if index not in dropped]
    return "\n\n".join("\n".join(entry.lines) for entry in kept_entries) + "\n", warnings


def untranslated(catalog):
    """Return the messages of a babel catalogue that have no translation or only a fuzzy one."""
    return [
        message
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]


def update(root):
    """Fold duplicates in the catalogue under root, then merge it with the strings of root's code."""
    catalogue = root / CATALOGUE
    before = catalogue.read_text(encoding="utf-8")
    folded, warnings = fold_duplicates(before)
    catalogue.write_text(folded, encoding="utf-8")
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES], cwd=root, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    after = catalogue.read_text(encoding="utf-8")
    # makemessages stamps the time of every run: without another change, the file stays as it was.
    if _CREATION_DATE.sub("", after) == _CREATION_DATE.sub("", before):
        catalogue.write_text(before, encoding="utf-8")
    return warnings


def main() -> int:
    for warning in update(ROOT):
        print(f"{CATALOGUE}: {warning}", file=sys.stderr)
    subprocess.run([sys.executable, "manage.py", "compile_translations"], cwd=ROOT, check=True)
    with (ROOT / CATALOGUE).open("rb") as po_file:
        catalog = read_po(po_file)
    print(f"{len(catalog)} messages, {len(untranslated(catalog))} untranslated or fuzzy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
