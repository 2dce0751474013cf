"""Attempts: start, save an answer, submit, deadlines, reset."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Answer, Assessment, Attempt
from assessments.selectors import questions_for_attempt
from assessments.services import (
    close_expired_attempts,
    configure_assessment,
    reset_attempt,
    save_answer,
    start_attempt,
    submit_attempt,
)
from trainings.models import Enrolment
from tests.factories import EnrolmentFactory, organiser_user

from .factories import at, make_question

pytestmark = pytest.mark.django_db

OPENS, CLOSES = at(7, 8, 0), at(7, 9, 0)


@pytest.fixture
def test(training, bank):
    """A pre-test open 08.00–09.00 WIB on 7 December 2026, 20 minutes."""
    return configure_assessment(
        training=training,
        kind=Assessment.Kind.PRE,
        opens_at=OPENS,
        closes_at=CLOSES,
        time_limit_minutes=20,
    )


@pytest.fixture
def enrolment(training):
    return EnrolmentFactory(training=training)


def _answer_key(attempt) -> dict[int, int]:
    """Return question id -> correct option id for the attempt's questions."""
    return {
        answer.question_id: answer.question.options.get(is_correct=True).pk
        for answer in attempt.answers.select_related("question")
    }


def _wrong_option(attempt, question_id) -> int:
    answer = attempt.answers.get(question_id=question_id)
    return next(o.pk for o in answer.question.options.all() if not o.is_correct)


# Start ------------------------------------------------------------------------------------------


def test_start_lays_out_every_question_with_its_own_option_order(test, enrolment, bank):
    attempt = start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 10))

    answers = list(attempt.answers.order_by("position"))
    assert attempt.question_count == 5
    assert [a.position for a in answers] == [1, 2, 3, 4, 5]
    assert {a.question_id for a in answers} == {q.pk for q in bank}
    for answer in answers:
        assert sorted(answer.option_order) == sorted(o.pk for o in answer.question.options.all())
    assert attempt.deadline == at(7, 8, 30)


def test_the_deadline_is_the_closing_time_if_that_comes_first(test, enrolment):
    attempt = start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 50))

    assert attempt.deadline == CLOSES


def test_starting_again_resumes_the_same_attempt_in_the_same_order(test, enrolment):
    first = start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 10))
    order = [(q.id, [o.id for o in q.options]) for q in questions_for_attempt(first)]

    again = start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 15))

    assert again.pk == first.pk
    assert [(q.id, [o.id for o in q.options]) for q in questions_for_attempt(again)] == order
    assert Attempt.objects.count() == 1


def test_each_participant_gets_their_own_shuffle(training, test):
    questions = [make_question(training=training, options=6) for _ in range(15)]  # 20 in all
    orders = set()
    for seed in range(3):
        attempt = start_attempt(
            assessment=test,
            enrolment=EnrolmentFactory(training=training),
            now=at(7, 8, 5),
            rng=random.Random(seed),
        )
        orders.add(tuple(questions_for_attempt(attempt)[i].id for i in range(20)))
        assert questions[0].pk in {q.id for q in questions_for_attempt(attempt)}

    assert len(orders) == 3


def test_without_shuffling_the_bank_order_is_kept(training, bank, enrolment):
    test = configure_assessment(
        training=training,
        kind="pre",
        opens_at=OPENS,
        closes_at=CLOSES,
        time_limit_minutes=20,
        shuffle_questions=False,
        shuffle_options=False,
    )

    attempt = start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 5))

    shown = questions_for_attempt(attempt)
    assert [q.id for q in shown] == [q.pk for q in bank]
    assert [o.id for o in shown[0].options] == [o.pk for o in bank[0].options.order_by("position")]


def test_a_chosen_subset_is_asked(training, bank, enrolment):
    test = configure_assessment(
        training=training,
        kind="pre",
        opens_at=OPENS,
        closes_at=CLOSES,
        time_limit_minutes=20,
        all_questions=False,
        questions=bank[:2],
    )

    attempt = start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 5))

    assert {a.question_id for a in attempt.answers.all()} == {bank[0].pk, bank[1].pk}
    assert attempt.question_count == 2


@pytest.mark.parametrize(
    ("now", "code"), [(at(7, 7, 59), "not_open"), (CLOSES, "closed"), (at(8, 8), "closed")]
)
def test_a_test_starts_only_within_its_window(test, enrolment, now, code):
    with pytest.raises(ValidationError) as error:
        start_attempt(assessment=test, enrolment=enrolment, now=now)

    assert error.value.code == code


@pytest.mark.parametrize("status", [Enrolment.Status.WAITLISTED, Enrolment.Status.CANCELLED])
def test_only_enrolled_participants_start(test, training, status):
    enrolment = EnrolmentFactory(training=training, status=status, enrolled_at=None)

    with pytest.raises(ValidationError) as error:
        start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 5))

    assert error.value.code == "not_enrolled"


def test_another_trainings_participant_cannot_start(test):
    with pytest.raises(ValidationError) as error:
        start_attempt(assessment=test, enrolment=EnrolmentFactory(), now=at(7, 8, 5))

    assert error.value.code == "not_enrolled"


def test_a_test_without_questions_does_not_start(training, enrolment):
    test = configure_assessment(
        training=training, kind="pre", opens_at=OPENS, closes_at=CLOSES, time_limit_minutes=20
    )

    with pytest.raises(ValidationError) as error:
        start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 5))

    assert error.value.code == "no_questions"


# Answers ----------------------------------------------------------------------------------------


@pytest.fixture
def attempt(test, enrolment):
    return start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 10))


def test_an_answer_is_saved_and_can_be_changed(attempt):
    question = attempt.answers.get(position=1).question
    wrong, right = _wrong_option(attempt, question.pk), _answer_key(attempt)[question.pk]

    save_answer(attempt=attempt, question_id=question.pk, option_id=wrong, now=at(7, 8, 11))
    save_answer(attempt=attempt, question_id=question.pk, option_id=right, now=at(7, 8, 12))

    answer = attempt.answers.get(question=question)
    assert (answer.chosen_id, answer.answered_at) == (right, at(7, 8, 12))


def test_saving_the_same_choice_again_changes_nothing(attempt):
    question_id, option_id = next(iter(_answer_key(attempt).items()))
    save_answer(attempt=attempt, question_id=question_id, option_id=option_id, now=at(7, 8, 11))

    save_answer(attempt=attempt, question_id=question_id, option_id=option_id, now=at(7, 8, 14))

    assert attempt.answers.get(question_id=question_id).answered_at == at(7, 8, 11)


def test_a_late_answer_is_refused(attempt):
    question_id, option_id = next(iter(_answer_key(attempt).items()))

    with pytest.raises(ValidationError) as error:
        save_answer(attempt=attempt, question_id=question_id, option_id=option_id, now=at(7, 8, 30))

    assert error.value.code == "deadline_passed"
    assert attempt.answers.get(question_id=question_id).chosen_id is None


def test_the_last_second_before_the_deadline_still_counts(attempt):
    question_id, option_id = next(iter(_answer_key(attempt).items()))

    save_answer(
        attempt=attempt,
        question_id=question_id,
        option_id=option_id,
        now=at(7, 8, 30) - datetime.timedelta(microseconds=1),
    )

    assert attempt.answers.get(question_id=question_id).chosen_id == option_id


def test_an_option_of_another_question_is_refused(attempt):
    first, second = attempt.answers.order_by("position")[:2]

    with pytest.raises(ValidationError) as error:
        save_answer(
            attempt=attempt,
            question_id=first.question_id,
            option_id=second.option_order[0],
            now=at(7, 8, 11),
        )

    assert error.value.code == "unknown_option"


def test_a_question_outside_the_attempt_is_refused(attempt, training):
    other = make_question(training=training)

    with pytest.raises(ValidationError) as error:
        save_answer(
            attempt=attempt,
            question_id=other.pk,
            option_id=other.options.first().pk,
            now=at(7, 8, 11),
        )

    assert error.value.code == "unknown_question"


def test_no_answer_after_submitting(attempt):
    submit_attempt(attempt=attempt, now=at(7, 8, 15))
    question_id, option_id = next(iter(_answer_key(attempt).items()))

    with pytest.raises(ValidationError) as error:
        save_answer(attempt=attempt, question_id=question_id, option_id=option_id, now=at(7, 8, 16))

    assert error.value.code == "submitted"


# Submit and score -------------------------------------------------------------------------------


def _answer(attempt, *, right: int, wrong: int = 0, now=None):
    """Answer the first `right` questions correctly and the next `wrong` wrongly, at 08.12."""
    now = now or at(7, 8, 12)
    key = _answer_key(attempt)
    answers = list(attempt.answers.order_by("position"))
    for answer in answers[:right]:
        save_answer(
            attempt=attempt,
            question_id=answer.question_id,
            option_id=key[answer.question_id],
            now=now,
        )
    for answer in answers[right : right + wrong]:
        save_answer(
            attempt=attempt,
            question_id=answer.question_id,
            option_id=_wrong_option(attempt, answer.question_id),
            now=now,
        )


def test_submitting_scores_the_attempt(attempt):
    _answer(attempt, right=3, wrong=1)  # the fifth stays unanswered

    submitted = submit_attempt(attempt=attempt, now=at(7, 8, 20))

    assert (submitted.correct_count, submitted.score) == (3, Decimal("60.00"))
    assert (submitted.submitted_at, submitted.submitted_how) == (at(7, 8, 20), "participant")


def test_submitting_after_the_deadline_counts_as_at_the_deadline(attempt):
    _answer(attempt, right=2)

    submitted = submit_attempt(attempt=attempt, now=at(7, 10, 0))

    assert (submitted.submitted_at, submitted.submitted_how) == (at(7, 8, 30), "deadline")
    assert submitted.score == Decimal("40.00")


def test_submitting_twice_keeps_the_first(attempt):
    submit_attempt(attempt=attempt, now=at(7, 8, 20))

    again = submit_attempt(attempt=attempt, now=at(7, 8, 25))

    assert again.submitted_at == at(7, 8, 20)


def test_close_expired_attempts_scores_those_out_of_time_only(test, training, attempt):
    _answer(attempt, right=4)
    running = start_attempt(
        assessment=test, enrolment=EnrolmentFactory(training=training), now=at(7, 8, 25)
    )

    closed = close_expired_attempts(assessment=test, now=at(7, 8, 31))

    attempt.refresh_from_db()
    running.refresh_from_db()
    assert closed == 1
    assert (attempt.score, attempt.submitted_at, attempt.submitted_how) == (
        Decimal("80.00"),
        at(7, 8, 30),
        "deadline",
    )
    assert running.submitted_at is None


# Reset ------------------------------------------------------------------------------------------


def test_a_reset_keeps_the_record_and_allows_a_new_attempt(test, enrolment, attempt):
    organiser = organiser_user()
    submit_attempt(attempt=attempt, now=at(7, 8, 20))

    reset = reset_attempt(
        attempt=attempt, by=organiser, reason="  Baterai HP habis  ", now=at(7, 8, 21)
    )
    fresh = start_attempt(assessment=test, enrolment=enrolment, now=at(7, 8, 22))

    assert (reset.reset_at, reset.reset_by, reset.reset_reason) == (
        at(7, 8, 21),
        organiser,
        "Baterai HP habis",
    )
    assert fresh.pk != attempt.pk
    assert Answer.objects.filter(attempt=attempt).count() == 5


def test_a_reset_needs_a_reason(attempt):
    with pytest.raises(ValidationError) as error:
        reset_attempt(attempt=attempt, by=organiser_user(), reason="   ")

    assert error.value.error_dict["reason"][0].code == "reason_required"


def test_an_attempt_is_reset_once(attempt):
    reset_attempt(attempt=attempt, by=None, reason="Salah orang")

    with pytest.raises(ValidationError) as error:
        reset_attempt(attempt=attempt, by=None, reason="Lagi")

    assert error.value.code == "already_reset"


def test_a_reset_attempt_takes_no_more_answers(attempt):
    reset_attempt(attempt=attempt, by=None, reason="Salah orang", now=at(7, 8, 11))
    question_id, option_id = next(iter(_answer_key(attempt).items()))

    with pytest.raises(ValidationError) as error:
        save_answer(attempt=attempt, question_id=question_id, option_id=option_id, now=at(7, 8, 12))

    assert error.value.code == "reset"
