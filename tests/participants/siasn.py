"""Staff files in the shape of BKN's SIASN export, as an Admin kepegawaian downloads it."""

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


def siasn_csv(rows) -> bytes:
    return csv_bytes([SIASN_HEADER, *rows], delimiter=";", encoding="utf-8", newline="\n")


def siasn_xlsx(rows) -> bytes:
    return xlsx_bytes([SIASN_HEADER, *rows])
