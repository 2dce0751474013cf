"""Writes for a training's pre-test and post-test: their settings and the release of results."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trainings.models import Training

from assessments.models import Assessment

logger = logging.getLogger(__name__)

MAX_TIME_LIMIT_MINUTES = 300


@transaction.atomic
def configure_assessment(
    *,
    training: Training,
    kind: str,
    opens_at,
    closes_at,
    time_limit_minutes: int,
    all_questions: bool = True,
    questions=(),
    shuffle_questions: bool = True,
    shuffle_options: bool = True,
    pass_mark: Decimal | None = None,
    by=None,
) -> Assessment:
    """Create or change a training's pre-test or post-test.

    Times may change at any moment (to extend a window, say); which questions the test asks may
    not, once somebody has started it, or the attempts would not be comparable.
    """
    if kind not in Assessment.Kind.values:
        raise ValidationError({"kind": [ValidationError(_("Unknown kind of test."), code="kind")]})
    Training.objects.select_for_update().get(pk=training.pk)
    assessment = Assessment.objects.filter(training=training, kind=kind).first()
    questions = list(questions)
    errors: dict[str, list[ValidationError]] = {}
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [
            ValidationError(_("The test must close after it opens."), code="window")
        ]
    if not 1 <= (time_limit_minutes or 0) <= MAX_TIME_LIMIT_MINUTES:
        errors["time_limit_minutes"] = [
            ValidationError(
                _("The time limit is 1 to %(max)d minutes."),
                code="time_limit",
                params={"max": MAX_TIME_LIMIT_MINUTES},
            )
        ]
    if not all_questions:
        if not questions:
            errors["questions"] = [
                ValidationError(_("Choose the questions of the test."), code="no_questions")
            ]
        elif any(question.training_id != training.pk for question in questions):
            errors["questions"] = [
                ValidationError(
                    _("Only questions of this training's bank can be chosen."),
                    code="foreign_question",
                )
            ]
    if pass_mark is not None and kind != Assessment.Kind.POST:
        errors["pass_mark"] = [
            ValidationError(_("Only the post-test has a pass mark."), code="pass_mark_pre")
        ]
    elif pass_mark is not None and not 0 <= pass_mark <= 100:
        errors["pass_mark"] = [
            ValidationError(_("The pass mark is a score from 0 to 100."), code="pass_mark_range")
        ]
    if assessment is not None and assessment.attempts.filter(reset_at__isnull=True).exists():
        chosen_before = set(assessment.questions.values_list("pk", flat=True))
        if all_questions != assessment.all_questions or (
            not all_questions and chosen_before != {q.pk for q in questions}
        ):
            errors.setdefault("questions", []).append(
                ValidationError(
                    _(
                        "Participants have started this test, so its questions can no longer change."
                    ),
                    code="test_started",
                )
            )
    if errors:
        raise ValidationError(errors)

    if assessment is None:
        assessment = Assessment(training=training, kind=kind, created_by=by)
    assessment.opens_at, assessment.closes_at = opens_at, closes_at
    assessment.time_limit_minutes = time_limit_minutes
    assessment.all_questions = all_questions
    assessment.shuffle_questions, assessment.shuffle_options = shuffle_questions, shuffle_options
    assessment.pass_mark = pass_mark
    assessment.full_clean(exclude=["training", "created_by"])
    assessment.save()
    assessment.questions.set([] if all_questions else questions)
    logger.info(
        "Test %s (%s) of training %s configured by %s", assessment.pk, kind, training.pk, by
    )
    return assessment


@transaction.atomic
def open_now(*, assessment: Assessment, by=None, now=None) -> Assessment:
    """Open a test that has not opened yet (or has closed) from this minute on.

    The room is ready earlier than planned, or the test was set for the wrong hour: the window
    starts now and still leaves every participant the whole time limit. Opening an open test
    again changes nothing.
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    if assessment.opens_at <= now < assessment.closes_at:
        return assessment
    assessment.opens_at = now
    assessment.closes_at = max(
        assessment.closes_at, now + datetime.timedelta(minutes=assessment.time_limit_minutes)
    )
    assessment.save(update_fields=["opens_at", "closes_at", "updated_at"])
    logger.info("Test %s opened now by %s", assessment.pk, by)
    return assessment


@transaction.atomic
def release_results(*, assessment: Assessment, by=None, now=None) -> Assessment:
    """Let participants see their own score on this test (once; releasing again keeps the time)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.results_released_at is None:
        assessment.results_released_at = now or timezone.now()
        assessment.save(update_fields=["results_released_at", "updated_at"])
        logger.info("Results of test %s released by %s", assessment.pk, by)
    return assessment


@transaction.atomic
def withdraw_results(*, assessment: Assessment, by=None) -> Assessment:
    """Hide the results of a test from participants again."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.results_released_at is not None:
        assessment.results_released_at = None
        assessment.save(update_fields=["results_released_at", "updated_at"])
        logger.info("Results of test %s withdrawn by %s", assessment.pk, by)
    return assessment
