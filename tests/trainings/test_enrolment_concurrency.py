"""The quota under real concurrency: organisers enrolling and cancelling at the same moment.

Every thread has its own database connection and really commits. On PostgreSQL the threads use
the test database as they are. An in-memory SQLite database shared between threads locks whole
tables and fails instead of waiting, which is not how the app runs, so on SQLite the test
database is first copied to a file and the threads open that with the app's own settings
(IMMEDIATE transactions, WAL, a busy timeout).
"""

import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.db import connections

from trainings.models import Enrolment
from trainings.services.enrolment import cancel_enrolment, enrol
from tests.factories import EmployeeFactory, TrainingFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@contextmanager
def thread_database(tmp_path):
    """Yield a function each thread calls first to connect where every thread sees the others."""
    default = connections["default"]
    if default.vendor != "sqlite" or not default.is_in_memory_db():
        yield lambda: None
        return
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "concurrency.sqlite3"
    default.ensure_connection()
    target = sqlite3.connect(path)
    default.connection.backup(target)
    # In WAL already, as the app's database is: threads that all switch a fresh file to WAL as
    # they connect (the app's init_command) can fail at once with "database is locked".
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings_dict = {**default.settings_dict, "NAME": str(path)}

    def connect():
        connections["default"] = DatabaseWrapper(settings_dict, alias="default")

    yield connect


def run_at_once(connect, jobs) -> tuple[list, list]:
    """Run the jobs in threads released together; return their results and errors."""
    start = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def work(index, job):
        connect()
        try:
            start.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - every failure is a lost enrolment
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def queue(connect, training) -> list[tuple[int, str]]:
    """Return (employee id, status) of a training's enrolments in queue order, as stored."""
    rows, errors = run_at_once(
        connect,
        [
            lambda: list(
                Enrolment.objects.filter(training_id=training.pk)
                .order_by("created_at", "pk")
                .values_list("employee_id", "status")
            )
        ],
    )
    assert errors == []
    return rows[0]


def test_organisers_enrolling_at_once_never_exceed_the_quota(tmp_path):
    quota = 5
    training = TrainingFactory(quota=quota)
    everyone = EmployeeFactory()  # ticked by every organiser at once
    batches = [[*EmployeeFactory.create_batch(2), everyone] for _n in range(THREADS)]

    with thread_database(tmp_path) as connect:
        results, errors = run_at_once(
            connect,
            [
                lambda batch=batch: enrol(training=training, employees=batch, by=None)
                for batch in batches
            ],
        )
        stored = queue(connect, training)

    assert errors == []
    people = 2 * THREADS + 1
    assert len(stored) == people
    assert len({employee for employee, _status in stored}) == people
    # Exactly the quota enrolled, and they are the first in the queue: the rest wait in order.
    assert [status for _employee, status in stored] == (
        [Enrolment.Status.ENROLLED] * quota + [Enrolment.Status.WAITLISTED] * (people - quota)
    )
    # The person everyone ticked was placed once and reported as already there to the others.
    placed = [
        result
        for result in results
        if any(e.employee_id == everyone.pk for e in result.enrolled + result.waitlisted)
    ]
    assert len(placed) == 1
    assert sum(len(result.already) for result in results) == THREADS - 1


def test_cancelling_at_once_promotes_the_waiting_list_in_order(tmp_path):
    quota = 6
    training = TrainingFactory(quota=quota)
    people = EmployeeFactory.create_batch(quota + 5)
    enrol(training=training, employees=people, by=None)
    leaving = list(
        Enrolment.objects.filter(training=training, status=Enrolment.Status.ENROLLED)[:4]
    )

    with thread_database(tmp_path) as connect:
        results, errors = run_at_once(
            connect,
            [
                lambda enrolment=enrolment: cancel_enrolment(enrolment=enrolment, by=None)
                for enrolment in leaving
            ],
        )
        stored = dict(queue(connect, training))

    assert errors == []
    promoted = sorted(
        (e.employee_id for result in results for e in result.promoted),
        key=[p.pk for p in people].index,
    )
    assert promoted == [p.pk for p in people[quota : quota + 4]]
    enrolled = [pk for pk, status in stored.items() if status == Enrolment.Status.ENROLLED]
    waiting = [p.pk for p in people if stored[p.pk] == Enrolment.Status.WAITLISTED]
    assert len(enrolled) == quota
    assert waiting == [p.pk for p in people[quota + 4 :]]
