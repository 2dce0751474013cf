"""The staff-list import's background steps: each runs once and fails with a clear message."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from participants import services_import
from participants.models import Employee, StaffListImport
from participants.tasks import apply_staff_import, validate_staff_import
from tests.factories import UnitFactory, admin_user, nip_for

pytestmark = pytest.mark.django_db

Status = StaffListImport.Status


@pytest.fixture
def admin():
    return admin_user()


@pytest.fixture
def start(admin, django_capture_on_commit_callbacks):
    """Store a CSV as the upload page does and run the queued check."""

    def start(rows, *, run=True, **options):
        text = "\r\n".join(";".join(row) for row in rows).encode("utf-8-sig")
        with django_capture_on_commit_callbacks(execute=run):
            staff_import = services_import.start_staff_import(
                uploaded_file=SimpleUploadedFile("pegawai.csv", text),
                filename="pegawai.csv",
                skip_invalid=options.get("skip_invalid", False),
                create_units=options.get("create_units", False),
                user=admin,
            )
        staff_import.refresh_from_db()
        return staff_import

    return start


@pytest.fixture
def valid_rows():
    UnitFactory(name="Kelurahan Cacaban")
    return [["NIP", "Nama", "Unit Kerja"], [nip_for(1), "Budi Santoso", "Kelurahan Cacaban"]]


def confirm(staff_import, user, capture):
    with capture(execute=True):
        return services_import.confirm_staff_import(import_id=staff_import.pk, user=user)


def test_the_check_runs_once_even_if_the_task_is_delivered_twice(start, valid_rows):
    staff_import = start(valid_rows, run=False)
    assert staff_import.status == Status.UPLOADED

    validate_staff_import.enqueue(staff_import.pk)
    staff_import.refresh_from_db()
    validated_at = staff_import.validated_at
    validate_staff_import.enqueue(staff_import.pk)

    staff_import.refresh_from_db()
    assert (staff_import.status, staff_import.validated_at) == (Status.VALIDATED, validated_at)
    assert staff_import.report["summary_line"] == "created=1 updated=0 unchanged=0 invalid=0"


def test_an_unconfirmed_import_is_not_applied_by_a_stray_task(start, valid_rows):
    staff_import = start(valid_rows)

    apply_staff_import.enqueue(staff_import.pk)

    staff_import.refresh_from_db()
    assert staff_import.status == Status.VALIDATED
    assert Employee.objects.count() == 0


def test_confirming_before_the_check_is_refused(start, valid_rows, admin):
    staff_import = start(valid_rows, run=False)

    with pytest.raises(ValidationError) as error:
        services_import.confirm_staff_import(import_id=staff_import.pk, user=admin)

    assert error.value.code == "import_not_ready"
    assert error.value.messages == [
        "Impor ini tidak dapat dikonfirmasi: statusnya Menunggu diperiksa."
    ]


def test_a_second_confirmation_returns_the_running_import_without_queueing_it_again(
    start, valid_rows, admin, django_capture_on_commit_callbacks
):
    staff_import = start(valid_rows)
    with django_capture_on_commit_callbacks(execute=False) as first:
        services_import.confirm_staff_import(import_id=staff_import.pk, user=admin)
    with django_capture_on_commit_callbacks(execute=False) as second:
        again = services_import.confirm_staff_import(import_id=staff_import.pk, user=admin)

    assert (len(first), len(second)) == (1, 0)
    assert again.status == Status.IMPORTING


def test_a_vanished_upload_fails_with_a_message_and_writes_nothing(
    start, valid_rows, admin, django_capture_on_commit_callbacks
):
    staff_import = start(valid_rows)
    staff_import.file.storage.delete(staff_import.file.name)

    confirm(staff_import, admin, django_capture_on_commit_callbacks)

    staff_import.refresh_from_db()
    assert (staff_import.status, staff_import.error) == (
        Status.FAILED,
        "Berkas yang diunggah sudah tidak tersimpan. Unggah ulang berkas tersebut.",
    )
    assert Employee.objects.count() == 0


def test_an_unreadable_disk_fails_the_import_with_a_message(
    start, valid_rows, admin, django_capture_on_commit_callbacks, monkeypatch
):
    staff_import = start(valid_rows)

    def refuse(self, name, mode="rb"):
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(FileSystemStorage, "open", refuse)
    confirm(staff_import, admin, django_capture_on_commit_callbacks)

    staff_import.refresh_from_db()
    assert (staff_import.status, staff_import.error) == (
        Status.FAILED,
        "Impor terhenti karena kesalahan tak terduga. Tidak ada yang disimpan.",
    )
    assert staff_import.finished_at is not None
    assert Employee.objects.count() == 0


def test_the_upload_is_deleted_after_the_import_but_the_rejected_rows_stay(
    start, admin, django_capture_on_commit_callbacks
):
    UnitFactory(name="Kelurahan Cacaban")
    staff_import = start(
        [
            ["NIP", "Nama", "Unit Kerja"],
            [nip_for(1), "Budi Santoso", "Kelurahan Cacaban"],
            [nip_for(2), "", "Kelurahan Cacaban"],
        ],
        skip_invalid=True,
    )
    upload_name = staff_import.file.name
    storage = staff_import.file.storage

    confirm(staff_import, admin, django_capture_on_commit_callbacks)

    staff_import.refresh_from_db()
    assert staff_import.status == Status.DONE
    assert not staff_import.file and not storage.exists(upload_name)
    assert storage.exists(staff_import.rejected_file.name)
    assert staff_import.report["summary_line"] == "created=1 updated=0 unchanged=0 invalid=1"


def test_uploads_are_stored_under_an_unguessable_name(start, valid_rows):
    staff_import = start(valid_rows, run=False)

    name = staff_import.file.name

    assert name.startswith("imports/") and name.endswith(".csv")
    assert "pegawai" not in name
