"""The participant's "today": the session open for check-in comes first on the home page and on
"Pelatihan saya", with the code field and "Pindai QR"; a wrong code keeps the field in view with
the mistake next to it; after check-in the form gives way to the confirmation."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from trainings import checkin_tokens
from trainings.models import Attendance, Training
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    organiser_user,
    participant_user,
)
from tests.trainings.test_checkin_views import Clock, at, text_of

pytestmark = pytest.mark.django_db

HOME = reverse("home")
MINE = reverse("trainings:my_trainings")
CHECKIN = reverse("trainings:checkin")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """07.50 WIB on the training's first day: the 08.00 session's check-in is open."""
    cache.clear()
    frozen = Clock(at(7, 50))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def session():
    return SessionFactory(training__status=Training.Status.RUNNING, topic="Pelayanan Prima")


@pytest.fixture
def participant(client, session):
    user = participant_user()
    EnrolmentFactory(training=session.training, employee=user.employee)
    client.force_login(user)
    return user


def code_now(session) -> str:
    return checkin_tokens.make_code(session_id=session.pk, slot=checkin_tokens.slot_for(at(7, 50)))


@pytest.mark.parametrize("page", [HOME, MINE])
def test_the_open_session_and_its_code_field_come_first(client, participant, session, page):
    html = client.get(page).content.decode()

    card = html.index('class="card today-checkin"')
    assert card < html.index('name="code"') < html.index("Pindai QR")
    assert "Presensi sedang dibuka Pelayanan Prima 08.00 – 09.30 WIB" in text_of(client.get(page))
    assert f'name="next" value="{page}"' in html
    assert 'data-checkin-prefix="/pelatihan/hadir/"' in html
    assert '<script src="/static/js/scan-qr.js" defer></script>' in html
    # The "Pindai QR" button waits for the script to find a camera and a QR reader.
    assert "<p class=\"scan-row\" data-scan hidden>" in html
    if page == MINE:
        assert card < html.index("Lencana QR saya")  # the badge comes below


def test_a_right_code_from_the_home_page_comes_back_to_the_confirmation(
    client, participant, session
):
    response = client.post(CHECKIN, {"code": code_now(session), "next": HOME}, follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert "Tercatat hadir 07.50" in text_of(response)
    assert 'name="code"' not in response.content.decode()  # no second entry invited
    assert Attendance.objects.get().enrolment.employee == participant.employee


def test_a_late_check_in_is_confirmed_as_late(client, clock, participant, session):
    clock.now = at(8, 20)

    response = client.post(CHECKIN, {"code": checkin_tokens.make_code(
        session_id=session.pk, slot=checkin_tokens.slot_for(at(8, 20))
    ), "next": MINE}, follow=True)

    assert "Tercatat hadir 08.20, terlambat" in text_of(response)


def test_a_wrong_code_keeps_the_field_first_with_the_mistake_next_to_it(
    client, participant, session
):
    wrong = f"{(int(code_now(session)) + 1) % 10**6:06d}"

    response = client.post(CHECKIN, {"code": wrong, "next": HOME})

    html = response.content.decode()
    assert response.status_code == 200
    field = html.index('name="code"')
    mistake = html.index("Kode salah atau sudah kedaluwarsa.")
    assert html.index('class="card today-checkin"') < field < mistake < html.index("Pindai QR")
    assert f'value="{wrong}"' in html
    assert not Attendance.objects.exists()


def test_a_next_page_on_another_site_is_ignored(client, participant, session):
    response = client.post(CHECKIN, {"code": code_now(session), "next": "https://evil.example/"})

    assert response["Location"] == CHECKIN


def test_someone_recorded_by_the_organiser_sees_their_status_and_no_form(
    client, participant, session
):
    enrolment = participant.employee.enrolments.get()
    AttendanceFactory(session=session, enrolment=enrolment, status="izin")

    response = client.get(HOME)

    assert "Tercatat: Izin" in text_of(response)
    assert 'name="code"' not in response.content.decode()


def test_a_participant_sees_only_their_own_sessions(client, participant, session):
    SessionFactory(training__status=Training.Status.RUNNING, topic="Pelatihan Orang Lain")

    text = text_of(client.get(HOME))

    assert "Pelayanan Prima" in text
    assert "Pelatihan Orang Lain" not in text


def test_no_card_when_nothing_is_open(client, clock, participant):
    clock.now = at(10, 0)

    html = client.get(HOME).content.decode()

    assert "today-checkin" not in html


def test_organisers_without_a_directory_entry_see_no_card(client, session):
    client.force_login(organiser_user())

    assert "today-checkin" not in client.get(HOME).content.decode()


@pytest.mark.parametrize("sessions", [1, 3])
def test_the_home_card_runs_a_fixed_number_of_queries(
    client, session, participant, sessions, django_assert_num_queries
):
    for n in range(sessions - 1):
        SessionFactory(training=session.training, topic=f"Materi {n}")
    client.get(HOME)  # warm the session and the role cache

    with django_assert_num_queries(9):
        response = client.get(HOME)

    assert text_of(response).count("08.00 – 09.30 WIB") == sessions


def test_logging_in_greets_the_person_by_name_not_by_nip(client, session):
    user = participant_user(password="rahasia-123")

    response = client.post(
        reverse("account_login"),
        {"login": user.username, "password": "rahasia-123"},
        follow=True,
    )

    text = text_of(response)
    assert f"Berhasil masuk sebagai {user.employee.full_name}." in text
    assert user.username not in text
