"""The organiser's home page: today's and this week's sessions with their check-in counts, what
each training needs next, and the menu."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from assessments.models import Assessment
from certificates import services as certificate_services
from tests.assessments.factories import AssessmentFactory
from tests.certificates.factories import CertificateSettingsFactory
from tests.evaluations.factories import evaluation_form
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    organiser_user,
    participant_user,
)
from trainings.models import Attendance, Training

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


def today():
    return timezone.localdate()


def running_training(*, enrolled=3, present=1, title="Bimtek Pelayanan Prima"):
    """A training running today, with a session today (some checked in) and one in two days."""
    training = TrainingFactory(
        title=title, status=Training.Status.RUNNING, start_date=today(),
        end_date=today() + datetime.timedelta(days=2), quota=enrolled,
    )
    session = SessionFactory(training=training, topic="Budaya 5S", date=today())
    SessionFactory(
        training=training, topic="Penanganan Pengaduan", date=today() + datetime.timedelta(days=2)
    )
    enrolments = [EnrolmentFactory(training=training) for _ in range(enrolled)]
    for enrolment in enrolments[:present]:
        AttendanceFactory(session=session, enrolment=enrolment)
    # a participant excused counts as enrolled, not as checked in
    if enrolled > present:
        AttendanceFactory(session=session, enrolment=enrolments[present], status=Attendance.Status.IZIN)
    return training, session


def test_the_organiser_sees_todays_sessions_with_their_count_and_the_projector_one_click_away(
    client, organiser
):
    training, session = running_training(enrolled=3, present=1)

    response = client.get(HOME)

    html = response.content.decode()
    assert [s.topic for s in response.context["today_sessions"]] == ["Budaya 5S"]
    assert [(s.present, s.enrolled) for s in response.context["today_sessions"]] == [(1, 3)]
    assert [s.topic for s in response.context["week_sessions"]] == ["Penanganan Pengaduan"]
    assert "1 dari 3 peserta sudah presensi" in html
    assert f'href="{reverse("trainings:session_projector", args=[session.pk])}"' in html


def test_the_counts_refresh_by_htmx_from_a_partial_of_the_page(client, organiser):
    training, session = running_training(enrolled=3, present=1)
    first = client.get(HOME).content.decode()
    AttendanceFactory(session=session, enrolment=training.enrolments.last())

    partial = client.get(reverse("home_sessions"), headers={"HX-Request": "true"})

    html = partial.content.decode()
    assert f'hx-get="{reverse("home_sessions")}"' in first
    assert 'hx-trigger="every 30s"' in first
    assert "/static/django_htmx/htmx-2.min.js" in first
    assert finders.find("django_htmx/htmx-2.min.js")
    assert html.lstrip().startswith('<section class="dashboard-sessions"')
    assert "2 dari 3 peserta sudah presensi" in html
    assert "<html" not in html


def test_participants_get_neither_the_dashboard_nor_its_counts(client):
    running_training()
    client.force_login(participant_user())

    home = client.get(HOME)
    partial = client.get(reverse("home_sessions"))

    assert "trainings_in_hand" not in home.context
    assert "Sesi hari ini" not in home.content.decode()
    assert "htmx" not in home.content.decode()
    assert partial.status_code == 403


def test_what_needs_doing_links_each_task_per_training(client, organiser):
    now = timezone.now()
    opening = TrainingFactory(
        title="Bimtek Arsip", status=Training.Status.OPEN,
        start_date=today() + datetime.timedelta(days=3),
        end_date=today() + datetime.timedelta(days=4), quota=40,
    )
    EnrolmentFactory(training=opening)
    AssessmentFactory(
        training=opening, kind=Assessment.Kind.PRE,
        opens_at=now + datetime.timedelta(hours=3), closes_at=now + datetime.timedelta(hours=5),
    )
    finished = TrainingFactory(
        title="Bimtek Selesai", status=Training.Status.FINISHED,
        start_date=today() - datetime.timedelta(days=10),
        end_date=today() - datetime.timedelta(days=9),
    )
    CertificateSettingsFactory(training=finished)
    holder, waiting = EnrolmentFactory(training=finished), EnrolmentFactory(training=finished)
    certificate_services.issue_certificate(enrolment_id=holder.pk, by=None)
    evaluation_form(training=finished)
    TrainingFactory(title="Bimtek Lama", status=Training.Status.FINISHED,
                    start_date=today() - datetime.timedelta(days=100),
                    end_date=today() - datetime.timedelta(days=99))

    response = client.get(HOME)

    todos = {
        item["training"].title: [(todo.text, todo.action, todo.url) for todo in item["todos"]]
        for item in response.context["trainings_in_hand"]
    }
    with translation.override("id"):
        opens_text = date_format(timezone.localtime(now + datetime.timedelta(hours=3)), "l, H.i")
    assert todos == {
        "Bimtek Selesai": [
            ("1 peserta belum punya sertifikat: lihat siapa yang memenuhi syarat.",
             "Terbitkan sertifikat", reverse("certificates:training", args=[finished.pk])),
            ("Evaluasi dibuka: 0 dari 2 peserta sudah mengisi.", "Lihat hasil",
             reverse("evaluations:results", args=[finished.pk])),
            ("1 PDF sertifikat belum dibuat.", "Lihat sertifikat",
             reverse("certificates:training", args=[finished.pk])),
        ],
        "Bimtek Arsip": [
            ("Pendaftaran segera ditutup: pelatihan dimulai 3 hari lagi.", "Ubah status",
             reverse("trainings:training_detail", args=[opening.pk])),
            (f"Pre-test dibuka {opens_text}.", "Periksa tes",
             reverse("assessments:assessment_edit", args=[opening.pk, "pre"])),
            ("Kuota belum penuh: 1 dari 40 tempat terisi.", "Daftarkan peserta",
             reverse("trainings:enrol_from_directory", args=[opening.pk])),
            ("Post-test belum disiapkan.", "Siapkan",
             reverse("assessments:assessment_edit", args=[opening.pk, "post"])),
        ],
    }


@pytest.mark.parametrize("trainings", [1, 6])
def test_the_home_page_runs_a_fixed_number_of_queries(
    client, organiser, django_assert_max_num_queries, trainings
):
    for number in range(trainings):
        training, _session = running_training(title=f"Bimtek {number}")
        AssessmentFactory(training=training)
        evaluation_form(training=training)

    # session, user, permissions (user, groups), the trainings with their enrolled, the sessions
    # with their counts, tests, evaluation forms, certificates, the menu's roles and own entry:
    # the same 11 for one training or six.
    with django_assert_max_num_queries(11):
        response = client.get(HOME)
    with django_assert_max_num_queries(6):
        client.get(reverse("home_sessions"))

    assert len(response.context["trainings_in_hand"]) == trainings
    assert len(response.context["today_sessions"]) == trainings


def test_the_menu_folds_into_a_button_and_offers_the_evaluations(client, organiser):
    html = client.get(HOME).content.decode()

    menu = html.split('<details class="site-menu">', 1)[1].split("</details>", 1)[0]
    assert '<summary class="menu-button">Menu</summary>' in menu
    assert f'<a href="{reverse("evaluations:evaluation_list")}">Evaluasi</a>' in menu


def test_an_organiser_outside_the_panitia_sees_none_of_its_sessions_or_tasks(
    client, organiser, settings
):
    settings.BIMTEK_ORGANISERS_SEE_ALL_TRAININGS = False
    theirs, _session = running_training(title="Bimtek Panitia Sendiri")
    running_training(title="Bimtek Orang Lain")
    theirs.organisers.add(organiser)

    home = client.get(HOME)
    partial = client.get(reverse("home_sessions"))

    assert [item["training"].title for item in home.context["trainings_in_hand"]] == [
        "Bimtek Panitia Sendiri"
    ]
    assert {s.training.title for s in home.context["today_sessions"]} == {"Bimtek Panitia Sendiri"}
    assert "Bimtek Orang Lain" not in home.content.decode()
    assert "Bimtek Orang Lain" not in partial.content.decode()
    assert "Bimtek Panitia Sendiri" in partial.content.decode()
