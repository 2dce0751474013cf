"""
Read and write spreadsheet files (XLSX and CSV) as plain grids of cells, safely.

Reading knows nothing about what the table holds: it checks the upload (size, real file type,
zip bomb), decodes CSV as offices write it (``;`` or ``,``, UTF-8 with or without BOM, or
Windows-1252) and keeps each cell as the file typed it, so that a caller can tell a NIP typed
as text from one Excel turned into a number. The staff list (participants.staff_files), the NIP
lists of enrolment and the question files build their tables on it. Writing puts every cell as
inert text, so no exported value runs as a formula, and without control characters, which the
XLSX format cannot hold (cell_text leaves them out, for reading and writing alike).

Reading is bounded (limited_rows): a table ends at EMPTY_ROWS_END_TABLE empty rows in a row,
and a file with data beyond MAX_ROWS rows or MAX_SHEET_COLUMNS columns, or more than MAX_CELLS cells
to go through, is refused with a message naming the limit. So no upload within the size limit
costs more than a couple of seconds to read, whatever used range or formatting it declares. A
caller that reads in a background task may allow more cells (max_cells): the staff import does.
"""

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.text import without_control_characters
from core.xlsx import sheet_rows

MAX_COLUMNS = 100  # columns a staff list may name in its header
# What any reader goes through: a file with data beyond these is refused, naming the limit.
MAX_SHEET_COLUMNS = 1_000
MAX_ROWS = 25_000
# A sheet's table ends at this many empty rows in a row: formatting dragged down to row
# 1,048,576 costs nothing, and neither does a used range the file declares far beyond its data.
EMPTY_ROWS_END_TABLE = 1_000
# Cells a reader goes through, filled or not (about a second of work): a row formatted across
# all 16,384 columns counts whole.
MAX_CELLS = 600_000
MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
CSV_DELIMITERS = (";", ",", "\t")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

class SpreadsheetError(Exception):
    """An upload that cannot be read as a table; ``message`` is shown to the user."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def header_key(text) -> str:
    """Reduce a header to lowercase words: " Pangkat / Gol. " -> "pangkat gol"."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def cell_text(value) -> str:
    """Render a cell value as the text a person would read in the sheet.

    Control characters are left out (core.text): every cell read from an upload and every cell
    written to an export passes here, so none is imported and none breaks a workbook.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel keeps 15 significant digits; show no more than it would.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def read_upload(file_obj) -> bytes:
    """Read an upload whole, refusing one over BIMTEK_MAX_UPLOAD_BYTES or empty."""
    limit = settings.BIMTEK_MAX_UPLOAD_BYTES
    size = getattr(file_obj, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    if hasattr(file_obj, "seek"):
        file_obj.seek(0)
    data = file_obj.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        raise _too_large(limit)
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."), code="empty")
    return data


def _too_large(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file is larger than %(size)s MB. Split it into smaller files.")
        % {"size": f"{limit / 1024 / 1024:g}"},
        code="too_large",
    )


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file is not a valid Excel workbook (.xlsx). Open it in Excel and save it again."),
        code="not_xlsx",
    )


def xlsx_grid(data: bytes, *, max_cells: int = MAX_CELLS) -> Iterable[list]:
    """Yield the rows of an XLSX upload's first sheet, refusing what is not a sane workbook."""
    if not data.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_xlsx() from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise _not_xlsx()
    # Declared sizes are enforced by zipfile when reading, so their sum bounds what the reader
    # would inflate.
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES
    ):
        raise SpreadsheetError(
            _("The workbook unpacks to far more data than a staff list holds; it was refused."),
            code="zip_bomb",
        )
    return _iter_xlsx(archive, max_cells)


def _iter_xlsx(archive: zipfile.ZipFile, max_cells: int) -> Iterable[list]:
    try:
        yield from limited_rows(sheet_rows(archive), max_cells=max_cells)
    except SpreadsheetError:
        raise
    except Exception:  # a broken part: bad XML, a missing string, a number that is not one
        raise _not_xlsx() from None
    finally:
        archive.close()


def limited_rows(rows: Iterable, *, max_cells: int = MAX_CELLS) -> Iterable[list]:
    """Yield a sheet's rows up to the end of its table, refusing one beyond the reading limits.

    The table ends at EMPTY_ROWS_END_TABLE empty rows in a row (the empty rows inside it are
    kept, so row numbers stay those of the sheet). Empty cells beyond MAX_SHEET_COLUMNS are
    dropped.
    """
    held_empty = 0  # empty rows not yet yielded: inside the table, or the start of its end
    cells = 0
    for number, values in enumerate(rows, start=1):
        cells += len(values)
        if cells > max_cells:
            raise SpreadsheetError(
                _(
                    "The sheet has more than %(cells)s cells to read. Delete the empty rows and "
                    "columns after your data (they may hold formatting) and upload it again."
                )
                % {"cells": number_format(max_cells, force_grouping=True)},
                code="too_many_cells",
            )
        last_filled = _last_filled(values)
        if last_filled < 0:
            held_empty += 1
            if held_empty >= EMPTY_ROWS_END_TABLE:
                return
            continue
        if number > MAX_ROWS:
            raise SpreadsheetError(
                _("The file has more than %(rows)s rows. Split it into smaller files.")
                % {"rows": number_format(MAX_ROWS, force_grouping=True)},
                code="too_many_rows",
            )
        if last_filled >= MAX_SHEET_COLUMNS:
            raise SpreadsheetError(
                _("Row %(row)d has data beyond column %(max)d; a file may have at most %(max)d "
                  "columns.")
                % {"row": number, "max": MAX_SHEET_COLUMNS},
                code="too_many_columns",
            )  # fmt: skip
        for _empty in range(held_empty):
            yield []
        held_empty = 0
        yield list(values[:MAX_SHEET_COLUMNS])


def _last_filled(values) -> int:
    """Return the index of a row's last cell with something in it, -1 for an empty row.

    Read from the end: in a table's row the last cell is usually filled, so one look suffices.
    """
    for index in range(len(values) - 1, -1, -1):
        value = values[index]
        if value is not None and cell_text(value).strip():
            return index
    return -1


def decode_text(data: bytes) -> str:
    """Decode a CSV or text upload as offices save them: UTF-8 (BOM or not), UTF-16, Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            raise _not_text() from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text() from None
    if b"\x00" in data[:8192] or data.startswith(b"PK\x03\x04"):
        raise _not_text()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise _not_text()
    return str(best)


def _not_text() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file is not a readable CSV text file. Save it from Excel as CSV or as .xlsx."),
        code="not_csv",
    )


def csv_grid(data: bytes, *, known_headers=frozenset(), max_cells: int = MAX_CELLS) -> list[list]:
    """Split a CSV upload into rows; the separator is the one under which known_headers show."""
    text = decode_text(data)
    delimiter = _guess_delimiter(text, known_headers)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = list(limited_rows(reader, max_cells=max_cells))
    except csv.Error:
        raise _not_text() from None
    if not _ESCAPED_FORMULA.search(text):
        return rows  # no cell to unescape: skip looking at each one
    return [[_unescape(cell) for cell in row] for row in rows]


def _guess_delimiter(text: str, known_headers) -> str:
    """Pick the separator that makes a recognisable header, else the one giving most columns."""
    head = text[:65536].splitlines()[:HEADER_SEARCH_ROWS]
    best, best_score = ",", (-1, -1)
    for delimiter in CSV_DELIMITERS:
        try:
            rows = list(csv.reader(head, delimiter=delimiter))
        except csv.Error:
            continue
        recognised = max(
            (sum(header_key(cell) in known_headers for cell in row) for row in rows), default=0
        )
        score = (recognised, max((len(row) for row in rows), default=0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


# An apostrophe before a formula's first character, where an export defused one.
_ESCAPED_FORMULA = re.compile("'[" + re.escape("".join(FORMULA_PREFIXES)) + "]")


def _unescape(cell: str) -> str:
    # Exports prefix cells that look like formulas with an apostrophe; take it off again.
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_PREFIXES:
        return cell[1:]
    return cell


def write_xlsx(
    headers: list[str], rows: Iterable[Iterable], *, text_columns: Iterable[int] = ()
) -> bytes:
    """Write a one-sheet workbook in which every cell is inert text; keep text_columns as Text."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    text_columns = set(text_columns)
    for index, header in enumerate(headers):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(12, len(header) + 4)
    sheet.freeze_panes = "A2"
    sheet.append([_text_cell(WriteOnlyCell(sheet), header) for header in headers])
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            cell = _text_cell(WriteOnlyCell(sheet), value)
            if index in text_columns:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _text_cell(cell, value):
    text = cell_text(value)
    if text:
        cell.value = text
        cell.data_type = "s"  # never "f": a value starting with = stays text
    return cell


def inert_cell(sheet, value):
    """Return a write-only cell holding value; text is always text, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        return _text_cell(cell, value)
    cell.value = value
    return cell


def write_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """Write UTF-8 CSV with BOM and ; separators, as Indonesian Excel opens it; defuse formulas."""
    output = io.StringIO(newline="")
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_escape(cell_text(value)) for value in row])
    return codecs.BOM_UTF8 + output.getvalue().encode("utf-8")


def _escape(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
