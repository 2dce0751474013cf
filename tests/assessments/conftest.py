import datetime

import pytest
from django.utils import timezone

from assessments.models import Assessment
from assessments.services import configure_assessment
from tests.factories import EnrolmentFactory, TrainingFactory, participant_user

from .factories import make_question


@pytest.fixture
def training():
    return TrainingFactory()


@pytest.fixture
def bank(training):
    """Five questions with four options each; the keys are A, B, C, D, A."""
    return [
        make_question(training=training, correct=number % 4, text=f"Soal nomor {number + 1}?")
        for number in range(5)
    ]


def open_test(training, kind=Assessment.Kind.PRE, **kwargs):
    """Set up a test that is open now (opened an hour ago, closes in three hours)."""
    now = timezone.now()
    values = {
        "opens_at": now - datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(hours=3),
        "time_limit_minutes": 20,
        **kwargs,
    }
    return configure_assessment(training=training, kind=kind, **values)


@pytest.fixture
def pre(training, bank):
    return open_test(training)


@pytest.fixture
def post(training, bank):
    return open_test(training, Assessment.Kind.POST)


@pytest.fixture
def participant(training):
    """A Peserta account enrolled in the training."""
    user = participant_user()
    EnrolmentFactory(training=training, employee=user.employee)
    return user


@pytest.fixture
def enrolment(participant):
    return participant.employee.enrolments.get()
