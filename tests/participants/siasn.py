"""Staff files in the shape of BKN's SIASN export, as an Admin kepegawaian downloads it."""

from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from tests.core.test_xlsx_reader import saved_workbook
from tests.participants.test_staff_files import csv_bytes, xlsx_bytes

SIASN_HEADER = [
    "PNS ID", "NIP BARU", "NIP LAMA", "NAMA", "GELAR DEPAN", "GELAR BLKG", "TGL LHR",
    "JENIS KELAMIN", "NIK", "NOMOR HP", "EMAIL", "JENIS PEGAWAI", "STATUS CPNS PNS",
    "GOL AKHIR NAMA", "TMT GOLONGAN", "JENIS JABATAN", "JABATAN NAMA", "UNOR NAMA",
    "INSTANSI KERJA NAMA",
]  # fmt: skip
IGNORED = ["PNS ID", "NIP LAMA", "TGL LHR", "TMT GOLONGAN", "JENIS JABATAN", "INSTANSI KERJA NAMA"]


def siasn_row(
    *, nip, name, unit, nik="", gelar_depan="", gelar_belakang="", gender="LAKI-LAKI",
    phone="081234567890", email="", jenis="PNS DAERAH", stage="P", golongan="III/B",
    jabatan="PENGADMINISTRASI UMUM",
) -> list[str]:  # fmt: skip
    """Return one SIASN row: values in capitals, as the export writes them."""
    return [
        "A8ACA7397AEB3912E040640A040269BB", nip, "", name, gelar_depan, gelar_belakang,
        f"{nip[6:8]}-{nip[4:6]}-{nip[:4]}", gender, nik, phone, email, jenis, stage, golongan,
        "01-04-2020", "JABATAN PELAKSANA", jabatan, unit, "PEMERINTAH KOTA MAGELANG",
    ]  # fmt: skip


def siasn_csv(rows, *, more_columns=()) -> bytes:
    header = [*SIASN_HEADER, *more_columns]
    return csv_bytes([header, *rows], delimiter=";", encoding="utf-8", newline="\n")


def siasn_xlsx(rows, *, more_columns=()) -> bytes:
    return xlsx_bytes([[*SIASN_HEADER, *more_columns], *rows])


def siasn_xlsx_as_excel_saves_it(rows, *, more_columns=()) -> bytes:
    """Write the rows as Excel saves a workbook, every cell a shared string: for a big file,
    quicker than openpyxl."""
    strings, numbers, sheet_data = [], {}, []
    for row_number, row in enumerate([[*SIASN_HEADER, *more_columns], *rows], start=1):
        cells = []
        for column, text in enumerate(row, start=1):
            if text:
                if text not in numbers:
                    numbers[text] = len(strings)
                    strings.append(f"<si><t>{escape(text)}</t></si>")
                reference = f"{get_column_letter(column)}{row_number}"
                cells.append(f'<c r="{reference}" t="s"><v>{numbers[text]}</v></c>')
        sheet_data.append(f'<row r="{row_number}">{"".join(cells)}</row>')
    return saved_workbook("".join(sheet_data), strings=strings)
