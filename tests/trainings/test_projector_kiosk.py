"""The projector as a kiosk for the venue's screen, and the organiser's way to it from the home
page: "Sesi hari ini" → "Tampilkan di layar"."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from trainings import checkin_tokens
from trainings.models import Training
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    organiser_user,
    participant_user,
)
from tests.trainings.test_checkin_views import Clock, assert_csp_clean, at, text_of

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """07.50.10 WIB on the training's first day: check-in open, the code changes in 20 s."""
    cache.clear()
    frozen = Clock(at(7, 50, 10))
    monkeypatch.setattr(timezone, "now", frozen)
    monkeypatch.setattr(checkin_tokens.time, "time", lambda: frozen.now.timestamp())
    return frozen


@pytest.fixture
def session():
    return SessionFactory(training__status=Training.Status.RUNNING, topic="Pelayanan Prima")


def kiosk(session) -> str:
    return reverse("trainings:session_projector", kwargs={"pk": session.pk})


def test_the_kiosk_has_no_menu_and_no_way_out_but_a_confirmed_close(client, session):
    client.force_login(organiser_user())

    response = client.get(kiosk(session))

    html = response.content.decode()
    assert response.status_code == 200
    assert "site-nav" not in html and "Keluar" not in text_of(response)
    assert 'action="/akun/logout/"' not in html
    grid = reverse("trainings:attendance_grid", kwargs={"pk": session.training_id})
    assert re.findall(r'<a [^>]*href="([^"]+)"', html) == [grid]  # the one link: close
    close = html.index('<details class="kiosk-close"')
    assert close < html.index("Tutup layar presensi?") < html.index(f'href="{grid}"')
    assert '<summary class="kiosk-button">Tutup</summary>' in html
    assert "data-fullscreen" in html and ">Layar penuh</button>" in html
    assert "Koneksi terputus, mencoba lagi…" in html  # ready, hidden until the signal drops
    assert_csp_clean(response)


def test_the_code_says_how_long_it_may_stay_on_screen_without_a_newer_one(client, session):
    client.force_login(organiser_user())

    html = client.get(kiosk(session)).content.decode()

    # 20 s until it changes, then 5 s for the new one to arrive (still accepted till 08.51.00)
    assert 'data-rotates-in="20" data-shown-for="25"' in html
    assert html.count("data-code-part") == 3  # the QR, its label and the digits hide together


def test_a_closed_window_has_no_code_to_time(client, clock, session):
    clock.now = at(9, 45)
    client.force_login(organiser_user())

    html = client.get(kiosk(session)).content.decode()

    assert "data-shown-for" not in html and "data-code=" not in html


@pytest.mark.parametrize(
    ("make_user", "status"), [(participant_user, 403), (lambda: None, 302)]
)
def test_the_kiosk_needs_the_organiser(client, session, make_user, status):
    user = make_user()
    if user:
        client.force_login(user)

    for name in ("trainings:session_projector", "trainings:session_projector_live"):
        response = client.get(reverse(name, kwargs={"pk": session.pk}))
        assert response.status_code == status


@pytest.mark.parametrize("present", [1, 8])
def test_the_live_part_runs_a_fixed_number_of_queries(
    client, session, present, django_assert_num_queries
):
    for n in range(present):
        enrolment = EnrolmentFactory(training=session.training)
        AttendanceFactory(session=session, enrolment=enrolment, recorded_at=at(7, 40 + n))
    client.force_login(organiser_user())
    path = reverse("trainings:session_projector_live", kwargs={"pk": session.pk})
    client.get(path)

    with django_assert_num_queries(9):
        response = client.get(path)

    assert f"{present}/{present} hadir" in text_of(response)


# The organiser's home page: today's sessions, each one click from its screen, are on the dashboard
# (tests/test_home_dashboard.py); here only that the click leads to the kiosk.


def test_the_home_page_leads_to_each_of_todays_screens_in_one_click(client, session):
    later = SessionFactory(
        training=session.training, topic="Maklumat Pelayanan", start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 30),
    )
    SessionFactory(
        training=session.training, topic="Besok", date=session.date + datetime.timedelta(days=1)
    )
    client.force_login(organiser_user())

    html = client.get(HOME).content.decode()

    today = html.split('id="dashboard-sessions"', 1)[1].split("session-list-week", 1)[0]
    assert today.index(f'href="{kiosk(session)}"') < today.index(f'href="{kiosk(later)}"')
    assert "Besok" not in today


def test_participants_see_no_sessions_to_show_on_screen(client, session):
    user = participant_user()
    EnrolmentFactory(training=session.training, employee=user.employee)
    client.force_login(user)

    html = client.get(HOME).content.decode()

    assert "dashboard-sessions" not in html
    assert kiosk(session) not in html
