"""The organiser's continuous badge scanner: each scan recorded once, at the moment it was made."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EmployeeFactory, EnrolmentFactory, organiser_user, participant_user
from tests.trainings.test_checkin_views import at, clock, session  # noqa: F401 (fixtures)
from trainings.models import Attendance
from trainings.views.scanner import badge_token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


@pytest.fixture
def sari(session):
    return EnrolmentFactory(training=session.training, employee=EmployeeFactory(name="Sari Wulandari"))


def badge_url(enrolment) -> str:
    return "https://bimtek.example.go.id" + reverse("trainings:badge_scan", args=[enrolment.badge_token])


def scan(client, session, scanned, scanned_at=None):
    body = {"scanned": scanned}
    if scanned_at is not None:
        body["scanned_at"] = scanned_at.isoformat()
    return client.post(
        reverse("trainings:session_scanner_record", args=[session.pk]),
        json.dumps(body),
        content_type="application/json",
    )


def test_the_scanner_page_is_ready_for_the_camera_and_a_handheld_scanner(client, organiser, session):
    response = client.get(reverse("trainings:session_scanner", args=[session.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Pemindai lencana" in html
    assert 'id="scan-input"' in html and "autofocus" in html
    assert reverse("trainings:session_scanner_record", args=[session.pk]) in html
    assert '<script src="/static/js/scanner.js" defer></script>' in html


def test_a_scan_records_the_person_at_once(client, organiser, session, sari):
    response = scan(client, session, badge_url(sari), at(7, 50))

    answer = response.json()
    assert (answer["result"], answer["name"], answer["status"]) == ("recorded", "Sari Wulandari", "Hadir")
    assert answer["message"] == "Sari Wulandari tercatat hadir pukul 07.50."
    attendance = Attendance.objects.get(enrolment=sari, session=session)
    assert (attendance.method, attendance.recorded_by, attendance.note) == ("scan", organiser, "")


def test_a_badge_scanned_twice_is_recorded_once(client, organiser, session, sari):
    scan(client, session, badge_url(sari), at(7, 50))

    answer = scan(client, session, badge_url(sari), at(7, 50)).json()

    assert answer["result"] == "already"
    assert "sudah tercatat" in answer["message"]
    assert Attendance.objects.filter(enrolment=sari).count() == 1


def test_a_scan_sent_late_keeps_the_time_it_was_made(client, organiser, clock, session, sari):
    clock.now = at(8, 40)  # the signal came back after check-in closed (08.30)

    answer = scan(client, session, badge_url(sari), at(7, 55)).json()

    attendance = Attendance.objects.get(enrolment=sari)
    assert answer["result"] == "recorded"
    assert attendance.recorded_at == at(7, 55)
    assert attendance.status == Attendance.Status.HADIR
    assert attendance.note == "Dipindai tanpa sinyal pukul 07.55, dikirim pukul 08.40."


def test_the_time_of_the_scan_decides_late(client, organiser, clock, session, sari):
    clock.now = at(8, 25)

    scan(client, session, badge_url(sari), at(8, 20))

    assert Attendance.objects.get(enrolment=sari).status == Attendance.Status.TERLAMBAT


def test_a_device_clock_ahead_counts_as_now(client, organiser, session, sari):
    scan(client, session, badge_url(sari), at(9, 30))

    assert Attendance.objects.get(enrolment=sari).recorded_at == at(7, 50)


def test_a_scan_kept_on_the_device_for_more_than_a_day_is_refused(client, organiser, session, sari):
    answer = scan(client, session, badge_url(sari), at(7, 50) - datetime.timedelta(days=2)).json()

    assert answer["result"] == "refused"
    assert not Attendance.objects.exists()


def test_the_bare_token_from_a_handheld_scanner_works_too(client, organiser, session, sari):
    assert scan(client, session, sari.badge_token).json()["result"] == "recorded"


def test_a_badge_of_another_training_is_not_recorded(client, organiser, session):
    stranger = EnrolmentFactory()

    answer = scan(client, session, badge_url(stranger), at(7, 50)).json()

    assert answer["result"] == "unknown"
    assert answer["message"] == "Ini bukan lencana pelatihan ini."
    assert not Attendance.objects.exists()


def test_a_scan_outside_the_check_in_window_is_refused_with_the_reason(
    client, organiser, session, sari
):
    answer = scan(client, session, badge_url(sari), at(7, 10)).json()

    assert answer["result"] == "refused"
    assert "07.30" in answer["message"]


def test_a_scan_that_is_not_json_is_refused(client, organiser, session):
    response = client.post(
        reverse("trainings:session_scanner_record", args=[session.pk]), "x", content_type="text/plain"
    )

    assert response.status_code == 400
    assert response.json()["result"] == "refused"


def test_participants_cannot_scan(client, session, sari):
    client.force_login(participant_user())

    assert client.get(reverse("trainings:session_scanner", args=[session.pk])).status_code == 403
    assert scan(client, session, badge_url(sari), at(7, 50)).status_code == 403
    assert not Attendance.objects.exists()


def test_a_scan_without_the_csrf_token_is_refused(session, sari):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser_user())

    assert scan(client, session, badge_url(sari), at(7, 50)).status_code == 403


@pytest.mark.parametrize(
    ("scanned", "token"),
    [
        ("https://bimtek.example.go.id/pelatihan/lencana/AbC_123-x/", "AbC_123-x"),
        ("http://10.0.0.5:8000/pelatihan/lencana/AbC_123-x", "AbC_123-x"),
        ("/pelatihan/lencana/AbC_123-x/?utm=1", "AbC_123-x"),
        ("  AbC_123-x\n", "AbC_123-x"),
    ],
)
def test_the_token_is_read_from_whatever_the_scanner_returns(scanned, token):
    assert badge_token_of(scanned) == token
