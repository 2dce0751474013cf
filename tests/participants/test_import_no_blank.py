"""An import never blanks a stored value unless the admin says so, and shows each change."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from participants.importing import import_staff
from participants.models import Employee, StaffListImport
from participants.services import create_account, update_employee
from tests.factories import EmployeeFactory, UnitFactory, UserFactory, nip_for
from tests.participants.test_views_import import (
    csv_upload,
    status_url,
    table_rows,
    text_of,
    upload,  # noqa: F401 (the fixture that posts a file to the upload page)
)
from tests.participants.test_staff_files import csv_bytes, read

pytestmark = pytest.mark.django_db

HEADER = ["NIP", "Nama", "Gelar Depan", "Jabatan", "Pangkat/Gol", "Unit Kerja", "Email", "No HP",
          "Pelayanan Langsung"]  # fmt: skip


@pytest.fixture
def unit():
    return UnitFactory(name="Kelurahan Cacaban")


@pytest.fixture
def budi(unit):
    return EmployeeFactory(
        nip=nip_for(1), name="Budi Santoso", gelar_depan="Dr.", jabatan="Analis Pelayanan",
        golongan="III/b", unit=unit, email="budi@magelangkota.go.id", phone="081234567890",
        is_frontline=True,
    )  # fmt: skip


def stored(employee):
    employee.refresh_from_db()
    return (employee.gelar_depan, employee.jabatan, employee.golongan, employee.email,
            employee.phone, employee.is_frontline)  # fmt: skip


def blank_row():
    return [nip_for(1), "Budi Santoso", "", "", "", "Kelurahan Cacaban", "", "", ""]


def test_empty_cells_keep_the_stored_values_and_say_so(budi):
    report = import_staff(read(csv_bytes([HEADER, blank_row()]), "pegawai.csv"))

    assert report.summary_line == "created=0 updated=0 unchanged=1 invalid=0"
    assert stored(budi) == (
        "Dr.", "Analis Pelayanan", "III/b", "budi@magelangkota.go.id", "081234567890", True
    )
    assert report.notes[0] == (
        "Di 1 baris, sel kosong mempertahankan nilai yang tersimpan di direktori. Untuk "
        "mengosongkan nilai tersebut, unggah berkas lagi dengan “Sel kosong mengosongkan nilai "
        "tersimpan” dicentang."
    )


def test_empty_cells_clear_the_stored_values_only_when_asked(budi):
    report = import_staff(read(csv_bytes([HEADER, blank_row()]), "pegawai.csv"), clear_empty=True)

    assert report.summary_line == "created=0 updated=1 unchanged=0 invalid=0"
    assert stored(budi) == ("", "", "", "", "", False)
    assert report.rows[0].changes == [
        ("Gelar Depan", "Dr.", ""),
        ("Pangkat/Gol", "III/b", ""),
        ("Jabatan", "Analis Pelayanan", ""),
        ("Email", "budi@magelangkota.go.id", ""),
        ("No HP", "081234567890", ""),
        ("Pelayanan Langsung", "Ya", "Tidak"),
    ]


def test_an_updated_row_lists_each_change_old_and_new(budi, unit):
    other = UnitFactory(name="RSUD Tidar")
    row = [nip_for(1), "Budi Santoso", "Dr.", "Analis Pelayanan", "III/c", "RSUD Tidar",
           "budi.s@magelangkota.go.id", "", "Ya"]  # fmt: skip

    report = import_staff(read(csv_bytes([HEADER, row]), "pegawai.csv"))

    assert report.rows[0].outcome == "updated"
    assert report.rows[0].changes == [
        ("Pangkat/Gol", "III/b", "III/c"),
        ("Unit Kerja", "Kelurahan Cacaban", "RSUD Tidar"),
        ("Email", "budi@magelangkota.go.id", "budi.s@magelangkota.go.id"),
    ]
    budi.refresh_from_db()
    assert (budi.unit, budi.phone) == (other, "081234567890")


def test_the_login_email_follows_the_directory_email_on_import(budi):
    user = create_account(employee=budi)
    EmailAddress.objects.create(user=user, email="budi@magelangkota.go.id", primary=True)
    row = [nip_for(1), "Budi Santoso", "", "", "", "Kelurahan Cacaban",
           "Budi.Baru@magelangkota.go.id", "", ""]  # fmt: skip

    import_staff(read(csv_bytes([HEADER, row]), "pegawai.csv"))

    user.refresh_from_db()
    assert (budi.__class__.objects.get(pk=budi.pk).email, user.email) == (
        "budi.baru@magelangkota.go.id",
        "budi.baru@magelangkota.go.id",
    )
    assert not EmailAddress.objects.filter(email="budi@magelangkota.go.id").exists()


def test_a_shared_mailbox_is_not_given_to_a_login(budi, unit):
    UserFactory(username="kantor", email="kelurahan@magelangkota.go.id")
    user = create_account(employee=budi)
    budi.refresh_from_db()

    update_employee(employee=budi, email="kelurahan@magelangkota.go.id")

    user.refresh_from_db()
    assert (budi.email, user.email) == ("kelurahan@magelangkota.go.id", "")


def test_the_login_email_follows_the_directory_form(budi):
    user = create_account(employee=budi)
    budi.refresh_from_db()

    update_employee(employee=budi, email="budi.lain@magelangkota.go.id")

    user.refresh_from_db()
    assert user.email == "budi.lain@magelangkota.go.id"


def test_the_preview_shows_old_and_new_values_and_the_option(budi, upload, client_for):
    file = csv_upload([HEADER, blank_row()])

    upload(file, clear_empty="on")

    staff_import = StaffListImport.objects.get()
    assert staff_import.clear_empty
    preview = client_for.get(status_url(staff_import))
    assert "Sel kosong mengosongkan nilai tersimpan" in text_of(preview)
    assert table_rows(preview)[0][:4] == ["2", "Diperbarui", budi.nip_display, "Budi Santoso"]
    assert table_rows(preview)[0][4] == (
        "Gelar Depan Dr. → menjadi (kosong) Pangkat/Gol III/b → menjadi (kosong) "
        "Jabatan Analis Pelayanan → menjadi (kosong) Email budi@magelangkota.go.id → menjadi "
        "(kosong) No HP 081234567890 → menjadi (kosong) Pelayanan Langsung Ya → menjadi Tidak"
    )
    assert Employee.objects.get().email == "budi@magelangkota.go.id"  # nothing saved yet


def test_the_command_keeps_empty_cells_unless_told_and_lists_the_changes(budi, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([HEADER, blank_row()]))
    output = StringIO()

    call_command("import_staff", str(path), "--changes", stdout=output)
    assert output.getvalue().splitlines()[-1] == "created=0 updated=0 unchanged=1 invalid=0"
    assert stored(budi)[3] == "budi@magelangkota.go.id"

    output = StringIO()
    call_command("import_staff", str(path), "--clear-empty", "--changes", stdout=output)
    assert "baris 2: Email: budi@magelangkota.go.id → " in output.getvalue().splitlines()
    assert stored(budi)[3] == ""
