"""Factories and helpers for evaluation tests: forms made by the service, answers by the service."""

import datetime

from django.utils import timezone

from trainings.models import Enrolment
from core.roles import Role
from evaluations import services
from evaluations.models import EvaluationForm, Question
from evaluations.selectors import questions_by_section, speakers_of_training
from tests.factories import (
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    SpeakerFactory,
    TrainingFactory,
    UserFactory,
)


def open_window():
    """Return a window that is open now: since yesterday, for a week."""
    now = timezone.now()
    return now - datetime.timedelta(days=1), now + datetime.timedelta(days=7)


def evaluation_form(
    *,
    training=None,
    is_anonymous=True,
    scale_max=5,
    organisation=None,
    speaker=None,
    open_questions=None,
    window=None,
    **settings,
) -> EvaluationForm:
    """Create a training's form through the service, open now unless told otherwise.

    organisation, speaker and open_questions replace the default texts of those sections.
    """
    training = training or TrainingFactory()
    form = services.create_evaluation_form(
        training=training, is_anonymous=is_anonymous, scale_max=scale_max
    )
    opens_at, closes_at = window or open_window()
    return services.update_evaluation_form(
        form=form,
        opens_at=opens_at,
        closes_at=closes_at,
        organisation_aspects=organisation,
        speaker_aspects=speaker,
        open_questions=open_questions,
        **settings,
    )


def training_with_speakers(*speaker_names, sessions=None, **training_fields):
    """Create a training whose sessions are given by the speakers' names, one session each.

    sessions overrides: a list of lists of names, one list per session.
    """
    training = TrainingFactory(**training_fields)
    speakers = {name: SpeakerFactory(name=name) for name in speaker_names}
    for number, names in enumerate(sessions or [[name] for name in speaker_names]):
        session = SessionFactory(
            training=training,
            topic=f"Materi {number + 1}",
            start_time=datetime.time(8 + number, 0),
            end_time=datetime.time(8 + number, 45),
            jp=1,
        )
        session.speakers.set([speakers[name] for name in names])
    return training, speakers


def participant(training, *, status=Enrolment.Status.ENROLLED):
    """Create an enrolled participant with a login; return the enrolment."""
    employee = EmployeeFactory()
    user = UserFactory(roles=[Role.PARTICIPANT], username=employee.nip)
    employee.user = user
    employee.save(update_fields=["user"])
    extra = {} if status == Enrolment.Status.ENROLLED else {"enrolled_at": None}
    return EnrolmentFactory(training=training, employee=employee, status=status, **extra)


def full_ratings(form, value=4, *, overrides=None) -> dict:
    """Return ratings answering every aspect of the form with value (overrides by text)."""
    overrides = overrides or {}
    sections = questions_by_section(form=form)
    ratings = {}
    for question in sections[Question.Section.ORGANISATION]:
        ratings[(question.pk, None)] = overrides.get(question.text, value)
    for speaker in speakers_of_training(training=form.training):
        for question in sections[Question.Section.SPEAKER]:
            ratings[(question.pk, speaker.pk)] = overrides.get(
                (speaker.name, question.text), overrides.get(question.text, value)
            )
    return ratings


def post_data(form, ratings: dict, open_answers: dict | None = None) -> dict:
    """Turn service-style ratings into the participant form's POST data."""
    data = {}
    for (question_id, speaker_id), value in ratings.items():
        name = f"org-{question_id}" if speaker_id is None else f"spk-{speaker_id}-{question_id}"
        data[name] = str(value)
    for question_id, text in (open_answers or {}).items():
        data[f"open-{question_id}"] = text
    return data


def respond(form, enrolment, value=4, *, overrides=None, open_answers=None):
    """Submit a complete response through the service."""
    return services.submit_response(
        form=form,
        enrolment=enrolment,
        ratings=full_ratings(form, value, overrides=overrides),
        open_answers=open_answers or {},
    )

