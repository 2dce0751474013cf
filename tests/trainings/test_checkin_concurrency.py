"""A burst of identical check-ins, for real: many threads, each with its own database connection,
post the same participant's check-in for the same session at the same moment. Exactly one
record may come out, one request says "recorded", every other one "already recorded".

On PostgreSQL (DATABASE_URL=postgresql://…) this runs on the test database. On SQLite it runs
on a file-backed database with the project's SQLITE_OPTIONS (IMMEDIATE, WAL, busy timeout), as
tests/test_foundation.py does: the in-memory test database would not show real locking.
"""

import datetime
import threading
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trainings import checkin_tokens
from trainings.models import Attendance, Training
from trainings.services import attendance as services
from tests.factories import EnrolmentFactory, SessionFactory, participant_user

THREADS = 16
NOW = datetime.datetime(2026, 12, 7, 7, 50, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
THANKS = "Terima kasih! Anda tercatat hadir pukul 07.50."
ALREADY = "Anda sudah tercatat hadir pukul 07.50."


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _run_threads(work) -> tuple[list, list]:
    """Run work(n) in THREADS threads released at the same instant; return results and errors."""
    start = threading.Barrier(THREADS)
    results, errors = [None] * THREADS, []

    def run(n):
        try:
            start.wait()
            results[n] = work(n)
        except Exception as error:  # noqa: BLE001 - every failure is a lost or doubled check-in
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _race_the_service():
    session = SessionFactory(training__status=Training.Status.RUNNING)
    participant = participant_user()
    enrolment = EnrolmentFactory(training=session.training, employee=participant.employee)

    def work(_n):
        attendance, created = services.check_in(
            session=session,
            enrolment=enrolment,
            method=Attendance.Method.SELF,
            by=participant,
            now=NOW,
        )
        return attendance.pk, created

    results, errors = _run_threads(work)
    return results, errors, list(Attendance.objects.values_list("pk", flat=True))


def _race_the_page():
    session = SessionFactory(training__status=Training.Status.RUNNING)
    participant = participant_user()
    EnrolmentFactory(training=session.training, employee=participant.employee)
    token = checkin_tokens.make_token(session_id=session.pk, slot=checkin_tokens.slot_for(NOW))
    path = reverse("trainings:self_checkin", kwargs={"token": token})
    logged_in = Client()
    logged_in.force_login(participant)
    cookies = logged_in.cookies

    def work(_n):
        client = Client()
        client.cookies = cookies
        response = client.post(path)
        return response.status_code, response.content.decode()

    results, errors = _run_threads(work)
    return results, errors, Attendance.objects.count()


def _assert_one_record_from_the_service(results, errors, records):
    assert errors == []
    assert len(records) == 1
    assert {pk for pk, _created in results} == set(records)
    assert sorted(created for _pk, created in results) == [False] * (THREADS - 1) + [True]


def _assert_one_record_from_the_page(results, errors, records):
    assert errors == []
    assert records == 1
    assert [status for status, _html in results] == [200] * THREADS
    assert sum(THANKS in html for _status, html in results) == 1
    assert sum(ALREADY in html for _status, html in results) == THREADS - 1


# PostgreSQL ----------------------------------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="runs when the suite runs on PostgreSQL (DATABASE_URL=postgresql://…)",
)


@postgres_only
def test_racing_check_ins_make_one_record_on_postgresql(transactional_db, frozen_clock):
    _assert_one_record_from_the_service(*_race_the_service())


@postgres_only
def test_racing_taps_on_the_page_make_one_record_on_postgresql(transactional_db, frozen_clock):
    _assert_one_record_from_the_page(*_race_the_page())


# SQLite, file-backed, with the project's settings -------------------------------------------------


def _on_a_sqlite_file(tmp_path, django_db_blocker, scenario):
    """Run a scenario in a thread whose default database is a fresh, migrated SQLite file."""
    file_settings = connections.settings["default"] | {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "checkins.sqlite3"),
        "OPTIONS": settings.SQLITE_OPTIONS,
        "CONN_MAX_AGE": 0,
        "TEST": {},
    }
    outcome = {}

    def drive():
        try:
            call_command("migrate", verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                outcome["journal_mode"] = cursor.fetchone()[0]
            outcome["result"] = scenario()
        except Exception as error:  # noqa: BLE001
            outcome["error"] = error
        finally:
            connections.close_all()

    # Threads started from here open their own connections, to the file; this thread's
    # connection to the test database is left as it is.
    original = connections.settings["default"]
    connections.settings["default"] = file_settings
    try:
        with django_db_blocker.unblock():
            driver = threading.Thread(target=drive)
            driver.start()
            driver.join()
    finally:
        connections.settings["default"] = original
    if "error" in outcome:
        raise outcome["error"]
    assert outcome["journal_mode"] == "wal"
    return outcome["result"]


def test_racing_check_ins_make_one_record_on_a_sqlite_file(
    tmp_path, django_db_blocker, frozen_clock
):
    _assert_one_record_from_the_service(
        *_on_a_sqlite_file(tmp_path, django_db_blocker, _race_the_service)
    )


def test_racing_taps_on_the_page_make_one_record_on_a_sqlite_file(
    tmp_path, django_db_blocker, frozen_clock
):
    _assert_one_record_from_the_page(
        *_on_a_sqlite_file(tmp_path, django_db_blocker, _race_the_page)
    )
