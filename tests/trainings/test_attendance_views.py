"""The organiser's attendance grid: one status per cell, corrections logged, Alpa in bulk."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from trainings.models import Attendance, AttendanceChange, Enrolment, Training
from tests.trainings.test_checkin_views import assert_csp_clean, text_of
from tests.factories import (
    AttendanceFactory,
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    UnitFactory,
    organiser_user,
    participant_user,
)

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def at(hour, minute, day=7) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Stop the clock at 09.00 WIB on the first day: the 08.00 session's check-in has closed."""

    class Clock:
        now = at(9, 0)

        def __call__(self):
            return self.now

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def training():
    return SessionFactory(
        training__status=Training.Status.RUNNING, topic="Pelayanan Prima"
    ).training


@pytest.fixture
def sessions(training):
    first = training.sessions.get()
    second = SessionFactory(
        training=training,
        topic="Budaya BerAKHLAK",
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 30),
    )
    return [first, second]


def enrol(training, **employee):
    return EnrolmentFactory(training=training, employee=EmployeeFactory(**employee))


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


def grid_path(training) -> str:
    return reverse("trainings:attendance_grid", kwargs={"pk": training.pk})


def set_path(session, enrolment) -> str:
    return reverse(
        "trainings:attendance_set", kwargs={"session_pk": session.pk, "enrolment_pk": enrolment.pk}
    )


# The grid ----------------------------------------------------------------------------------------


def test_the_grid_shows_participants_against_sessions(client, organiser, training, sessions):
    siti = enrol(
        training,
        gelar_depan="Ns.",
        name="Siti Rahayu",
        gelar_belakang="S.Kep.",
        unit=UnitFactory(name="RSUD Tidar"),
    )
    agus = enrol(training, name="Agus Wibowo")
    gone = enrol(training, name="Sudah Batal")
    Enrolment.objects.filter(pk=gone.pk).update(status=Enrolment.Status.CANCELLED)
    AttendanceFactory(
        session=sessions[0], enrolment=siti, status="hadir", method="self", recorded_at=at(7, 42)
    )
    AttendanceFactory(session=sessions[0], enrolment=agus, status="izin", note="Surat 800/12")

    response = client.get(grid_path(training))

    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r'<th scope="row" class="grid-name">([^<]+)</th>', html)
    assert rows == ["Agus Wibowo", "Ns. Siti Rahayu, S.Kep."]
    cell = re.search(
        rf'<td id="cell-{sessions[0].pk}-{siti.pk}".*?</td>', html, flags=re.DOTALL
    ).group(0)
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() == "Hadir 07.42"
    izin = re.search(
        rf'<td id="cell-{sessions[0].pk}-{agus.pk}".*?</td>', html, flags=re.DOTALL
    ).group(0)
    assert "Izin" in izin and "Surat 800/12" in izin
    empty = re.search(
        rf'<td id="cell-{sessions[1].pk}-{agus.pk}".*?</td>', html, flags=re.DOTALL
    ).group(0)
    assert "belum tercatat" in empty
    assert "RSUD Tidar" in text_of(response)
    assert text_of(response).count("Tandai Alpa untuk yang belum tercatat") == 2
    assert '<script src="/static/js/grid.js" defer></script>' in html
    assert_csp_clean(response)


def test_each_status_has_its_own_colour_and_the_grid_names_them(
    client, organiser, training, sessions
):
    enrol(training, name="Agus Wibowo")

    response = client.get(grid_path(training))

    legend = re.search(r'<ul class="status-legend".*?</ul>', response.content.decode(), re.DOTALL)
    assert re.findall(r'class="legend-(\w+)">([^<]+)<', legend.group(0)) == [
        ("hadir", "Hadir"), ("terlambat", "Terlambat"), ("izin", "Izin"), ("sakit", "Sakit"),
        ("dinas_luar", "Dinas Luar"), ("alpa", "Alpa"), ("none", "+ belum tercatat"),
    ]  # fmt: skip
    stylesheet = (ROOT / "static" / "css" / "checkin.css").read_text()
    backgrounds = {
        status: re.search(
            rf"\.cell-link\.cell-{status}[^{{]*\{{[^}}]*background: (#[0-9a-f]+)", stylesheet
        ).group(1)
        for status in ["hadir", "terlambat", "izin", "sakit", "dinas_luar", "alpa"]
    }
    assert len(set(backgrounds.values())) == 6, backgrounds


@pytest.mark.parametrize("people", [1, 30])
def test_the_grid_runs_the_same_queries_for_1_or_30_participants(
    client, organiser, training, sessions, django_assert_num_queries, people
):
    for n in range(people):
        enrolment = enrol(training, name=f"Peserta {n:02d}")
        AttendanceFactory(session=sessions[0], enrolment=enrolment)

    # The grid's four (training, sessions, enrolments with person and unit, attendance) and the
    # page's own six (login session, user, two for permissions, roles and profile in the menu).
    with django_assert_num_queries(9):
        response = client.get(grid_path(training))

    assert response.content.decode().count('class="grid-cell"') == people * 2


def test_participants_cannot_see_the_grid(client, training, sessions):
    client.force_login(participant_user())

    response = client.get(grid_path(training))

    assert response.status_code == 403


# One cell ----------------------------------------------------------------------------------------


def test_a_cell_posted_with_fetch_comes_back_as_the_cell_alone(
    client, organiser, training, sessions
):
    enrolment = enrol(training, name="Dewi Lestari")

    response = client.post(
        set_path(sessions[0], enrolment),
        {"status": "sakit", "note": "Surat dokter"},
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith(f'<td id="cell-{sessions[0].pk}-{enrolment.pk}" class="grid-cell">')
    assert html.endswith("</td>")
    assert "Sakit" in html and "Surat dokter" in html
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.note, attendance.method) == (
        "sakit",
        "Surat dokter",
        "manual",
    )
    assert attendance.recorded_by == organiser


def test_without_javascript_a_cell_is_a_small_page_that_returns_to_the_grid(
    client, organiser, training, sessions
):
    enrolment = enrol(training, name="Dewi Lestari")
    path = set_path(sessions[0], enrolment)

    page = client.get(path)
    response = client.post(path, {"status": "dinas_luar", "note": "SPT 090/45"})

    assert page.status_code == 200
    buttons = re.findall(
        r'<button type="submit" name="status" value="([a-z_]+)"', page.content.decode()
    )
    assert buttons == ["hadir", "terlambat", "izin", "sakit", "dinas_luar", "alpa"]
    assert_csp_clean(page)
    assert response.status_code == 302
    assert (
        response.headers["Location"]
        == f"{grid_path(training)}#cell-{sessions[0].pk}-{enrolment.pk}"
    )
    assert Attendance.objects.get().status == "dinas_luar"


def test_a_correction_in_the_grid_is_logged_with_the_previous_value(
    client, organiser, training, sessions
):
    enrolment = enrol(training)
    AttendanceFactory(session=sessions[0], enrolment=enrolment, status="alpa")

    client.post(
        set_path(sessions[0], enrolment),
        {"status": "izin", "note": "Surat menyusul"},
        headers={"X-Requested-With": "fetch"},
    )

    change = AttendanceChange.objects.get()
    assert (change.previous_status, change.new_status, change.note) == (
        "alpa",
        "izin",
        "Surat menyusul",
    )
    assert change.changed_by == organiser
    assert Attendance.objects.count() == 1


def test_a_bad_status_from_fetch_is_a_400_with_the_reason(client, organiser, training, sessions):
    enrolment = enrol(training)

    response = client.post(
        set_path(sessions[0], enrolment), {"status": "bolos"}, headers={"X-Requested-With": "fetch"}
    )

    assert response.status_code == 400
    assert "bolos" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_cell_of_another_trainings_participant_does_not_exist(
    client, organiser, training, sessions
):
    stranger = EnrolmentFactory()

    response = client.post(set_path(sessions[0], stranger), {"status": "hadir"})

    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_participants_cannot_change_anyones_attendance(client, training, sessions):
    participant = participant_user()
    own = EnrolmentFactory(training=training, employee=participant.employee)
    colleague = enrol(training)
    client.force_login(participant)

    own_response = client.post(set_path(sessions[0], own), {"status": "hadir"})
    colleague_response = client.post(set_path(sessions[0], colleague), {"status": "alpa"})

    assert (own_response.status_code, colleague_response.status_code) == (403, 403)
    assert not Attendance.objects.exists()


# Alpa for the rest -------------------------------------------------------------------------------


def alpa_path(session) -> str:
    return reverse("trainings:attendance_mark_alpa", kwargs={"session_pk": session.pk})


def test_after_check_in_closes_the_rest_are_marked_alpa_after_a_confirmation(
    client, organiser, training, sessions
):
    present = enrol(training, name="Ada Hadir")
    missing = enrol(training, name="Tidak Datang")
    AttendanceFactory(session=sessions[0], enrolment=present)

    page = client.get(alpa_path(sessions[0]))
    response = client.post(alpa_path(sessions[0]), follow=True)

    assert "1 peserta belum tercatat untuk sesi ini." in text_of(page)
    assert "Tidak Datang" in text_of(page) and "Ada Hadir" not in text_of(page)
    assert "1 peserta yang belum tercatat kini ditandai Alpa." in text_of(response)
    assert Attendance.objects.get(enrolment=missing).status == "alpa"
    assert Attendance.objects.count() == 2


def test_while_check_in_is_open_alpa_needs_the_box_ticked(
    client, clock, organiser, training, sessions
):
    clock.now = at(8, 10)
    enrol(training)

    refused = client.post(alpa_path(sessions[0]))
    done = client.post(alpa_path(sessions[0]), {"confirm_open": "on"})

    assert refused.status_code == 200
    assert "Presensi untuk Pelayanan Prima masih dibuka sampai pukul 08.30 WIB." in text_of(refused)
    assert done.status_code == 302
    assert Attendance.objects.get().status == "alpa"


def test_participants_cannot_mark_anyone_alpa(client, training, sessions):
    enrol(training)
    client.force_login(participant_user())

    response = client.post(alpa_path(sessions[0]))

    assert response.status_code == 403
    assert not Attendance.objects.exists()
