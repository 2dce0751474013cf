"""
Writes for attempts: start, save an answer, submit, close the ones out of time, reset.

The server keeps the clock. An attempt's deadline is fixed when it starts: the time limit from
then, or the test's closing time if that comes first. save_answer() refuses anything after the
deadline; an attempt whose deadline has passed is over with what was answered, and is scored
by submit_attempt() or close_expired_attempts(), whichever runs first (the selectors score it
the same way in the meantime).
"""

import datetime
import logging
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trainings.models import Enrolment

from assessments.models import Answer, Assessment, Attempt
from assessments.scoring import score_for
from assessments.selectors import questions_for_assessment

logger = logging.getLogger(__name__)

MAX_REASON_LENGTH = 300


@transaction.atomic
def start_attempt(
    *, assessment: Assessment, enrolment: Enrolment, now=None, rng: random.Random | None = None
) -> Attempt:
    """Start a participant's attempt, or return the one they already have (to resume it).

    The questions and each question's options are laid out in a random order for this attempt
    and stored, so a reload shows the same order. rng is for tests.
    """
    now = now or timezone.now()
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    existing = Attempt.objects.filter(
        assessment=assessment, enrolment=enrolment, reset_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    if (
        enrolment.training_id != assessment.training_id
        or enrolment.status != Enrolment.Status.ENROLLED
    ):
        raise ValidationError(
            _("Only participants enrolled in this training can take its tests."),
            code="not_enrolled",
        )
    if now < assessment.opens_at:
        raise ValidationError(_("This test is not open yet."), code="not_open")
    if now >= assessment.closes_at:
        raise ValidationError(_("This test has closed."), code="closed")
    questions = list(questions_for_assessment(assessment))
    if not questions:
        raise ValidationError(_("This test has no questions yet."), code="no_questions")

    rng = rng or random.SystemRandom()
    if assessment.shuffle_questions:
        rng.shuffle(questions)
    deadline = min(
        now + datetime.timedelta(minutes=assessment.time_limit_minutes), assessment.closes_at
    )
    attempt = Attempt.objects.create(
        assessment=assessment,
        enrolment=enrolment,
        started_at=now,
        deadline=deadline,
        question_count=len(questions),
    )
    answers = []
    for number, question in enumerate(questions, start=1):
        option_ids = [option.pk for option in question.options.all()]
        if assessment.shuffle_options:
            rng.shuffle(option_ids)
        answers.append(
            Answer(attempt=attempt, question=question, position=number, option_order=option_ids)
        )
    Answer.objects.bulk_create(answers)
    logger.debug(
        "Attempt %s of test %s started by enrolment %s", attempt.pk, assessment.pk, enrolment.pk
    )
    return attempt


def _locked(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().get(pk=attempt.pk)


def _refuse_if_over(attempt: Attempt, now) -> None:
    if attempt.reset_at is not None:
        raise ValidationError(
            _("The organiser has reset this attempt. Start the test again."), code="reset"
        )
    if attempt.submitted_at is not None:
        raise ValidationError(_("This test has already been submitted."), code="submitted")
    if now >= attempt.deadline:
        raise ValidationError(
            _("Time is up: answers can no longer be changed."), code="deadline_passed"
        )


@transaction.atomic
def save_answer(*, attempt: Attempt, question_id: int, option_id: int, now=None) -> Answer:
    """Record the option chosen for a question of a running attempt; choosing again replaces it."""
    now = now or timezone.now()
    attempt = _locked(attempt)
    _refuse_if_over(attempt, now)
    answer = (
        Answer.objects.filter(attempt=attempt, question_id=question_id)
        .only("pk", "option_order", "chosen_id")
        .order_by()
        .first()
    )
    if answer is None:
        raise ValidationError(_("This question is not part of your test."), code="unknown_question")
    if option_id not in answer.option_order:
        raise ValidationError(
            _("This option does not belong to the question."), code="unknown_option"
        )
    if answer.chosen_id != option_id:
        Answer.objects.filter(pk=answer.pk).update(chosen_id=option_id, answered_at=now)
        answer.chosen_id, answer.answered_at = option_id, now
    return answer


def _score(attempt: Attempt) -> None:
    correct = attempt.answers.filter(chosen__is_correct=True).count()
    attempt.correct_count = correct
    attempt.score = score_for(correct=correct, total=attempt.question_count)


@transaction.atomic
def submit_attempt(*, attempt: Attempt, now=None) -> Attempt:
    """Hand in an attempt and score it. After the deadline it counts as handed in at the
    deadline, with what was answered by then. Submitting twice changes nothing."""
    now = now or timezone.now()
    attempt = _locked(attempt)
    if attempt.reset_at is not None:
        raise ValidationError(
            _("The organiser has reset this attempt. Start the test again."), code="reset"
        )
    if attempt.submitted_at is not None:
        return attempt
    if now >= attempt.deadline:
        attempt.submitted_at, attempt.submitted_how = (
            attempt.deadline,
            Attempt.SubmittedHow.DEADLINE,
        )
    else:
        attempt.submitted_at, attempt.submitted_how = now, Attempt.SubmittedHow.PARTICIPANT
    _score(attempt)
    attempt.save(update_fields=["submitted_at", "submitted_how", "correct_count", "score"])
    logger.debug("Attempt %s submitted (%s): %s", attempt.pk, attempt.submitted_how, attempt.score)
    return attempt


@transaction.atomic
def close_expired_attempts(*, assessment: Assessment, now=None) -> int:
    """Submit, at their deadline, the attempts of a test that ran out of time; return how many."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.select_for_update()
        .filter(
            assessment=assessment,
            reset_at__isnull=True,
            submitted_at__isnull=True,
            deadline__lte=now,
        )
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    attempts = list(
        Attempt.objects.filter(pk__in=ids).annotate(
            correct_now=Count("answers", filter=Q(answers__chosen__is_correct=True))
        )
    )
    for attempt in attempts:
        attempt.submitted_at, attempt.submitted_how = (
            attempt.deadline,
            Attempt.SubmittedHow.DEADLINE,
        )
        attempt.correct_count = attempt.correct_now
        attempt.score = score_for(correct=attempt.correct_now, total=attempt.question_count)
    Attempt.objects.bulk_update(
        attempts, ["submitted_at", "submitted_how", "correct_count", "score"]
    )
    logger.info("%d attempts of test %s closed at their deadline", len(attempts), assessment.pk)
    return len(attempts)


@transaction.atomic
def reset_attempt(*, attempt: Attempt, by, reason: str, now=None) -> Attempt:
    """Set a person's attempt aside, with the reason, so they can take the test again.

    The attempt and its answers stay for the record; results count only the new attempt.
    """
    now = now or timezone.now()
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {
                "reason": [
                    ValidationError(_("Give the reason for the reset."), code="reason_required")
                ]
            }
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    ValidationError(
                        _("Keep the reason under %(max)d characters."),
                        code="reason_too_long",
                        params={"max": MAX_REASON_LENGTH},
                    )
                ]
            }
        )
    attempt = _locked(attempt)
    if attempt.reset_at is not None:
        raise ValidationError(_("This attempt has already been reset."), code="already_reset")
    attempt.reset_at, attempt.reset_by, attempt.reset_reason = now, by, reason
    attempt.save(update_fields=["reset_at", "reset_by", "reset_reason"])
    logger.info("Attempt %s reset by %s: %s", attempt.pk, by, reason)
    return attempt
