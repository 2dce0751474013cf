"""The schedule in the participant's calendar: in the invitation email and on "Pelatihan saya"."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from tests.factories import (
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
    organiser_user,
    participant_user,
)
from trainings.models import Enrolment
from trainings.services.enrolment import enrol

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def training():
    training = TrainingFactory(
        code="BIMTEK-PP-2026",
        title="Bimtek Pelayanan Prima",
        start_date=datetime.date(2026, 12, 14),
        end_date=datetime.date(2026, 12, 15),
        venue="Aula BKPSDM",
    )
    SessionFactory(
        training=training, topic="Budaya melayani", date=datetime.date(2026, 12, 14),
        start_time=datetime.time(7, 30), end_time=datetime.time(9, 0), room="Ruang Rapat 2",
    )
    SessionFactory(
        training=training, topic="Komunikasi", date=datetime.date(2026, 12, 15),
        start_time=datetime.time(13, 0), end_time=datetime.time(14, 30), room="",
    )
    return training


def events(ics: bytes) -> list[tuple[str, datetime.datetime, datetime.datetime, str]]:
    calendar = Calendar.from_ical(ics)
    return [
        (
            str(event["summary"]),
            event.decoded("dtstart"),
            event.decoded("dtend"),
            str(event.get("location", "")),
        )
        for event in calendar.walk("VEVENT")
    ]


def test_the_invitation_lists_the_sessions_and_carries_a_calendar_file(
    training, django_capture_on_commit_callbacks
):
    sari = EmployeeFactory(name="Sari Wulandari", email="sari@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        enrol(training=training, employees=[sari], by=organiser_user())

    [message] = mail.outbox
    assert "Jadwal:\n- Senin, 14 Desember 2026, 07.30–09.00 WIB: Budaya melayani (Ruang Rapat 2)\n" in message.body
    assert "- Selasa, 15 Desember 2026, 13.00–14.30 WIB: Komunikasi\n" in message.body
    assert "07.30–09.00 WIB" in message.alternatives[0].content
    [(filename, ics, content_type)] = message.attachments
    assert filename == "jadwal-bimtek-pp-2026.ics"
    assert content_type.startswith("text/calendar")
    # 07.30 in Magelang (UTC+7) is 00.30 UTC: every calendar shows it at the right hour.
    assert events(ics) == [
        (
            "Budaya melayani · Bimtek Pelayanan Prima",
            datetime.datetime(2026, 12, 14, 0, 30, tzinfo=UTC),
            datetime.datetime(2026, 12, 14, 2, 0, tzinfo=UTC),
            "Ruang Rapat 2, Aula BKPSDM",
        ),
        (
            "Komunikasi · Bimtek Pelayanan Prima",
            datetime.datetime(2026, 12, 15, 6, 0, tzinfo=UTC),
            datetime.datetime(2026, 12, 15, 7, 30, tzinfo=UTC),
            "Aula BKPSDM",
        ),
    ]


def test_sending_the_calendar_again_updates_the_same_events(training):
    from trainings.calendar import training_calendar

    sessions = list(training.sessions.order_by("date"))
    first = Calendar.from_ical(training_calendar(training, sessions))
    second = Calendar.from_ical(training_calendar(training, sessions))

    uids = [str(event["uid"]) for event in first.walk("VEVENT")]
    assert uids == [str(event["uid"]) for event in second.walk("VEVENT")]
    assert len(set(uids)) == 2


def test_a_participant_downloads_their_own_training_calendar(client, training):
    user = participant_user()
    enrolment = EnrolmentFactory(training=training, employee=user.employee)
    client.force_login(user)

    page = client.get(reverse("trainings:my_trainings"))
    response = client.get(reverse("trainings:my_calendar", args=[enrolment.pk]))

    assert reverse("trainings:my_calendar", args=[enrolment.pk]) in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert 'filename="jadwal-bimtek-pp-2026.ics"' in response["Content-Disposition"]
    assert [summary for summary, *_ in events(response.content)] == [
        "Budaya melayani · Bimtek Pelayanan Prima",
        "Komunikasi · Bimtek Pelayanan Prima",
    ]


def test_nobody_downloads_another_persons_calendar(client, training):
    other = EnrolmentFactory(training=training, employee=EmployeeFactory(user=UserFactory()))
    client.force_login(participant_user())

    response = client.get(reverse("trainings:my_calendar", args=[other.pk]))

    assert response.status_code == 404


def test_a_cancelled_enrolment_has_no_calendar(client, training):
    user = participant_user()
    enrolment = EnrolmentFactory(
        training=training, employee=user.employee, status=Enrolment.Status.CANCELLED
    )
    client.force_login(user)

    assert client.get(reverse("trainings:my_calendar", args=[enrolment.pk])).status_code == 404
