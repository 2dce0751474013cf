"""Certificate numbers: the office pattern, and running numbers that never repeat or skip."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from certificates.models import Counter
from certificates.numbering import format_number, roman_month, take_number, validate_pattern

DAY = datetime.date(2026, 7, 3)


@pytest.mark.parametrize(
    ("month", "roman"), [(1, "I"), (4, "IV"), (7, "VII"), (9, "IX"), (12, "XII")]
)
def test_months_in_roman_numerals(month, roman):
    assert roman_month(month) == roman


@pytest.mark.parametrize(
    ("pattern", "number"),
    [
        ("800/{seq:03d}/{unit}/{roman_month}/{year}", "800/087/BKPSDM/VII/2026"),
        ("{code}/{seq}/{month}.{year}", "BIMTEK-PP-2022/87/07.2026"),
        ("SERT-{seq:05d}-{year}", "SERT-00087-2026"),
    ],
)
def test_a_pattern_is_filled_in(pattern, number):
    assert format_number(pattern, seq=87, code="BIMTEK-PP-2022", unit="BKPSDM", date=DAY) == number


@pytest.mark.parametrize(
    ("pattern", "scope", "code"),
    [
        ("800/{seq.__class__}/{year}", "year", "stray_brace"),
        ("800/{nomor}/{year}", "year", "unknown_placeholder"),
        ("800/{year:03d}/{seq}", "year", "width_not_allowed"),
        ("800/{seq}/{year", "year", "stray_brace"),
        ("800/BKPSDM/{year}", "year", "no_seq"),
        ("800/{seq}/BKPSDM", "year", "no_year"),
        ("800/{seq}/{year}", "training", "no_code"),
    ],
)
def test_a_pattern_that_could_fail_or_repeat_is_refused(pattern, scope, code):
    with pytest.raises(ValidationError) as error:
        validate_pattern(pattern, scope=scope)

    assert error.value.code == code


@pytest.mark.django_db
def test_a_number_taken_in_a_failed_transaction_is_given_again():
    with transaction.atomic():
        assert take_number(scope="year:2026") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert take_number(scope="year:2026") == 2
        raise RuntimeError("the PDF failed")
    with transaction.atomic():
        assert take_number(scope="year:2026") == 2


def test_racing_workers_on_file_backed_sqlite_never_repeat_or_skip(tmp_path, django_db_blocker):
    # Each thread opens its own connection to one SQLite file, as two worker processes would.
    db_name = str(tmp_path / "numbers.sqlite3")
    alias = "default"
    original = dict(connections.settings[alias])
    with django_db_blocker.unblock():
        connections[alias].close()
        connections.settings[alias] = original | {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": db_name,
            "OPTIONS": settings.SQLITE_OPTIONS,
            "TEST": {"NAME": db_name},
        }
        del connections[alias]
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "CREATE TABLE certificates_counter (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "scope varchar(60) NOT NULL UNIQUE, last_number integer unsigned NOT NULL)"
                )
            connections[alias].close()
            numbers, errors = _race_default(workers=6, per_worker=10)
        finally:
            connections[alias].close()
            connections.settings[alias] = original
            del connections[alias]

    assert errors == []
    assert sorted(numbers) == list(range(1, 61))


def _race_default(*, workers, per_worker):
    taken, errors = [], []
    start = threading.Barrier(workers)

    def work():
        try:
            start.wait()
            for _ in range(per_worker):
                with transaction.atomic():
                    taken.append(take_number(scope="race"))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return taken, errors


@pytest.mark.django_db(transaction=True)
def test_racing_workers_on_postgresql_never_repeat_or_skip():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite is covered by the file-backed test")

    numbers, errors = _race_default(workers=6, per_worker=10)

    assert errors == []
    assert sorted(numbers) == list(range(1, 61))
    assert Counter.objects.get(scope="race").last_number == 60
