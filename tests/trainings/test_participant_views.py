"""'Pelatihan saya': a participant's own trainings, today's sessions, attendance, JP and badge."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from trainings import badges
from trainings.models import Attendance, Enrolment, Training
from tests.factories import (
    AttendanceFactory,
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
    organiser_user,
    participant_user,
)
from tests.participants.test_views_activation import _decode_qr
from tests.test_access import APP_ROUTES

pytestmark = pytest.mark.django_db

MY_TRAININGS = reverse("trainings:my_trainings")
Status = Enrolment.Status


@pytest.fixture
def me(client):
    user = participant_user()
    client.force_login(user)
    return user.employee


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(MY_TRAININGS)

    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")


def test_an_account_without_a_directory_entry_is_told_so(client):
    client.force_login(UserFactory())

    response = client.get(MY_TRAININGS)

    assert response.status_code == 200
    assert "belum terhubung dengan data di direktori pegawai" in response.content.decode()


def test_nobody_enrolled_yet(client, me):
    response = client.get(MY_TRAININGS)

    assert "Anda belum terdaftar di pelatihan mana pun." in response.content.decode()


def test_my_trainings_enrolled_and_waiting_with_my_position(client, me):
    open_training = TrainingFactory(
        title="Bimtek Pelayanan Prima",
        start_date=datetime.date(2022, 10, 12),
        end_date=datetime.date(2022, 10, 14),
        venue="Aula BKPSDM",
    )
    EnrolmentFactory(training=open_training, employee=me)
    full = TrainingFactory(title="Bimtek Kearsipan", quota=1)
    EnrolmentFactory(training=full)
    EnrolmentFactory(training=full, status=Status.WAITLISTED, enrolled_at=None)
    EnrolmentFactory(training=full, employee=me, status=Status.WAITLISTED, enrolled_at=None)
    EnrolmentFactory(training=full, status=Status.WAITLISTED, enrolled_at=None)  # behind me
    dropped = TrainingFactory(title="Bimtek Dibatalkan")
    EnrolmentFactory(training=dropped, employee=me, status=Status.CANCELLED)

    response = client.get(MY_TRAININGS)

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<section class="card my-training">\s*<h2>([^<]+)</h2>', html) == [
        "Bimtek Kearsipan",
        "Bimtek Pelayanan Prima",
    ]
    assert "12 s.d. 14 Oktober 2022 · Aula BKPSDM" in html
    assert "Anda berada di urutan ke-2 daftar tunggu." in html
    assert "Bimtek Dibatalkan" not in html


def test_running_trainings_come_first_then_the_coming_ones_then_the_past(client, me):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    for title, start, end in [
        ("Lalu", today - 30 * day, today - 29 * day),
        ("Bulan depan", today + 30 * day, today + 31 * day),
        ("Sedang berjalan", today - day, today + day),
        ("Minggu depan", today + 7 * day, today + 8 * day),
        ("Dulu sekali", today - 300 * day, today - 299 * day),
    ]:
        EnrolmentFactory(
            employee=me, training=TrainingFactory(title=title, start_date=start, end_date=end)
        )

    html = client.get(MY_TRAININGS).content.decode()

    assert re.findall(r'<section class="card my-training">\s*<h2>([^<]+)</h2>', html) == [
        "Sedang berjalan", "Minggu depan", "Bulan depan", "Lalu", "Dulu sekali"
    ]


def test_a_finished_training_shows_no_badge(client, me):
    today = timezone.localdate()
    past = TrainingFactory(
        start_date=today - datetime.timedelta(days=9), end_date=today - datetime.timedelta(days=8)
    )
    EnrolmentFactory(employee=me, training=past)

    html = client.get(MY_TRAININGS).content.decode()

    assert "<svg" not in html


def test_todays_sessions_with_time_room_and_my_attendance(client, me):
    today = timezone.localdate()
    training = TrainingFactory(start_date=today, end_date=today + datetime.timedelta(days=1))
    mine = EnrolmentFactory(training=training, employee=me)
    opening = SessionFactory(
        training=training, topic="Pembukaan", date=today, room="Aula",
        start_time=datetime.time(8, 0), end_time=datetime.time(9, 30),
    )
    SessionFactory(
        training=training, topic="Budaya 5S", date=today, room="Ruang Melati",
        start_time=datetime.time(10, 0), end_time=datetime.time(11, 30),
    )
    SessionFactory(training=training, topic="Besok", date=today + datetime.timedelta(days=1))
    AttendanceFactory(session=opening, enrolment=mine, status=Attendance.Status.TERLAMBAT)
    other = EnrolmentFactory(training=training)
    AttendanceFactory(
        session=opening.training.sessions.get(topic="Budaya 5S"),
        enrolment=other,
        status=Attendance.Status.HADIR,
    )

    response = client.get(MY_TRAININGS)

    today_part = response.content.decode().split('<section class="card today">', 1)[1]
    today_part = today_part.split("</section>", 1)[0]
    sessions = re.findall(
        r'<p class="today-time">([^<]+)</p>\s*<p class="today-topic">([^<]+)</p>\s*'
        r'<p class="muted">([^<·]+)·.*?<span class="badge[^"]*">([^<]+)</span>',
        today_part,
        re.S,
    )
    assert [(t, topic, room.strip(), status) for t, topic, room, status in sessions] == [
        ("08.00 – 09.30 WIB", "Pembukaan", "Aula", "Terlambat"),
        ("10.00 – 11.30 WIB", "Budaya 5S", "Ruang Melati", "belum tercatat"),
    ]
    assert "Besok" not in today_part


def test_jp_counts_only_attended_sessions(client, me):
    training = TrainingFactory()
    mine = EnrolmentFactory(training=training, employee=me)
    for jp, status in [
        (2, Attendance.Status.HADIR),
        (3, Attendance.Status.TERLAMBAT),
        (2, Attendance.Status.ALPA),
        (1, Attendance.Status.SAKIT),
    ]:
        session = SessionFactory(training=training, jp=jp)
        AttendanceFactory(session=session, enrolment=mine, status=status)
    SessionFactory(training=training, jp=4)  # not held yet
    other_training = TrainingFactory()
    AttendanceFactory(
        session=SessionFactory(training=other_training, jp=6),
        enrolment=EnrolmentFactory(training=other_training, employee=me),
    )

    response = client.get(MY_TRAININGS)

    html = response.content.decode()
    assert '<span class="jp-number">11 JP</span>' in html
    assert "Diikuti: 5 dari 12 JP" in html
    assert "Diikuti: 6 dari 6 JP" in html


def test_my_badge_is_big_on_a_day_with_sessions_and_reads_as_my_own(client, me):
    today = timezone.localdate()
    training = TrainingFactory(start_date=today, end_date=today)
    SessionFactory(training=training, date=today)
    mine = EnrolmentFactory(training=training, employee=me)
    EnrolmentFactory(training=training)  # a neighbour's badge must never show

    response = client.get(MY_TRAININGS)

    html = response.content.decode()
    card = html.split('<section class="card badge-card">', 1)[1].split("</section>", 1)[0]
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 1
    assert _decode_qr(re.search(r"<svg.*?</svg>", card, re.S).group(0)) == badges.badge_url(mine)


def test_the_badge_of_a_later_training_is_one_tap_away(client, me):
    mine = EnrolmentFactory(training=TrainingFactory(), employee=me)

    html = client.get(MY_TRAININGS).content.decode()

    details = html.split('<details class="badge-details">', 1)[1].split("</details>", 1)[0]
    assert "Tampilkan lencana QR saya" in details
    assert _decode_qr(re.search(r"<svg.*?</svg>", details, re.S).group(0)) == badges.badge_url(mine)


def test_no_badge_while_waiting(client, me):
    EnrolmentFactory(employee=me, status=Status.WAITLISTED, enrolled_at=None)

    html = client.get(MY_TRAININGS).content.decode()

    assert "<svg" not in html


def test_archived_trainings_are_left_out(client, me):
    archived = TrainingFactory(status=Training.Status.ARCHIVED, title="Pelatihan Arsip Lama")
    EnrolmentFactory(employee=me, training=archived)

    html = client.get(MY_TRAININGS).content.decode()

    assert "Pelatihan Arsip Lama" not in html


@pytest.mark.parametrize("count", [1, 3])
def test_the_page_runs_the_same_number_of_queries_for_1_or_3_trainings(
    client, me, django_assert_num_queries, count
):
    today = timezone.localdate()
    for _n in range(count):
        training = TrainingFactory(start_date=today, end_date=today)
        enrolment = EnrolmentFactory(training=training, employee=me)
        for hour in (8, 10):
            session = SessionFactory(
                training=training, date=today, start_time=datetime.time(hour, 0),
                end_time=datetime.time(hour + 1, 30),
            )
            AttendanceFactory(session=session, enrolment=enrolment)
        EnrolmentFactory(training=training, status=Status.WAITLISTED, enrolled_at=None)

    # session, user, own directory entry, own enrolments with positions, their sessions, own
    # attendance, then for the menu: roles, permissions (user, groups), own directory entry.
    with django_assert_num_queries(9):
        response = client.get(MY_TRAININGS)

    assert len(response.context["entries"]) == count


# Nobody else's data -----------------------------------------------------------------------------


def test_no_url_shows_a_participant_anyone_elses_enrolment_or_badge(client, me):
    training = TrainingFactory()
    session = SessionFactory(training=training)
    EnrolmentFactory(training=training, employee=me)
    stranger = EmployeeFactory(name="Rahasia Orang Lain", email="rahasia@example.org")
    theirs = EnrolmentFactory(training=training, employee=stranger)
    AttendanceFactory(session=session, enrolment=theirs)
    ids = {theirs.pk, training.pk, session.pk, stranger.pk}
    secrets_of_theirs = [stranger.name, stranger.nip, theirs.badge_token, stranger.email]

    leaks = []
    for route in APP_ROUTES:
        int_slots = route.count("<int:")
        candidates = [route]
        for _slot in range(int_slots):
            candidates = [
                c.replace(re.search(r"<int:[^>]+>", c).group(0), str(pk), 1)
                for c in candidates
                for pk in ids
            ]
        candidates = [re.sub(r"<str:[^>]+>", theirs.badge_token, c) for c in candidates]
        for path in candidates:
            if "<" in path:
                continue
            response = client.get("/" + path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            leaks += [(path, secret) for secret in secrets_of_theirs if secret in body]

    assert leaks == []


def test_the_menu_and_home_page_lead_participants_to_their_trainings(client, me):
    html = client.get(reverse("home")).content.decode()

    assert html.count(f'href="{MY_TRAININGS}"') == 2  # the menu and the card
    assert "Pelatihan saya" in html


def test_organisers_without_a_directory_entry_see_no_link(client):
    client.force_login(organiser_user())

    html = client.get(reverse("home")).content.decode()

    assert MY_TRAININGS not in html
