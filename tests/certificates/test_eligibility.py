"""Who receives a certificate: attendance, post-test, evaluation and the organiser's override."""

import datetime
from decimal import Decimal

import pytest

from trainings.models import Attendance, Enrolment
from certificates import services
from certificates.eligibility import eligibility_for_training
from tests.factories import EnrolmentFactory, SessionFactory, TrainingFactory, organiser_user

from .factories import attend, finished_training

pytestmark = pytest.mark.django_db


def _training_with_sessions(count=4, **fields):
    training = TrainingFactory(**fields)
    sessions = [SessionFactory(training=training) for _ in range(count)]
    return training, sessions


@pytest.mark.parametrize(
    ("minimum", "attended", "eligible"),
    [(100, 4, True), (100, 3, False), (75, 3, True), (75, 2, False), (0, 0, True)],
)
def test_attendance_must_reach_the_training_minimum(minimum, attended, eligible):
    training, sessions = _training_with_sessions(4, min_attendance_percent=minimum)
    enrolment = EnrolmentFactory(training=training)
    for session in sessions[:attended]:
        attend(enrolment, session)

    (row,) = eligibility_for_training(training=training)

    assert (row.attended, row.sessions, row.eligible) == (attended, 4, eligible)


@pytest.mark.parametrize(
    ("status", "counts"),
    [
        (Attendance.Status.HADIR, True),
        (Attendance.Status.TERLAMBAT, True),
        (Attendance.Status.DINAS_LUAR, True),
        (Attendance.Status.IZIN, False),
        (Attendance.Status.SAKIT, False),
        (Attendance.Status.ALPA, False),
    ],
)
def test_only_the_attended_statuses_count(status, counts):
    training, (session,) = _training_with_sessions(1)
    enrolment = EnrolmentFactory(training=training)
    attend(enrolment, session, status)

    (row,) = eligibility_for_training(training=training)

    assert row.eligible is counts


def test_a_training_can_choose_its_own_attended_statuses():
    training, (session,) = _training_with_sessions(1, attended_statuses=["hadir"])
    enrolment = EnrolmentFactory(training=training)
    attend(enrolment, session, Attendance.Status.TERLAMBAT)

    (row,) = eligibility_for_training(training=training)

    assert row.eligible is False
    assert row.reasons == ["Hadir 0 dari 1 sesi; minimal 100%."]


def test_a_training_without_sessions_makes_nobody_eligible():
    training = TrainingFactory()
    EnrolmentFactory(training=training)

    (row,) = eligibility_for_training(training=training)

    assert row.eligible is False
    assert row.reasons == ["Pelatihan ini belum memiliki sesi."]


def test_waitlisted_and_cancelled_people_are_not_listed():
    training = finished_training(participants=1)
    EnrolmentFactory(training=training, status=Enrolment.Status.WAITLISTED, enrolled_at=None)

    rows = eligibility_for_training(training=training)

    assert len(rows) == 1


def test_an_override_makes_someone_eligible_and_keeps_its_reason():
    training, _sessions = _training_with_sessions(2)
    enrolment = EnrolmentFactory(training=training)
    organiser = organiser_user()

    services.override_eligibility(enrolment=enrolment, reason="Tugas negara", by=organiser)
    (row,) = eligibility_for_training(training=training)

    assert (row.meets_rules, row.eligible) == (False, True)
    assert row.override.reason == "Tugas negara"
    assert row.override.created_by == organiser


def test_an_override_needs_a_reason():
    enrolment = EnrolmentFactory()

    with pytest.raises(Exception) as error:
        services.override_eligibility(enrolment=enrolment, reason="  ", by=organiser_user())

    assert error.value.code == "reason_required"


def test_withdrawing_an_override_makes_the_rules_apply_again():
    training, _sessions = _training_with_sessions(2)
    enrolment = EnrolmentFactory(training=training)
    services.override_eligibility(enrolment=enrolment, reason="Tugas", by=None)

    services.remove_override(enrolment=enrolment, by=None)

    assert [row for row in eligibility_for_training(training=training) if row.eligible] == []


# Post-test and evaluation (from the assessments and evaluations apps) ---------------------------


def _post_test(training, pass_mark=None):
    from tests.assessments.factories import AssessmentFactory, at

    return AssessmentFactory(
        training=training,
        kind="post",
        pass_mark=pass_mark,
        opens_at=at(8, 13),
        closes_at=at(8, 15),
    )


def _took_post_test(post, enrolment, score):
    from tests.assessments.factories import AttemptFactory

    attempt = AttemptFactory(assessment=post, enrolment=enrolment, question_count=10)
    attempt.submitted_at = attempt.started_at + datetime.timedelta(minutes=5)
    attempt.correct_count = int(score) // 10
    attempt.score = Decimal(score)
    attempt.save()


def test_with_a_post_test_it_must_be_taken():
    training = finished_training(participants=2)
    took, missed = Enrolment.objects.filter(training=training).order_by("pk")
    post = _post_test(training)
    _took_post_test(post, took, 40)

    rows = {row.enrolment.pk: row for row in eligibility_for_training(training=training)}

    assert rows[took.pk].eligible is True
    assert rows[missed.pk].eligible is False
    assert rows[missed.pk].reasons == ["Belum mengikuti post-test."]


def test_with_a_pass_mark_the_post_test_must_be_passed():
    training = finished_training(participants=2)
    passed, failed = Enrolment.objects.filter(training=training).order_by("pk")
    post = _post_test(training, pass_mark=Decimal(70))
    _took_post_test(post, passed, 80)
    _took_post_test(post, failed, 60)

    rows = {row.enrolment.pk: row for row in eligibility_for_training(training=training)}

    assert rows[passed.pk].eligible is True
    assert rows[failed.pk].eligible is False
    assert rows[failed.pk].reasons == ["Belum lulus post-test (nilai 60.00)."]


def test_a_required_evaluation_must_be_submitted():
    from tests.evaluations.factories import evaluation_form, respond

    training = finished_training(participants=2)
    answered, silent = Enrolment.objects.filter(training=training).order_by("pk")
    form = evaluation_form(training=training, required_for_certificate=True)
    respond(form, answered)

    rows = {row.enrolment.pk: row for row in eligibility_for_training(training=training)}

    assert rows[answered.pk].eligible is True
    assert rows[silent.pk].reasons == ["Evaluasi belum diisi."]


def test_an_evaluation_not_required_does_not_count():
    from tests.evaluations.factories import evaluation_form

    training = finished_training(participants=1)
    evaluation_form(training=training, required_for_certificate=False)

    (row,) = eligibility_for_training(training=training)

    assert row.eligible is True


@pytest.mark.parametrize("participants", [1, 5])
def test_eligibility_takes_a_fixed_number_of_queries(participants, django_assert_num_queries):
    training = finished_training(participants=participants)
    services.override_eligibility(
        enrolment=Enrolment.objects.filter(training=training).first(), reason="x", by=None
    )

    with django_assert_num_queries(5):
        rows = eligibility_for_training(training=training)
        [row.override and row.override.created_by for row in rows]
