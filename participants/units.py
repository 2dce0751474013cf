"""
Find a unit (OPD, unit kerja) by the name a file or a person writes for it.

Names are compared as match keys: without case, punctuation or the word "dan", and with the usual
abbreviations written out ("KEC." / Kecamatan, "KEL." / Kelurahan, Disdukcapil, RSUD), so that
"KEL. CACABAN", "Kelurahan Cacaban" and "kelurahan  cacaban" are one unit. What the rules cannot
know, the admin teaches: a UnitAlias maps another name to a unit, added from the import page's
"same as …" choice or in the unit's admin page. The staff import and the django-import-export
resource both find units through unit_lookup.
"""

import functools
import re
import unicodedata

from core.spreadsheets import cell_text
from participants.models import Unit, UnitAlias

# Abbreviation -> the words it stands for, matched on whole words of the lower-cased name.
ABBREVIATIONS = {
    "kec": "kecamatan",
    "kel": "kelurahan",
    "kab": "kabupaten",
    "pkm": "puskesmas",
    "rsud": "rumah sakit umum daerah",
    "rs": "rumah sakit",
    "disdukcapil": "dinas kependudukan pencatatan sipil",
    "dukcapil": "dinas kependudukan pencatatan sipil",
    "dinkes": "dinas kesehatan",
    "dinsos": "dinas sosial",
    "dishub": "dinas perhubungan",
    "dpmptsp": "dinas penanaman modal pelayanan terpadu satu pintu",
    "disperpusip": "dinas perpustakaan kearsipan",
    "dispusip": "dinas perpustakaan kearsipan",
    "bpkad": "badan pengelolaan keuangan aset daerah",
    "bkpsdm": "badan kepegawaian pengembangan sumber daya manusia",
    "setda": "sekretariat daerah",
    "satpol": "satuan polisi pamong praja",
    "pp": "",  # "Satpol PP": the words are already in "satuan polisi pamong praja"
}
_DROPPED = {"dan", "&"}
# A unit's kind from the first words of its written-out name, for a unit created from a file.
_KINDS = [
    ("kelurahan", Unit.Kind.KELURAHAN),
    ("kecamatan", Unit.Kind.KECAMATAN),
    ("puskesmas", Unit.Kind.PUSKESMAS),
    ("rumah sakit", Unit.Kind.RUMAH_SAKIT),
    ("dinas", Unit.Kind.DINAS),
    ("badan", Unit.Kind.BADAN),
    ("satuan", Unit.Kind.SATUAN),
    ("inspektorat", Unit.Kind.INSPEKTORAT),
    ("sekretariat", Unit.Kind.SEKRETARIAT),
    ("bagian", Unit.Kind.BAGIAN),
]


def unit_key(text) -> str:
    """Reduce a unit name to its match key: "KEL. Cacaban" and "Kelurahan  CACABAN" agree."""
    return _unit_key(cell_text(text))


@functools.lru_cache(maxsize=4096)  # a staff file names a few dozen units thousands of times
def _unit_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    words = []
    for word in re.sub(r"[^0-9a-z]+", " ", text).split():
        expanded = ABBREVIATIONS.get(word, word)
        words.extend(part for part in expanded.split() if part not in _DROPPED)
    return " ".join(words)


def guess_kind(name: str) -> str:
    """Return the Unit.Kind its name suggests ("Kelurahan …" is a kelurahan), else Lainnya."""
    key = unit_key(name)
    return next((kind for prefix, kind in _KINDS if key.startswith(prefix)), Unit.Kind.LAINNYA)


def unit_lookup() -> tuple[dict[str, int], dict[int, str]]:
    """Return unit ids by every match key a file may use, and the units' names by id.

    A unit's full name wins over another unit's short name or alias.
    """
    rows = list(Unit.objects.values_list("id", "name", "short_name"))
    units = {}
    for alias_key, unit_id in UnitAlias.objects.values_list("key", "unit_id"):
        units[alias_key] = unit_id
    for pk, _name, short_name in rows:
        if short_name:
            units.setdefault(unit_key(short_name), pk)
    for pk, name, _short_name in rows:
        units[unit_key(name)] = pk
    return units, {pk: name for pk, name, _short_name in rows}
