"""
A staff-list import whose background worker stopped part-way, as the admin meets it.

The worker can die while it checks or imports a file (out of memory on a huge file, a deploy, a
power cut at the office). Nothing ends the import then: it only stops moving. After ten minutes
without progress its page says the work stopped and nothing was saved, and offers to check or
import the stored file again, once however often the button is pressed. A worker that was only
frozen and wakes up after the restart writes nothing.
"""

import datetime
import threading
import time

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.tasks.signals import task_enqueued
from django.urls import reverse
from django.utils import timezone

from office.selectors import current_office
from core import jobs as workers
from participants import importing, services_import
from participants.models import Employee, StaffListImport, Unit
from participants.services_import import _Run, restart_staff_import
from participants.tasks import apply_staff_import, validate_staff_import
from workers.models import Worker
from tests.trainings.test_enrolment_concurrency import run_at_once, thread_database
from tests.factories import EmployeeFactory, UnitFactory, UserFactory, WorkerFactory, nip_for
from tests.participants.test_views_import import (
    counts_shown,
    csv_upload,
    status_url,
    table_rows,
    text_of,
)

pytestmark = pytest.mark.django_db

Status = StaffListImport.Status
HEADER = ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja"]
REFRESH = '<meta http-equiv="refresh" content="2">'
STOPPED_CHECK = (
    "Proses latar belakang terhenti saat memeriksa berkas: worker tugasnya tidak memberi tanda "
    "hidup selama lebih dari satu menit, atau tidak ada kemajuan selama lebih dari 10 menit. "
    "Tidak ada data yang disimpan ke direktori pegawai."
)
STOPPED_IMPORT = (
    "Proses latar belakang terhenti sebelum impor selesai: worker tugasnya tidak memberi tanda "
    "hidup selama lebih dari satu menit, atau tidak ada kemajuan selama lebih dari 10 menit. "
    "Tidak ada data yang disimpan ke direktori pegawai, karena semua baris baru disimpan "
    "bersamaan di akhir impor."
)
postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite's writer holds the whole database from BEGIN: the worker's save cannot be "
    "waiting for the row while the admin holds it",
)
FILE_GONE = "Berkas yang diunggah sudah tidak tersimpan. Unggah ulang berkas tersebut."
CHECK_AGAIN = '<button type="submit">Periksa lagi</button>'
IMPORT_AGAIN = '<button type="submit">Impor lagi</button>'


class WorkerKilled(BaseException):
    """The worker process dies here: none of its own code runs on (no except, no finally)."""


def staff_rows(count, unit_name="Kelurahan Cacaban"):
    return [HEADER] + [
        [nip_for(n), f"Pegawai {n}", "III/a", unit_name] for n in range(1, count + 1)
    ]


def minutes_pass(staff_import, minutes):
    """Let the clock run on: every moment the import recorded moves that many minutes back."""
    row = StaffListImport.objects.get(pk=staff_import.pk)
    moments = ("created_at", "heartbeat_at", "started_at", "confirmed_at", "validated_at")
    StaffListImport.objects.filter(pk=row.pk).update(
        **{
            moment: getattr(row, moment) - datetime.timedelta(minutes=minutes)
            for moment in moments
            if getattr(row, moment)
        }
    )


def restart_url(staff_import):
    return reverse("participants:import_restart", args=[staff_import.pk])


@pytest.fixture
def unit():
    return UnitFactory(name="Kelurahan Cacaban")


@pytest.fixture
def upload(client_for, django_capture_on_commit_callbacks):
    """Post a file to the upload page; its check runs at once unless run=False."""

    def post(file, *, run=True, **options):
        with django_capture_on_commit_callbacks(execute=run):
            client_for.post(
                reverse("participants:import"), {"file": file, **options}
            )
        return StaffListImport.objects.latest("pk")

    return post


@pytest.fixture
def confirm(client_for, django_capture_on_commit_callbacks):
    def post(staff_import, rows="all"):
        url = reverse("participants:import_confirm", args=[staff_import.pk])
        with django_capture_on_commit_callbacks(execute=True):
            client_for.post(url, {"rows": rows})
        staff_import.refresh_from_db()

    return post


@pytest.fixture
def click_again(client_for, django_capture_on_commit_callbacks):
    """Press "Periksa lagi" or "Impor lagi"; the new run goes at once unless run=False."""

    def post(staff_import, *, run=True):
        with django_capture_on_commit_callbacks(execute=run):
            response = client_for.post(restart_url(staff_import))
        staff_import.refresh_from_db()
        return response

    return post


@pytest.fixture
def kill_worker(monkeypatch):
    """Make the worker die once, at a chosen point; the next worker runs normally."""

    class Killer:
        def while_checking_row(self, number):
            real = importing._validate_row
            seen = []

            def validate(*args, **kwargs):
                seen.append(1)
                if len(seen) == number:
                    raise WorkerKilled
                return real(*args, **kwargs)

            monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
            monkeypatch.setattr(importing, "_validate_row", validate)

        def while_saving(self):
            """Die after the new employees are written, before the transaction commits."""
            manager = Employee.objects
            real = manager.bulk_create
            seen = []

            def bulk_create(*args, **kwargs):
                created = real(*args, **kwargs)
                seen.append(1)
                if len(seen) == 1:
                    raise WorkerKilled
                return created

            monkeypatch.setattr(manager, "bulk_create", bulk_create)

        def while_marking_done(self):
            """Die as the import row is saved as done, after every employee is written."""
            real = StaffListImport.save
            seen = []

            def save(staff_import, *args, **kwargs):
                if staff_import.status == Status.DONE and not seen:
                    seen.append(1)
                    raise WorkerKilled
                return real(staff_import, *args, **kwargs)

            monkeypatch.setattr(StaffListImport, "save", save)

    return Killer()


# The admin's story -----------------------------------------------------------------------------


def test_a_check_whose_worker_hangs_shows_its_progress_until_ten_minutes_pass_then_stopped(
    unit, upload, client_for, kill_worker
):
    kill_worker.while_checking_row(5)
    # The worker still beats, inside the task since before it: the task hangs.
    WorkerFactory(task_started_at=timezone.now() - datetime.timedelta(hours=1))

    staff_import = upload(csv_upload(staff_rows(6)))

    assert (staff_import.status, staff_import.done, staff_import.total) == (
        Status.VALIDATING, 4, 6
    )
    minutes_pass(staff_import, 9)
    page = client_for.get(status_url(staff_import))
    assert REFRESH in page.content.decode()
    assert "Memeriksa baris… 66% 4 / 6 baris" in text_of(page)
    assert "Periksa lagi" not in text_of(page)

    minutes_pass(staff_import, 2)
    page = client_for.get(status_url(staff_import))

    html = page.content.decode()
    assert REFRESH not in html
    assert "Terhenti" in text_of(page)
    assert STOPPED_CHECK in text_of(page)
    assert (
        "Berkas yang diunggah masih tersimpan, sehingga dapat diperiksa lagi tanpa diunggah ulang."
        in text_of(page)
    )
    assert CHECK_AGAIN in html
    recent = client_for.get(reverse("participants:import"))
    assert table_rows(recent, "staff-import-recent")[0][:2] == ["pegawai.csv", "Terhenti"]
    superuser = Client()  # the record of past imports is in the Django admin, superusers only
    superuser.force_login(UserFactory(is_staff=True, is_superuser=True))
    past = superuser.get(reverse("admin:participants_stafflistimport_changelist"))
    assert '<td class="field-status_column">Terhenti</td>' in past.content.decode()


def test_a_check_whose_worker_died_shows_stopped_once_the_worker_is_silent_for_a_minute(
    unit, upload, client_for, kill_worker
):
    kill_worker.while_checking_row(5)
    worker = WorkerFactory(task_started_at=timezone.now() - datetime.timedelta(seconds=5))
    staff_import = upload(csv_upload(staff_rows(6)))
    Worker.objects.filter(pk=worker.pk).update(
        beat_at=timezone.now() - datetime.timedelta(seconds=61)
    )

    stays_moving = client_for.get(status_url(staff_import))  # its last progress is too recent
    minutes_pass(staff_import, 1)
    page = client_for.get(status_url(staff_import))

    assert "Memeriksa baris… 66% 4 / 6 baris" in text_of(stays_moving)
    assert REFRESH not in page.content.decode()
    assert "Terhenti" in text_of(page)
    assert STOPPED_CHECK in text_of(page)
    assert CHECK_AGAIN in page.content.decode()


def test_checking_again_reads_the_stored_file_and_shows_the_preview(
    unit, upload, client_for, kill_worker, click_again
):
    kill_worker.while_checking_row(2)
    staff_import = upload(csv_upload(staff_rows(3)))
    minutes_pass(staff_import, 11)

    response = click_again(staff_import)

    assert response["Location"] == status_url(staff_import)
    assert (staff_import.status, staff_import.attempt) == (Status.VALIDATED, 2)
    assert StaffListImport.objects.count() == 1
    preview = client_for.get(status_url(staff_import))
    assert counts_shown(preview) == "3 baru 0 diperbarui 0 tidak berubah 0 tidak valid"
    assert "Impor semua 3 baris" in text_of(preview)
    assert Employee.objects.count() == 0


@pytest.mark.parametrize("death", ["while_saving", "while_marking_done"])
@pytest.mark.parametrize("skip_invalid", [False, True], ids=["all-or-nothing", "skip-invalid"])
def test_an_import_whose_worker_died_while_saving_saved_nothing_and_can_be_imported_again(
    skip_invalid, death, unit, upload, confirm, client_for, kill_worker, click_again
):
    EmployeeFactory(nip=nip_for(1), name="Siti Lama", golongan="III/a", unit=unit)
    rows = [
        HEADER,
        [nip_for(1), "Siti Aminah", "III/a", "Kelurahan Cacaban"],
        [nip_for(2), "Budi Santoso", "III/b", "Kelurahan Baru"],
    ]
    if skip_invalid:
        rows.append([nip_for(3), "", "III/a", "Kelurahan Cacaban"])
    staff_import = upload(csv_upload(rows), create_units="on")
    getattr(kill_worker, death)()

    confirm(staff_import, rows="valid" if skip_invalid else "all")

    # Rows were written, then the worker died before the commit: nothing of them stays.
    assert staff_import.status == Status.IMPORTING and staff_import.started_at
    assert list(Employee.objects.values_list("name", flat=True)) == ["Siti Lama"]
    assert not Unit.objects.filter(name="Kelurahan Baru").exists()
    page = client_for.get(status_url(staff_import))
    assert REFRESH in page.content.decode()
    assert "Menyimpan ke direktori…" in text_of(page)

    minutes_pass(staff_import, 11)
    page = client_for.get(status_url(staff_import))
    assert STOPPED_IMPORT in text_of(page)
    assert IMPORT_AGAIN in page.content.decode()

    click_again(staff_import)

    assert (staff_import.status, staff_import.attempt) == (Status.DONE, 2)
    assert sorted(Employee.objects.values_list("name", "unit__name")) == [
        ("Budi Santoso", "Kelurahan Baru"),
        ("Siti Aminah", "Kelurahan Cacaban"),
    ]
    assert not staff_import.file  # the upload is deleted once imported
    result = client_for.get(status_url(staff_import), follow=True)
    assert "Impor selesai" in text_of(result)


def test_a_second_click_on_import_again_starts_one_run(
    unit, upload, confirm, client_for, kill_worker, click_again, django_capture_on_commit_callbacks
):
    staff_import = upload(csv_upload(staff_rows(2)))
    kill_worker.while_saving()
    confirm(staff_import)
    minutes_pass(staff_import, 11)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = click_again(staff_import, run=False)
        second = click_again(staff_import, run=False)

    assert len(queued) == 1
    assert first["Location"] == second["Location"] == status_url(staff_import)
    assert (staff_import.status, staff_import.attempt, staff_import.started_at) == (
        Status.IMPORTING, 2, None
    )
    page = client_for.get(status_url(staff_import))
    assert "Menunggu pekerja latar belakang memulai…" in text_of(page)
    assert REFRESH in page.content.decode()


def test_a_long_check_that_still_reports_progress_is_never_called_stopped(
    client_for, admin, click_again
):
    staff_import = StaffListImport.objects.create(
        original_filename="pegawai-besar.xlsx",
        status=Status.VALIDATING,
        done=60000,
        total=150000,
        created_by=admin,
    )
    minutes_pass(staff_import, 40)  # uploaded forty minutes ago, last progress three ago
    StaffListImport.objects.filter(pk=staff_import.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    WorkerFactory(task_started_at=timezone.now() - datetime.timedelta(minutes=40))

    page = client_for.get(status_url(staff_import))
    click_again(staff_import)  # a hand-made POST

    assert REFRESH in page.content.decode()
    assert "Memeriksa baris… 40% 60.000 / 150.000 baris" in text_of(page)
    assert "terhenti" not in text_of(page)
    assert (staff_import.status, staff_import.attempt) == (Status.VALIDATING, 1)


@pytest.mark.parametrize("status", [Status.UPLOADED, Status.IMPORTING])
def test_an_import_waiting_for_the_worker_is_not_called_stopped(status, client_for, admin):
    # django-tasks-db keeps the task until a worker takes it, however long the worker is away.
    staff_import = StaffListImport.objects.create(
        original_filename="pegawai.csv",
        status=status,
        confirmed_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC),
        created_by=admin,
    )
    minutes_pass(staff_import, 60)

    page = client_for.get(status_url(staff_import))

    assert not StaffListImport.objects.get(pk=staff_import.pk).has_stopped
    assert "Menunggu pekerja latar belakang memulai…" in text_of(page)
    assert REFRESH in page.content.decode()


def test_a_stopped_check_whose_file_is_gone_asks_for_the_file_again(
    unit, upload, client_for, kill_worker, click_again
):
    kill_worker.while_checking_row(2)
    staff_import = upload(csv_upload(staff_rows(3)))
    staff_import.file.storage.delete(staff_import.file.name)
    minutes_pass(staff_import, 11)

    page = client_for.get(status_url(staff_import))

    assert STOPPED_CHECK in text_of(page)
    assert FILE_GONE in text_of(page)
    assert "Periksa lagi" not in text_of(page)
    assert f'href="{reverse("participants:import")}">Unggah berkas</a>' in (
        page.content.decode()
    )

    response = click_again(staff_import)  # a hand-made POST

    assert (staff_import.status, staff_import.error) == (
        Status.FAILED, f"{STOPPED_CHECK} {FILE_GONE}"
    )
    shown = client_for.get(response["Location"])
    assert text_of(shown).count(FILE_GONE) == 2  # the message and the import's own error


def test_uploading_the_same_file_again_after_its_check_stopped_checks_the_new_copy(
    unit, upload, kill_worker
):
    content = csv_upload(staff_rows(3)).read()
    kill_worker.while_checking_row(2)
    stopped = upload(SimpleUploadedFile("pegawai.csv", content))
    minutes_pass(stopped, 11)
    stored_name = stopped.file.name

    again = upload(SimpleUploadedFile("pegawai.csv", content))

    stopped.refresh_from_db()
    assert again.pk != stopped.pk
    assert again.status == Status.VALIDATED
    assert (stopped.status, stopped.error, stopped.file.name) == (Status.FAILED, STOPPED_CHECK, "")
    assert not again.file.storage.exists(stored_name)


# A worker that was only frozen ----------------------------------------------------------------


def test_a_frozen_check_worker_that_wakes_after_the_restart_writes_nothing(
    unit, upload, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    staff_import = upload(csv_upload(staff_rows(6)), run=False)
    restarted = []
    real = importing._validate_row
    seen = []

    def validate(*args, **kwargs):
        seen.append(1)
        if len(seen) == 3:  # the worker freezes on row 3 for eleven minutes...
            minutes_pass(staff_import, 11)
            with django_capture_on_commit_callbacks(execute=False) as queued:
                client_for.post(restart_url(staff_import))  # ...and the admin presses the button
            restarted.extend(queued)
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(importing, "_validate_row", validate)

    validate_staff_import.enqueue(staff_import.pk, 1)

    staff_import.refresh_from_db()
    assert (staff_import.status, staff_import.attempt) == (Status.UPLOADED, 2)
    assert (staff_import.done, staff_import.report) == (0, {})
    monkeypatch.setattr(importing, "_validate_row", real)
    validate_staff_import.enqueue(staff_import.pk, 1)  # the first task delivered again: ignored
    assert StaffListImport.objects.get(pk=staff_import.pk).status == Status.UPLOADED

    with django_capture_on_commit_callbacks(execute=True):
        [run_again] = restarted
        run_again()

    staff_import.refresh_from_db()
    assert staff_import.status == Status.VALIDATED
    assert staff_import.report["summary_line"] == "created=6 updated=0 unchanged=0 invalid=0"


def test_a_frozen_import_worker_that_wakes_after_the_restart_saves_nothing(
    unit, upload, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    staff_import = upload(csv_upload(staff_rows(2)))
    with django_capture_on_commit_callbacks(execute=False):
        client_for.post(
            reverse("participants:import_confirm", args=[staff_import.pk])
        )
    restarted = []
    real = services_import._store_result

    def store_result(*args, **kwargs):
        # Frozen between its last progress and its save, for eleven minutes.
        minutes_pass(staff_import, 11)
        with django_capture_on_commit_callbacks(execute=False) as queued:
            client_for.post(restart_url(staff_import))
        restarted.extend(queued)
        monkeypatch.setattr(services_import, "_store_result", real)
        return real(*args, **kwargs)

    monkeypatch.setattr(services_import, "_store_result", store_result)

    apply_staff_import.enqueue(staff_import.pk, 1)

    staff_import.refresh_from_db()
    assert (staff_import.status, staff_import.attempt, staff_import.started_at) == (
        Status.IMPORTING, 2, None
    )
    assert Employee.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        [run_again] = restarted
        run_again()
    staff_import.refresh_from_db()
    assert staff_import.status == Status.DONE
    assert Employee.objects.count() == 2


# Under real concurrency ------------------------------------------------------------------------


@pytest.fixture
def enqueued(settings):
    """Hold tasks back (the worker is busy) and count, from any thread, how many are queued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    queued, lock = [], threading.Lock()

    def count(sender, task_result, **kwargs):
        with lock:
            queued.append(tuple(task_result.args))

    task_enqueued.connect(count)
    yield queued
    task_enqueued.disconnect(count)


def _read(connect, import_id):
    rows, errors = run_at_once(
        connect,
        [
            lambda: (
                StaffListImport.objects.values_list("status", "attempt").get(pk=import_id),
                Employee.objects.count(),
            )
        ],
    )
    assert errors == []
    return rows[0]


def _validated_import(admin, count, enqueued):
    staff_import = services_import.start_staff_import(
        uploaded_file=SimpleUploadedFile("pegawai.csv", _csv(staff_rows(count))),
        filename="pegawai.csv",
        skip_invalid=False,
        create_units=False,
        user=admin,
    )
    validate_staff_import.call(staff_import.pk, 1)  # the worker runs the queued check
    staff_import.refresh_from_db()
    assert staff_import.status == Status.VALIDATED
    enqueued.clear()
    return staff_import


def _csv(rows) -> bytes:
    return ("\r\n".join(";".join(row) for row in rows) + "\r\n").encode("utf-8-sig")


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_start_one_run(tmp_path, unit, admin, enqueued):
    staff_import = _validated_import(admin, 2, enqueued)
    services_import.confirm_staff_import(import_id=staff_import.pk, user=admin)
    StaffListImport.objects.filter(pk=staff_import.pk).update(
        started_at=staff_import.created_at, heartbeat_at=staff_import.created_at
    )
    minutes_pass(staff_import, 11)  # started, then nothing for eleven minutes
    enqueued.clear()

    with thread_database(tmp_path) as connect:
        results, errors = run_at_once(
            connect,
            [
                lambda: restart_staff_import(import_id=staff_import.pk, user=admin).attempt
                for _click in range(2)
            ],
        )
        stored = _read(connect, staff_import.pk)

    assert errors == []
    assert results == [2, 2]
    assert enqueued == [(staff_import.pk, 2)]
    assert stored == ((Status.IMPORTING, 2), 0)


def _in_thread(connect, name, job, outcome):
    def work():
        connect()
        try:
            outcome[name] = job()
        except Exception as error:  # noqa: BLE001 - the test asserts there is none
            outcome[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name=name)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_the_admin_pressing_import_again_while_the_worker_saves_waits_and_sees_it_done(
    tmp_path, unit, admin, enqueued, monkeypatch
):
    staff_import = _validated_import(admin, 3, enqueued)
    services_import.confirm_staff_import(import_id=staff_import.pk, user=admin)
    [(import_id, attempt)] = enqueued
    monkeypatch.setattr(workers, "STALE_AFTER", datetime.timedelta(0))  # the page says stopped
    saving, release = threading.Event(), threading.Event()
    manager = Employee.objects
    real_bulk_create = manager.bulk_create

    def bulk_create(*args, **kwargs):
        created = real_bulk_create(*args, **kwargs)
        saving.set()  # the rows are written, the import row is locked, nothing is committed
        release.wait(timeout=30)
        return created

    monkeypatch.setattr(manager, "bulk_create", bulk_create)
    outcome = {}

    with thread_database(tmp_path) as connect:
        worker = _in_thread(
            connect, "worker", lambda: apply_staff_import.call(import_id, attempt), outcome
        )
        try:
            assert saving.wait(timeout=10)
            press = _in_thread(
                connect,
                "admin",
                lambda: restart_staff_import(import_id=import_id, user=admin).attempt,
                outcome,
            )
            press.join(timeout=1)
            assert press.is_alive(), "the restart went ahead while the worker was saving"
        finally:
            release.set()
            worker.join()
            press.join()
        stored = _read(connect, import_id)

    assert outcome == {"worker": None, "admin": 1}
    assert stored == ((Status.DONE, 1), 3)
    assert enqueued == [(import_id, 1)]  # only the worker's own task: nothing started again


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_worker_reaching_its_save_while_the_admin_restarts_waits_and_saves_nothing(
    unit, admin, enqueued, monkeypatch
):
    staff_import = _validated_import(admin, 3, enqueued)
    services_import.confirm_staff_import(import_id=staff_import.pk, user=admin)
    [(import_id, attempt)] = enqueued
    monkeypatch.setattr(workers, "STALE_AFTER", datetime.timedelta(0))  # the page says stopped
    at_save, admin_holds_row = threading.Event(), threading.Event()
    real_lock, real_exists = _Run.lock, FileSystemStorage.exists

    def lock(run):
        at_save.set()
        admin_holds_row.wait(timeout=10)
        return real_lock(run)  # waits for the admin's transaction

    def exists(storage, name):
        # The admin's restart holds the import row while it looks for the stored upload.
        if threading.current_thread().name == "admin":
            admin_holds_row.set()
            time.sleep(0.5)  # the worker now waits for the row
        return real_exists(storage, name)

    monkeypatch.setattr(_Run, "lock", lock)
    monkeypatch.setattr(FileSystemStorage, "exists", exists)
    outcome = {}

    worker = _in_thread(
        lambda: None, "worker", lambda: apply_staff_import.call(import_id, attempt), outcome
    )
    assert at_save.wait(timeout=10)
    press = _in_thread(
        lambda: None,
        "admin",
        lambda: restart_staff_import(import_id=import_id, user=admin).attempt,
        outcome,
    )
    for thread in (worker, press):
        thread.join(timeout=30)

    assert outcome == {"worker": None, "admin": 2}
    assert StaffListImport.objects.values_list("status", "attempt").get(pk=import_id) == (
        Status.IMPORTING, 2
    )
    assert Employee.objects.count() == 0
    assert enqueued == [(import_id, 1), (import_id, 2)]


# Lists -----------------------------------------------------------------------------------------


def _imports_in_every_state(count, admin):
    """Make count imports of each kind: done, running, and stopped part-way."""
    for n in range(count):
        StaffListImport.objects.create(
            original_filename=f"selesai-{n}.csv", status=Status.DONE,
            confirmed_at=timezone.now(), created_by=admin,
        )  # fmt: skip
        StaffListImport.objects.create(
            original_filename=f"berjalan-{n}.csv", status=Status.VALIDATING,
            file_digest=f"running-{n}", heartbeat_at=timezone.now(), created_by=admin,
        )  # fmt: skip
        stopped = StaffListImport.objects.create(
            original_filename=f"terhenti-{n}.csv", status=Status.VALIDATING,
            file_digest=f"stopped-{n}", created_by=admin,
        )  # fmt: skip
        minutes_pass(stopped, 11)


@pytest.mark.parametrize("count", [1, 3])
def test_the_recent_imports_list_takes_the_same_queries_for_1_or_3_of_each_state(
    count, client_for, admin, django_assert_num_queries
):
    _imports_in_every_state(count, admin)

    # session, user, the import permission's check (the user's, then their groups'), the groups
    # for the menu, the recent imports with their uploaders, the remembered column mappings with
    # who saved them; the office profile is in the cache
    current_office()
    with django_assert_num_queries(7):
        response = client_for.get(reverse("participants:import"))

    statuses = [row[1] for row in table_rows(response, "staff-import-recent")]
    assert sorted(set(statuses)) == ["Sedang diperiksa", "Selesai", "Terhenti"]
    assert statuses.count("Terhenti") == count
