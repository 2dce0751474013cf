"""Check-in pages: the QR link, the participant's code page, the projector and the badge scan."""

import base64
import datetime
import re
import zoneinfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from office.selectors import current_office
from trainings import checkin_tokens
from trainings.models import Attendance, Enrolment, Training
from tests.trainings.test_checkin_services import signature_png
from tests.factories import (
    AttendanceFactory,
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    organiser_user,
    participant_user,
)
from tests.participants.test_views_activation import _decode_qr

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def at(hour, minute, second=0) -> datetime.datetime:
    return datetime.datetime(2026, 12, 7, hour, minute, second, tzinfo=JAKARTA)


class Clock:
    def __init__(self, moment):
        self.now = moment

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Stop the clock at 07.50 WIB on the training's first day (check-in 07.30-08.30)."""
    cache.clear()
    frozen = Clock(at(7, 50))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def session():
    return SessionFactory(training__status=Training.Status.RUNNING, topic="Pelayanan Prima")


@pytest.fixture
def participant():
    return participant_user()


@pytest.fixture
def enrolment(session, participant):
    return EnrolmentFactory(training=session.training, employee=participant.employee)


def checkin_path(session, moment) -> str:
    token = checkin_tokens.make_token(session_id=session.pk, slot=checkin_tokens.slot_for(moment))
    return reverse("trainings:self_checkin", kwargs={"token": token})


def text_of(response) -> str:
    """Return the page's visible text with its whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def assert_csp_clean(response):
    html = response.content.decode()
    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []


# The QR link -----------------------------------------------------------------------------------


def test_an_anonymous_scan_goes_to_the_login_and_comes_back(client, session, enrolment):
    path = checkin_path(session, at(7, 50))

    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('account_login')}?next={path}"


def test_logging_in_after_the_scan_does_not_make_the_code_expire(
    client, clock, session, enrolment, participant
):
    path = checkin_path(session, at(7, 50))
    client.get(path)  # scanned while current, not logged in yet
    clock.now = at(7, 53)  # typing the NIP and the password took three minutes
    client.force_login(participant)

    page = client.get(path)
    response = client.post(path)

    assert "Hadir" in text_of(page)
    assert text_of(response).count("Terima kasih! Anda tercatat hadir pukul 07.53.") == 1
    assert Attendance.objects.get().recorded_at == at(7, 53)


def test_the_page_shows_the_session_and_one_big_button_and_records_nothing_yet(
    client, session, enrolment, participant
):
    client.force_login(participant)

    response = client.get(checkin_path(session, at(7, 50)))

    assert response.status_code == 200
    text = text_of(response)
    assert "Pelayanan Prima" in text
    assert "Senin, 7 Desember 2026 08.00 – 09.30 WIB" in text
    assert re.findall(
        r'<button type="submit" class="button-huge"[^>]*>([^<]+)</button>', response.content.decode()
    ) == ["Hadir"]
    assert not Attendance.objects.exists()  # a GET (or a link preview) changes nothing
    assert_csp_clean(response)


def test_one_tap_checks_the_participant_in(client, session, enrolment, participant):
    client.force_login(participant)

    response = client.post(checkin_path(session, at(7, 50)), REMOTE_ADDR="10.20.30.40")

    assert response.status_code == 200
    assert "Terima kasih! Anda tercatat hadir pukul 07.50." in text_of(response)
    attendance = Attendance.objects.get()
    assert (attendance.enrolment, attendance.session) == (enrolment, session)
    assert (attendance.method, attendance.status) == ("self", "hadir")
    assert attendance.ip_address == "10.20.30.40"
    assert attendance.recorded_by == participant


def test_a_double_tap_says_already_recorded_with_the_time(
    client, clock, session, enrolment, participant
):
    client.force_login(participant)
    path = checkin_path(session, at(7, 42))
    clock.now = at(7, 42)
    client.post(path)
    clock.now = at(7, 43)

    again = client.post(path)
    later = client.get(path)

    assert "Anda sudah tercatat hadir pukul 07.42." in text_of(again)
    assert "Anda sudah tercatat hadir pukul 07.42." in text_of(later)
    assert Attendance.objects.count() == 1


def test_a_late_check_in_says_so(client, clock, session, enrolment, participant):
    client.force_login(participant)
    clock.now = at(8, 20)

    response = client.post(checkin_path(session, at(8, 20)))

    assert "Terima kasih! Anda tercatat hadir pukul 08.20, terlambat." in text_of(response)


def test_a_screenshot_of_an_old_code_fails_with_scan_again(
    client, clock, session, enrolment, participant
):
    old_path = checkin_path(session, at(7, 50))
    clock.now = at(7, 52)
    client.force_login(participant)

    page = client.get(old_path)
    response = client.post(old_path)

    message = (
        "Kode QR ini sudah kedaluwarsa karena berganti setiap 30 detik. Pindai lagi kode di layar."
    )
    assert message in text_of(page)
    assert "button-huge" not in page.content.decode()
    assert message in text_of(response)
    assert not Attendance.objects.exists()


def test_too_early_the_page_says_when_check_in_opens(
    client, clock, session, enrolment, participant
):
    clock.now = at(7, 0)
    client.force_login(participant)

    response = client.get(checkin_path(session, at(7, 0)))

    assert "Presensi untuk Pelayanan Prima baru dibuka pukul 07.30 WIB." in text_of(response)
    assert "button-huge" not in response.content.decode()


def test_a_forged_qr_link_is_not_found(client, session, enrolment, participant):
    client.force_login(participant)

    response = client.get(
        reverse("trainings:self_checkin", kwargs={"token": f"{session.pk}.1.forged"})
    )

    assert response.status_code == 404
    assert "Kode QR ini bukan kode presensi yang sah." in text_of(response)


def test_someone_not_enrolled_is_told_so_and_cannot_check_in(client, session):
    outsider = participant_user()
    client.force_login(outsider)
    path = checkin_path(session, at(7, 50))

    page = client.get(path)
    response = client.post(path)

    assert f"Anda tidak terdaftar sebagai peserta {session.training.title}." in text_of(page)
    assert response.status_code == 200
    assert not Attendance.objects.exists()


# The tap sent in the background (checkin.js) --------------------------------------------------


def tap(client, path, **extra):
    """Post the tap as the page's script does: in the background, asking for JSON."""
    return client.post(path, HTTP_ACCEPT="application/json", **extra)


def test_the_page_sends_the_tap_in_the_background_and_has_the_answer_boxes_ready(
    client, session, enrolment, participant
):
    client.force_login(participant)

    response = client.get(checkin_path(session, at(7, 50)))

    html = response.content.decode()
    assert '<script src="/static/js/checkin.js" defer></script>' in html
    assert "data-checkin-done hidden" in html and "data-checkin-problem hidden" in html
    assert 'data-offline="Tidak ada koneksi. Belum ada yang tercatat' in html
    assert_csp_clean(response)


def test_a_background_tap_checks_in_and_answers_in_a_few_bytes(
    client, session, enrolment, participant
):
    client.force_login(participant)

    response = tap(client, checkin_path(session, at(7, 50)), REMOTE_ADDR="10.20.30.40")

    assert response.status_code == 200
    assert response.json() == {
        "result": "done",
        "message": "Terima kasih! Anda tercatat hadir pukul 07.50.",
        "late": False,
    }
    attendance = Attendance.objects.get()
    assert (attendance.enrolment, attendance.method, attendance.ip_address) == (
        enrolment,
        "self",
        "10.20.30.40",
    )


@pytest.mark.django_db(transaction=True)  # as in production: no test transaction, no savepoint
def test_a_background_tap_costs_four_queries(
    client, session, enrolment, participant, django_assert_max_num_queries
):
    # The login session, the user, the session with its training and the enrolment, the insert;
    # the office profile (its time zone) comes from the shared cache, as after the first request.
    client.force_login(participant)
    path = checkin_path(session, at(7, 50))
    current_office()

    with django_assert_max_num_queries(4):
        response = tap(client, path)

    assert response.json()["result"] == "done"


def test_a_background_tap_resent_after_a_lost_connection_records_once(
    client, clock, session, enrolment, participant
):
    client.force_login(participant)
    path = checkin_path(session, at(8, 20))
    clock.now = at(8, 20)
    first = tap(client, path)
    clock.now = at(8, 20, 25)

    again = tap(client, path)

    assert first.json()["late"] is True
    assert again.json() == {
        "result": "done",
        "message": "Anda sudah tercatat hadir pukul 08.20.",
        "late": True,
    }
    assert Attendance.objects.count() == 1


def test_a_background_tap_with_an_expired_code_says_scan_again(
    client, clock, session, enrolment, participant
):
    path = checkin_path(session, at(7, 50))
    clock.now = at(7, 52)
    client.force_login(participant)

    response = tap(client, path)

    assert response.status_code == 409
    assert response.json()["retry"] is False
    assert response.json()["message"].startswith("Kode QR ini sudah kedaluwarsa")
    assert not Attendance.objects.exists()


def test_a_background_tap_from_someone_not_enrolled_is_refused(client, session):
    client.force_login(participant_user())

    response = tap(client, checkin_path(session, at(7, 50)))

    assert response.status_code == 403
    assert response.json()["message"].startswith("Anda tidak terdaftar sebagai peserta")
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", [Enrolment.Status.WAITLISTED, Enrolment.Status.CANCELLED])
def test_a_background_tap_from_the_waiting_list_or_a_cancelled_place_is_refused(
    client, session, enrolment, participant, status
):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status)
    client.force_login(participant)

    response = tap(client, checkin_path(session, at(7, 50)))

    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_a_background_tap_after_the_login_ran_out_goes_to_the_login_page(
    client, session, enrolment
):
    path = checkin_path(session, at(7, 50))

    response = tap(client, path)

    # Not JSON: the script falls back to submitting the form, which leads to the login.
    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('account_login')}?next={path}"
    assert not Attendance.objects.exists()


# Signatures --------------------------------------------------------------------------------------


@pytest.fixture
def signing(session):
    Training.objects.filter(pk=session.training_id).update(requires_signature=True)
    return session


def test_with_signatures_on_the_page_has_a_pad_and_explains_what_to_do_without_js(
    client, signing, enrolment, participant
):
    client.force_login(participant)

    response = client.get(checkin_path(signing, at(7, 50)))

    html = response.content.decode()
    assert "<canvas" in html and "data-signature hidden" in html
    assert '<script src="/static/js/signature.js" defer></script>' in html
    assert "Tanda tangan di layar memerlukan JavaScript" in text_of(response)
    assert_csp_clean(response)


def test_without_a_signature_the_tap_asks_for_one(client, signing, enrolment, participant):
    client.force_login(participant)

    response = client.post(checkin_path(signing, at(7, 50)))

    assert (
        "Pelatihan ini meminta tanda tangan Anda: buat tanda tangan di kotak, lalu ketuk Hadir."
        in text_of(response)
    )
    assert not Attendance.objects.exists()


def test_a_background_tap_without_a_signature_may_be_sent_again_once_drawn(
    client, signing, enrolment, participant
):
    client.force_login(participant)

    response = tap(client, checkin_path(signing, at(7, 50)))

    assert response.status_code == 400
    assert response.json()["retry"] is True
    assert response.json()["message"].startswith("Pelatihan ini meminta tanda tangan Anda")
    assert not Attendance.objects.exists()


def test_a_drawn_signature_is_stored(client, signing, enrolment, participant):
    client.force_login(participant)
    png = signature_png()
    data_url = "data:image/png;base64," + base64.b64encode(png).decode()

    response = client.post(checkin_path(signing, at(7, 50)), {"signature": data_url})

    assert "Terima kasih!" in text_of(response)
    with Attendance.objects.get().signature.open("rb") as stored:
        assert stored.read() == png


@pytest.mark.parametrize(
    "posted",
    [
        "data:image/svg+xml;base64,PHN2Zz4=",
        "data:image/png;base64,!!!",
        "data:image/png;base64," + "A" * 300_000,
    ],
    ids=["svg", "not base64", "too long"],
)
def test_a_posted_signature_that_is_not_a_png_is_refused(
    client, signing, enrolment, participant, posted
):
    client.force_login(participant)

    response = client.post(checkin_path(signing, at(7, 50)), {"signature": posted})

    assert "Hapus isi kotak, buat lagi, lalu ketuk Hadir." in text_of(response)
    assert not Attendance.objects.exists()


# The participant's check-in page -----------------------------------------------------------------


def test_the_check_in_page_lists_the_open_session_and_takes_the_code(
    client, session, enrolment, participant
):
    client.force_login(participant)
    code = checkin_tokens.make_code(session_id=session.pk, slot=checkin_tokens.slot_for(at(7, 50)))

    page = client.get(reverse("trainings:checkin"))
    response = client.post(
        reverse("trainings:checkin"), {"code": f"{code[:3]} {code[3:]}"}, follow=True
    )

    assert "Presensi sedang dibuka Pelayanan Prima" in text_of(page)
    assert 'inputmode="numeric"' in page.content.decode()
    assert_csp_clean(page)
    assert "Terima kasih! Anda tercatat hadir pukul 07.50." in text_of(response)
    assert "Tercatat hadir 07.50" in text_of(response)
    assert 'name="code"' not in response.content.decode()  # no second entry invited
    assert Attendance.objects.get().enrolment == enrolment


def test_a_wrong_code_says_what_to_do(client, session, enrolment, participant):
    client.force_login(participant)
    code = checkin_tokens.make_code(session_id=session.pk, slot=checkin_tokens.slot_for(at(7, 50)))
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    response = client.post(reverse("trainings:checkin"), {"code": wrong})

    assert (
        "Kode salah atau sudah kedaluwarsa. Ketik kode yang tampil di layar saat ini."
        in text_of(response)
    )
    assert not Attendance.objects.exists()


def test_a_code_that_is_not_six_digits_is_refused_before_anything_else(client, participant):
    client.force_login(participant)

    response = client.post(reverse("trainings:checkin"), {"code": "12345"})

    assert "Ketik 6 angka yang tampil di layar." in text_of(response)


def test_the_check_in_page_shows_only_the_participants_own_attendance(
    client, session, enrolment, participant
):
    colleague = EnrolmentFactory(
        training=session.training, employee=EmployeeFactory(name="Rekan Lain")
    )
    AttendanceFactory(session=session, enrolment=colleague, status="sakit")
    AttendanceFactory(session=session, enrolment=enrolment, status="izin")
    client.force_login(participant)

    response = client.get(reverse("trainings:checkin"))

    text = text_of(response)
    assert "Izin Pelayanan Prima" in text
    assert "Sakit" not in text
    assert "Rekan Lain" not in text


# The projector -----------------------------------------------------------------------------------


def test_the_projector_shows_the_current_code_a_scannable_qr_and_the_live_count(
    client, settings, session, enrolment
):
    settings.SITE_URL = "https://bimtek.magelangkota.go.id"
    late_comer = EnrolmentFactory(
        training=session.training,
        employee=EmployeeFactory(name="Budi Santoso", gelar_belakang="S.Sos."),
    )
    EnrolmentFactory(training=session.training)
    AttendanceFactory(session=session, enrolment=late_comer, method="self", recorded_at=at(7, 41))
    client.force_login(organiser_user())
    slot = checkin_tokens.slot_for(at(7, 50))

    response = client.get(reverse("trainings:session_projector", kwargs={"pk": session.pk}))

    assert response.status_code == 200
    html = response.content.decode()
    code = checkin_tokens.make_code(session_id=session.pk, slot=slot)
    assert f'data-code="{code}"' in html
    assert "1/3 hadir" in text_of(response)
    assert "Budi Santoso, S.Sos. 07.41" in text_of(response)
    scanned = _decode_qr(re.search(r"<svg.*?</svg>", html, flags=re.DOTALL).group(0))
    token = checkin_tokens.make_token(session_id=session.pk, slot=slot)
    assert scanned == f"https://bimtek.magelangkota.go.id/pelatihan/hadir/{token}/"
    assert '<noscript><meta http-equiv="refresh" content="15"></noscript>' in html
    assert '<script src="/static/js/projector.js" defer></script>' in html
    assert_csp_clean(response)


def test_the_projector_code_changes_with_the_slot(client, clock, session):
    client.force_login(organiser_user())
    path = reverse("trainings:session_projector_live", kwargs={"pk": session.pk})

    first = client.get(path).content.decode()
    clock.now = at(7, 50) + datetime.timedelta(seconds=30)
    second = client.get(path).content.decode()

    codes = [re.search(r'data-code="(\d{6})"', page).group(1) for page in (first, second)]
    assert codes[0] != codes[1]


def test_the_live_part_is_a_fragment_without_the_page_around_it(client, session):
    client.force_login(organiser_user())

    response = client.get(reverse("trainings:session_projector_live", kwargs={"pk": session.pk}))

    html = response.content.decode().strip()
    assert html.startswith('<div id="projector-live"')
    assert "<html" not in html and "site-header" not in html
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_before_the_window_the_projector_shows_no_code_but_when_it_opens(client, clock, session):
    clock.now = at(7, 0)
    client.force_login(organiser_user())

    response = client.get(reverse("trainings:session_projector", kwargs={"pk": session.pk}))

    assert "Presensi dibuka pukul 07.30 WIB." in text_of(response)
    assert "data-code" not in response.content.decode()


def test_the_training_projector_link_opens_the_session_running_now(client, session):
    SessionFactory(
        training=session.training, start_time=datetime.time(13, 0), end_time=datetime.time(14, 30)
    )
    client.force_login(organiser_user())

    response = client.get(reverse("trainings:projector", kwargs={"pk": session.training_id}))

    assert response.status_code == 302
    assert response.headers["Location"] == reverse(
        "trainings:session_projector", kwargs={"pk": session.pk}
    )


def test_with_no_session_open_the_training_projector_link_asks_which(client, clock, session):
    clock.now = at(12, 0)
    client.force_login(organiser_user())

    response = client.get(reverse("trainings:projector", kwargs={"pk": session.training_id}))

    assert response.status_code == 200
    assert "Saat ini tidak ada sesi pelatihan ini yang dibuka presensinya." in text_of(response)
    assert (
        reverse("trainings:session_projector", kwargs={"pk": session.pk}) in response.content.decode()
    )


# The badge scan ------------------------------------------------------------------------------------


def badge_path(enrolment) -> str:
    return reverse("trainings:badge_scan", kwargs={"token": enrolment.badge_token})


def test_a_scanned_badge_shows_who_it_is_and_records_with_one_tap(client, session, enrolment):
    organiser = organiser_user()
    client.force_login(organiser)

    page = client.get(badge_path(enrolment))
    response = client.post(badge_path(enrolment), {"session": session.pk}, follow=True)

    employee = enrolment.employee
    assert f"{employee.full_name} NIP. {employee.nip_display}" in text_of(page)
    assert "Catat hadir" in text_of(page)
    assert f"{employee.full_name} tercatat hadir pukul 07.50." in text_of(response)
    attendance = Attendance.objects.get()
    assert (attendance.method, attendance.recorded_by, attendance.session) == (
        "scan",
        organiser,
        session,
    )
    assert_csp_clean(page)


def test_opening_a_badge_link_records_nothing(client, session, enrolment):
    client.force_login(organiser_user())

    client.get(badge_path(enrolment))

    assert not Attendance.objects.exists()


def test_a_second_scan_says_already_recorded_with_the_time(client, clock, session, enrolment):
    client.force_login(organiser_user())
    clock.now = at(7, 42)
    client.post(badge_path(enrolment), {"session": session.pk})
    clock.now = at(7, 44)

    again = client.post(badge_path(enrolment), {"session": session.pk}, follow=True)

    name = enrolment.employee.full_name
    assert f"{name} sudah tercatat: Hadir, pukul 07.42." in text_of(again)
    assert "Catat hadir" not in text_of(again)
    assert Attendance.objects.count() == 1


def test_with_two_sessions_open_the_scan_asks_which(client, session, enrolment):
    parallel = SessionFactory(training=session.training, topic="Kelas B", room="Ruang 2")
    client.force_login(organiser_user())

    page = client.get(badge_path(enrolment))
    client.post(badge_path(enrolment), {"session": parallel.pk})

    html = page.content.decode()
    assert html.count('type="radio" name="session"') == 2
    assert "Presensi dibuka untuk lebih dari satu sesi. Sesi yang mana?" in text_of(page)
    assert Attendance.objects.get().session == parallel


def test_with_no_session_open_the_scan_points_to_the_grid(client, clock, session, enrolment):
    clock.now = at(12, 0)
    client.force_login(organiser_user())

    page = client.get(badge_path(enrolment))

    assert "Saat ini tidak ada sesi pelatihan ini yang dibuka presensinya." in text_of(page)
    assert (
        reverse("trainings:attendance_grid", kwargs={"pk": session.training_id})
        in page.content.decode()
    )


def test_a_cancelled_participants_badge_records_nothing(client, session, enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.CANCELLED)
    client.force_login(organiser_user())

    page = client.get(badge_path(enrolment))
    client.post(badge_path(enrolment), {"session": session.pk})

    assert (
        "Orang ini tidak terdaftar sebagai peserta pelatihan ini (pendaftaran: Dibatalkan), "
        "jadi kehadirannya tidak dapat dicatat."
    ) in text_of(page)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        lambda real: real[:-1] + ("A" if real[-1] != "A" else "B"),
        lambda real: real.lower() if real.lower() != real else real.upper(),
        lambda real: real + " ",
        lambda real: "x" * 32,
        lambda real: "1",
    ],
    ids=["one character off", "other case", "trailing space", "guessed", "an id"],
)
def test_an_unknown_badge_is_not_found_and_says_nothing_about_anyone(
    client, session, enrolment, token
):
    client.force_login(organiser_user())

    response = client.get(
        reverse("trainings:badge_scan", kwargs={"token": token(enrolment.badge_token)})
    )

    assert response.status_code == 404
    assert "Lencana tidak dikenal" in text_of(response)
    assert enrolment.employee.name not in text_of(response)


# Who may do what ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_of",
    [
        lambda s, e: reverse("trainings:session_projector", kwargs={"pk": s.pk}),
        lambda s, e: reverse("trainings:session_projector_live", kwargs={"pk": s.pk}),
        lambda s, e: reverse("trainings:projector", kwargs={"pk": s.training_id}),
        lambda s, e: reverse("trainings:badge_scan", kwargs={"token": e.badge_token}),
    ],
    ids=["projector", "projector live", "training projector", "badge scan"],
)
def test_participants_cannot_open_the_organisers_check_in_pages(
    client, session, enrolment, participant, url_of
):
    client.force_login(participant)

    get = client.get(url_of(session, enrolment))
    post = client.post(url_of(session, enrolment), {"session": session.pk})

    assert get.status_code == 403
    assert post.status_code in (403, 405)  # 405 where the page takes no POST at all
    assert not Attendance.objects.exists()


def test_a_participant_scanning_a_colleagues_badge_checks_nobody_in(client, session, enrolment):
    colleague = participant_user()
    client.force_login(colleague)

    response = client.post(badge_path(enrolment), {"session": session.pk})

    assert response.status_code == 403
    assert not Attendance.objects.exists()
