"""One room, one session at a time, under real concurrency: organisers of different trainings
saving sessions for the same room and overlapping times at the same moment.

Every thread has its own database connection and really commits, as in
test_enrolment_concurrency (whose helpers these tests use). On PostgreSQL the threads use the
test database as they are; on SQLite they open a file copy of it with the app's own settings
(IMMEDIATE transactions, WAL, a busy timeout).
"""

import datetime
import html
import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from trainings.locks import lock_rooms
from trainings.models import Session, Training
from trainings.services.trainings import (
    copy_training_as_new_batch,
    create_session,
    update_session,
)
from tests.trainings.test_enrolment_concurrency import run_at_once, thread_database
from tests.factories import SessionFactory, TrainingFactory, organiser_user

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
DAY = datetime.date(2026, 12, 7)
T = datetime.time

postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite runs one writer at a time, so one room cannot keep another waiting there",
)


def _trainings(count):
    return [
        TrainingFactory(code=f"BIMTEK-R-{n:02d}", start_date=DAY, end_date=DAY)
        for n in range(count)
    ]


def _session_fields(n, **overrides):
    """Return a session that overlaps every other n: they all run through 09.00–09.30."""
    fields = {
        "topic": f"Materi {n}",
        "date": DAY,
        "start_time": T(8, 0) if n % 2 else T(8, 30),
        "end_time": T(9 + n % 3, 30),
        # The same room however it is typed: the clash check compares case- and space-blind.
        "room": ["Aula", " aula ", "AULA", "Aula  "][n % 4],
    }
    return fields | overrides


def _room_taken_by(error, winner) -> str:
    assert isinstance(error, ValidationError)
    assert {f: [e.code for e in es] for f, es in error.error_dict.items()} == {
        "room": ["room_taken"]
    }
    with translation.override("id"):
        [message] = error.messages
    assert message.startswith(
        f'{winner.room} sudah dipakai sesi "{winner.topic}" ({winner.training.code}) pada '
        "Senin, 7 Desember 2026 pukul "
    )
    return message


def _in_the_room(connect, room="Aula") -> list[Session]:
    rows, errors = run_at_once(
        connect,
        [lambda: list(Session.objects.filter(room__iexact=room).select_related("training"))],
    )
    assert errors == []
    return rows[0]


def test_organisers_booking_one_room_at_once_get_one_session(tmp_path):
    organiser = organiser_user()
    trainings = _trainings(THREADS)

    with thread_database(tmp_path) as connect:
        results, errors = run_at_once(
            connect,
            [
                lambda n=n: create_session(
                    training=trainings[n], by=organiser, **_session_fields(n)
                )
                for n in range(THREADS)
            ],
        )
        stored = _in_the_room(connect)

    [winner] = [result for result in results if result is not None]
    assert [session.pk for session in stored] == [winner.pk]
    assert len(errors) == THREADS - 1
    for error in errors:
        _room_taken_by(error, stored[0])


def test_organisers_saving_the_session_form_at_once_see_why_the_room_was_refused(tmp_path):
    trainings = _trainings(4)
    logged_in = Client()
    logged_in.force_login(organiser_user())
    cookies = logged_in.cookies

    def post(n):
        client = Client()
        client.cookies = cookies
        fields = _session_fields(n)
        response = client.post(
            reverse("trainings:session_create", args=[trainings[n].pk]),
            {
                **fields,
                "date": fields["date"].isoformat(),
                "start_time": fields["start_time"].strftime("%H:%M"),
                "end_time": fields["end_time"].strftime("%H:%M"),
                "jp": "",
                "checkin_opens_before": "30",
                "checkin_closes_after": "30",
                "late_after": "15",
            },
        )
        return response.status_code, html.unescape(response.content.decode())

    with thread_database(tmp_path) as connect:
        results, errors = run_at_once(connect, [lambda n=n: post(n) for n in range(4)])
        [winner] = _in_the_room(connect)

    assert errors == []
    assert sorted(status for status, _page in results) == [200, 200, 200, 302]
    refusal = (
        f'{winner.room} sudah dipakai sesi "{winner.topic}" ({winner.training.code}) pada '
        "Senin, 7 Desember 2026 pukul "
    )
    assert [refusal in page for status, page in results if status == 200] == [True] * 3


def test_sessions_moved_into_one_room_at_once_end_up_one_there(tmp_path):
    organiser = organiser_user()
    # Each training has a session elsewhere, on another day and in another room.
    trainings = [
        TrainingFactory(code=f"BIMTEK-M-{n:02d}", start_date=DAY, end_date=DAY.replace(day=8))
        for n in range(THREADS)
    ]
    moving = [
        SessionFactory(training=training, date=DAY.replace(day=8), room=f"Ruang {n}")
        for n, training in enumerate(trainings)
    ]

    with thread_database(tmp_path) as connect:
        results, errors = run_at_once(
            connect,
            [
                lambda n=n: update_session(
                    session=moving[n], by=organiser, **_session_fields(n, topic=moving[n].topic)
                )
                for n in range(THREADS)
            ],
        )
        stored = _in_the_room(connect)

    [winner] = [result for result in results if result is not None]
    assert [session.pk for session in stored] == [winner.pk]
    assert len(errors) == THREADS - 1
    for error in errors:
        _room_taken_by(error, stored[0])


def test_two_rooms_booked_at_the_same_time_are_both_saved(tmp_path):
    organiser = organiser_user()
    trainings = _trainings(2)
    rooms = ["Aula", "Ruang Rapat 1"]

    with thread_database(tmp_path) as connect:
        results, errors = run_at_once(
            connect,
            [
                lambda n=n: create_session(
                    training=trainings[n], by=organiser, **_session_fields(0, room=rooms[n])
                )
                for n in range(2)
            ],
        )
        stored = _in_the_room(connect, "Aula") + _in_the_room(connect, "Ruang Rapat 1")

    assert errors == []
    assert sorted(session.pk for session in stored) == sorted(result.pk for result in results)
    assert [session.room for session in stored] == rooms


@postgres_only
def test_a_room_being_saved_keeps_only_that_room_waiting():
    organiser = organiser_user()
    first, same_room, other_room = _trainings(3)
    saving, release = threading.Event(), threading.Event()
    outcome = {}

    def hold_the_room():
        # An organiser's save of the Aula that has checked the room and not yet committed.
        try:
            with transaction.atomic():
                outcome["held"] = create_session(
                    training=first, by=organiser, **_session_fields(0)
                )
                saving.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def book(name, training, room):
        try:
            outcome[name] = create_session(
                training=training, by=organiser, **_session_fields(1, room=room)
            )
        except ValidationError as error:
            outcome[name] = error
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_room)
    other = threading.Thread(target=book, args=("other", other_room, "Ruang Rapat 1"))
    same = threading.Thread(target=book, args=("same", same_room, "aula"))
    holder.start()
    try:
        assert saving.wait(timeout=10)
        other.start()
        other.join(timeout=10)
        same.start()
        same.join(timeout=1)
        assert not other.is_alive(), "another room waited for the Aula"
        assert same.is_alive(), "the Aula was booked twice while the first save was running"
    finally:
        release.set()
        for thread in (holder, same, other):
            if thread.ident is not None:
                thread.join()

    assert isinstance(outcome["other"], Session)
    _room_taken_by(outcome["same"], outcome["held"])
    assert sorted(Session.objects.values_list("room", flat=True)) == ["Aula", "Ruang Rapat 1"]


@postgres_only
def test_a_copy_and_a_session_added_to_its_source_at_the_same_moment_both_go_through():
    # The source runs 7-8 December with a morning session in the Aula; its copy starts a day
    # later, so the copy's Aula session lands on 8 December, where an organiser is just adding
    # an afternoon session to the source. Each needs what the other holds for a moment: the
    # organiser the source training (a new session points at it), the copy that Aula and day.
    organiser = organiser_user()
    source = TrainingFactory(code="BIMTEK-SRC", start_date=DAY, end_date=DAY.replace(day=8))
    create_session(training=source, by=organiser, **_session_fields(0, end_time=T(9, 30)))
    next_day = DAY.replace(day=8)
    room_held, copying = threading.Event(), threading.Event()
    outcome = {}

    def add_to_source():
        try:
            with transaction.atomic():
                lock_rooms([(next_day, "Aula")])  # as create_session's room check does
                room_held.set()
                copying.wait(timeout=10)
                time.sleep(0.5)  # the copy now holds the source and waits for the Aula
                outcome["added"] = create_session(
                    training=source,
                    by=organiser,
                    **_session_fields(1, date=next_day, start_time=T(13), end_time=T(14, 30)),
                )
        except Exception as error:  # noqa: BLE001 - a deadlock would surface here or below
            outcome["added"] = error
        finally:
            connections.close_all()

    def copy():
        try:
            room_held.wait(timeout=10)
            copying.set()
            outcome["copy"] = copy_training_as_new_batch(
                training=source, start_date=next_day, by=organiser
            )
        except Exception as error:  # noqa: BLE001
            outcome["copy"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add_to_source), threading.Thread(target=copy)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert isinstance(outcome["added"], Session), outcome["added"]
    assert isinstance(outcome["copy"], Training), outcome["copy"]
    assert outcome["copy"].sessions.get().date == next_day


def test_two_copies_of_one_training_at_once_become_two_batches(tmp_path):
    organiser = organiser_user()
    source = TrainingFactory(code="BIMTEK-PP-2026", start_date=DAY, end_date=DAY)
    create_session(training=source, by=organiser, **_session_fields(0, room=""))

    with thread_database(tmp_path) as connect:
        results, errors = run_at_once(
            connect,
            [
                lambda day=day: copy_training_as_new_batch(
                    training=source, start_date=DAY.replace(day=day), by=organiser
                )
                for day in (14, 21)
            ],
        )

    assert errors == []
    assert sorted((copy.code, copy.batch) for copy in results) == [
        ("BIMTEK-PP-2026-A2", 2),
        ("BIMTEK-PP-2026-A3", 3),
    ]
