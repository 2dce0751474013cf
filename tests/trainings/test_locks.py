"""The room locks: one per room and date however the room is typed, none for a session without a
room, and nothing at all on SQLite, where transactions already queue."""

import datetime

import pytest
from django.conf import settings
from django.db import connection

from trainings.locks import lock_rooms

DAY = datetime.date(2026, 12, 7)

on_postgresql = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
postgres_only = pytest.mark.skipif(
    not on_postgresql, reason="advisory locks are PostgreSQL's; SQLite takes none"
)


def _advisory_locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db
def test_one_lock_per_room_and_date_however_the_room_is_typed():
    lock_rooms([
        (DAY, "Aula"),
        (DAY, " aula "),
        (DAY, "AULA"),
        (DAY, "Ruang  Rapat 1"),
        (DAY, "ruang rapat 1"),
        (DAY + datetime.timedelta(days=1), "Aula"),
    ])

    assert _advisory_locks_held() == 3


@postgres_only
@pytest.mark.django_db
def test_a_session_without_a_room_takes_no_lock():
    lock_rooms([(DAY, ""), (DAY, "   ")])

    assert _advisory_locks_held() == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        lock_rooms([(DAY, "Aula")])


@pytest.mark.skipif(on_postgresql, reason="the SQLite path")
@pytest.mark.django_db
def test_sqlite_takes_no_lock(django_assert_num_queries):
    with django_assert_num_queries(0):
        lock_rooms([(DAY, "Aula")])
