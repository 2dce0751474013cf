"""post_test_status(): the certificates' view of the post-test, per enrolment."""

import datetime
from decimal import Decimal

import pytest

from assessments.models import Answer, Assessment
from assessments.selectors import PostTestStatus, post_test_status
from tests.factories import EnrolmentFactory, TrainingFactory

from .factories import AssessmentFactory, AttemptFactory, at, make_question

pytestmark = pytest.mark.django_db


def _attempt(post, enrolment, questions, *, right: int, submitted=True, **kwargs):
    """Make a post-test attempt answering the first `right` questions correctly, the rest wrong."""
    attempt = AttemptFactory(
        assessment=post, enrolment=enrolment, question_count=len(questions), **kwargs
    )
    for number, question in enumerate(questions, start=1):
        options = list(question.options.all())
        chosen = next(o for o in options if o.is_correct == (number <= right))
        Answer.objects.create(
            attempt=attempt,
            question=question,
            position=number,
            option_order=[o.pk for o in options],
            chosen=chosen,
            answered_at=attempt.started_at,
        )
    if submitted:
        attempt.submitted_at = attempt.started_at + datetime.timedelta(minutes=5)
        attempt.correct_count = right
        attempt.score = Decimal(right * 100) / len(questions)
        attempt.save()
    return attempt


@pytest.fixture
def training():
    return TrainingFactory()


def test_without_a_post_test_nobody_has_taken_it(training):
    enrolment = EnrolmentFactory(training=training)

    assert post_test_status(training=training) == {
        enrolment.pk: PostTestStatus(taken=False, score=None, passed=None)
    }


def test_scores_and_no_pass_mark_by_default(training):
    questions = [make_question(training=training) for _ in range(4)]
    post = AssessmentFactory(training=training, kind=Assessment.Kind.POST)
    AssessmentFactory(training=training, kind=Assessment.Kind.PRE)
    took, missed = EnrolmentFactory(training=training), EnrolmentFactory(training=training)
    _attempt(post, took, questions, right=3)

    assert post_test_status(training=training) == {
        took.pk: PostTestStatus(taken=True, score=Decimal("75.00"), passed=None),
        missed.pk: PostTestStatus(taken=False, score=None, passed=None),
    }


def test_with_a_pass_mark(training):
    questions = [make_question(training=training) for _ in range(4)]
    post = AssessmentFactory(training=training, kind=Assessment.Kind.POST, pass_mark=Decimal(75))
    high, low, missed = (EnrolmentFactory(training=training) for _ in range(3))
    _attempt(post, high, questions, right=3)
    _attempt(post, low, questions, right=2)

    result = post_test_status(training=training)

    assert [result[e.pk].passed for e in (high, low, missed)] == [True, False, False]


def test_an_attempt_out_of_time_counts_with_what_was_answered(training):
    questions = [make_question(training=training) for _ in range(4)]
    post = AssessmentFactory(
        training=training,
        kind=Assessment.Kind.POST,
        opens_at=at(1, 8, year=2020),
        closes_at=at(1, 9, year=2020),
    )
    enrolment = EnrolmentFactory(training=training)
    _attempt(post, enrolment, questions, right=1, submitted=False)

    assert post_test_status(training=training)[enrolment.pk] == PostTestStatus(
        taken=True, score=Decimal("25.00"), passed=None
    )


def test_an_attempt_still_running_is_not_taken(training):
    questions = [make_question(training=training) for _ in range(2)]
    post = AssessmentFactory(
        training=training,
        kind=Assessment.Kind.POST,
        opens_at=at(1, 8, year=2090),
        closes_at=at(1, 9, year=2090),
    )
    enrolment = EnrolmentFactory(training=training)
    _attempt(post, enrolment, questions, right=2, submitted=False)

    assert post_test_status(training=training)[enrolment.pk].taken is False


def test_a_reset_attempt_does_not_count(training):
    questions = [make_question(training=training) for _ in range(2)]
    post = AssessmentFactory(training=training, kind=Assessment.Kind.POST)
    enrolment = EnrolmentFactory(training=training)
    _attempt(post, enrolment, questions, right=2, reset_at=at(8, 9), reset_reason="Listrik padam")

    assert post_test_status(training=training)[enrolment.pk].taken is False


def test_other_trainings_do_not_mix_in(training):
    other = TrainingFactory()
    questions = [make_question(training=other) for _ in range(2)]
    post = AssessmentFactory(training=other, kind=Assessment.Kind.POST)
    _attempt(post, EnrolmentFactory(training=other), questions, right=2)

    assert post_test_status(training=training) == {}


def test_the_query_count_does_not_grow_with_the_class(training, django_assert_num_queries):
    questions = [make_question(training=training) for _ in range(2)]
    post = AssessmentFactory(training=training, kind=Assessment.Kind.POST)
    for _ in range(5):
        _attempt(post, EnrolmentFactory(training=training), questions, right=1)

    with django_assert_num_queries(3):
        post_test_status(training=training)
