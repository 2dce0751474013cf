"""Reads for tests: attempts with their scores, what a participant may see, and results."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bimtek.models import Enrolment

from .models import Assessment, Attempt
from .scoring import score_for


@dataclass(frozen=True)
class PostTestStatus:
    """Where a participant stands on a training's post-test, for the certificates."""

    taken: bool
    score: Decimal | None
    passed: bool | None  # None when the post-test has no pass mark


def finished_attempts(*, assessment_ids, now=None) -> QuerySet[Attempt]:
    """Return the active (not reset) attempts of these tests that are over, with correct_now.

    An attempt is over when it was submitted or its deadline has passed; one that ran out of
    time but was not closed yet is scored here from its answers, exactly as closing it would.
    correct_now is the number of correct answers counted from the answers themselves.
    """
    now = now or timezone.now()
    return (
        Attempt.objects.filter(assessment_id__in=list(assessment_ids), reset_at__isnull=True)
        .filter(Q(submitted_at__isnull=False) | Q(deadline__lte=now))
        .annotate(correct_now=Count("answers", filter=Q(answers__chosen__is_correct=True)))
    )


def attempt_score(attempt: Attempt) -> Decimal:
    """Return a finished attempt's score: the stored one, or computed if it was never closed."""
    if attempt.score is not None:
        return attempt.score
    return score_for(correct=attempt.correct_now, total=attempt.question_count)


def post_test_status(*, training) -> dict[int, PostTestStatus]:
    """Return every enrolment of a training (by id) with its post-test status.

    taken is True once the post-test attempt is over (submitted, or out of time: then it counts
    with what was answered). An attempt an organiser reset does not count. passed is None when
    the post-test sets no pass mark (the default for a Bimtek); otherwise a participant who has
    not taken the test has not passed. Release of the results plays no part here.
    """
    enrolment_ids = Enrolment.objects.filter(training=training).values_list("pk", flat=True)
    post = Assessment.objects.filter(training=training, kind=Assessment.Kind.POST).first()
    pass_mark = post.pass_mark if post else None
    scores = {}
    if post is not None:
        for attempt in finished_attempts(assessment_ids=[post.pk]):
            scores[attempt.enrolment_id] = attempt_score(attempt)

    def status(enrolment_id: int) -> PostTestStatus:
        score = scores.get(enrolment_id)
        passed = None if pass_mark is None else score is not None and score >= pass_mark
        return PostTestStatus(taken=score is not None, score=score, passed=passed)

    return {enrolment_id: status(enrolment_id) for enrolment_id in enrolment_ids}
