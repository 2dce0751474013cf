"""The messages an organiser sends through WhatsApp for a training: the invitation and the
check-in reminder, each ready to send to one person (see core.whatsapp for the links).

The texts are short, plain and in the office's language: WhatsApp shows them as typed, and
they are read on a small phone. They point to pages behind the participant's own login, never
to a check-in code (the code on the projector changes every 30 seconds and belongs in the room).
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.whatsapp import WhatsAppMessage, whatsapp_number
from trainings.models import Enrolment, Session, Training
from trainings.selectors.trainings import session_starts_at, session_window


@dataclass(frozen=True)
class EnrolmentMessage(WhatsAppMessage):
    """A message to one enrolled person."""

    enrolment: Enrolment


def _render(template: str, context: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(template, context)
    # Templates keep their logic on lines of their own: drop the blank runs they leave.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept = [line for index, line in enumerate(lines) if line or (index and lines[index - 1])]
    return "\n".join(kept)


def _message(template: str, enrolment: Enrolment, context: dict) -> EnrolmentMessage:
    employee = enrolment.employee
    text = _render(template, {**context, "enrolment": enrolment, "employee": employee})
    return EnrolmentMessage(text=text, number=whatsapp_number(employee.phone), enrolment=enrolment)


def invitation_messages(
    *, training: Training, enrolments: list[Enrolment], first_session: Session | None
) -> list[EnrolmentMessage]:
    """Return the invitation of each enrolled person, as the email says it, for WhatsApp.

    `enrolments` need their employee and the employee's user; nothing here queries.
    """
    context = {
        "training": training,
        "first_session_starts": (
            timezone.localtime(session_starts_at(first_session)) if first_session else None
        ),
        "login_link": settings.SITE_URL + reverse("account_login"),
        "my_trainings_link": settings.SITE_URL + reverse("trainings:my_trainings"),
    }
    return [
        _message(
            "whatsapp/invitation.txt",
            enrolment,
            {
                **context,
                "needs_activation": enrolment.employee.user is None
                or enrolment.employee.user.awaits_activation,
            },
        )
        for enrolment in enrolments
    ]


def checkin_reminder_messages(
    *, session: Session, enrolments: list[Enrolment]
) -> list[EnrolmentMessage]:
    """Return, for each enrolled person, a reminder of a session and how to check in to it."""
    opens, closes = session_window(session)
    context = {
        "training": session.training,
        "session": session,
        "starts": timezone.localtime(session_starts_at(session)),
        "opens": timezone.localtime(opens),
        "checkin_link": settings.SITE_URL + reverse("trainings:checkin"),
    }
    return [_message("whatsapp/checkin_reminder.txt", enrolment, context) for enrolment in enrolments]
