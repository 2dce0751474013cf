"""Reading an upload costs no more than its data: the limits of core.spreadsheets.

A probe uploaded a 380 KB workbook whose sheet held 195 MB of empty formatted rows; reading it
took over 90 s while the database waited. These files are built here the way such workbooks are
made (formatting dragged down a whole column, a used range declared to the sheet's last cell).
Times are CPU times of this process: the work a file costs, whatever else the machine runs.
"""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Question
from core.spreadsheets import (
    MAX_CELLS,
    MAX_ROWS,
    MAX_SHEET_COLUMNS,
    SpreadsheetError,
    csv_grid,
    xlsx_grid,
)
from tests.factories import TrainingFactory, organiser_user

# A row that Excel writes when a format is applied to a whole row: cells with a style, no value.
EMPTY_FORMATTED_ROW = b'<row><c s="1"/><c s="1"/><c s="1"/><c s="1"/></row>'


def workbook_with_sheet_xml(rows, *, body: bytes, megabytes: int = 0, tail: bytes = b"") -> bytes:
    """Write rows with openpyxl, then add `body` repeated to fill `megabytes` of sheet XML."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    saved = io.BytesIO()
    workbook.save(saved)
    source = zipfile.ZipFile(saved)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(entry, data)
                continue
            data = data.replace(b'<dimension ref="A1:D2"/>', b'<dimension ref="A1:XFD1048576"/>')
            head, rest = data.split(b"</sheetData>", 1)
            with archive.open(entry.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                block = body * (1024 * 1024 // len(body))
                for _ in range(megabytes):
                    sheet.write(block)
                sheet.write(tail + b"</sheetData>" + rest)
    return output.getvalue()


QUESTION_ROWS = [["Pertanyaan", "A", "B", "Kunci"], ["Apa kepanjangan SKM?", "Survei", "Sistem", "A"]]


@pytest.fixture(scope="module")
def empty_rows_workbook():
    """Under 1 MB on disk, 195 MB of sheet XML: two rows of data, then millions of empty rows."""
    return workbook_with_sheet_xml(QUESTION_ROWS, body=EMPTY_FORMATTED_ROW, megabytes=195)


def test_a_workbook_with_195_mb_of_empty_rows_is_read_in_well_under_a_second(empty_rows_workbook):
    archive = zipfile.ZipFile(io.BytesIO(empty_rows_workbook))
    assert len(empty_rows_workbook) < 1024 * 1024
    assert sum(entry.file_size for entry in archive.infolist()) > 195 * 1024 * 1024

    started = time.process_time()
    rows = list(xlsx_grid(empty_rows_workbook))
    elapsed = time.process_time() - started

    assert elapsed < 5  # about 0.05 s here; it took minutes before
    assert rows == QUESTION_ROWS


@pytest.mark.django_db
def test_the_question_bank_imports_that_workbook_at_once(client, empty_rows_workbook):
    training = TrainingFactory()
    client.force_login(organiser_user())

    started = time.process_time()
    response = client.post(
        reverse("assessments:question_import", args=[training.pk]),
        {"file": SimpleUploadedFile("soal.xlsx", empty_rows_workbook)},
    )

    assert time.process_time() - started < 5
    assert response.status_code == 302
    assert list(Question.objects.values_list("text", flat=True)) == ["Apa kepanjangan SKM?"]


def test_data_after_a_few_empty_rows_is_still_read():
    rows = [["NIP", "Nama"], ["198609262015051001", "Budi"], *[[None, None]] * 50, ["x", "Ani"]]
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    saved = io.BytesIO()
    workbook.save(saved)

    grid = list(xlsx_grid(saved.getvalue()))

    assert grid[0] == ["NIP", "Nama"]
    assert grid[-1] == ["x", "Ani"]
    assert len(grid) == len(rows)  # the empty rows are kept: row numbers are the sheet's


def test_a_sheet_formatted_across_every_column_is_refused_quickly_naming_the_limit():
    wide = b"<row>" + b'<c s="1"/>' * 16384 + b"</row>"
    data = workbook_with_sheet_xml(QUESTION_ROWS, body=wide, megabytes=40)

    started = time.process_time()
    with pytest.raises(SpreadsheetError) as refused:
        list(xlsx_grid(data))

    assert time.process_time() - started < 5  # about 1.5 s
    assert refused.value.code == "too_many_cells"
    assert "600.000 sel" in refused.value.message
    assert MAX_CELLS == 600_000


def test_a_csv_beyond_the_row_limit_is_refused_naming_the_limit():
    data = ("NIP;Nama\r\n" + "198609262015051001;Budi\r\n" * MAX_ROWS).encode()

    with pytest.raises(SpreadsheetError) as refused:
        csv_grid(data)

    assert refused.value.code == "too_many_rows"
    assert refused.value.message == (
        "Berkas ini berisi lebih dari 25.000 baris. Pecah menjadi beberapa berkas yang lebih kecil."
    )


def test_a_csv_of_only_line_breaks_ends_at_the_first_thousand_empty_rows():
    data = b"NIP;Nama\r\n198609262015051001;Budi\r\n" + b"\r\n" * 5_000_000

    started = time.process_time()
    grid = csv_grid(data)

    assert time.process_time() - started < 5
    assert grid == [["NIP", "Nama"], ["198609262015051001", "Budi"]]


def test_data_beyond_the_column_limit_is_refused_naming_the_limit():
    row = ["x"] * (MAX_SHEET_COLUMNS + 1)
    data = ";".join(row).encode()

    with pytest.raises(SpreadsheetError) as refused:
        csv_grid(data)

    assert refused.value.message == (
        "Baris 1 berisi data di luar kolom ke-1000; sebuah berkas paling banyak berisi 1000 kolom."
    )
