"""A double submit under real concurrency: the same participant's answers arrive at once.

Each thread has its own connection and really commits. On SQLite the in-memory test database
is first copied to a file, which the threads open with the app's own settings (IMMEDIATE
transactions, WAL, a busy timeout), as the app runs.
"""

import sqlite3
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from evaluations import services
from evaluations.models import Answer, Receipt, Response
from tests.evaluations.factories import (
    evaluation_form,
    full_ratings,
    participant,
    training_with_speakers,
)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def _thread_connector(tmp_path):
    default = connections["default"]
    if default.vendor != "sqlite" or not default.is_in_memory_db():
        return lambda: None
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "double-submit.sqlite3"
    default.ensure_connection()
    target = sqlite3.connect(path)
    default.connection.backup(target)
    target.close()
    settings_dict = {**default.settings_dict, "NAME": str(path)}

    def connect():
        connections["default"] = DatabaseWrapper(settings_dict, alias="default")

    return connect


def _at_once(connect, job, count):
    start = threading.Barrier(count)
    outcomes = []

    def work():
        connect()
        try:
            start.wait()
            job()
            outcomes.append("recorded")
        except ValidationError as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - any other failure is a bug
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "named"])
def test_simultaneous_submits_of_one_person_record_one_response(tmp_path, anonymous):
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training, is_anonymous=anonymous)
    enrolment = participant(training)
    ratings = full_ratings(form, 5)
    form_pk, enrolment_pk = form.pk, enrolment.pk
    connect = _thread_connector(tmp_path)

    def submit():
        from trainings.models import Enrolment
        from evaluations.models import EvaluationForm

        services.submit_response(
            form=EvaluationForm.objects.get(pk=form_pk),
            enrolment=Enrolment.objects.get(pk=enrolment_pk),
            ratings=ratings,
        )

    outcomes = _at_once(connect, submit, THREADS)

    stored = []
    _at_once(
        connect,
        lambda: stored.append(
            (
                Receipt.objects.filter(form_id=form_pk).count(),
                Response.objects.filter(form_id=form_pk).count(),
                Answer.objects.filter(response__form_id=form_pk).count(),
            )
        ),
        1,
    )

    assert sorted(outcomes) == ["already_responded"] * (THREADS - 1) + ["recorded"]
    assert stored == [(1, 1, 7 + 9)]
