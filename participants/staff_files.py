"""
Read a staff list (XLSX or CSV) as a table of canonical columns, whatever the office called them.

core.spreadsheets checks and decodes the upload; this finds the header row among the first
rows, maps each header to a canonical key by every spelling met in real files, and keeps each
cell as the file typed it, for the importer to judge. Nothing here touches the database.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.batch import collector_paused
from core.spreadsheets import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_ROWS,
    SpreadsheetError,
    cell_text,
    csv_grid,
    header_key,
    read_upload,
    xlsx_grid,
)

# A staff list is read by a background task, not in a request, and BKN's SIASN export is wide
# (some 80 columns when every one is kept): every file within the row limit and the header's
# column limit is read, a few seconds of a worker at most.
STAFF_LIST_MAX_CELLS = MAX_ROWS * MAX_COLUMNS

# Canonical key -> the header that exports write (Indonesian, the same in every UI language).
HEADERS = {
    "nip": "NIP",
    "gelar_depan": "Gelar Depan",
    "name": "Nama",
    "gelar_belakang": "Gelar Belakang",
    "golongan": "Pangkat/Gol",
    "jabatan": "Jabatan",
    "unit": "Unit Kerja",
    "email": "Email",
    "phone": "No HP",
    "status": "Status Kepegawaian",
    "is_frontline": "Pelayanan Langsung",
}

# Columns an import reads that the directory's own export does not write.
IMPORT_ONLY_HEADERS = {
    "nik": "NIK",
    "gender": "Jenis Kelamin",
    "cpns_pns": "Status CPNS/PNS",
}
# Every column an import can fill, by canonical key: what the column-mapping step offers.
FIELD_LABELS = {**HEADERS, **IMPORT_ONLY_HEADERS}

# Every spelling met in real files, compared after header_key(). BKN's SIASN export writes its
# columns in capitals, with spaces or underscores (NIP_BARU, GOL_AKHIR_NAMA, UNOR_NAMA).
_ALIASES = {
    "nip": ["nip", "nip baru", "nip ni pppk", "ni pppk", "nomor induk pegawai", "no nip"],
    "name": ["nama", "nama lengkap", "nama pegawai", "nama tanpa gelar", "nama pns"],
    "gelar_depan": ["gelar depan", "gelar dpn"],
    "gelar_belakang": ["gelar belakang", "gelar blkg", "gelar blk"],
    "golongan": [
        "pangkat gol", "golongan", "pangkat", "gol", "pangkat golongan", "gol ruang",
        "golongan ruang", "pangkat gol ruang", "pangkat golongan ruang", "gol akhir nama",
        "gol akhir", "golongan akhir", "gol ruang akhir",
    ],
    "jabatan": ["jabatan", "nama jabatan", "jabatan nama"],
    "unit": [
        "unit kerja", "opd", "instansi", "unit", "perangkat daerah", "skpd", "unor nama",
        "unor", "unit organisasi", "nama unor", "unit kerja nama",
    ],
    "email": ["email", "e mail", "alamat email"],
    "phone": [
        "no hp", "telepon", "hp", "no telepon", "nomor hp", "no telp", "telp", "nomor telepon",
        "no hp wa", "no wa", "whatsapp",
    ],
    "status": [
        "status kepegawaian", "status", "status pegawai", "jenis pegawai", "jenis pegawai nama",
    ],
    "is_frontline": ["frontline", "pelayanan langsung"],
    "nik": ["nik", "no nik", "nomor nik", "nomor induk kependudukan"],
    "gender": ["jenis kelamin", "jenis kelamin nama", "jk", "l p", "kelamin"],
    "cpns_pns": ["status cpns pns", "status cpns", "cpns pns"],
}  # fmt: skip
HEADER_ALIASES = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
REQUIRED_KEYS = ("nip", "name")

# Known sources of staff files, offered as presets of the column-mapping step and the command's
# --preset: header_key(header) -> canonical key, "" for a column to ignore.
SIASN_COLUMNS = {
    "pns id": "", "nip baru": "nip", "nip lama": "", "nama": "name", "gelar depan": "gelar_depan",
    "gelar blkg": "gelar_belakang", "gelar belakang": "gelar_belakang", "tgl lhr": "",
    "tempat lahir nama": "", "jenis kelamin": "gender", "nik": "nik", "nomor hp": "phone",
    "email": "email", "jenis pegawai": "status", "jenis pegawai nama": "status",
    "status cpns pns": "cpns_pns", "gol akhir nama": "golongan", "gol awal nama": "",
    "tmt golongan": "", "jenis jabatan": "", "jenis jabatan nama": "", "jabatan nama": "jabatan",
    "unor nama": "unit", "unor induk nama": "", "instansi kerja nama": "",
    "instansi induk nama": "", "satuan kerja kerja nama": "", "lokasi kerja nama": "",
}  # fmt: skip
PRESETS = {
    "siasn": SIASN_COLUMNS,
    "bimtek": {header_key(header): key for key, header in HEADERS.items()},
    "template": {header_key(header): key for key, header in FIELD_LABELS.items()},
}
PRESET_LABELS = {
    "siasn": gettext_lazy("SIASN export (BKN)"),
    "bimtek": gettext_lazy("Bimtek's own staff export"),
    "template": gettext_lazy("The import template"),
}
IGNORE = ""  # a mapping's value for a column to leave out


def header_signature(headers: list[str]) -> str:
    """Identify a file's set of headers, to remember a column mapping for the next such file."""
    keys = "\x1f".join(header_key(header) for header in headers if header_key(header))
    return hashlib.sha256(keys.encode()).hexdigest()


def preset_mapping(preset: str, headers: list[str]) -> dict[str, str]:
    """Return the mapping a preset gives the headers it knows, by header_key."""
    known = PRESETS[preset]
    return {header_key(h): known[header_key(h)] for h in headers if header_key(h) in known}


class _CellsAsText(Mapping):
    """A row's cells as text by original header, made only when read (for rejected rows)."""

    __slots__ = ("_cells", "_header_names", "_text")

    def __init__(self, headers: list[str], cells: list):
        self._header_names, self._cells, self._text = headers, cells, None

    def _as_dict(self) -> dict[str, str]:
        if self._text is None:
            self._text = {
                header: cell_text(self._cells[index])
                for index, header in enumerate(self._header_names)
                if header
            }
        return self._text

    def __getitem__(self, header):
        return self._as_dict()[header]

    def __iter__(self):
        return iter(self._as_dict())

    def __len__(self):
        return len(self._as_dict())


@dataclass
class StaffRow:
    number: int  # spreadsheet row number, header row = 1
    values: dict[str, object]  # canonical key -> raw cell value
    original: Mapping[str, str]  # original header -> cell text as in the file


@dataclass
class StaffColumn:
    """A column of the file and what the reader made of it."""

    header: str
    key: str  # canonical key, or "" when ignored
    how: str  # "alias" (a known name), "mapping" (the admin's or a preset's), "ignored"
    sample: str = ""  # the first row's cell


@dataclass
class StaffTable:
    columns: list[str]
    original_headers: list[str]
    rows: list[StaffRow] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    file_columns: list[StaffColumn] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # the mapping applied, by header_key
    mapping_remembered: bool = False  # the mapping was the one remembered for these headers


@collector_paused()
def read_staff_file(
    file_obj,
    *,
    filename: str,
    mapping: dict[str, str] | None = None,
    remembered: Callable[[list[str]], dict[str, str] | None] | None = None,
) -> StaffTable:
    """Read an uploaded XLSX or CSV staff list; raise SpreadsheetError if it cannot be used.

    mapping (header_key -> canonical key, "" to ignore) overrides the known column names; without
    one, remembered(headers) may return the mapping remembered for the file's headers.
    """
    data = read_upload(file_obj)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        grid = xlsx_grid(data, max_cells=STAFF_LIST_MAX_CELLS)
    elif extension in {"csv", "txt"}:
        grid = csv_grid(data, known_headers=HEADER_ALIASES, max_cells=STAFF_LIST_MAX_CELLS)
    elif extension == "xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx and try again."),
            code="old_excel",
        )
    else:
        raise SpreadsheetError(
            _("The file %(name)s is not an .xlsx or .csv file.") % {"name": filename},
            code="file_type",
        )
    return _build_table(grid, mapping or {}, None if mapping else remembered)


def mapping_errors(mapping: dict[str, str], headers: list[str]) -> list[str]:
    """Say what is wrong with a column mapping for a file with these headers, if anything."""
    errors = []
    unknown = sorted({key for key in mapping.values() if key and key not in FIELD_LABELS})
    if unknown:
        errors.append(
            _("Unknown fields: %(keys)s. Use one of: %(known)s.")
            % {"keys": ", ".join(unknown), "known": ", ".join(FIELD_LABELS)}
        )
        return errors
    by_key: dict[str, list[str]] = {}
    for header in headers:
        if key := _key(header, mapping):
            by_key.setdefault(key, []).append(header)
    for key, columns in by_key.items():
        if len(columns) > 1 and any(header_key(column) in mapping for column in columns):
            errors.append(
                _("%(field)s is taken from more than one column: %(columns)s. Ignore all but one.")
                % {"field": FIELD_LABELS[key], "columns": ", ".join(columns)}
            )
    missing = [FIELD_LABELS[key] for key in REQUIRED_KEYS if key not in by_key]
    if missing:
        errors.append(
            _("No column is mapped to %(fields)s.") % {"fields": ", ".join(missing)}
        )
    return errors


def _key(text, mapping: dict[str, str]) -> str | None:
    """Return the canonical key of a header: the mapping's, else the known name's."""
    key = header_key(text)
    if key in mapping:
        return mapping[key] or None
    return HEADER_ALIASES.get(key)


def _build_table(grid: Iterable[list], mapping: dict, remembered) -> StaffTable:
    rows = iter(grid)
    header, header_number, first_seen = None, 0, None
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        if not any(cell_text(cell).strip() for cell in cells):
            continue
        keys = {_key(cell, mapping) for cell in cells}
        if first_seen is None:
            first_seen = cells
        if all(key in keys for key in REQUIRED_KEYS):
            header, header_number = cells, number
            break
    if header is None:
        raise _missing_columns(first_seen or [], mapping)

    headers = [cell_text(cell).strip() for cell in header]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise SpreadsheetError(
            _("The file has %(count)d columns; a staff list may have at most %(max)d.")
            % {"count": len(headers), "max": MAX_COLUMNS},
            code="too_many_columns",
        )

    from_memory = False
    if remembered is not None and (stored := remembered(headers)):
        mapping, from_memory = stored, True
    positions: list[tuple[int, str]] = []  # (column index, canonical key)
    columns, ignored, file_columns = [], [], []
    for index, text in enumerate(headers):
        key = _key(text, mapping)
        if key is None or key in columns:
            if text:
                ignored.append(text)
                file_columns.append(StaffColumn(text, "", "ignored"))
            continue
        columns.append(key)
        positions.append((index, key))
        how = "mapping" if header_key(text) in mapping else "alias"
        file_columns.append(StaffColumn(text, key, how))
    if not all(key in columns for key in REQUIRED_KEYS):
        raise _missing_columns(header, mapping)

    table = StaffTable(
        columns=columns,
        original_headers=headers,
        ignored_headers=ignored,
        file_columns=file_columns,
        mapping=dict(mapping),
        mapping_remembered=from_memory,
    )
    width = len(headers)
    for number, cells in enumerate(rows, start=header_number + 1):
        if not any(cell_text(cell).strip() for cell in cells[:width]):
            continue  # empty rows are skipped silently
        cells = list(cells[:width]) + [None] * (width - len(cells))
        table.rows.append(
            StaffRow(
                number=number,
                values={key: cells[index] for index, key in positions},
                original=_CellsAsText(headers, cells),
            )
        )
    if table.rows:
        first = table.rows[0].original
        for column in file_columns:
            column.sample = first.get(column.header, "")[:80]
    return table


def _missing_columns(cells: list, mapping: dict) -> SpreadsheetError:
    keys = {_key(cell, mapping) for cell in cells}
    missing = [HEADERS[key] for key in REQUIRED_KEYS if key not in keys]
    return SpreadsheetError(
        _(
            "The file has no %(columns)s column. The first row must hold the column names, "
            "such as NIP and Nama."
        )
        % {"columns": ", ".join(missing)},
        code="missing_columns",
    )
