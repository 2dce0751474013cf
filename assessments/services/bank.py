"""Writes for a training's question bank: questions by hand, imports, copies between batches."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trainings.models import Session, Training
from core.spreadsheets import header_key

from assessments.models import MAX_OPTIONS, MIN_OPTIONS, OPTION_LETTERS, Attempt, Option, Question
from assessments.question_files import LineError, ParsedFile, read_question_file
from assessments.scoring import score_for

logger = logging.getLogger(__name__)


def _error(field_name: str, message, code: str) -> ValidationError:
    return ValidationError({field_name: [ValidationError(message, code=code)]})


def _clean_question(*, training: Training, text: str, options: list[str], correct: int, topic):
    """Return the text and options tidied; raise ValidationError if they make no question."""
    text = (text or "").strip()
    options = [(option or "").strip() for option in options]
    while options and not options[-1]:
        options.pop()
    errors: dict[str, list[ValidationError]] = {}
    if not text:
        errors["text"] = [ValidationError(_("Write the question."), code="text_required")]
    if "" in options:
        errors.setdefault("options", []).append(
            ValidationError(
                _("Option %(letter)s is empty but a later option is filled in."),
                code="option_gap",
                params={"letter": OPTION_LETTERS[options.index("")]},
            )
        )
    elif not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        errors.setdefault("options", []).append(
            ValidationError(
                _("A question has %(min)d to %(max)d options."),
                code="option_count",
                params={"min": MIN_OPTIONS, "max": MAX_OPTIONS},
            )
        )
    if len({option.casefold() for option in options}) < len(options):
        errors.setdefault("options", []).append(
            ValidationError(_("Two options have the same text."), code="option_duplicate")
        )
    if correct is None or not 0 <= correct < len(options):
        errors["correct"] = [
            ValidationError(_("Choose the correct option among those filled in."), code="key")
        ]
    if topic is not None and topic.training_id != training.pk:
        errors["topic"] = [
            ValidationError(_("The topic must be a session of this training."), code="topic")
        ]
    if errors:
        raise ValidationError(errors)
    return text, options


@transaction.atomic
def create_question(
    *,
    training: Training,
    text: str,
    options: list[str],
    correct: int,
    topic: Session | None = None,
    explanation: str = "",
    by=None,
) -> Question:
    """Add a multiple-choice question to the end of a training's bank."""
    text, options = _clean_question(
        training=training, text=text, options=options, correct=correct, topic=topic
    )
    last = Question.objects.filter(training=training).aggregate(last=Max("position"))["last"]
    question = Question(
        training=training,
        text=text,
        topic=topic,
        explanation=(explanation or "").strip(),
        position=(last or 0) + 1,
        created_by=by,
    )
    question.full_clean()
    question.save()
    Option.objects.bulk_create(
        Option(question=question, position=i, text=option, is_correct=i == correct)
        for i, option in enumerate(options)
    )
    return question


@transaction.atomic
def update_question(
    *,
    question: Question,
    text: str,
    options: list[str],
    correct: int,
    topic: Session | None = None,
    explanation: str = "",
    by=None,
) -> Question:
    """Change a question. A changed key rescores the finished attempts that showed it.

    Options somebody has chosen cannot be taken away, so an answered question keeps at least as
    many options as it had chosen; their texts may still be corrected.
    """
    question = Question.objects.select_for_update().select_related("training").get(pk=question.pk)
    text, options = _clean_question(
        training=question.training, text=text, options=options, correct=correct, topic=topic
    )
    existing = {option.position: option for option in question.options.all()}
    removed = [existing[p] for p in existing if p >= len(options)]
    if (
        removed
        and Option.objects.filter(pk__in=[o.pk for o in removed], answers__isnull=False).exists()
    ):
        raise _error(
            "options",
            _("Participants have chosen option %(letter)s, so it cannot be removed.")
            % {"letter": removed[-1].letter},
            "option_in_use",
        )
    old_key = next((p for p, o in existing.items() if o.is_correct), None)

    question.text, question.topic = text, topic
    question.explanation = (explanation or "").strip()
    question.full_clean()
    question.save()
    Option.objects.filter(pk__in=[o.pk for o in removed]).delete()
    # Clear the key first: one correct option per question is a database constraint.
    Option.objects.filter(question=question, is_correct=True).exclude(position=correct).update(
        is_correct=False
    )
    for position, option_text in enumerate(options):
        option = existing.get(position)
        if option is None:
            Option.objects.create(
                question=question,
                position=position,
                text=option_text,
                is_correct=position == correct,
            )
        elif (option.text, option.is_correct) != (option_text, position == correct):
            option.text, option.is_correct = option_text, position == correct
            option.save(update_fields=["text", "is_correct"])
    if old_key != correct:
        rescored = rescore_attempts(question=question)
        logger.info(
            "Key of question %s changed from %s to %s by %s; %d attempts rescored",
            question.pk,
            old_key,
            correct,
            by,
            rescored,
        )
    return question


def rescore_attempts(*, question: Question) -> int:
    """Score again every submitted attempt that showed a question; return how many changed."""
    # PostgreSQL locks no rows of an aggregate query: lock the attempts first, then count.
    ids = list(
        Attempt.objects.select_for_update(of=("self",))
        .filter(submitted_at__isnull=False, answers__question=question)
        .values_list("pk", flat=True)
    )
    attempts = Attempt.objects.filter(pk__in=ids).annotate(
        correct_now=Count("answers", filter=Q(answers__chosen__is_correct=True))
    )
    changed = []
    for attempt in attempts:
        score = score_for(correct=attempt.correct_now, total=attempt.question_count)
        if (attempt.correct_count, attempt.score) != (attempt.correct_now, score):
            attempt.correct_count, attempt.score = attempt.correct_now, score
            changed.append(attempt)
    Attempt.objects.bulk_update(changed, ["correct_count", "score"])
    return len(changed)


@transaction.atomic
def delete_question(*, question: Question, by=None) -> None:
    """Remove a question from the bank, unless somebody has already been shown it."""
    if question.answers.exists():
        raise ValidationError(
            _("This question has been in participants' tests, so it stays in the bank."),
            code="question_in_use",
        )
    logger.info("Question %s of training %s deleted by %s", question.pk, question.training_id, by)
    question.delete()


# Copy and import --------------------------------------------------------------------------------


def _topics_by_name(training: Training) -> dict[str, Session]:
    sessions = Session.objects.filter(training=training).order_by("date", "start_time", "pk")
    topics: dict[str, Session] = {}
    for session in sessions:
        topics.setdefault(header_key(session.topic), session)
    return topics


@transaction.atomic
def copy_question_bank(*, source: Training, target: Training, by=None) -> int:
    """Copy a training's questions into another (the next batch); return how many were copied.

    Topics follow by the session's name in the target training. A question whose text the target
    already has is skipped, so copying twice adds nothing.
    """
    if source.pk == target.pk:
        raise ValidationError(_("Choose another training to copy from."), code="same_training")
    Training.objects.select_for_update().get(pk=target.pk)
    topics = _topics_by_name(target)
    have = {
        " ".join(text.split()).casefold()
        for text in Question.objects.filter(training=target).values_list("text", flat=True)
    }
    last = Question.objects.filter(training=target).aggregate(last=Max("position"))["last"] or 0
    copied = 0
    for question in (
        Question.objects.filter(training=source)
        .select_related("topic")
        .prefetch_related("options")
        .order_by("position", "pk")
    ):
        key = " ".join(question.text.split()).casefold()
        if key in have:
            continue
        have.add(key)
        last += 1
        copy = Question.objects.create(
            training=target,
            text=question.text,
            topic=topics.get(header_key(question.topic.topic)) if question.topic else None,
            explanation=question.explanation,
            position=last,
            created_by=by,
        )
        Option.objects.bulk_create(
            Option(question=copy, position=o.position, text=o.text, is_correct=o.is_correct)
            for o in question.options.all()
        )
        copied += 1
    logger.info(
        "%d questions copied from training %s to %s by %s", copied, source.pk, target.pk, by
    )
    return copied


@dataclass
class QuestionImport:
    """What an import did, or (with errors) why it did nothing."""

    kind: str  # "table" or "aiken": errors name rows or lines
    created: int = 0
    skipped: int = 0  # already in the bank, word for word
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


UNKNOWN_TOPIC = gettext_lazy("The topic %(topic)s is not a session of this training.")


def import_questions(*, training: Training, file, filename: str, by=None) -> QuestionImport:
    """Add the questions of an XLSX, CSV or Aiken file to a bank: all of them, or none.

    Raises QuestionFileError when the file cannot be read at all; a file with problems in some
    rows returns every problem, by row (or line), and saves nothing. The file is read before
    the transaction that saves begins, so however long it takes, it holds no lock.
    """
    parsed = read_question_file(file, filename=filename)
    return _save_questions(training=training, parsed=parsed, filename=filename, by=by)


@transaction.atomic
def _save_questions(
    *, training: Training, parsed: ParsedFile, filename: str, by
) -> QuestionImport:
    result = QuestionImport(kind=parsed.kind, errors=list(parsed.errors))
    if not parsed.questions and not parsed.errors:
        result.errors.append(LineError(1, _("The file holds no questions.")))
    Training.objects.select_for_update().get(pk=training.pk)
    topics = _topics_by_name(training)
    have = {
        " ".join(text.split()).casefold()
        for text in Question.objects.filter(training=training).values_list("text", flat=True)
    }
    to_create = []
    for question in parsed.questions:
        topic = None
        if question.topic:
            topic = topics.get(header_key(question.topic))
            if topic is None:
                result.errors.append(
                    LineError(question.number, UNKNOWN_TOPIC % {"topic": question.topic})
                )
                continue
        key = " ".join(question.text.split()).casefold()
        if key in have:
            result.skipped += 1
            continue
        have.add(key)
        to_create.append((question, topic))
    if result.errors:
        result.errors.sort(key=lambda error: error.number)
        return result
    for question, topic in to_create:
        create_question(
            training=training,
            text=question.text,
            options=question.options,
            correct=question.correct,
            topic=topic,
            explanation=question.explanation,
            by=by,
        )
    result.created = len(to_create)
    logger.info(
        "%d questions imported into training %s from %s by %s",
        result.created,
        training.pk,
        filename,
        by,
    )
    return result
