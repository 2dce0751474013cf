"""
Read the cell values of an XLSX workbook's active sheet, row by row, with the standard library.

openpyxl reads a cell in about 5 µs and a shared string in more (each goes through its rich-text
objects), so reading a 20,000-row export of 19 columns cost two seconds, more than checking its
rows. This reader takes only what an import needs: the values, as openpyxl gives them in
read-only, data-only mode (text, int or float as written, True/False, a datetime for a number in
a date format, the error's text such as "#N/A"), rows as lists up to their last cell, empty rows
in between as []. Formatting, formulas, comments and the other sheets are not read. Exact
integers stay exact: a program may write an 18-digit NIP as a number. A plain sheet and string
table, as Excel and other programs write them, are read with regular expressions, twice as fast
as with the XML parser (see _plain_layout); anything else with the XML parser.

Callers check the archive first (core.spreadsheets.xlsx_grid: real zip, entry count and unpacked
size) and bound what they go through (limited_rows). Raises XlsxError for a workbook without a
readable sheet; a broken XML part raises ElementTree.ParseError.
"""

import datetime
import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import XMLPullParser, fromstring, iterparse
from xml.parsers import expat

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
# A sheet up to this size is read whole, so that a plain one (_plain_layout) is read at speed.
PLAIN_READ_BYTES = 64 * 1024 * 1024
# Beyond these a sheet is read by the XML parser, a row at a time and only as far as the caller
# reads: a small archive can hold a sheet of millions of empty rows, or one enormous row.
PLAIN_MAX_ROWS = 100_000
PLAIN_MAX_ROW_BYTES = 1024 * 1024


class XlsxError(Exception):
    """The workbook has no sheet this reader can find."""


def sheet_rows(archive: zipfile.ZipFile) -> Iterator[list]:
    """Yield the active sheet's rows as lists of values (None for an empty cell)."""
    workbook_path = _workbook_path(archive)
    parts = _relationships(archive, workbook_path)
    sheet_path, epoch = _active_sheet(archive, workbook_path, parts)
    strings = _shared_strings(archive, _part_of_kind(parts, SHARED_STRINGS_TYPE))
    date_styles, duration_styles = _date_styles(archive, _part_of_kind(parts, STYLES_TYPE))
    value_of = _value_reader(strings, date_styles, duration_styles, epoch)
    read_row = _row_reader(value_of)
    xml = _whole_part(archive, sheet_path)
    if xml is not None and (layout := _plain_layout(xml)) is not None:
        yield from _with_gaps(_plain_rows(xml, layout, read_row, value_of, strings))
        return
    with _xml_source(archive, sheet_path, xml) as source:
        yield from _with_gaps(_rows(source, read_row))


def _whole_part(archive, path: str) -> bytes | None:
    """Return a part's bytes if it is small enough to read whole, for the plain readers."""
    return archive.read(path) if archive.getinfo(path).file_size <= PLAIN_READ_BYTES else None


def _xml_source(archive, path: str, xml: bytes | None):
    """Return a part to stream to the XML parser: the bytes read already, or the archive's."""
    return io.BytesIO(xml) if xml is not None else archive.open(path)


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
    xml = _whole_part(archive, path)
    if xml is not None and (plain := _plain_strings(xml)) is not None:
        return plain
    with _xml_source(archive, path, xml) as source:
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
    return _unescaped("".join(parts))


def _unescaped(text: str) -> str:
    """Undo Excel's escape of a literal "_x" sequence ("_x005F"), as openpyxl does."""
    return text.replace("x005F_", "")


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


def _rows(source, read_row) -> Iterator[tuple[int, list]]:
    """Yield each <row> of the sheet's XML as (the number it declares, its cells read by
    read_row)."""
    parser = XMLPullParser(events=("end",))
    while chunk := source.read(CHUNK_BYTES):
        parser.feed(chunk)
        for _event, row in parser.read_events():
            if row.tag == _ROW:
                yield _integer(row.get("r"), 0), read_row(row)
                row.clear()
    parser.close()


def _with_gaps(rows: Iterator[tuple[int, list]]) -> Iterator[list]:
    """Yield the cells of (declared number, cells) rows, a row without a number (0) next after
    the one before, and the rows missing in between as []."""
    number = 0
    for declared, cells in rows:
        for _missing in range(number + 1, declared):
            yield []
        number = declared if declared > number else number + 1
        yield cells


def _row_reader(value_of):
    """Return a function reading a <row> element's cells: placed by their reference (or one
    after another without one), each cell's value given by value_of(kind, text, style)."""

    def read_row(row) -> list:
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
            if kind == "inlineStr":
                inline = cell.find(_INLINE)
                value = _string_text(inline) if inline is not None else None
            else:
                value = value_of(kind, cell.findtext(_VALUE), cell.get("s"))
            if column > len(cells):
                cells.extend([None] * (column - len(cells)))
            cells[column - 1] = value
        return cells

    return read_row


def _value_reader(strings: list[str], date_styles, duration_styles, epoch):
    """Return value_of(kind, text, style): the value of a cell other than an inline string, from
    its type (t), the text of its <v> and its style (s), as openpyxl reads it."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    def value_of(kind, text, style):
        if kind == "s":
            return strings[int(text)] if text else None
        if not text:
            return None
        if kind is None or kind == "n":
            value = _number(text)
            if date_styles and (style := _integer(style, 0)) in date_styles:
                try:
                    return from_excel(value, epoch, style in duration_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"  # as openpyxl shows a date out of range
            return value
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A)

    return value_of


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


# A plain sheet, as Excel, LibreOffice, Google Sheets and openpyxl write one, is read with regular
# expressions rather than an XML parser: a third of the time for a big staff list. Plain means:
# UTF-8, the main namespace as the default one, no DOCTYPE, comment or CDATA section, and
# <sheetData> a run of <row> elements. A row whose cells are not all plain (a formula, rich
# text, an entity, a cell without a reference) is read by the XML parser, alone; a sheet that is
# not plain is read by the XML parser throughout, which also refuses broken XML. The values are
# the same either way (value_of is the one reading of a cell's value).
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml\s[^>]*\?>)?\s*")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_WORKSHEET = re.compile(rb"<worksheet(\s[^<>]*)?>")
_STRING_TABLE = re.compile(rb"<sst(\s[^<>]*)?>")
_DEFAULT_NAMESPACE = re.compile(rb'\sxmlns\s*=\s*"([^"]*)"')
_ROW_START = re.compile(
    rb'\s*(<row((?:\s+[\w:.-]+="[\x20\x21\x23-\x25\x27-\x3b\x3d-\x7e]*")*)\s*(/?)>)'
)
_ROW_NUMBER = re.compile(rb'\sr="([^"]*)"')
# What a cell's or string's plain text never holds but a tag ("<"): an entity, a carriage return
# (the XML parser would turn "\r\n" into "\n"), a control character XML forbids.
_NOT_TEXT = rb"&\r\x00-\x08\x0b\x0c\x0e-\x1f"
_PLAIN_TEXT = rb"([^<" + _NOT_TEXT + rb"]*)"
_PLAIN_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?'
    rb"(?:/>|>(?:<v>" + _PLAIN_TEXT + rb"</v>|(<is>)<t(?: xml:space=\"preserve\")?>" + _PLAIN_TEXT
    + rb"</t></is>)?</c>)|\s+|(\S[^<]*)"  # anything else, up to the next tag: not plain
)
_PLAIN_SHARED_STRING = rb'<si><t(?: xml:space="preserve")?>' + _PLAIN_TEXT + rb"</t></si>"
_PLAIN_STRING = re.compile(
    rb"(" + _PLAIN_SHARED_STRING + rb")|(<si>.*?</si>)|\s+|(\S)", re.DOTALL
)
# A string table of plain strings only: the way Excel writes a staff list, read without looking
# at each string in Python. Most often nothing stands between the strings, and none needs
# xml:space, so the table is split at "</t></si><si><t>" (_split_strings).
_ONLY_PLAIN_STRINGS = re.compile(rb"(?:\s*" + _PLAIN_SHARED_STRING + rb")*\s*")
_PLAIN_STRING_TEXT = re.compile(_PLAIN_SHARED_STRING.decode())  # read in the decoded table
_NOT_PLAIN_TEXT = re.compile("[" + _NOT_TEXT.decode() + "]")  # searched in the decoded table
# A row of shared-string cells only, in column order from A, as Excel writes a table of text:
# one match gives each column's string number (None for a cell left out). A pattern covers
# STRING_ROW_STEP more columns than the last (_string_row), up to STRING_ROW_MAX_COLUMNS.
STRING_ROW_STEP = 16
STRING_ROW_MAX_COLUMNS = 256
_KINDS = {b"": None, b"s": "s", b"n": "n", b"str": "str", b"b": "b", b"e": "e", b"d": "d"}
_BYTE_COLUMNS = {name.encode(): index for name, index in _COLUMNS.items()}


def _plain_root(xml: bytes, root_tag: re.Pattern) -> re.Match | None:
    """Return the root element's start tag of a plain part: UTF-8, no DOCTYPE, comment or CDATA
    section, the main namespace as the default one."""
    # "!" and "]" are rare in a part, where "<" is everywhere: looked for first, they make
    # the search for "<!" and "]]>" a scan at memory speed.
    if (b"!" in xml and b"<!" in xml) or (b"]" in xml and b"]]>" in xml):
        return None
    declaration = _DECLARATION.match(xml)
    encoding = _ENCODING.search(declaration.group())
    if encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    root = root_tag.match(xml, declaration.end())
    namespace = root and _DEFAULT_NAMESPACE.search(root.group(1) or b"")
    if not namespace or namespace.group(1) != MAIN[1:-1].encode():
        return None
    return root


def _well_formed(xml: bytes) -> bool:
    try:
        expat.ParserCreate(namespace_separator=" ").Parse(xml, True)
    except expat.ExpatError:
        return False
    return True


def _plain_strings(xml: bytes) -> list[str] | None:
    """Return the shared strings of a plain part (rich text read by the XML parser, alone);
    None for another."""
    root = _plain_root(xml, _STRING_TABLE)
    closing = xml.rfind(b"</sst>")
    if root is None or closing < root.end() or not _well_formed(xml[: root.end()] + xml[closing:]):
        return None
    body = xml[root.end() : closing].decode()
    strings = _split_strings(body)  # as Excel writes them
    if strings is None and _ONLY_PLAIN_STRINGS.fullmatch(xml, root.end(), closing):
        strings = _PLAIN_STRING_TEXT.findall(body)
    if strings is not None:
        return [_unescaped(text) for text in strings] if "x005F_" in body else strings
    strings = []
    for match in _PLAIN_STRING.finditer(xml, root.end(), closing):
        plain, text, rich, other = match.groups()
        if plain:
            strings.append(_unescaped(text.decode()))
        elif rich:
            strings.append(_string_text(fromstring(root.group() + rich + b"</sst>")[0]))
        elif other:
            return None
    return strings


def _split_strings(body: str) -> list[str] | None:
    """Return the strings of a table of <si><t>…</t></si> with nothing between them, none of
    them holding what plain text never holds; None for another table."""
    if (
        not body.startswith("<si><t>")
        or not body.endswith("</t></si>")
        or _NOT_PLAIN_TEXT.search(body)
    ):
        return None
    strings = body[len("<si><t>") : -len("</t></si>")].split("</t></si><si><t>")
    # Four "<" for each string's own tags, and so none in any string: no other tag anywhere.
    return strings if body.count("<") == 4 * len(strings) else None


def _plain_layout(xml: bytes) -> tuple[bytes, list[tuple]] | None:
    """Return the root element's start tag and, per row, (start of its tag, end of its
    attributes, start of its body, end of its body) for a plain sheet; None for another."""
    root = _plain_root(xml, _WORKSHEET)
    if root is None:
        return None
    opening = xml.find(b"<sheetData>", root.end())
    closing = xml.find(b"</sheetData>", opening)
    if opening < 0 or closing < 0:
        return None
    body_start = opening + len(b"<sheetData>")
    rows, position = [], body_start
    while row := _ROW_START.match(xml, position, closing):
        tag_start, attributes_end = row.start(1), row.end(2)
        if row.group(3):  # <row .../>
            rows.append((tag_start, attributes_end, row.end(), row.end()))
            position = row.end()
            if len(rows) > PLAIN_MAX_ROWS:
                return None
            continue
        end = xml.find(b"</row>", row.end(), closing)
        if end < 0 or xml.find(b"<row", row.end(), end) >= 0:
            return None
        rows.append((tag_start, attributes_end, row.end(), end))
        position = end + len(b"</row>")
        if len(rows) > PLAIN_MAX_ROWS:
            return None
    if xml[position:closing].strip():
        return None
    # The rest of the sheet and the rows' own tags (their cells are matched in full by
    # _PLAIN_CELL), as the XML parser would find them.
    tags = b"".join(xml[start:end] + b"/>" for start, end, _body, _body_end in rows)
    if not _well_formed(xml[:body_start] + tags + xml[closing:]):
        return None
    return root.group(), rows


def _plain_rows(xml: bytes, layout, read_row, value_of, strings) -> Iterator[tuple[int, list]]:
    """Yield each row of a plain sheet as _rows does."""
    root, rows = layout
    string_row = _string_row(STRING_ROW_STEP)
    for tag_start, attributes_end, body_start, body_end in rows:
        declared = _ROW_NUMBER.search(xml, tag_start, attributes_end)
        if found := string_row.fullmatch(xml, body_start, body_end):
            cells = _shared(found.groups()[: found.lastindex or 0], strings)
        else:
            cells = _plain_cells(xml, body_start, body_end, value_of, strings)
            if cells is None:  # read this row with the XML parser, under the sheet's root element
                element = fromstring(root + xml[tag_start:body_end] + b"</row></worksheet>")
                cells = read_row(element[0])
            if string_row.groups < len(cells) <= STRING_ROW_MAX_COLUMNS:
                string_row = _string_row(-(-len(cells) // STRING_ROW_STEP) * STRING_ROW_STEP)
        yield (_integer(declared.group(1), 0) if declared else 0), cells


@functools.cache
def _string_row(width: int) -> re.Pattern:
    """Match a row of up to width shared-string cells in column order, as Excel writes them."""
    return re.compile(
        b"".join(
            rb'(?:<c r="' + name.encode() + rb'[0-9]+"(?: s="[0-9]+")? t="s"><v>([0-9]{1,10})</v>'
            rb"</c>)?+"  # possessive: a row that does not match is given up at once
            for name in list(_COLUMNS)[:width]
        )
    )


def _shared(numbers: tuple[bytes | None, ...], strings: list[str]) -> list:
    """Return the shared strings of these string numbers, None for None."""
    if None in numbers:
        return [None if number is None else strings[int(number)] for number in numbers]
    return list(map(strings.__getitem__, map(int, numbers)))


def _plain_cells(xml: bytes, start: int, end: int, value_of, strings) -> list | None:
    """Return a row's values, or None if one of its cells is not plain (or it is enormous)."""
    if end - start > PLAIN_MAX_ROW_BYTES:
        return None
    cells, size = [], 0
    for letters, style, kind, text, inline, inline_text, other in _PLAIN_CELL.findall(
        xml, start, end
    ):
        if not letters:
            if other:
                return None
            continue  # white space between cells
        if kind == b"inlineStr":
            value = _unescaped(inline_text.decode()) if inline else None
        else:
            kind = _KINDS[kind] if kind in _KINDS else kind.decode()
            value = value_of(kind, text.decode() if text else None, style or None)
        column = _BYTE_COLUMNS.get(letters) or _column_index(letters.decode())
        if column == size + 1:  # the next cell, as most are
            cells.append(value)
            size = column
        elif column > size:
            cells.extend([None] * (column - size - 1))
            cells.append(value)
            size = column
        else:
            cells[column - 1] = value
    return cells
