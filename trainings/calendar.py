"""A training's sessions as an iCalendar file (.ics): one event per session.

Attached to the invitation email and downloadable from "Pelatihan saya", so that a participant's
phone calendar (Google Calendar, Outlook, iOS) reminds them of each session at the office's time.
Times are written in UTC, which every calendar converts to the phone's own zone; each event has
a stable UID, so importing the file again after a schedule change updates the events instead of
doubling them.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event

from trainings.models import Session, Training
from trainings.selectors.trainings import session_ends_at, session_starts_at

CONTENT_TYPE = "text/calendar; charset=utf-8"


def calendar_filename(training: Training) -> str:
    """Return "jadwal-bimtek-pp-2026.ics" for the training BIMTEK-PP-2026."""
    return f"jadwal-{slugify(training.code) or training.pk}.ics"


def training_calendar(training: Training, sessions: list[Session]) -> bytes:
    """Return the iCalendar file of a training's sessions."""
    calendar = Calendar()
    calendar.add("prodid", "-//Bimtek//Jadwal pelatihan//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", training.title)
    host = urlsplit(settings.SITE_URL).hostname or "bimtek"
    stamp = timezone.now().astimezone(datetime.UTC)
    for session in sessions:
        event = Event()
        event.add("uid", f"bimtek-sesi-{session.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session_starts_at(session).astimezone(datetime.UTC))
        event.add("dtend", session_ends_at(session).astimezone(datetime.UTC))
        event.add("summary", f"{session.topic} · {training.title}")
        place = ", ".join(part for part in [session.room, training.venue] if part)
        if place:
            event.add("location", place)
        event.add("description", training.title)
        calendar.add_component(event)
    return calendar.to_ical()
