"""
Read a staff list (XLSX or CSV) as a table of canonical columns, whatever the office called them.

core.spreadsheets checks and decodes the upload; this finds the header row among the first
rows, maps each header to a canonical key by every spelling met in real files, and keeps each
cell as the file typed it, for the importer to judge. Nothing here touches the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.spreadsheets import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    SpreadsheetError,
    cell_text,
    csv_grid,
    header_key,
    read_upload,
    xlsx_grid,
)

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


@dataclass
class StaffRow:
    number: int  # spreadsheet row number, header row = 1
    values: dict[str, object]  # canonical key -> raw cell value
    original: dict[str, str]  # original header -> cell text as in the file


@dataclass
class StaffTable:
    columns: list[str]
    original_headers: list[str]
    rows: list[StaffRow] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


def read_staff_file(file_obj, *, filename: str) -> StaffTable:
    """Read an uploaded XLSX or CSV staff list; raise SpreadsheetError if it cannot be used."""
    data = read_upload(file_obj)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        grid = xlsx_grid(data)
    elif extension in {"csv", "txt"}:
        grid = csv_grid(data, known_headers=HEADER_ALIASES)
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
    return _build_table(grid)


def _build_table(grid: Iterable[list]) -> StaffTable:
    rows = iter(grid)
    header, header_number, first_seen = None, 0, None
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        if not any(cell_text(cell).strip() for cell in cells):
            continue
        keys = {HEADER_ALIASES.get(header_key(cell)) for cell in cells}
        if first_seen is None:
            first_seen = cells
        if all(key in keys for key in REQUIRED_KEYS):
            header, header_number = cells, number
            break
    if header is None:
        raise _missing_columns(first_seen or [])

    headers = [cell_text(cell).strip() for cell in header]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise SpreadsheetError(
            _("The file has %(count)d columns; a staff list may have at most %(max)d.")
            % {"count": len(headers), "max": MAX_COLUMNS},
            code="too_many_columns",
        )

    positions: list[tuple[int, str]] = []  # (column index, canonical key)
    columns, ignored = [], []
    for index, text in enumerate(headers):
        key = HEADER_ALIASES.get(header_key(text))
        if key is None or key in columns:
            if text:
                ignored.append(text)
            continue
        columns.append(key)
        positions.append((index, key))

    table = StaffTable(columns=columns, original_headers=headers, ignored_headers=ignored)
    width = len(headers)
    for number, cells in enumerate(rows, start=header_number + 1):
        if not any(cell_text(cell).strip() for cell in cells[:width]):
            continue  # empty rows are skipped silently
        cells = list(cells[:width]) + [None] * (width - len(cells))
        table.rows.append(
            StaffRow(
                number=number,
                values={key: cells[index] for index, key in positions},
                original={
                    text: cell_text(cells[index]) for index, text in enumerate(headers) if text
                },
            )
        )
    return table


def _missing_columns(cells: list) -> SpreadsheetError:
    keys = {HEADER_ALIASES.get(header_key(cell)) for cell in cells}
    missing = [HEADERS[key] for key in REQUIRED_KEYS if key not in keys]
    return SpreadsheetError(
        _(
            "The file has no %(columns)s column. The first row must hold the column names, "
            "such as NIP and Nama."
        )
        % {"columns": ", ".join(missing)},
        code="missing_columns",
    )
