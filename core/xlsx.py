"""
Read the cell values of an XLSX workbook's active sheet, row by row, with the standard library.

openpyxl reads a cell in about 5 µs and a shared string in more (each goes through its rich-text
objects), so reading a 20,000-row export of 19 columns cost two seconds, more than checking its
rows. This reader takes only what an import needs: the values, as openpyxl gives them in
read-only, data-only mode (text, int or float as written, True/False, a datetime for a number in
a date format, the error's text such as "#N/A"), rows as lists up to their last cell, empty rows
in between as []. Formatting, formulas, comments and the other sheets are not read. Exact
integers stay exact: a program may write an 18-digit NIP as a number.

Callers check the archive first (core.spreadsheets.xlsx_grid: real zip, entry count and unpacked
size) and bound what they go through (limited_rows). Raises XlsxError for a workbook without a
readable sheet; a broken XML part raises ElementTree.ParseError.
"""

import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import XMLPullParser, iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
OFFICE_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
WORKSHEET_TYPE = "/worksheet"
SHARED_STRINGS_TYPE = "/sharedStrings"
STYLES_TYPE = "/styles"

_ROW, _CELL, _VALUE = f"{MAIN}row", f"{MAIN}c", f"{MAIN}v"
_STRING, _INLINE, _TEXT, _RUN = f"{MAIN}si", f"{MAIN}is", f"{MAIN}t", f"{MAIN}r"
_COLUMN_LETTERS = re.compile(r"[A-Za-z]{1,3}")
_DIGITS = "0123456789"
MAX_COLUMN = 16_384  # XFD, the last column of a sheet
CHUNK_BYTES = 1 << 16


class XlsxError(Exception):
    """The workbook has no sheet this reader can find."""


def sheet_rows(archive: zipfile.ZipFile) -> Iterator[list]:
    """Yield the active sheet's rows as lists of values (None for an empty cell)."""
    workbook_path = _workbook_path(archive)
    parts = _relationships(archive, workbook_path)
    sheet_path, epoch = _active_sheet(archive, workbook_path, parts)
    strings = _shared_strings(archive, _part_of_kind(parts, SHARED_STRINGS_TYPE))
    date_styles, duration_styles = _date_styles(archive, _part_of_kind(parts, STYLES_TYPE))
    with archive.open(sheet_path) as source:
        yield from _rows(source, strings, date_styles, duration_styles, epoch)


def _workbook_path(archive) -> str:
    for kind, path in _relationships(archive, "").values():
        if kind == "/officeDocument":
            return path
    return "xl/workbook.xml"


def _relationships(archive, part: str) -> dict[str, tuple[str, str]]:
    """Return a part's relationships: id -> (the type's last word such as "/worksheet", the
    path of the part it points to); the package's own for part ""."""
    folder, name = posixpath.split(part)
    found = {}
    try:
        source = archive.open(posixpath.join(folder, "_rels", f"{name}.rels"))
    except KeyError:
        return found
    with source:
        for _event, element in iterparse(source):
            if element.tag != RELATIONSHIP:
                continue
            target = element.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(folder, target))
            kind = "/" + element.get("Type", "").rsplit("/", 1)[-1]
            found[element.get("Id")] = (kind, path)
    return found


def _part_of_kind(parts: dict, kind: str) -> str | None:
    return next((path for part_kind, path in parts.values() if part_kind == kind), None)


def _active_sheet(archive, workbook_path: str, parts: dict) -> tuple[str, datetime.datetime]:
    """Return the path of the sheet the workbook opens on (else its first worksheet), and the
    epoch of its dates (1904 for old Mac workbooks)."""
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    sheets, active, epoch = [], 0, WINDOWS_EPOCH
    with archive.open(workbook_path) as source:
        for _event, element in iterparse(source):
            if element.tag == f"{MAIN}sheet":
                sheets.append(parts.get(element.get(OFFICE_RELATIONSHIP), ("", "")))
            elif element.tag == f"{MAIN}workbookView" and active == 0:
                active = _integer(element.get("activeTab"), 0)
            elif element.tag == f"{MAIN}workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = MAC_EPOCH
    worksheets = [path for kind, path in sheets if kind == WORKSHEET_TYPE]
    if not worksheets:
        raise XlsxError("no worksheet")
    kind, path = sheets[active] if 0 <= active < len(sheets) else ("", "")
    return (path if kind == WORKSHEET_TYPE else worksheets[0]), epoch


def _integer(text, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def _shared_strings(archive, path: str | None) -> list[str]:
    """Return the workbook's shared strings, rich text as its plain text, phonetic runs left out."""
    strings = []
    if path is None:
        return strings
    with archive.open(path) as source:
        for _event, element in iterparse(source):
            if element.tag == _STRING:
                strings.append(_string_text(element))
                element.clear()
    return strings


def _string_text(element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>s joined, as openpyxl
    reads it (Excel's escape of a literal "_x" sequence, "_x005F", undone)."""
    parts = []
    for child in element:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            text = child.find(_TEXT)
            if text is not None:
                parts.append(text.text or "")
    return "".join(parts).replace("x005F_", "")


def _date_styles(archive, path: str | None) -> tuple[frozenset[int], frozenset[int]]:
    """Return the indexes of the cell styles whose number format shows a date or a time, and of
    those among them that show a duration ([h]:mm)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if path is None:
        return frozenset(), frozenset()
    custom, styles, in_cell_styles = {}, [], False
    with archive.open(path) as source:
        for event, element in iterparse(source, events=("start", "end")):
            if element.tag == f"{MAIN}cellXfs":
                in_cell_styles = event == "start"
            elif event == "end" and element.tag == f"{MAIN}numFmt":
                custom[_integer(element.get("numFmtId"), -1)] = element.get("formatCode", "")
            elif event == "end" and element.tag == f"{MAIN}xf" and in_cell_styles:
                styles.append(_integer(element.get("numFmtId"), 0))
    codes = [custom.get(number, BUILTIN_FORMATS.get(number, "")) for number in styles]
    return (
        frozenset(index for index, code in enumerate(codes) if is_date_format(code)),
        frozenset(index for index, code in enumerate(codes) if is_timedelta_format(code)),
    )


def _rows(source, strings: list[str], date_styles, duration_styles, epoch) -> Iterator[list]:
    """Yield the sheet's rows from <sheetData>: cells placed by their reference (or one after
    another without one), empty rows in between as []."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    parser = XMLPullParser(events=("end",))
    number = 0
    while chunk := source.read(CHUNK_BYTES):
        parser.feed(chunk)
        for _event, row in parser.read_events():
            if row.tag != _ROW:
                continue
            declared = _integer(row.get("r"), 0)
            for _missing in range(number + 1, declared):
                yield []
            number = declared if declared > number else number + 1
            cells = []
            column = 0
            for cell in row:
                if cell.tag != _CELL:
                    continue  # an extension list, say
                reference = cell.get("r")
                if reference:
                    column = _COLUMNS.get(reference.rstrip(_DIGITS)) or _column_index(reference)
                else:
                    column += 1
                kind = cell.get("t")
                if kind == "s":
                    value = cell.findtext(_VALUE)
                    value = strings[int(value)] if value else None
                elif kind is None or kind == "n":
                    value = cell.findtext(_VALUE) or None
                    if value is not None:
                        value = _number(value)
                        if date_styles and (style := _integer(cell.get("s"), 0)) in date_styles:
                            try:
                                value = from_excel(value, epoch, style in duration_styles)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"  # as openpyxl shows a date out of range
                elif kind == "inlineStr":
                    inline = cell.find(_INLINE)
                    value = _string_text(inline) if inline is not None else None
                else:
                    value = cell.findtext(_VALUE) or None
                    if value is None or kind in ("str", "e"):
                        pass
                    elif kind == "b":
                        value = bool(int(value))
                    elif kind == "d":
                        value = from_ISO8601(value)
                if column > len(cells):
                    cells.extend([None] * (column - len(cells)))
                cells[column - 1] = value
            row.clear()
            yield cells
    parser.close()


def _number(text: str) -> int | float:
    """An int when written without a point or exponent, so that long numbers stay exact."""
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _column_index(reference: str) -> int:
    """Return the 1-based column of a cell reference: "B7" -> 2, "AA1" -> 27; refuse one beyond
    the last column, XFD."""
    letters = reference.rstrip(_DIGITS)
    if not _COLUMN_LETTERS.fullmatch(letters):
        raise XlsxError(f"bad cell reference {reference!r}")
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    if index > MAX_COLUMN:
        raise XlsxError(f"cell reference {reference!r} beyond the last column")
    return index


def _column_names(count: int) -> dict[str, int]:
    names = {}
    for index in range(1, count + 1):
        name, rest = "", index
        while rest:
            rest, letter = divmod(rest - 1, 26)
            name = chr(65 + letter) + name
        names[name] = index
    return names


_COLUMNS = _column_names(702)  # A to ZZ; beyond, _column_index works it out
