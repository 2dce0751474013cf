"""
Reads for tests: what a participant may see of their own tests, and the organiser's results.

Participant reads take the acting user and only ever reach that person's own enrolments and
attempts; nothing they return carries the answer key unless key_visible() allows it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from core.todo import Todo

from trainings.models import Enrolment, Training
from trainings.selectors.trainings import trainings_visible_to

from assessments import analysis
from assessments.models import Answer, Assessment, Attempt, Option, Question
from assessments.scoring import score_for

# Attempts and scores ----------------------------------------------------------------------------


def _with_correct_now(queryset: QuerySet[Attempt]) -> QuerySet[Attempt]:
    return queryset.annotate(
        correct_now=Count("answers", filter=Q(answers__chosen__is_correct=True))
    )


def finished_attempts(*, assessment_ids, now=None) -> QuerySet[Attempt]:
    """Return the active (not reset) attempts of these tests that are over, with correct_now.

    An attempt is over when it was submitted or its deadline has passed; one that ran out of
    time but was not closed yet is scored here from its answers, exactly as closing it would.
    correct_now is the number of correct answers counted from the answers themselves.
    """
    now = now or timezone.now()
    return _with_correct_now(
        Attempt.objects.filter(
            assessment_id__in=list(assessment_ids), reset_at__isnull=True
        ).filter(Q(submitted_at__isnull=False) | Q(deadline__lte=now))
    )


def attempt_score(attempt: Attempt) -> Decimal:
    """Return a finished attempt's score: the stored one, or computed if it was never closed."""
    if attempt.score is not None:
        return attempt.score
    return score_for(correct=attempt.correct_now, total=attempt.question_count)


@dataclass(frozen=True)
class PostTestStatus:
    """Where a participant stands on a training's post-test, for the certificates."""

    taken: bool
    score: Decimal | None
    passed: bool | None  # None when the post-test has no pass mark


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


def questions_for_assessment(assessment: Assessment) -> QuerySet[Question]:
    """Return the questions a test asks, in bank order, with their options."""
    queryset = (
        Question.objects.filter(training_id=assessment.training_id)
        if assessment.all_questions
        else assessment.questions.all()
    )
    return queryset.prefetch_related("options").order_by("position", "pk")


# Organiser reads --------------------------------------------------------------------------------


def trainings_for_tests(user) -> QuerySet[Training]:
    """Return the trainings whose tests a user may manage or see the results of."""
    return trainings_visible_to(
        user, permissions=("assessments.manage_tests", "assessments.view_results")
    )


def trainings_with_test_counts(user) -> QuerySet[Training]:
    """Return the visible trainings with question_count and test_count, newest first."""
    return (
        trainings_for_tests(user)
        .annotate(
            question_count=Count("questions", distinct=True),
            test_count=Count("assessments", distinct=True),
        )
        .order_by("-start_date", "code")
    )


def bank_for_training(training: Training) -> QuerySet[Question]:
    """Return a training's questions, in order, with their topic and options (key included)."""
    return (
        Question.objects.filter(training=training)
        .select_related("topic")
        .prefetch_related("options")
        .annotate(answer_count=Count("answers", filter=Q(answers__chosen__isnull=False)))
        .order_by("position", "pk")
    )


def trainings_to_copy_from(*, user, training: Training) -> QuerySet[Training]:
    """Return the other trainings that have questions, to copy a bank from."""
    return (
        trainings_for_tests(user)
        .exclude(pk=training.pk)
        .annotate(question_count=Count("questions"))
        .filter(question_count__gt=0)
        .order_by("-start_date", "code")
    )


@dataclass
class TestOverview:
    assessment: Assessment | None
    kind: str
    label: str
    question_count: int = 0
    finished: int = 0
    running: int = 0
    state: str = "unset"  # unset, upcoming, open, closed


def tests_overview(*, training: Training, now=None) -> list[TestOverview]:
    """Return the pre-test and the post-test of a training with their counts, set up or not."""
    now = now or timezone.now()
    bank_size = Question.objects.filter(training=training).count()
    assessments = {
        a.kind: a
        for a in Assessment.objects.filter(training=training).annotate(
            chosen_count=Count("questions", distinct=True),
            finished=Count(
                "attempts",
                filter=Q(attempts__reset_at__isnull=True)
                & (Q(attempts__submitted_at__isnull=False) | Q(attempts__deadline__lte=now)),
                distinct=True,
            ),
            running=Count(
                "attempts",
                filter=Q(
                    attempts__reset_at__isnull=True,
                    attempts__submitted_at__isnull=True,
                    attempts__deadline__gt=now,
                ),
                distinct=True,
            ),
        )
    }
    overview = []
    for kind, label in Assessment.Kind.choices:
        assessment = assessments.get(kind)
        item = TestOverview(assessment=assessment, kind=kind, label=label)
        if assessment is not None:
            item.question_count = bank_size if assessment.all_questions else assessment.chosen_count
            item.finished, item.running = assessment.finished, assessment.running
            item.state = (
                "upcoming" if now < assessment.opens_at
                else "open" if now < assessment.closes_at
                else "closed"
            )  # fmt: skip
        overview.append(item)
    return overview


@dataclass
class Sat:
    """A person's attempt at one test, as the results show it."""

    attempt: Attempt
    finished: bool
    score: Decimal | None  # None while it is running


@dataclass
class ParticipantResult:
    enrolment: Enrolment
    unit_name: str
    pre: Sat | None
    post: Sat | None
    person: analysis.Person


@dataclass
class ItemRow:
    number: int
    question: Question
    result: analysis.ItemResult
    in_pre: bool
    in_post: bool


@dataclass
class TrainingResults:
    training: Training
    pre: Assessment | None
    post: Assessment | None
    participants: list[ParticipantResult]
    summary: analysis.ClassSummary
    items: list[ItemRow]
    pre_distribution: list[int]
    post_distribution: list[int]
    missing_pre: list[ParticipantResult] = field(default_factory=list)
    missing_post: list[ParticipantResult] = field(default_factory=list)

    @property
    def flagged_items(self) -> list[ItemRow]:
        return [item for item in self.items if item.result.flags]


def _unit_name(employee) -> str:
    return employee.unit.short_name or employee.unit.name


def results_for_training(*, training: Training, now=None) -> TrainingResults:
    """Gather and analyse a training's pre-test and post-test: people, class, questions.

    Six queries whatever the size of the class: tests, enrolments, attempts, answers, questions
    and their options. Only enrolled participants and active (not reset) attempts count.
    """
    now = now or timezone.now()
    tests = {a.kind: a for a in Assessment.objects.filter(training=training)}
    pre, post = tests.get(Assessment.Kind.PRE), tests.get(Assessment.Kind.POST)
    enrolments = list(
        Enrolment.objects.filter(training=training, status=Enrolment.Status.ENROLLED)
        .select_related("employee__unit")
        .order_by("employee__name", "pk")
    )
    sat: dict[tuple[int, str], Sat] = {}
    finished_ids = {}
    if tests:
        for attempt in _with_correct_now(
            Attempt.objects.filter(
                assessment__in=list(tests.values()), reset_at__isnull=True
            ).select_related("assessment")
        ):
            finished = attempt.is_finished(now)
            sat[attempt.enrolment_id, attempt.assessment.kind] = Sat(
                attempt=attempt,
                finished=finished,
                score=attempt_score(attempt) if finished else None,
            )
            if finished:
                finished_ids[attempt.pk] = attempt
    correct: dict[int, dict] = {attempt_id: {} for attempt_id in finished_ids}
    if finished_ids:
        rows = Answer.objects.filter(
            attempt__assessment__in=list(tests.values()), attempt__reset_at__isnull=True
        ).values_list("attempt_id", "question_id", "chosen__is_correct")
        for attempt_id, question_id, is_correct in rows:
            if attempt_id in correct:
                correct[attempt_id][question_id] = bool(is_correct)

    participants = []
    for enrolment in enrolments:
        pre_sat, post_sat = sat.get((enrolment.pk, "pre")), sat.get((enrolment.pk, "post"))
        unit_name = _unit_name(enrolment.employee)
        participants.append(
            ParticipantResult(
                enrolment=enrolment,
                unit_name=unit_name,
                pre=pre_sat,
                post=post_sat,
                person=analysis.Person(
                    key=enrolment.pk,
                    group=unit_name,
                    pre=float(pre_sat.score) if pre_sat and pre_sat.finished else None,
                    post=float(post_sat.score) if post_sat and post_sat.finished else None,
                ),
            )
        )

    def sittings(kind):
        return [
            analysis.Sitting(
                key=p.enrolment.pk,
                score=float(s.score),
                correct=correct[s.attempt.pk],
            )
            for p in participants
            if (s := getattr(p, kind)) is not None and s.finished
        ]

    pre_sittings, post_sittings = sittings("pre"), sittings("post")
    questions = list(
        Question.objects.filter(training=training)
        .select_related("topic")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position")))
        .order_by("position", "pk")
    )
    shown_pre = {q for s in pre_sittings for q in s.correct}
    shown_post = {q for s in post_sittings for q in s.correct}
    item_results = analysis.analyse_items(
        [q.pk for q in questions], pre=pre_sittings, post=post_sittings
    )
    items = [
        ItemRow(
            number=number,
            question=question,
            result=result,
            in_pre=question.pk in shown_pre,
            in_post=question.pk in shown_post,
        )
        for number, (question, result) in enumerate(zip(questions, item_results), start=1)
    ]
    return TrainingResults(
        training=training,
        pre=pre,
        post=post,
        participants=participants,
        summary=analysis.summarise([p.person for p in participants]),
        items=items,
        pre_distribution=analysis.distribution(s.score for s in pre_sittings),
        post_distribution=analysis.distribution(s.score for s in post_sittings),
        missing_pre=[p for p in participants if pre and not (p.pre and p.pre.finished)],
        missing_post=[p for p in participants if post and not (p.post and p.post.finished)],
    )


def attempt_for_organiser(*, user, pk: int) -> Attempt:
    """Return an attempt with its test, training and person, if the user may see results."""
    return (
        Attempt.objects.filter(assessment__training__in=trainings_for_tests(user))
        .select_related("assessment__training", "enrolment__employee__unit", "reset_by")
        .get(pk=pk)
    )


def reset_attempts_of_training(*, training: Training) -> QuerySet[Attempt]:
    """Return the attempts of a training that organisers reset, newest first, for the record."""
    return (
        Attempt.objects.filter(assessment__training=training, reset_at__isnull=False)
        .select_related("assessment", "enrolment__employee", "reset_by")
        .order_by("-reset_at", "-pk")
    )


# Participant reads ------------------------------------------------------------------------------


def own_enrolments(user) -> QuerySet[Enrolment]:
    """Return the signed-in person's enrolments as a participant."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(employee__user=user, status=Enrolment.Status.ENROLLED)


@dataclass
class OwnTest:
    """One of the signed-in person's tests, with what they can do about it now."""

    assessment: Assessment
    enrolment: Enrolment
    attempt: Attempt | None
    state: str  # upcoming, open, running, finished, missed
    score_visible: bool = False


def own_tests(*, user, now=None) -> list[OwnTest]:
    """Return the person's tests in trainings they are enrolled in, most recent training first."""
    now = now or timezone.now()
    enrolments = {e.training_id: e for e in own_enrolments(user)}
    if not enrolments:
        return []
    assessments = (
        Assessment.objects.filter(training_id__in=list(enrolments))
        .select_related("training")
        .order_by("-training__start_date", "training_id", "-kind")
    )
    attempts = {
        a.assessment_id: a
        for a in Attempt.objects.filter(
            enrolment__in=list(enrolments.values()), reset_at__isnull=True
        )
    }
    tests = []
    for assessment in assessments:
        attempt = attempts.get(assessment.pk)
        if attempt is not None:
            attempt.assessment = assessment  # already read: no query per attempt
        tests.append(
            OwnTest(
                assessment=assessment,
                enrolment=enrolments[assessment.training_id],
                attempt=attempt,
                state=_own_state(assessment, attempt, now),
                score_visible=attempt is not None and score_visible(attempt=attempt, now=now),
            )
        )
    return tests


def _own_state(assessment: Assessment, attempt: Attempt | None, now) -> str:
    if attempt is not None:
        return "finished" if attempt.is_finished(now) else "running"
    if now < assessment.opens_at:
        return "upcoming"
    if now < assessment.closes_at:
        return "open"
    return "missed"


def own_test(*, user, pk: int, now=None) -> OwnTest:
    """Return one of the person's tests; raise Assessment.DoesNotExist for anybody else's."""
    enrolments = own_enrolments(user)
    assessment = (
        Assessment.objects.select_related("training")
        .filter(training__enrolments__in=enrolments)
        .get(pk=pk)
    )
    enrolment = enrolments.get(training_id=assessment.training_id)
    attempt = Attempt.objects.filter(
        assessment=assessment, enrolment=enrolment, reset_at__isnull=True
    ).first()
    if attempt is not None:
        attempt.assessment = assessment
    now = now or timezone.now()
    return OwnTest(
        assessment=assessment,
        enrolment=enrolment,
        attempt=attempt,
        state=_own_state(assessment, attempt, now),
        score_visible=attempt is not None and score_visible(attempt=attempt, now=now),
    )


def own_attempt(*, user, pk: int) -> Attempt:
    """Return one of the person's attempts; raise Attempt.DoesNotExist for anybody else's."""
    if not user.is_authenticated:
        raise Attempt.DoesNotExist
    return (
        Attempt.objects.select_related("assessment__training", "enrolment")
        .filter(enrolment__employee__user=user)
        .get(pk=pk)
    )


@dataclass(frozen=True)
class ShownOption:
    id: int
    letter: str  # as this attempt shows it, A, B, …
    text: str


@dataclass
class ShownQuestion:
    """A question as a participant sees it while taking a test: no key, no explanation."""

    number: int
    id: int
    text: str
    options: list[ShownOption]
    chosen_id: int | None


def questions_for_attempt(attempt: Attempt) -> list[ShownQuestion]:
    """Return an attempt's questions in its own order, options in its own order, and the
    choices made. Two queries; the key and the explanations are never read."""
    answers = list(
        Answer.objects.filter(attempt=attempt)
        .select_related(None)
        .only("id", "position", "question_id", "option_order", "chosen_id")
        .order_by("position")
    )
    texts = dict(
        Question.objects.filter(pk__in=[a.question_id for a in answers]).values_list("pk", "text")
    )
    option_texts = dict(
        Option.objects.filter(question_id__in=[a.question_id for a in answers]).values_list(
            "pk", "text"
        )
    )
    return [
        ShownQuestion(
            number=answer.position,
            id=answer.question_id,
            text=texts[answer.question_id],
            options=[
                ShownOption(id=option_id, letter="ABCDEF"[i], text=option_texts[option_id])
                for i, option_id in enumerate(answer.option_order)
                if option_id in option_texts
            ],
            chosen_id=answer.chosen_id,
        )
        for answer in answers
    ]


def score_visible(*, attempt: Attempt, now=None) -> bool:
    """Return whether a participant may see the score (and count of right answers) of their
    attempt: once it is over, not reset, and the organiser has released the test's results.

    The one rule for every place a person sees their own score: my tests, the result page and
    the "Unduh data saya" download.
    """
    now = now or timezone.now()
    return bool(
        attempt.is_finished(now)
        and attempt.reset_at is None
        and attempt.assessment.results_released_at
    )


def key_visible(*, attempt: Attempt, now=None) -> bool:
    """Return whether a participant may see the key and explanations of their attempt.

    Only once the attempt is over and its results are released, and, for a pre-test, only once
    the post-test's results are released too: the post-test asks the same questions, so the
    pre-test's key would give its answers away. A training with no post-test shows the pre-test's
    key once it is finished (a post-test could still be set up before then).
    """
    now = now or timezone.now()
    if not score_visible(attempt=attempt, now=now):
        return False
    assessment = attempt.assessment
    if assessment.kind == Assessment.Kind.POST:
        return True
    post = Assessment.objects.filter(
        training_id=assessment.training_id, kind=Assessment.Kind.POST
    ).first()
    if post is None:
        return assessment.training.status in (Training.Status.FINISHED, Training.Status.ARCHIVED)
    return post.results_released_at is not None


@dataclass
class ReviewedQuestion:
    number: int
    text: str
    options: list[ShownOption]
    chosen_id: int | None
    correct_id: int
    explanation: str

    @property
    def is_right(self) -> bool:
        return self.chosen_id == self.correct_id


def review_for_attempt(attempt: Attempt) -> list[ReviewedQuestion]:
    """Return an attempt's questions with the key and explanations, for after the release.

    Callers check key_visible() first.
    """
    answers = list(
        Answer.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related("question__options")
        .order_by("position")
    )
    reviewed = []
    for answer in answers:
        options = {option.pk: option for option in answer.question.options.all()}
        reviewed.append(
            ReviewedQuestion(
                number=answer.position,
                text=answer.question.text,
                options=[
                    ShownOption(id=option_id, letter="ABCDEF"[i], text=options[option_id].text)
                    for i, option_id in enumerate(answer.option_order)
                    if option_id in options
                ],
                chosen_id=answer.chosen_id,
                correct_id=next(o.pk for o in options.values() if o.is_correct),
                explanation=answer.question.explanation,
            )
        )
    return reviewed


def dashboard_todos(*, trainings: list[Training], now=None) -> dict[int, list[Todo]]:
    """Return per training what its tests need, in one query: a test not set up while the
    training is open or running, one opening within a day, results waiting to be released."""
    now = now or timezone.now()
    by_training: dict[int, dict[str, Assessment]] = {}
    for assessment in Assessment.objects.filter(training__in=[t.pk for t in trainings]):
        by_training.setdefault(assessment.training_id, {})[assessment.kind] = assessment
    todos: dict[int, list[Todo]] = {}
    for training in trainings:
        tests = by_training.get(training.pk, {})
        items = todos.setdefault(training.pk, [])
        for kind, label in Assessment.Kind.choices:
            test = tests.get(kind)
            edit = reverse("assessments:assessment_edit", args=[training.pk, kind])
            if test is None:
                if training.status in (Training.Status.OPEN, Training.Status.RUNNING):
                    items.append(
                        Todo(
                            text=gettext("%(test)s not set up yet.") % {"test": label},
                            action=gettext("Set it up"),
                            url=edit,
                        )
                    )
            elif now < test.opens_at <= now + datetime.timedelta(days=1):
                items.append(
                    Todo(
                        text=gettext("%(test)s opens %(when)s.")
                        % {
                            "test": label,
                            "when": date_format(timezone.localtime(test.opens_at), "l, H.i"),
                        },
                        action=gettext("Check the test"),
                        url=edit,
                        urgent=True,
                    )
                )
            elif test.closes_at <= now and test.results_released_at is None:
                items.append(
                    Todo(
                        text=gettext("%(test)s closed: results not released yet.")
                        % {"test": label},
                        action=gettext("See the results"),
                        url=reverse("assessments:results", args=[training.pk]),
                    )
                )
    return todos
