"""
The XLSX reader gives the values openpyxl gives (read-only, data only), faster.

Workbooks come as openpyxl writes them (inline strings, no cell references left out) and as Excel
and LibreOffice save them (shared strings, rich text, empty cells left out, other sheets first,
1904 dates, cached results of formulas), written here part by part.
"""

import datetime
import io
import zipfile
from xml.sax.saxutils import escape as xml_escape

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from core.spreadsheets import SpreadsheetError, xlsx_grid
from core.xlsx import sheet_rows

pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no:UserWarning")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def openpyxl_rows(data: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.active
    sheet.reset_dimensions()
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def our_rows(data: bytes) -> list[list]:
    return list(sheet_rows(zipfile.ZipFile(io.BytesIO(data))))


def written_by_openpyxl(rows, *, number_formats=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (number_formats or {}).items():
        sheet[coordinate].number_format = number_format
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def saved_workbook(sheet_data: str, *, strings=(), styles="", workbook_extra="", sheets=None):
    """Write a workbook as Excel lays one out: shared strings, styles, the sheet's XML as given.

    sheets: (name, kind, xml) per sheet, kind "worksheet" or "chartsheet"; by default one
    worksheet holding sheet_data.
    """
    sheets = sheets or [("Sheet1", "worksheet", _worksheet(sheet_data))]
    sheet_entries = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
        for n, (name, _kind, _xml) in enumerate(sheets, start=1)
    )
    relationships = "".join(
        f'<Relationship Id="rId{n}" Type="{RELS}/{kind}" Target="{kind}s/sheet{n}.xml"/>'
        for n, (_name, kind, _xml) in enumerate(sheets, start=1)
    )
    relationships += (
        f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rIdT" Type="{RELS}/styles" Target="styles.xml"/>'
    )
    files = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            + "".join(
                f'<Override PartName="/xl/{part}" ContentType="application/vnd.openxmlformats-'
                f'officedocument.spreadsheetml.{kind}+xml"/>'
                for part, kind in [
                    ("workbook.xml", "sheet.main"),
                    ("sharedStrings.xml", "sharedStrings"),
                    ("styles.xml", "styles"),
                    *(
                        (f"{kind}s/sheet{n}.xml", kind)
                        for n, (_name, kind, _xml) in enumerate(sheets, start=1)
                    ),
                ]
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">{workbook_extra}'
            f"<sheets>{sheet_entries}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{relationships}</Relationships>"
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{"".join(strings)}</sst>',
        "xl/styles.xml": f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>',
    }
    for n, (_name, kind, xml) in enumerate(sheets, start=1):
        files[f"xl/{kind}s/sheet{n}.xml"] = xml
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>\n' + text)
    return output.getvalue()


def _worksheet(sheet_data: str) -> str:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>'


DATE_STYLES = (
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/>'
    '<xf numFmtId="46"/></cellXfs>'
)


def test_an_openpyxl_workbook_reads_as_openpyxl_reads_it():
    rows = [
        ["NIP", "Nama", "Lahir", "Jam", "Aktif", "Nilai", "Kosong", "Angka panjang"],
        ["198001012005011001", "Budi", datetime.date(1980, 1, 1), datetime.time(7, 30), True,
         87.5, None, 198001012005011001],
        [None, "Siti", datetime.datetime(1985, 5, 17, 8, 0), None, False, -3, "", 0],
        [],
        ["=1+1", "teks dengan\nbaris baru", "  spasi  ", "😀 emoji", 1e-7, 12345678901234567],
    ]  # fmt: skip
    data = written_by_openpyxl(rows, number_formats={"D2": "[h]:mm"})

    assert our_rows(data) == openpyxl_rows(data)


CELL = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=12),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, max_size=8), max_size=8))
def test_any_grid_openpyxl_writes_reads_the_same(rows):
    data = written_by_openpyxl(rows)

    assert our_rows(data) == openpyxl_rows(data)


EXCEL_STRINGS = [
    "<si><t>NIP</t></si>",
    "<si><t>Nama</t></si>",
    '<si><r><rPr><b/></rPr><t>Budi </t></r><r><t xml:space="preserve">Santoso</t></r>'
    '<rPh sb="0" eb="4"><t>ふりがな</t></rPh></si>',
    "<si><t>198001012005011001</t></si>",
    "<si><t>a_x005F_x000D_b</t></si>",
]
EXCEL_ROWS = [
    '<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
    # a gap of two rows, an empty cell left out, a styled cell without a value
    '<row r="4"><c r="A4" t="s"><v>3</v></c><c r="C4" t="s"><v>2</v></c><c r="D4" s="1"/>'
    '<c r="E4" s="1"><v>29221</v></c><c r="F4" s="2"><v>44562.5</v></c></row>',
    # cells and rows without references follow the ones before them
    '<row><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1</f><v>NIP</v></c>'
    '<c t="d"><v>2024-02-29T00:00:00</v></c><c s="3"><v>1.25</v></c><c t="s"><v>4</v></c>'
    "</row>",
    '<row r="7"><c r="B7" t="inlineStr"><is><t>sebaris</t></is></c>'
    '<c r="C7"><f>SUM(1,2)</f><v>3</v></c><c r="D7"><v>1.5E+3</v></c></row>',
    '<row r="8" x14ac:dyDescent="0.25"><c r="A8" t="inlineStr"><is><t>P&amp;K</t></is></c>'
    '<c r="B8" t="b"><v>0</v></c><c r="C8" t="str"><v>teks</v></c><c r="D8" t="e"><v>#REF!</v>'
    '</c><c r="E8" t="inlineStr"><is><t xml:space="preserve"> spasi </t></is></c></row>',
]
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def _excel_sheet(rows: list[str], *, between: str = "") -> str:
    return (
        f'<worksheet xmlns="{MAIN}" xmlns:x14ac="{X14AC}"><dimension ref="A1:F8"/>'
        f"<sheetData>{between.join(rows)}</sheetData><pageMargins left=\"0.7\"/></worksheet>"
    )


@pytest.mark.parametrize(
    ("sheet", "strings"),
    [
        (_excel_sheet(EXCEL_ROWS), EXCEL_STRINGS),
        # read by the XML parser throughout: a comment, or another prefix for the namespace
        (
            _excel_sheet(EXCEL_ROWS, between="<!-- baris -->"),
            [EXCEL_STRINGS[0], "<!-- teks -->", *EXCEL_STRINGS[1:]],
        ),
        (
            _excel_sheet(EXCEL_ROWS).replace("<", "<x:").replace("<x:/", "</x:")
            .replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"'),
            EXCEL_STRINGS,
        ),
        # white space between the rows, the cells and the strings, as a program may indent
        (
            _excel_sheet([row.replace("><c", ">\n  <c") for row in EXCEL_ROWS], between="\n "),
            [f"\n  {string}" for string in EXCEL_STRINGS],
        ),
    ],
    ids=["plain", "comment", "prefixed", "indented"],
)
def test_a_workbook_as_excel_saves_it_reads_as_openpyxl_reads_it(sheet, strings):
    data = saved_workbook("", strings=strings, styles=DATE_STYLES,
                          sheets=[("Sheet1", "worksheet", sheet)])  # fmt: skip

    rows = our_rows(data)

    assert rows == openpyxl_rows(data)
    assert rows[3][:3] == ["198001012005011001", None, "Budi Santoso"]
    assert rows[3][4] == datetime.datetime(1980, 1, 1)
    assert rows[7] == ["P&K", False, "teks", "#REF!", " spasi "]


def test_rows_of_shared_strings_only_read_as_openpyxl_reads_them():
    """As Excel saves a staff list: every cell a shared string, every string plain. Empty cells
    left out, styled cells, a cell before the one written ahead of it, a column beyond ZZ."""
    strings = ["NIP", "Nama", "Unit", "Budi", "KEL. MAGERSARI", "a_x005F_x000D_b", " spasi "]
    sheet_data = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" s="4" t="s"><v>3</v></c><c r="C2" t="s"><v>4</v></c></row>'
        '<row r="3"><c r="C3" t="s"><v>5</v></c><c r="A3" t="s"><v>6</v></c></row>'
        '<row r="4"></row>'
        '<row r="5"><c r="B5" t="s"><v>3</v></c><c r="AAB5" t="s"><v>4</v></c></row>'
    )
    string_table = [f'<si><t xml:space="preserve">{text}</t></si>' for text in strings]
    data = saved_workbook(sheet_data, strings=string_table)
    # the same read by the XML parser throughout (a comment makes the sheet not plain)
    parsed = saved_workbook(sheet_data + "<!-- akhir -->", strings=string_table)

    rows = our_rows(data)

    assert rows[:3] == [
        ["NIP", "Nama", "Unit"],
        ["Budi", None, "KEL. MAGERSARI"],
        [" spasi ", None, "a_x000D_b"],
    ]
    assert rows[4][1] == "Budi" and rows[4][703] == "KEL. MAGERSARI" and len(rows[4]) == 704
    assert rows == our_rows(parsed)
    # openpyxl drops the cells before one written ahead of them (row 3); the rest is the same
    expected = openpyxl_rows(data)
    assert rows[:2] + rows[3:] == expected[:2] + expected[3:]


def _string_cell(column: int, row: int, number: int, style: str = "") -> str:
    return f'<c r="{get_column_letter(column)}{row}"{style} t="s"><v>{number}</v></c>'


def test_rows_of_forty_text_columns_read_as_openpyxl_reads_them():
    """As Excel saves an export of many columns: rows wider than the first row read, cells
    left out at the start, in between and at the end, a styled cell, a row as wide as the
    widest read so far, then a narrower one."""
    string_table = [f"<si><t>kolom {number}</t></si>" for number in range(40)]
    widths_and_gaps = [
        (40, set()), (40, {1, 18, 40}), (23, {6}), (40, set(range(2, 40))), (3, {2}),
    ]  # fmt: skip
    sheet_data = ""
    for row, (width, gaps) in enumerate(widths_and_gaps, start=1):
        cells = "".join(
            _string_cell(column, row, (column + row) % 40, ' s="2"' if column == 21 else "")
            for column in range(1, width + 1)
            if column not in gaps
        )
        sheet_data += f'<row r="{row}">{cells}</row>'
    data = saved_workbook(sheet_data, strings=string_table)
    parsed = saved_workbook(sheet_data + "<!-- akhir -->", strings=string_table)

    rows = our_rows(data)

    assert [len(row) for row in rows] == [40, 39, 23, 40, 3]
    assert rows[1][:2] == [None, "kolom 4"] and rows[1][17] is None
    assert rows[3][1:39] == [None] * 38 and rows[3][39] == "kolom 4"
    assert rows == our_rows(parsed) == openpyxl_rows(data)


EXCEL_TEXT = st.text(
    st.characters(exclude_categories=["Cs", "Cc"], include_characters="\n\r\t"), max_size=12
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EXCEL_TEXT, min_size=1, max_size=8), st.sampled_from(["", "\n", "\r\n  "]))
def test_any_string_table_as_excel_writes_it_reads_as_openpyxl_reads_it(texts, between):
    """Each string <si><t>…</t></si>, xml:space only for a string that begins or ends with a
    space, escaped as XML escapes it, with or without white space between the strings."""
    string_table = [
        ("<si><t xml:space=\"preserve\">" if text != text.strip() else "<si><t>")
        + xml_escape(text) + "</t></si>" + between
        for text in texts
    ]  # fmt: skip
    cells = "".join(_string_cell(column, 1, column - 1) for column in range(1, len(texts) + 1))
    data = saved_workbook(f'<row r="1">{cells}</row>', strings=string_table)

    assert our_rows(data) == openpyxl_rows(data)


SAVED_CELL = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=12),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)


def _saved_cell(reference: str, value, strings: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, str):
        strings.append(f'<si><t xml:space="preserve">{xml_escape(value)}</t></si>')
        return f'<c r="{reference}" t="s"><v>{len(strings) - 1}</v></c>'
    return f'<c r="{reference}"><v>{value!r}</v></c>'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(SAVED_CELL, max_size=6), max_size=6), st.integers(0, 2))
def test_any_grid_saved_as_excel_saves_it_reads_as_openpyxl_reads_it(rows, gap):
    """Shared strings (text with entities read by the XML parser), rows apart, cells left out."""
    strings, sheet_data = [], ""
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            _saved_cell(f"{'ABCDEF'[column]}{number * (gap + 1)}", value, strings)
            for column, value in enumerate(row)
        )
        sheet_data += f'<row r="{number * (gap + 1)}">{cells}</row>'
    data = saved_workbook(sheet_data, strings=strings)

    assert our_rows(data) == openpyxl_rows(data)


@pytest.mark.parametrize("limit", ["PLAIN_MAX_ROWS", "PLAIN_MAX_ROW_BYTES"])
def test_a_sheet_past_the_plain_reading_limits_reads_the_same(monkeypatch, limit):
    """Millions of rows, or one enormous row, are read by the XML parser as far as needed."""
    data = saved_workbook("", strings=EXCEL_STRINGS, styles=DATE_STYLES,
                          sheets=[("Sheet1", "worksheet", _excel_sheet(EXCEL_ROWS))])  # fmt: skip
    plain = our_rows(data)
    monkeypatch.setattr(f"core.xlsx.{limit}", 2 if limit == "PLAIN_MAX_ROWS" else 100)

    assert our_rows(data) == plain == openpyxl_rows(data)


def test_dates_of_a_1904_workbook_count_from_1904():
    data = saved_workbook(
        '<row r="1"><c r="A1" s="1"><v>366</v></c></row>',
        styles=DATE_STYLES,
        workbook_extra='<workbookPr date1904="1"/>',
    )

    assert our_rows(data) == [[datetime.datetime(1905, 1, 1)]] == openpyxl_rows(data)


def test_the_sheet_the_workbook_opens_on_is_read():
    first = _worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>Petunjuk</t></is></c></row>')
    second = _worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>Pegawai</t></is></c></row>')
    data = saved_workbook(
        "",
        sheets=[("Petunjuk", "worksheet", first), ("Pegawai", "worksheet", second)],
        workbook_extra='<bookViews><workbookView activeTab="1"/></bookViews>',
    )

    assert our_rows(data) == [["Pegawai"]] == openpyxl_rows(data)


def test_a_chart_sheet_in_front_is_passed_over_for_the_first_worksheet():
    chart = f'<chartsheet xmlns="{MAIN}"/>'
    sheet = _worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>Data</t></is></c></row>')
    data = saved_workbook("", sheets=[("Grafik", "chartsheet", chart), ("Data", "worksheet", sheet)])

    assert our_rows(data) == [["Data"]]


@pytest.mark.parametrize(
    "sheet_data",
    [
        '<row r="1"><c r="XFE1"><v>1</v></c></row>',  # beyond the last column
        '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',  # no such shared string
        '<row r="1"><c r="A1"><v>satu</v></c></row>',  # a number that is not one
        '<row r="1"><c r="1A"><v>1</v></c></row>',  # not a cell reference
        '<row r="1"><c r="A1"><v>1</v></row>',  # broken XML
        '<row r="1"><c r="A1" t="str"><v>a\x01b</v></c></row>',  # a character XML forbids
        '<row r="1"><c r="A1" t="str"><v>a&nbsp;b</v></c></row>',  # an undeclared entity
        '<row r="1"><c r="A1" t="str"><v>a]]>b</v></c></row>',  # "]]>" in text
        '<row r="1"><c r="A1"><v>1</v></c>',  # a row never closed
        '<row r="1"><c r="A1"><v>1</v></c><row r="2"></row>',  # a row inside a row
        '<row r="1" r="2"><c r="A1"><v>1</v></c></row>',  # an attribute twice
    ],
)
def test_a_broken_sheet_is_refused_with_the_workbook_message(sheet_data):
    data = saved_workbook(sheet_data)

    with pytest.raises(SpreadsheetError) as refused:
        list(xlsx_grid(data))

    assert refused.value.code == "not_xlsx"


@pytest.mark.parametrize(
    "string", ["<si><t>a</t>", "<si><t>a&nbsp;b</t></si>", "<si><t>a\x01b</t></si>", "<si>a</si"]
)
def test_a_broken_string_table_is_refused_with_the_workbook_message(string):
    data = saved_workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=[string])

    with pytest.raises(SpreadsheetError) as refused:
        list(xlsx_grid(data))

    assert refused.value.code == "not_xlsx"


def test_a_workbook_without_a_worksheet_is_refused():
    data = saved_workbook("", sheets=[("Grafik", "chartsheet", f'<chartsheet xmlns="{MAIN}"/>')])

    with pytest.raises(SpreadsheetError) as refused:
        list(xlsx_grid(data))

    assert refused.value.code == "not_xlsx"


def test_a_sheet_of_far_apart_cells_is_read_without_a_dense_grid():
    """A cell in the last column and one a million rows down cost no more than their rows."""
    data = saved_workbook(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>NIP</t></is></c></row>'
        '<row r="2"><c r="XFD2"><v>1</v></c></row>'
        '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    )

    rows = sheet_rows(zipfile.ZipFile(io.BytesIO(data)))

    assert next(rows) == ["NIP"]
    assert len(next(rows)) == 16_384
    assert next(rows) == []  # the rows in between come one at a time, as empty rows
