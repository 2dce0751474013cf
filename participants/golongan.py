"""
The reference list of golongan: 17 PNS grades (golongan ruang with their pangkat) and the 17
PPPK golongan, and a parser for the spellings found in real spreadsheets.
"""

import functools
import re

from django.db import models
from django.utils.translation import gettext_lazy as _

PNS_GRADES = [
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
]
PPPK_GRADES = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
]  # fmt: skip

PANGKAT = dict(PNS_GRADES)


class Golongan(models.TextChoices):
    """Every grade a civil servant can hold; the value is how documents write it."""

    # Pangkat names are Indonesian titles and stay as they are in every language.
    locals().update(
        {
            "PNS_" + code.replace("/", "_").upper(): (code, f"{code} – {pangkat}")
            for code, pangkat in PNS_GRADES
        }
    )
    locals().update({"PPPK_" + roman: (roman, f"PPPK {roman}") for roman in PPPK_GRADES})


PNS_CODES = frozenset(code for code, _pangkat in PNS_GRADES)
PPPK_CODES = frozenset(PPPK_GRADES)

_ROMAN_GROUP = r"(IV|III|II|I)"
_PNS_PATTERN = re.compile(rf"(?<![A-Z]){_ROMAN_GROUP}\s*[/\-. ]?\s*([A-E])(?![A-Z])")
_PPPK_PATTERN = re.compile(r"^(?:GOLONGAN|GOL\.?)?\s*([IVX]+|\d{1,2})$")
_TINGKAT = re.compile(r"\bTK\.?\s*(I)\b|\bTINGKAT\s*(I)\b")
_ROMAN_VALUES = {roman: index + 1 for index, roman in enumerate(PPPK_GRADES)}
_PANGKAT_BY_NAME = {name.upper(): code for code, name in PNS_GRADES}


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", str(text or "").strip().upper())
    return text


def parse_golongan(raw) -> str | None:
    """Return the golongan code for a spelling such as "III/b", "III-B", "Penata Muda Tk. I".

    Return "" for an empty value and None for a value that names no known golongan.
    """
    return _parse_golongan(str(raw or ""))


@functools.lru_cache(maxsize=1024)  # a staff list repeats a few dozen spellings in every row
def _parse_golongan(raw: str) -> str | None:
    text = _normalise(raw)
    if not text or text == "-":
        return ""
    text = re.sub(r"^(GOLONGAN|GOL\.?)\s*(RUANG)?\s*", "", text).strip()

    match = _PNS_PATTERN.search(text)
    if match:
        return f"{match.group(1)}/{match.group(2).lower()}"

    name = _TINGKAT.sub("TINGKAT I", text)
    name = re.sub(r"\s*,.*$", "", name).strip()
    if name in _PANGKAT_BY_NAME:
        return _PANGKAT_BY_NAME[name]

    match = _PPPK_PATTERN.match(text)
    if match:
        value = match.group(1)
        number = int(value) if value.isdigit() else _ROMAN_VALUES.get(value)
        if number and 1 <= number <= len(PPPK_GRADES):
            return PPPK_GRADES[number - 1]
    return None


def pangkat_label(code: str) -> str:
    """Render a golongan as documents do: "Penata Muda Tingkat I, III/b", or "Golongan IX"."""
    if code in PANGKAT:
        return f"{PANGKAT[code]}, {code}"
    if code in PPPK_CODES:
        return str(_("Golongan %(code)s") % {"code": code})
    return ""
