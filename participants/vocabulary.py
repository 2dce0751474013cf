"""
The words staff files use for a person's status, gender and frontline work, in one place.

The staff import, the directory forms and the django-import-export resource read values through
these dictionaries, so "PNS DAERAH", "P3K" or "LAKI-LAKI" mean the same on every path. Each entry
is a spelling met in a real file (SIMPEG exports, BKN's SIASN export, hand-made lists), compared
after spelling_key(): lower case, punctuation as spaces. The golongan has its own reference list
and parser in participants.golongan, which the same paths share.
"""

import functools
import re

from core.spreadsheets import cell_text
from participants.models import Employee

Status = Employee.Status

# Employment status: the Status value each spelling stands for.
STATUS_SPELLINGS = {
    Status.PNS: [
        "pns", "pns daerah", "pns pusat", "pns pusat dpk", "pns pusat dpb", "pns daerah dpk",
        "pns daerah dpb", "pegawai negeri sipil", "pns dipekerjakan", "pns diperbantukan",
    ],
    Status.CPNS: ["cpns", "calon pns", "cpns daerah", "cpns pusat", "calon pegawai negeri sipil"],
    Status.PPPK: [
        "pppk", "p3k", "pppk daerah", "pppk pusat", "pppk paruh waktu", "pppk penuh waktu",
        "pegawai pemerintah dengan perjanjian kerja",
    ],
    Status.NON_ASN: [
        "non asn", "nonasn", "honorer", "tenaga honorer", "thl", "tenaga harian lepas",
        "ptt", "pegawai tidak tetap", "tkk", "tenaga kontrak",
    ],
}  # fmt: skip
STATUS_ALIASES = {
    spelling: status for status, spellings in STATUS_SPELLINGS.items() for spelling in spellings
}

# SIASN's STATUS CPNS PNS column: whether a PNS has finished the candidate period.
CPNS_PNS_SPELLINGS = {
    Status.PNS: ["p", "pns"],
    Status.CPNS: ["c", "cpns", "calon pns"],
}
CPNS_PNS_ALIASES = {
    spelling: status for status, spellings in CPNS_PNS_SPELLINGS.items() for spelling in spellings
}

# Gender as files write it; "L" and "P" as participants.nip reads it from a NIP or NIK.
GENDER_SPELLINGS = {
    "L": ["l", "lk", "laki laki", "laki", "pria", "male", "m", "1"],
    "P": ["p", "pr", "perempuan", "wanita", "female", "f", "w", "2"],
}
GENDER_ALIASES = {
    spelling: gender for gender, spellings in GENDER_SPELLINGS.items() for spelling in spellings
}

# Yes/no columns such as Pelayanan Langsung (frontline); an empty cell is no.
YES_SPELLINGS = ["ya", "y", "iya", "yes", "1", "true", "benar", "v"]
NO_SPELLINGS = ["tidak", "tdk", "t", "no", "n", "0", "false", "salah", "bukan", "", "-"]
YES_NO_ALIASES = {**{s: True for s in YES_SPELLINGS}, **{s: False for s in NO_SPELLINGS}}


# A file repeats a handful of spellings in every row: each is read once (typed, so that the
# cell 1 and the cell True stay apart).
_per_spelling = functools.lru_cache(maxsize=1024, typed=True)


def spelling_key(value) -> str:
    """Reduce a cell to lower-case words: " PNS-Daerah. " -> "pns daerah"."""
    return _spelling_key(cell_text(value))


@functools.lru_cache(maxsize=1024)  # a file repeats a handful of words in every row
def _spelling_key(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


_NOT_WORD = re.compile(r"[^0-9a-z]+")


@_per_spelling
def parse_status(value) -> str | None:
    """Return the Status for a spelling such as "P3K" or "PNS DAERAH"; "" if empty, None if unknown."""
    key = spelling_key(value)
    if not key:
        return ""
    return STATUS_ALIASES.get(key)


@_per_spelling
def parse_cpns_pns(value) -> str | None:
    """Read SIASN's STATUS CPNS PNS ("P", "C"): Status.PNS or CPNS; "" if empty, None if unknown."""
    key = spelling_key(value)
    if not key:
        return ""
    return CPNS_PNS_ALIASES.get(key)


@_per_spelling
def parse_gender(value) -> str | None:
    """Return "L" or "P" for a spelling such as "LAKI-LAKI" or "Wanita"; "" if empty, None if unknown."""
    key = spelling_key(value)
    if not key:
        return ""
    return GENDER_ALIASES.get(key)


def parse_yes_no(value) -> bool | None:
    """Read Ya/Tidak, yes/no, 1/0 or a boolean cell; None if it is none of them."""
    if isinstance(value, bool):
        return value
    return YES_NO_ALIASES.get(spelling_key(value))
