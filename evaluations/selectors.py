"""
Reads for evaluations: forms, the participant's view, results and the summary other apps use.

Anonymity: for an anonymous form nothing here reads Receipt and Response/Answer in one query,
and the only thing read from Receipt is who responded (enrolment ids, counts), never which
response is theirs. Tests capture the SQL of every results page to hold this.
"""

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.todo import Todo

from trainings.models import Enrolment, Session, Speaker, Training
from trainings.selectors.trainings import trainings_visible_to
from participants.names import full_name

from evaluations.models import Answer, EvaluationForm, Question, Receipt

TOP_OPEN_ANSWERS = 5


# Certificates and the PDF summary -----------------------------------------------------------------


def respondent_enrolment_ids(*, training: Training) -> set[int]:
    """Return the ids of the enrolments that responded to the training's evaluation."""
    return set(
        Receipt.objects.filter(form__training=training).values_list("enrolment_id", flat=True)
    )


def evaluation_required(*, training: Training) -> bool:
    """Return whether the training's certificate waits for the participant's evaluation."""
    return EvaluationForm.objects.filter(training=training, required_for_certificate=True).exists()


# Forms --------------------------------------------------------------------------------------------


def evaluation_form_of(*, training: Training) -> EvaluationForm | None:
    """Return the training's evaluation form, or None."""
    return EvaluationForm.objects.filter(training=training).first()


def trainings_for_evaluation(*, user) -> QuerySet[Training]:
    """Return the trainings whose evaluation the user may set up, forms joined, latest first."""
    return (
        trainings_visible_to(user, permissions=("evaluations.view_evaluationform",))
        .select_related("evaluation_form")
        .order_by("-start_date", "code")
    )


def trainings_with_evaluation_counts(*, user) -> list[Training]:
    """Return the user's trainings each with respondent_count and enrolled_count, in one query."""
    return list(
        trainings_for_evaluation(user=user).annotate(
            respondent_count=Count("evaluation_form__receipts", distinct=True),
            enrolled_count=Count(
                "enrolments",
                filter=Q(enrolments__status=Enrolment.Status.ENROLLED),
                distinct=True,
            ),
        )
    )


def questions_by_section(*, form: EvaluationForm) -> dict[str, list[Question]]:
    """Return the form's questions grouped by section, each section in its order."""
    sections: dict[str, list[Question]] = {value: [] for value in Question.Section.values}
    for question in form.questions.order_by("position", "pk"):
        sections[question.section].append(question)
    return sections


def speakers_of_training(*, training: Training) -> list[Speaker]:
    """Return the speakers of the training's sessions, each once, in the order they first speak.

    Each speaker carries .topics: the topics of their sessions in this training.
    """
    sessions = (
        Session.objects.filter(training=training)
        .order_by("date", "start_time", "pk")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name", "pk")))
    )
    speakers: dict[int, Speaker] = {}
    for session in sessions:
        for speaker in session.speakers.all():
            speaker = speakers.setdefault(speaker.pk, speaker)
            if not hasattr(speaker, "topics"):
                speaker.topics = []
            if session.topic not in speaker.topics:
                speaker.topics.append(session.topic)
    return list(speakers.values())


# The participant ---------------------------------------------------------------------------------


def enrolment_for_evaluation(*, user, training_pk: int) -> Enrolment | None:
    """Return the user's own enrolled place in a training, with training and form; or None."""
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(
            training_id=training_pk,
            employee__user=user,
            status=Enrolment.Status.ENROLLED,
        )
        .select_related("training", "training__evaluation_form", "employee")
        .first()
    )


def has_responses(*, form: EvaluationForm) -> bool:
    """Return whether anyone has responded to the form (which fixes its questions)."""
    return Receipt.objects.filter(form=form).exists()


def has_responded(*, form: EvaluationForm, enrolment: Enrolment) -> bool:
    """Return whether this enrolment has responded to the form."""
    return Receipt.objects.filter(form=form, enrolment=enrolment).exists()


@dataclass(frozen=True)
class ParticipantEvaluation:
    training: Training
    form: EvaluationForm
    responded: bool
    state: str  # "upcoming", "open" or "closed"

    @property
    def can_respond(self) -> bool:
        return self.state == "open" and not self.responded


def form_state(form: EvaluationForm, *, now: datetime.datetime) -> str:
    """Return "upcoming", "open" or "closed" for a form at a moment."""
    if now < form.opens_at:
        return "upcoming"
    if now >= form.closes_at:
        return "closed"
    return "open"


def evaluations_of_participant(
    *, user, now: datetime.datetime | None = None
) -> list[ParticipantEvaluation]:
    """Return the evaluation forms of the trainings the user is enrolled in, open ones first."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    enrolments = list(
        Enrolment.objects.filter(
            employee__user=user,
            status=Enrolment.Status.ENROLLED,
            training__evaluation_form__isnull=False,
        )
        .select_related("training", "training__evaluation_form")
        .order_by("-training__start_date", "training__code")
    )
    answered = (
        set(
            Receipt.objects.filter(enrolment__in=[e.pk for e in enrolments]).values_list(
                "enrolment_id", flat=True
            )
        )
        if enrolments
        else set()
    )
    items = [
        ParticipantEvaluation(
            training=enrolment.training,
            form=enrolment.training.evaluation_form,
            responded=enrolment.pk in answered,
            state=form_state(enrolment.training.evaluation_form, now=now),
        )
        for enrolment in enrolments
    ]
    return sorted(items, key=lambda item: not item.can_respond)


# Results ------------------------------------------------------------------------------------------


def _mean(counts: list[int]) -> Decimal | None:
    """Return the mean of a distribution (counts of 1, 2, …), rounded only at the end."""
    total = sum(counts)
    if not total:
        return None
    weighted = sum(value * count for value, count in enumerate(counts, start=1))
    return (Decimal(weighted) / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _percent(part: int, whole: int) -> int | None:
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def _bars(counts: list[int]) -> list[dict]:
    """Return a distribution as segments of a 100-wide bar, for a server-side SVG."""
    total = sum(counts)
    segments, start = [], Decimal(0)
    for value, count in enumerate(counts, start=1):
        width = (Decimal(count) * 100 / total).quantize(Decimal("0.01")) if total else Decimal(0)
        segments.append({"value": value, "count": count, "x": start, "width": width})
        start += width
    return segments


@dataclass
class AspectResult:
    """The answers on one aspect: counts per scale value (index 0 is value 1) and the mean."""

    question_id: int
    text: str
    counts: list[int]

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> Decimal | None:
        return _mean(self.counts)

    @property
    def bars(self) -> list[dict]:
        return _bars(self.counts)


@dataclass
class SpeakerResult:
    speaker_id: int
    name: str
    topics: list[str]
    aspects: list[AspectResult]

    @property
    def counts(self) -> list[int]:
        return [sum(column) for column in zip(*(a.counts for a in self.aspects))]

    @property
    def n(self) -> int:
        """Return how many respondents rated this speaker (the most answers of any aspect)."""
        return max((aspect.n for aspect in self.aspects), default=0)

    @property
    def mean(self) -> Decimal | None:
        return _mean(self.counts)

    @property
    def bars(self) -> list[dict]:
        return _bars(self.counts)


@dataclass
class OpenAnswer:
    text: str
    respondent: str = ""  # the respondent's name, on a named form only


@dataclass
class OpenQuestionResult:
    question_id: int
    text: str
    answers: list[OpenAnswer]

    def top(self, limit: int = TOP_OPEN_ANSWERS) -> list[tuple[str, int]]:
        """Return the most frequent answers (the same words counted once) with their counts."""
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for answer in self.answers:
            spellings[_normalise(answer.text)][" ".join(answer.text.split())] += 1
        ranked = sorted(spellings.items(), key=lambda item: (-item[1].total(), item[0]))
        # Each answer as most people wrote it (the first alphabetically on a tie).
        return [
            (min(variants, key=lambda text: (-variants[text], text)), variants.total())
            for _key, variants in ranked[:limit]
        ]


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".!").casefold()


@dataclass
class EvaluationResults:
    """Everything the results page, the export and the PDF summary show about one form."""

    form: EvaluationForm
    respondents: int
    enrolled: int
    organisation: list[AspectResult] = field(default_factory=list)
    speakers: list[SpeakerResult] = field(default_factory=list)
    open_questions: list[OpenQuestionResult] = field(default_factory=list)

    @property
    def scale_values(self) -> list[int]:
        return self.form.scale_values

    @property
    def scale_labels(self) -> list[str]:
        return list(self.form.scale_labels)

    @property
    def scale(self) -> list[tuple[int, str]]:
        return list(zip(self.scale_values, self.scale_labels))

    @property
    def organisation_mean(self) -> Decimal | None:
        return _mean([sum(column) for column in zip(*(a.counts for a in self.organisation))])

    @property
    def response_rate_text(self) -> str:
        return response_rate_text(self.respondents, self.enrolled)


def response_rate_text(respondents: int, enrolled: int) -> str:
    """Return "41 of 55 (75%)", translated."""
    percent = _percent(respondents, enrolled)
    if percent is None:
        return _("%(respondents)d of %(enrolled)d") % {
            "respondents": respondents,
            "enrolled": enrolled,
        }
    return _("%(respondents)d of %(enrolled)d (%(percent)d%%)") % {
        "respondents": respondents,
        "enrolled": enrolled,
        "percent": percent,
    }


def evaluation_results(*, form: EvaluationForm) -> EvaluationResults:
    """Return the tallies, means, open answers and response rate of a form, in fixed queries."""
    training = form.training
    sections = questions_by_section(form=form)
    tallies: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0] * form.scale_max)
    rows = (
        Answer.objects.filter(response__form=form, value__isnull=False)
        .values_list("question_id", "speaker_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    for question_id, speaker_id, value, count in rows:
        if 1 <= value <= form.scale_max:
            tallies[(question_id, speaker_id)][value - 1] += count

    speakers = speakers_of_training(training=training)
    known = {speaker.pk for speaker in speakers}
    rated = {speaker_id for (_question, speaker_id) in tallies if speaker_id is not None}
    if rated - known:
        # A speaker who was rated, then taken off the schedule: their ratings still count.
        for speaker in Speaker.objects.filter(pk__in=rated - known).order_by("name", "pk"):
            speaker.topics = []
            speakers.append(speaker)

    def aspect(question, speaker_id=None):
        counts = list(tallies.get((question.pk, speaker_id), [0] * form.scale_max))
        return AspectResult(question_id=question.pk, text=question.text, counts=counts)

    return EvaluationResults(
        form=form,
        respondents=Receipt.objects.filter(
            form=form, enrolment__status=Enrolment.Status.ENROLLED
        ).count(),
        enrolled=training.enrolments.filter(status=Enrolment.Status.ENROLLED).count(),
        organisation=[aspect(question) for question in sections[Question.Section.ORGANISATION]],
        speakers=[
            SpeakerResult(
                speaker_id=speaker.pk,
                name=speaker.full_name,
                topics=speaker.topics,
                aspects=[aspect(q, speaker.pk) for q in sections[Question.Section.SPEAKER]],
            )
            for speaker in speakers
        ],
        open_questions=_open_question_results(form, sections[Question.Section.OPEN]),
    )


def _open_question_results(form: EvaluationForm, questions: list[Question]):
    answers = Answer.objects.filter(response__form=form, value__isnull=True)
    by_question: dict[int, list[OpenAnswer]] = defaultdict(list)
    if form.is_anonymous:
        # Random UUID order: neither the order of writing nor the person shows.
        for question_id, text in answers.order_by("id").values_list("question_id", "text"):
            by_question[question_id].append(OpenAnswer(text=text))
    else:
        rows = answers.order_by("response__receipt__enrolment__employee__name", "id").values_list(
            "question_id",
            "text",
            "response__receipt__enrolment__employee__gelar_depan",
            "response__receipt__enrolment__employee__name",
            "response__receipt__enrolment__employee__gelar_belakang",
        )
        for question_id, text, front, name, back in rows:
            by_question[question_id].append(
                OpenAnswer(text=text, respondent=full_name(front or "", name or "", back or ""))
            )
    return [
        OpenQuestionResult(question_id=q.pk, text=q.text, answers=by_question.get(q.pk, []))
        for q in questions
    ]


# The one-page summary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AspectMean:
    text: str
    mean: Decimal | None
    n: int


@dataclass(frozen=True)
class SpeakerMean:
    name: str
    mean: Decimal | None
    n: int


@dataclass(frozen=True)
class TopOpenAnswers:
    question: str
    answers: list[tuple[str, int]]  # (answer, how many gave it), most frequent first


@dataclass(frozen=True)
class EvaluationSummary:
    """A training's evaluation in a few numbers, for the one-page PDF summary.

    response_rate is a fraction from 0 to 1 (None when nobody is enrolled); means are rounded
    to two decimals, on a scale from 1 to scale_max.
    """

    respondents: int
    enrolled: int
    response_rate: Decimal | None
    is_anonymous: bool
    scale_max: int
    organisation_mean: Decimal | None
    organisation: list[AspectMean]
    speakers: list[SpeakerMean]
    top_open_answers: list[TopOpenAnswers]

    @property
    def response_rate_text(self) -> str:
        return response_rate_text(self.respondents, self.enrolled)


def summary_of(results: EvaluationResults) -> EvaluationSummary:
    """Reduce full results to the summary."""
    return EvaluationSummary(
        respondents=results.respondents,
        enrolled=results.enrolled,
        response_rate=(
            (Decimal(results.respondents) / Decimal(results.enrolled)).quantize(
                Decimal("0.0001"), ROUND_HALF_UP
            )
            if results.enrolled
            else None
        ),
        is_anonymous=results.form.is_anonymous,
        scale_max=results.form.scale_max,
        organisation_mean=results.organisation_mean,
        organisation=[AspectMean(text=a.text, mean=a.mean, n=a.n) for a in results.organisation],
        speakers=[SpeakerMean(name=s.name, mean=s.mean, n=s.n) for s in results.speakers],
        top_open_answers=[
            TopOpenAnswers(question=q.text, answers=q.top()) for q in results.open_questions
        ],
    )


def evaluation_summary(*, training: Training) -> EvaluationSummary | None:
    """Return the training's evaluation in a few numbers, or None if it has no evaluation form."""
    form = EvaluationForm.objects.select_related("training").filter(training=training).first()
    if form is None:
        return None
    return summary_of(evaluation_results(form=form))


# The export's raw data --------------------------------------------------------------------------


@dataclass
class ResponseRow:
    """One response for the export: ratings keyed (question id, speaker id), open answers by id."""

    respondent: str  # the respondent's name and NIP on a named form; "" on an anonymous one
    ratings: dict[tuple[int, int | None], int] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)


def response_rows(*, form: EvaluationForm) -> list[ResponseRow]:
    """Return every response of a form; anonymous ones in random (UUID) order, named by name."""
    rows: dict = {}
    answers = Answer.objects.filter(response__form=form).order_by("response_id", "id")
    for response_id, question_id, speaker_id, value, text in answers.values_list(
        "response_id", "question_id", "speaker_id", "value", "text"
    ):
        row = rows.setdefault(response_id, ResponseRow(respondent=""))
        if value is None:
            row.texts[question_id] = text
        else:
            row.ratings[(question_id, speaker_id)] = value
    if form.is_anonymous:
        return list(rows.values())
    named = Receipt.objects.filter(form=form, response__isnull=False).select_related(
        "enrolment__employee"
    )
    names = {}
    for receipt in named:
        employee = receipt.enrolment.employee
        names[receipt.response_id] = " – ".join(
            part for part in (employee.full_name, employee.identifier_display) if part
        )
    for response_id, row in rows.items():
        row.respondent = names.get(response_id, "")
    return sorted(rows.values(), key=lambda row: row.respondent.casefold())


def dashboard_todos(*, trainings: list[Training], now=None) -> dict[int, list[Todo]]:
    """Return per training what its evaluation needs, in one query: a form not set up once the
    training runs, and the responses so far while the form is open.

    Each training needs enrolled_count (trainings.selectors.dashboard.trainings_in_hand).
    """
    now = now or timezone.now()
    forms = {
        form.training_id: form
        for form in EvaluationForm.objects.filter(
            training__in=[t.pk for t in trainings]
        ).annotate(receipt_count=Count("receipts"))
    }
    todos: dict[int, list[Todo]] = {}
    for training in trainings:
        form = forms.get(training.pk)
        items = todos.setdefault(training.pk, [])
        if form is None:
            if training.status in (Training.Status.RUNNING, Training.Status.FINISHED):
                items.append(
                    Todo(
                        text=_("Evaluation form not set up yet."),
                        action=_("Set it up"),
                        url=reverse("evaluations:form_settings", args=[training.pk]),
                    )
                )
        elif form.opens_at <= now < form.closes_at:
            items.append(
                Todo(
                    text=_("Evaluation open: %(responses)d of %(enrolled)d responded.")
                    % {"responses": form.receipt_count, "enrolled": training.enrolled_count},
                    action=_("See the results"),
                    url=reverse("evaluations:results", args=[training.pk]),
                )
            )
    return todos
