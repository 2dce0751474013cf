import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command

from participants.exporting import export_staff
from participants.importing import import_staff
from participants.models import Employee
from participants.staff_files import read_staff_file
from tests.factories import EmployeeFactory, UnitFactory, nip_for

pytestmark = pytest.mark.django_db

HEADERS = [
    "NIP", "Gelar Depan", "Nama", "Gelar Belakang", "Pangkat/Gol", "Jabatan", "Unit Kerja",
    "Email", "No HP", "Status Kepegawaian", "Pelayanan Langsung",
]  # fmt: skip


@pytest.fixture
def budi():
    return EmployeeFactory(
        nip=nip_for(1), gelar_depan="Dr.", name="Budi Santoso", gelar_belakang="S.Sos., M.Si.",
        golongan="III/b", jabatan="Analis Pelayanan", unit=UnitFactory(name="Kelurahan Cacaban"),
        email="budi@example.org", phone="081234567890", status=Employee.Status.PNS,
        is_frontline=True,
    )  # fmt: skip


def xlsx_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_rows(data: bytes) -> list[list]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_xlsx_export_has_indonesian_headers_and_text_nips(budi):
    data = export_staff(Employee.objects.all(), file_format="xlsx")

    assert xlsx_rows(data) == [
        HEADERS,
        [nip_for(1), "Dr.", "Budi Santoso", "S.Sos., M.Si.", "III/b", "Analis Pelayanan",
         "Kelurahan Cacaban", "budi@example.org", "081234567890", "PNS", "Ya"],
    ]  # fmt: skip
    nip_cell = openpyxl.load_workbook(io.BytesIO(data)).active["A2"]
    assert (nip_cell.data_type, nip_cell.number_format) == ("s", "@")


def test_csv_export_is_semicolon_utf8_with_bom_and_grouped_nips(budi):
    data = export_staff(Employee.objects.all(), file_format="csv")

    assert csv_rows(data) == [
        HEADERS,
        ["19860926 201505 1 002", "Dr.", "Budi Santoso", "S.Sos., M.Si.", "III/b",
         "Analis Pelayanan", "Kelurahan Cacaban", "budi@example.org", "081234567890", "PNS", "Ya"],
    ]  # fmt: skip
    assert b"\r\n" in data


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_formulas_are_never_exported_live(file_format):
    EmployeeFactory(
        name='=HYPERLINK("http://evil","klik")', jabatan="-", phone="+62812", gelar_depan="@x"
    )

    data = export_staff(Employee.objects.all(), file_format=file_format)

    if file_format == "csv":
        row = csv_rows(data)[1]
        assert (row[1], row[2], row[5], row[8]) == (
            "'@x",
            '\'=HYPERLINK("http://evil","klik")',
            "'-",
            "'+62812",
        )
    else:
        sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet_xml
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert (sheet["C2"].value, sheet["C2"].data_type) == (
            '=HYPERLINK("http://evil","klik")',
            "s",
        )


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(file_format, budi):
    EmployeeFactory(
        nip="199004122022212007",
        name="Ani Ma'ruf",
        golongan="IX",
        status=Employee.Status.PPPK,
        is_frontline=False,
        phone="+62812",
        jabatan="-",
    )
    EmployeeFactory(golongan="", status=Employee.Status.CPNS, email="", gelar_depan="=1+1")
    before = list(Employee.objects.order_by("pk").values())
    data = export_staff(Employee.objects.all(), file_format=file_format)

    report = import_staff(read_staff_file(io.BytesIO(data), filename=f"ekspor.{file_format}"))

    assert report.summary_line == "created=0 updated=0 unchanged=3 invalid=0"
    assert list(Employee.objects.order_by("pk").values()) == before


def test_non_asn_staff_are_left_out_of_exports(budi):
    EmployeeFactory(nip=None, nik="3371012609860001", status=Employee.Status.NON_ASN)

    data = export_staff(Employee.objects.all(), file_format="xlsx")

    assert [row[0] for row in xlsx_rows(data)] == ["NIP", nip_for(1)]


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_runs_one_query(django_assert_num_queries, count, file_format):
    EmployeeFactory.create_batch(count)

    with django_assert_num_queries(1):
        export_staff(Employee.objects.all(), file_format=file_format)


def test_export_rejects_an_unknown_format():
    with pytest.raises(ValueError):
        export_staff(Employee.objects.all(), file_format="pdf")


def test_export_command_writes_the_file_with_filters(tmp_path, budi, capsys):
    EmployeeFactory(status=Employee.Status.PNS)
    EmployeeFactory(
        nip="199004122022212007", golongan="IX", status=Employee.Status.PPPK, unit=budi.unit
    )
    path = tmp_path / "pegawai.xlsx"

    call_command("export_staff", str(path), "--unit", "kelurahan cacaban", "--status", "pns")

    assert [row[0] for row in xlsx_rows(path.read_bytes())] == ["NIP", nip_for(1)]
    assert capsys.readouterr().out == f"1 pegawai diekspor ke {path}.\n"


def test_export_command_refuses_other_extensions(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(
        CommandError, match="Beri nama berkas dengan akhiran .xlsx atau .csv, bukan pegawai.pdf."
    ):
        call_command("export_staff", str(tmp_path / "pegawai.pdf"))
