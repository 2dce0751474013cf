import csv
import datetime
import io
import zipfile

import openpyxl
import pytest

from core.spreadsheets import SpreadsheetError, write_csv, write_xlsx
from participants.staff_files import read_staff_file
from tests.factories import nip_for

HEADER = ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja"]


def csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig", newline="\r\n") -> bytes:
    """Write rows as a CSV file the way a given program would."""
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows, *, title_rows=()) -> bytes:
    """Write rows to a workbook; ints and floats become number cells as Excel stores them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [*title_rows, *rows]:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def read(data: bytes, filename: str):
    return read_staff_file(io.BytesIO(data), filename=filename)


@pytest.mark.parametrize(
    ("delimiter", "encoding", "newline"),
    [
        (";", "utf-8-sig", "\r\n"),  # Indonesian Excel: ; with BOM, CRLF
        (",", "utf-8", "\n"),
        (";", "cp1252", "\r\n"),  # older Excel: Windows-1252
        ("\t", "utf-16", "\r\n"),  # Excel "Unicode text"
    ],
)
def test_csv_dialects_read_the_same(delimiter, encoding, newline):
    data = csv_bytes(
        [HEADER, [nip_for(1), "Sjafe’i Hardjosoemarto", "III/a", "Kelurahan Cacaban"]],
        delimiter=delimiter,
        encoding=encoding,
        newline=newline,
    )

    table = read(data, "pegawai.csv")

    assert table.columns == ["nip", "name", "golongan", "unit"]
    assert [(row.number, row.values) for row in table.rows] == [
        (
            2,
            {
                "nip": nip_for(1),
                "name": "Sjafe’i Hardjosoemarto",
                "golongan": "III/a",
                "unit": "Kelurahan Cacaban",
            },
        )
    ]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        (" nama lengkap ", "name"),
        ("NAMA", "name"),
        ("Pangkat / Gol.", "golongan"),
        ("Golongan", "golongan"),
        ("Pangkat", "golongan"),
        ("OPD", "unit"),
        ("Instansi", "unit"),
        ("Telepon", "phone"),
        ("HP", "phone"),
        ("No. HP", "phone"),
        ("E-mail", "email"),
        ("Gelar Depan", "gelar_depan"),
        ("Gelar Belakang", "gelar_belakang"),
        ("Status Kepegawaian", "status"),
        ("Pelayanan Langsung", "is_frontline"),
        ("Frontline", "is_frontline"),
    ],
)
def test_headers_match_ignoring_case_spaces_and_aliases(header, key):
    data = csv_bytes([["NIP", "Nama" if key != "name" else header, header], [nip_for(1), "A", "x"]])

    table = read(data, "pegawai.csv")

    assert key in table.columns


def test_unknown_and_repeated_columns_are_ignored_and_listed():
    data = csv_bytes(
        [
            ["No", "NIP", "Nama", "Keterangan", "Golongan", "Pangkat"],
            ["1", nip_for(1), "A", "", "III/a", "Penata Muda"],
        ]
    )

    table = read(data, "pegawai.csv")

    assert table.columns == ["nip", "name", "golongan"]
    assert table.ignored_headers == ["No", "Keterangan", "Pangkat"]
    assert table.rows[0].original == {
        "No": "1", "NIP": nip_for(1), "Nama": "A", "Keterangan": "", "Golongan": "III/a",
        "Pangkat": "Penata Muda",
    }  # fmt: skip


def test_empty_rows_are_skipped_and_row_numbers_follow_the_sheet():
    data = csv_bytes(
        [HEADER, [nip_for(1), "A", "", ""], ["", "", "", ""], [], [nip_for(2), "B", "", ""]]
    )

    table = read(data, "pegawai.csv")

    assert [row.number for row in table.rows] == [2, 5]


def test_xlsx_keeps_cell_types_so_a_numeric_nip_can_be_told_apart():
    data = xlsx_bytes([HEADER, [1.98609262015051e17, "A", "III/a", "X"], [nip_for(2), "B", 9, "X"]])

    table = read(data, "pegawai.xlsx")

    assert table.rows[0].values["nip"] == 1.98609262015051e17
    assert table.rows[0].original["NIP"] == "1.98609262015051e+17"
    assert table.rows[1].values == {"nip": nip_for(2), "name": "B", "golongan": 9, "unit": "X"}


def test_xlsx_header_below_a_title_keeps_sheet_row_numbers():
    data = xlsx_bytes(
        [HEADER, [nip_for(1), "A", "III/a", "X"]], title_rows=[["DAFTAR PEGAWAI"], []]
    )

    table = read(data, "pegawai.xlsx")

    assert [row.number for row in table.rows] == [4]


def test_dates_and_formula_prefixes_render_as_text():
    data = xlsx_bytes(
        [[*HEADER, "Tanggal"], [nip_for(1), "A", "III/a", "X", datetime.datetime(2024, 1, 2)]]
    )

    table = read(data, "pegawai.xlsx")

    assert table.rows[0].original["Tanggal"] == "2024-01-02"


def assert_refused(data, filename, code, message):
    with pytest.raises(SpreadsheetError) as caught:
        read(data, filename)
    assert (caught.value.code, caught.value.message) == (code, message)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["Nama", "Unit Kerja"], ["A", "X"]],
            "Berkas tidak memiliki kolom NIP. Baris pertama harus berisi nama kolom, misalnya NIP dan Nama.",
        ),
        (
            [["NIP", "Unit Kerja"], [nip_for(1), "X"]],
            "Berkas tidak memiliki kolom Nama. Baris pertama harus berisi nama kolom, misalnya NIP dan Nama.",
        ),
        (
            [["Unit Kerja"], ["X"]],
            "Berkas tidak memiliki kolom NIP, Nama. Baris pertama harus berisi nama kolom, misalnya NIP dan Nama.",
        ),
    ],
)
def test_a_file_without_nip_or_name_column_is_refused(rows, message):
    assert_refused(csv_bytes(rows), "pegawai.csv", "missing_columns", message)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.BIMTEK_MAX_UPLOAD_BYTES = 1024 * 1024
    data = csv_bytes([HEADER, *[[nip_for(n), "Nama Pegawai " * 10, "", ""] for n in range(10000)]])

    assert_refused(
        data, "pegawai.csv", "too_large",
        "Berkas lebih besar dari 1 MB. Bagilah menjadi beberapa berkas yang lebih kecil.",
    )  # fmt: skip


def test_a_program_renamed_to_xlsx_is_refused():
    data = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)

    assert_refused(
        data, "pegawai.xlsx", "not_xlsx",
        "Berkas ini bukan buku kerja Excel (.xlsx) yang valid. Buka di Excel lalu simpan ulang.",
    )  # fmt: skip


def test_a_zip_that_is_not_a_workbook_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "hello")

    assert_refused(
        output.getvalue(), "pegawai.xlsx", "not_xlsx",
        "Berkas ini bukan buku kerja Excel (.xlsx) yang valid. Buka di Excel lalu simpan ulang.",
    )  # fmt: skip


@pytest.mark.parametrize(
    "entries",
    [[("xl/worksheets/sheet1.xml", 300 * 1024 * 1024)], [(f"x/{n}", 1) for n in range(1200)]],
)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(entries):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name, size in entries:
            with archive.open(name, "w", force_zip64=True) as entry:
                for _ in range(size // (1024 * 1024)):
                    entry.write(bytes(1024 * 1024))
                entry.write(bytes(size % (1024 * 1024)))

    assert_refused(
        output.getvalue(), "pegawai.xlsx", "zip_bomb",
        "Buku kerja ini berisi data yang jauh lebih besar daripada daftar pegawai mana pun, sehingga ditolak.",
    )  # fmt: skip


def test_more_than_100_columns_is_refused():
    data = csv_bytes([["NIP", "Nama", *[f"Kolom {n}" for n in range(99)]], [nip_for(1), "A"]])

    assert_refused(
        data, "pegawai.csv", "too_many_columns",
        "Berkas memiliki 101 kolom; daftar pegawai paling banyak 100 kolom.",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"\xd0\xcf\x11\xe0" + bytes(100), "pegawai.xls", "old_excel"),
        (b"%PDF-1.7", "pegawai.pdf", "file_type"),
        (b"\x00\x01\x02binary", "pegawai.csv", "not_csv"),
        (b"   ", "pegawai.csv", "empty"),
    ],
)
def test_other_unreadable_files_are_refused_with_a_code(data, filename, code):
    with pytest.raises(SpreadsheetError) as caught:
        read(data, filename)

    assert caught.value.code == code


def test_written_csv_defuses_formulas_and_reads_back_exactly():
    rows = [["198609262015051001", '=HYPERLINK("http://x")', "+62812", "-", "@a"]]

    data = write_csv(["NIP", "Nama", "No HP", "Jabatan", "Email"], rows)

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1] == (
        '198609262015051001;"\'=HYPERLINK(""http://x"")";\'+62812;\'-;\'@a'
    )
    assert read(data, "x.csv").rows[0].values == {
        "nip": "198609262015051001", "name": '=HYPERLINK("http://x")', "phone": "+62812",
        "jabatan": "-", "email": "@a",
    }  # fmt: skip


def test_written_xlsx_holds_text_cells_only():
    data = write_xlsx(["NIP", "Nama"], [["198609262015051001", "=1+1"]], text_columns=[0])

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    nip, name = sheet["A2"], sheet["B2"]
    assert (nip.value, nip.data_type, nip.number_format) == ("198609262015051001", "s", "@")
    assert (name.value, name.data_type) == ("=1+1", "s")


def test_django_uploads_are_read_and_their_size_checked_first(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("pegawai.csv", csv_bytes([HEADER, [nip_for(1), "A", "", ""]]))

    assert [row.values["nip"] for row in read_staff_file(upload, filename=upload.name).rows] == [
        nip_for(1)
    ]
    settings.BIMTEK_MAX_UPLOAD_BYTES = upload.size - 1
    with pytest.raises(SpreadsheetError) as caught:
        read_staff_file(upload, filename=upload.name)
    assert caught.value.code == "too_large"
