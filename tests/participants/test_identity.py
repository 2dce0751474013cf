"""One identity check: the same status, NIP or golongan gets the same answer on every path.

The paths are the directory form, the Django admin's form, the services (what an API calls), the
admin's staff-list import, the importer of the command line and the demo, and the
django-import-export resource.
"""

import datetime
import io

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from participants import services
from participants.identity import check_identity
from participants.importing import import_staff
from participants.models import Employee, StaffListImport
from participants.resources import EmployeeResource
from tests.participants.test_staff_files import read, xlsx_bytes
from tests.factories import UnitFactory, UserFactory, nip_for
from tests.participants.test_views_import import table_rows

pytestmark = pytest.mark.django_db

PNS_NIP = nip_for(1)
PPPK_NIP = "199004122022212007"  # born 1990-04-12, PPPK 2022, first contract, female
UNIT = "Kelurahan Cacaban"
FILE_HEADER = ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja", "Status Kepegawaian"]


def _form_errors(form) -> list[str]:
    return [message for messages in form.errors.values() for message in messages]


def _row_file(status, nip, golongan) -> bytes:
    return xlsx_bytes([FILE_HEADER, [nip, "Budi Santoso", golongan, UNIT, status]])


def directory_form(client, capture, status, nip, golongan):
    response = client.post(
        reverse("participants:employee_create"),
        {"status": status, "nip": nip, "nik": "", "name": "Budi Santoso", "golongan": golongan,
         "unit": UnitFactory(name=UNIT).pk},
    )  # fmt: skip
    return _form_errors(response.context["form"])


def admin_form(client, capture, status, nip, golongan):
    client = Client()  # the Django admin is for superusers only
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:participants_employee_add"),
        {"status": status, "nip": nip, "nik": "", "name": "Budi Santoso", "golongan": golongan,
         "unit": UnitFactory(name=UNIT).pk},
    )  # fmt: skip
    return _form_errors(response.context["adminform"].form)


def service(client, capture, status, nip, golongan):
    with pytest.raises(ValidationError) as raised:
        services.create_employee(
            name="Budi Santoso", unit=UnitFactory(name=UNIT), status=status, nip=nip,
            golongan=golongan,
        )  # fmt: skip
    return raised.value.messages


def admin_import(client, capture, status, nip, golongan):
    UnitFactory(name=UNIT)
    upload = io.BytesIO(_row_file(status, nip, golongan))
    upload.name = "pegawai.xlsx"
    with capture(execute=True):
        client.post(reverse("participants:import"), {"file": upload})
    staff_import = StaffListImport.objects.get()
    preview = client.get(
        reverse("participants:import_status", args=[staff_import.pk])
    )
    return [row[-1] for row in table_rows(preview)]


def importer(client, capture, status, nip, golongan):
    UnitFactory(name=UNIT)
    report = import_staff(read(_row_file(status, nip, golongan), "pegawai.xlsx"))
    return report.rows[0].errors


def resource(client, capture, status, nip, golongan):
    UnitFactory(name=UNIT)
    dataset = tablib.Dataset().load(_row_file(status, nip, golongan), format="xlsx")
    result = EmployeeResource().import_data(dataset, dry_run=True)
    return [message for row in result.invalid_rows for message in row.error.messages]


EVERY_PATH = [directory_form, admin_form, service, admin_import, importer, resource]
FILE_PATHS = [admin_import, importer, resource]


@pytest.fixture
def submit(client_for, django_capture_on_commit_callbacks):
    """Give a path the admin's browser and the on-commit runner it may need."""

    def run(path, status, nip, golongan):
        return path(client_for, django_capture_on_commit_callbacks, status, nip, golongan)

    return run


@pytest.mark.parametrize("path", EVERY_PATH)
@pytest.mark.parametrize(
    ("status", "nip", "golongan", "message"),
    [
        ("pppk", PNS_NIP, "IX", "Status PPPK tidak sesuai dengan NIP, yang merupakan nomor PNS."),
        ("pns", PPPK_NIP, "III/a",
         "Status PNS tidak sesuai dengan NIP, yang merupakan nomor PPPK."),
        ("cpns", PPPK_NIP, "III/a",
         "Status CPNS tidak sesuai dengan NIP, yang merupakan nomor PPPK."),
        ("pns", PNS_NIP, "IX", "Golongan ruang PNS atau CPNS adalah I/a sampai IV/e, bukan IX."),
        ("pppk", PPPK_NIP, "III/a", "Golongan PPPK adalah I sampai XVII, bukan III/a."),
        ("pns", "", "III/a", "ASN wajib memiliki NIP."),
        ("pns", "19860926201505100", "III/a",
         "NIP 19860926201505100 terdiri dari 17 digit; NIP harus 18 digit."),
        ("pns", "19860926 201505 3 001", "III/a",
         "Digit jenis kelamin pada NIP 198609262015053001 adalah 3; seharusnya 1 (laki-laki) "
         "atau 2 (perempuan)."),
        ("pns", "1,98609E+17", "III/a",
         "NIP 1,98609E+17 disimpan Excel sebagai angka sehingga digit terakhirnya hilang. Format "
         "kolom NIP sebagai Teks, lalu ketik ulang NIP-nya."),
        ("pns", "198609262015051000", "III/a",
         "NIP 198609262015051000 berakhiran 000, padahal tidak ada NIP yang demikian. Jika "
         "berasal dari Excel, selnya tersimpan sebagai angka: format kolom sebagai Teks, lalu "
         "ketik ulang NIP-nya."),
    ],
    ids=[
        "pppk-with-pns-nip", "pns-with-pppk-number", "cpns-with-pppk-number",
        "pns-with-pppk-golongan", "pppk-with-pns-golongan", "asn-without-nip", "short-nip",
        "gender-digit", "nip-excel-text", "nip-rounded-by-excel",
    ],
)  # fmt: skip
def test_every_path_gives_the_same_reason(submit, path, status, nip, golongan, message):
    assert submit(path, status, nip, golongan) == [message]
    assert not Employee.objects.exists()


@pytest.mark.parametrize("path", FILE_PATHS)
@pytest.mark.parametrize(
    ("status", "nip", "golongan", "message"),
    [
        ("PNS", 198609262015051001, "III/a",
         "Sel NIP (1.98609262015051e+17) berformat angka, sehingga Excel mungkin telah "
         "mengubah digit terakhirnya. Format kolom NIP sebagai Teks lalu ketik ulang NIP-nya."),
        ("PNS", PNS_NIP, "III/f",
         "Pangkat/golongan “III/f” tidak dikenal; tulis seperti III/a (PNS) atau IX (PPPK)."),
        ("Tetap", PNS_NIP, "III/a",
         "Status kepegawaian “Tetap” tidak dikenal; gunakan PNS, CPNS, PPPK, atau non-ASN."),
        ("P3K", PNS_NIP, "Golongan IX",
         "Status PPPK tidak sesuai dengan NIP, yang merupakan nomor PNS."),
        ("", PPPK_NIP, "Penata Muda Tk. I", "Golongan PPPK adalah I sampai XVII, bukan III/b."),
    ],
    ids=["nip-number-cell", "unknown-golongan", "unknown-status", "spelled-status",
         "status-read-from-the-nip"],
)  # fmt: skip
def test_every_file_path_gives_the_same_reason(submit, path, status, nip, golongan, message):
    assert submit(path, status, nip, golongan) == [message]
    assert not Employee.objects.exists()


def test_a_person_is_read_as_typed_and_cleaned():
    identity = check_identity(
        status="P3K", nip="NIP. 19900412 2022 2 1 2 007", golongan="Golongan IX"
    )

    assert identity.values() == {"status": "pppk", "nip": PPPK_NIP, "nik": None, "golongan": "IX"}


@pytest.mark.parametrize(
    ("nip", "status"), [(PNS_NIP, "pns"), (PPPK_NIP, "pppk")], ids=["pns", "pppk"]
)
def test_an_empty_status_is_read_from_the_nip(nip, status):
    assert check_identity(status="", nip=nip).status == status


def test_a_late_appointment_is_a_warning_not_an_error():
    identity = check_identity(
        status="pns", nip="19700101 201501 1 001", today=datetime.date(2026, 11, 27)
    )

    assert [str(warning) for warning in identity.nip_info.warnings] == [
        "diangkat sebagai CPNS setelah berusia 40 tahun"
    ]


def test_every_problem_is_named_on_its_field():
    with pytest.raises(ValidationError) as raised:
        check_identity(status="non_asn", nip=PNS_NIP, nik="1234", golongan="III/a")

    assert {field: [e.code for e in errors] for field, errors in raised.value.error_dict.items()} == {
        "nip": ["nip_for_non_asn"],
        "nik": ["nik_format"],
        "golongan": ["golongan_status"],
    }
