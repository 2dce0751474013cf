"""Factories for the question bank and tests, and a helper that makes a whole question."""

import datetime

import factory
from django.utils import timezone

from assessments.models import Assessment, Attempt, Option, Question
from tests.factories import TrainingFactory

JAKARTA = timezone.get_fixed_timezone(7 * 60)


def at(day: int, hour: int, minute: int = 0, *, month: int = 12, year: int = 2026):
    """Return an aware datetime in WIB, for readable tests."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    training = factory.SubFactory(TrainingFactory)
    text = factory.Sequence(lambda n: f"Pertanyaan nomor {n}?")
    explanation = factory.Sequence(lambda n: f"Penjelasan {n}")
    position = factory.Sequence(lambda n: n + 1)


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory)
    position = 0
    text = factory.Sequence(lambda n: f"Pilihan {n}")
    is_correct = False


def make_question(*, training, correct: int = 0, options: int = 4, **kwargs) -> Question:
    """Create a question with `options` options, the one at index `correct` right."""
    question = QuestionFactory(training=training, **kwargs)
    for position in range(options):
        OptionFactory(
            question=question,
            position=position,
            text=f"Pilihan {'ABCDEF'[position]} dari {question.text}",
            is_correct=position == correct,
        )
    return question


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    training = factory.SubFactory(TrainingFactory)
    kind = Assessment.Kind.PRE
    opens_at = factory.LazyFunction(lambda: at(7, 7, 30))
    closes_at = factory.LazyFunction(lambda: at(7, 9, 0))
    time_limit_minutes = 20


class AttemptFactory(factory.django.DjangoModelFactory):
    """A bare attempt with no answers; tests that need answers start attempts via the service."""

    class Meta:
        model = Attempt

    assessment = factory.SubFactory(AssessmentFactory)
    enrolment = factory.SubFactory(
        "tests.factories.EnrolmentFactory", training=factory.SelfAttribute("..assessment.training")
    )
    started_at = factory.LazyAttribute(lambda attempt: attempt.assessment.opens_at)
    deadline = factory.LazyAttribute(
        lambda attempt: (
            attempt.started_at + datetime.timedelta(minutes=attempt.assessment.time_limit_minutes)
        )
    )
    question_count = 0


def take_test(assessment, enrolment, *, right: int, wrong: int = 0, now=None, submit=True):
    """Start, answer (the first `right` questions in the attempt's order correctly, the next
    `wrong` wrongly) and submit a test through the services; return the attempt."""
    from assessments.services import save_answer, start_attempt, submit_attempt

    attempt = start_attempt(assessment=assessment, enrolment=enrolment, now=now)
    answers = list(
        attempt.answers.select_related("question")
        .prefetch_related("question__options")
        .order_by("position")
    )
    for index, answer in enumerate(answers[: right + wrong]):
        options = answer.question.options.all()
        option = next(o for o in options if o.is_correct == (index < right))
        save_answer(attempt=attempt, question_id=answer.question_id, option_id=option.pk, now=now)
    if submit:
        attempt = submit_attempt(attempt=attempt, now=now)
    return attempt
