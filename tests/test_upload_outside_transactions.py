"""An upload is read before any write transaction opens, so a slow file locks nobody out.

A probe found a question file read inside the import's transaction: on SQLite that held the
write lock for 94–107 s, and every check-in and login meanwhile failed with "database is
locked". Each file here notes, as it is read, whether a transaction is open.
"""

import io

import pytest
from django.db import connection

from assessments.models import Question
from assessments.services import import_questions
from tests.factories import EmployeeFactory, TrainingFactory, nip_for, organiser_user
from trainings.models import Enrolment
from trainings.services.enrolment import enrol_from_nip_file

pytestmark = pytest.mark.django_db(transaction=True)  # no test-wide transaction around it


class WatchedUpload(io.BytesIO):
    """An uploaded file that remembers whether a transaction was open each time it was read."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name
        self.size = len(data)
        self.read_in_transaction = []

    def read(self, *args):
        self.read_in_transaction.append(connection.in_atomic_block)
        return super().read(*args)


def test_a_question_file_is_read_before_the_import_transaction_begins():
    training = TrainingFactory()
    upload = WatchedUpload(
        "Pertanyaan;A;B;Kunci\r\nApa kepanjangan SKM?;Survei;Sistem;A\r\n".encode(), "soal.csv"
    )

    result = import_questions(training=training, file=upload, filename=upload.name)

    assert result.created == 1
    assert upload.read_in_transaction and not any(upload.read_in_transaction)
    assert Question.objects.filter(training=training).count() == 1


def test_a_nip_list_is_read_before_the_enrolment_transaction_begins():
    training = TrainingFactory()
    employee = EmployeeFactory(nip=nip_for(3))
    upload = WatchedUpload(f"NIP\r\n{employee.nip}\r\n".encode(), "daftar.csv")

    result, errors = enrol_from_nip_file(
        training=training, file_obj=upload, filename=upload.name, by=organiser_user()
    )

    assert not errors and len(result.enrolled) == 1
    assert upload.read_in_transaction and not any(upload.read_in_transaction)
    assert Enrolment.objects.filter(training=training, employee=employee).exists()
