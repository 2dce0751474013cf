"""Check-in services: the window, the rotating token and code, signatures, idempotency."""

import datetime
import io
import time
import zoneinfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from PIL import Image, ImageDraw

from office.services import save_office
from trainings import checkin_tokens
from trainings.models import Attendance, Enrolment, Training
from trainings.selectors import attendance as selectors
from trainings.services import attendance as services
from tests.factories import EnrolmentFactory, SessionFactory, organiser_user, participant_user

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def at(hour, minute, second=0, day=7) -> datetime.datetime:
    """Return a moment on the demo training's first day (7 December 2026), Jakarta time."""
    return datetime.datetime(2026, 12, day, hour, minute, second, tzinfo=JAKARTA)


def token_at(session, moment) -> str:
    return checkin_tokens.make_token(session_id=session.pk, slot=checkin_tokens.slot_for(moment))


def check_in_with_token(*, token, user, now, seen_at=None, ip_address=None):
    """Check in as the QR code's page does: read the token, then tap "Present"."""
    session, slot, enrolment = services.read_checkin_token(token, user=user)
    return services.self_check_in(
        session=session,
        slot=slot,
        enrolment=enrolment,
        user=user,
        now=now,
        seen_at=seen_at,
        ip_address=ip_address,
    )


def code_at(session, moment) -> str:
    return checkin_tokens.make_code(session_id=session.pk, slot=checkin_tokens.slot_for(moment))


def signature_png(*, blank=False, size=(320, 120)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line(
            [(10, 90), (120, 20), (300, 100)], fill=(11, 31, 77, 255), width=3
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def session():
    # 08.00-09.30 WIB; check-in 07.30-08.30, late after 08.15.
    return SessionFactory(training__status=Training.Status.RUNNING, topic="Pelayanan Prima")


@pytest.fixture
def participant():
    return participant_user()


@pytest.fixture
def enrolment(session, participant):
    return EnrolmentFactory(training=session.training, employee=participant.employee)


def _check_in(session, enrolment, now, **kwargs):
    kwargs.setdefault("method", Attendance.Method.SELF)
    kwargs.setdefault("by", enrolment.employee.user)
    return services.check_in(session=session, enrolment=enrolment, now=now, **kwargs)


# The window ----------------------------------------------------------------------------------


def test_the_window_is_computed_from_the_session_in_jakarta_time(session):
    window = selectors.checkin_window(session)

    assert window.opens == at(7, 30)
    assert window.starts == at(8, 0)
    assert window.late_from == at(8, 15)
    assert window.closes == at(8, 30)
    assert window.opens.utcoffset() == datetime.timedelta(hours=7)


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        (at(7, 30), Attendance.Status.HADIR),
        (at(8, 0), Attendance.Status.HADIR),
        (at(8, 15), Attendance.Status.HADIR),
        (at(8, 15, 1), Attendance.Status.TERLAMBAT),
        (at(8, 29, 59), Attendance.Status.TERLAMBAT),
    ],
    ids=["opening", "start", "last on-time second", "first late second", "last second"],
)
def test_the_time_decides_between_hadir_and_terlambat(session, enrolment, moment, status):
    attendance, created = _check_in(session, enrolment, moment, ip_address="10.0.0.7")

    assert created is True
    assert attendance.status == status
    assert attendance.recorded_at == moment
    assert attendance.method == Attendance.Method.SELF
    assert attendance.recorded_by == enrolment.employee.user
    assert attendance.ip_address == "10.0.0.7"


@pytest.mark.parametrize(
    ("zone", "label"), [("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")]
)
def test_an_office_in_another_zone_opens_a_0730_session_at_0700_its_time(
    session, enrolment, zone, label
):
    save_office(values={"time_zone": zone})
    session.start_time, session.end_time = datetime.time(7, 30), datetime.time(9, 0)
    session.save()
    local = zoneinfo.ZoneInfo(zone)

    with pytest.raises(ValidationError) as caught:
        _check_in(session, enrolment, datetime.datetime(2026, 12, 7, 6, 59, 59, tzinfo=local))
    attendance, created = _check_in(
        session, enrolment, datetime.datetime(2026, 12, 7, 7, 0, tzinfo=local)
    )

    assert caught.value.messages == [
        f"Presensi untuk Pelayanan Prima baru dibuka pukul 07.00 {label}. "
        "Silakan kembali pada waktu itu."
    ]
    assert created and attendance.status == Attendance.Status.HADIR
    # 07.00 there is 06.00 or 05.00 in Jakarta: a WIB window would have refused it.
    assert attendance.recorded_at.astimezone(JAKARTA).hour < 7


def test_before_the_window_opens_the_message_says_when_it_opens(session, enrolment):
    with pytest.raises(ValidationError) as caught:
        _check_in(session, enrolment, at(7, 29, 59))

    assert caught.value.code == "window_not_open"
    assert caught.value.messages == [
        (
            "Presensi untuk Pelayanan Prima baru dibuka pukul 07.30 WIB. "
            "Silakan kembali pada waktu itu."
        )
    ]
    assert not Attendance.objects.exists()


def test_after_the_window_closes_the_message_sends_the_participant_to_the_organiser(
    session, enrolment
):
    with pytest.raises(ValidationError) as caught:
        _check_in(session, enrolment, at(8, 30))

    assert caught.value.code == "window_closed"
    assert caught.value.messages == [
        (
            "Presensi untuk Pelayanan Prima sudah ditutup pukul 08.30 WIB. "
            "Silakan minta panitia mencatat kehadiran Anda."
        )
    ]


def test_a_second_check_in_returns_the_first_record_even_after_the_window_closed(
    session, enrolment
):
    first, _created = _check_in(session, enrolment, at(7, 42))

    again, created = _check_in(session, enrolment, at(9, 0), method=Attendance.Method.SCAN)

    assert created is False
    assert again == first
    assert again.recorded_at == at(7, 42)
    assert Attendance.objects.count() == 1


def test_a_double_tap_inside_the_window_hits_the_constraint_and_returns_the_first_record(
    session, enrolment
):
    first, _created = _check_in(session, enrolment, at(7, 40))

    again, created = _check_in(session, enrolment, at(7, 41))

    assert created is False
    assert again == first
    assert again.recorded_at == at(7, 40)
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [Enrolment.Status.CANCELLED, Enrolment.Status.WAITLISTED],
    ids=["cancelled", "waitlisted"],
)
def test_only_enrolled_participants_can_check_in(session, enrolment, status):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status)
    enrolment.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        _check_in(session, enrolment, at(7, 45))

    assert caught.value.code == "not_enrolled"
    assert caught.value.messages == [
        (
            f"{enrolment.employee.full_name} tidak terdaftar sebagai peserta "
            f"{session.training.title}. Hubungi panitia jika ini keliru."
        )
    ]


def test_an_enrolment_in_another_training_cannot_check_in_to_this_session(session, participant):
    elsewhere = EnrolmentFactory(employee=participant.employee)

    with pytest.raises(ValidationError) as caught:
        _check_in(session, elsewhere, at(7, 45))

    assert caught.value.code == "not_enrolled"


@pytest.mark.parametrize("status", [Training.Status.DRAFT, Training.Status.ARCHIVED])
def test_a_training_that_is_not_running_takes_no_check_ins(session, enrolment, status):
    Training.objects.filter(pk=session.training_id).update(status=status)
    session.training.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        _check_in(session, enrolment, at(7, 45))

    assert caught.value.code == "training_inactive"


# The rotating token --------------------------------------------------------------------------


def test_a_current_token_checks_the_participant_in(session, enrolment, participant):
    now = at(7, 50)

    attendance, created = check_in_with_token(
        token=token_at(session, now), user=participant, now=now, ip_address="10.1.2.3"
    )

    assert created is True
    assert (attendance.session, attendance.enrolment) == (session, enrolment)
    assert attendance.method == Attendance.Method.SELF
    assert attendance.status == Attendance.Status.HADIR


def test_a_token_one_slot_old_is_still_accepted(session, enrolment, participant):
    token = token_at(session, at(7, 50))

    _attendance, created = check_in_with_token(
        token=token, user=participant, now=at(7, 50) + datetime.timedelta(seconds=30)
    )

    assert created is True


def test_a_token_beyond_the_tolerance_has_expired(session, enrolment, participant):
    # The screenshot sent to a colleague who is not there: a minute later it is worthless.
    token = token_at(session, at(7, 50))

    with pytest.raises(ValidationError) as caught:
        check_in_with_token(
            token=token, user=participant, now=at(7, 50) + datetime.timedelta(seconds=60)
        )

    assert caught.value.code == "token_expired"
    assert caught.value.messages == [
        "Kode QR ini sudah kedaluwarsa karena berganti setiap 30 detik. Pindai lagi kode di layar."
    ]
    assert not Attendance.objects.exists()


def test_a_token_opened_while_current_stays_good_for_the_grace_period(
    session, enrolment, participant
):
    # Logging in first, or drawing a signature, takes longer than a slot.
    seen_at = at(7, 50)
    token = token_at(session, seen_at)

    _attendance, created = check_in_with_token(
        token=token, user=participant, now=seen_at + datetime.timedelta(minutes=4), seen_at=seen_at
    )

    assert created is True


@pytest.mark.parametrize(
    ("seen_after", "now_after"),
    [
        (datetime.timedelta(minutes=2), datetime.timedelta(minutes=3)),
        (datetime.timedelta(0), services.SCAN_GRACE + datetime.timedelta(seconds=1)),
    ],
    ids=["first seen when already old", "grace period over"],
)
def test_a_token_seen_late_or_kept_too_long_has_expired(
    session, enrolment, participant, seen_after, now_after
):
    made = at(7, 50)

    with pytest.raises(ValidationError) as caught:
        check_in_with_token(
            token=token_at(session, made),
            user=participant,
            now=made + now_after,
            seen_at=made + seen_after,
        )

    assert caught.value.code == "token_expired"


def test_a_replayed_token_by_the_same_person_says_already_recorded(session, enrolment, participant):
    token = token_at(session, at(7, 50))
    first, _created = check_in_with_token(token=token, user=participant, now=at(7, 50))

    # The same link again, long after it expired and after the window closed.
    again, created = check_in_with_token(token=token, user=participant, now=at(9, 0))

    assert created is False
    assert again == first
    assert Attendance.objects.count() == 1


def test_a_token_of_another_session_checks_nobody_into_this_one(session, enrolment, participant):
    other_training_session = SessionFactory(training__status=Training.Status.RUNNING)
    now = at(7, 50)

    session_read, _slot, enrolment_read = services.read_checkin_token(
        token_at(other_training_session, now), user=participant
    )

    assert session_read == other_training_session
    assert enrolment_read is None
    assert not Attendance.objects.exists()


def test_a_token_whose_session_id_was_changed_is_refused(session, enrolment, participant):
    other = SessionFactory(training=session.training, start_time=datetime.time(8, 0))
    now = at(7, 50)
    _session_id, slot, mac = token_at(other, now).split(".")

    with pytest.raises(ValidationError) as caught:
        check_in_with_token(token=f"{session.pk}.{slot}.{mac}", user=participant, now=now)

    assert caught.value.code == "invalid_token"
    assert caught.value.messages == [
        "Kode QR ini bukan kode presensi yang sah. Pindai lagi kode di layar."
    ]


def test_a_current_token_after_the_window_closed_is_refused(session, enrolment, participant):
    now = at(8, 30)

    with pytest.raises(ValidationError) as caught:
        check_in_with_token(token=token_at(session, now), user=participant, now=now)

    assert caught.value.code == "window_closed"


def test_a_token_for_a_deleted_session_is_refused(session, enrolment, participant):
    now = at(7, 50)
    token = checkin_tokens.make_token(
        session_id=session.pk + 1000, slot=checkin_tokens.slot_for(now)
    )

    with pytest.raises(ValidationError) as caught:
        check_in_with_token(token=token, user=participant, now=now)

    assert caught.value.code == "invalid_token"


# The 6-digit code ----------------------------------------------------------------------------


def test_a_typed_code_finds_the_session_by_itself(session, enrolment, participant):
    # Another training the same person attends, with a session open at the same time.
    other = SessionFactory(training__status=Training.Status.RUNNING)
    EnrolmentFactory(training=other.training, employee=participant.employee)
    now = at(7, 55)

    attendance, created = services.check_in_with_code(
        code=code_at(other, now), user=participant, now=now
    )

    assert created is True
    assert attendance.session == other


def test_the_previous_slots_code_is_accepted(session, enrolment, participant):
    code = code_at(session, at(7, 55))

    _attendance, created = services.check_in_with_code(
        code=code, user=participant, now=at(7, 55) + datetime.timedelta(seconds=30)
    )

    assert created is True


def test_an_older_code_is_wrong(session, enrolment, participant):
    code = code_at(session, at(7, 55))

    with pytest.raises(ValidationError) as caught:
        services.check_in_with_code(
            code=code, user=participant, now=at(7, 55) + datetime.timedelta(seconds=60)
        )

    assert caught.value.code == "wrong_code"
    assert caught.value.messages == [
        "Kode salah atau sudah kedaluwarsa. Ketik kode yang tampil di layar saat ini."
    ]


def test_the_code_of_a_session_the_participant_is_not_enrolled_in_is_wrong(
    session, enrolment, participant
):
    elsewhere = SessionFactory(training__status=Training.Status.RUNNING)
    now = at(7, 55)

    with pytest.raises(ValidationError) as caught:
        services.check_in_with_code(code=code_at(elsewhere, now), user=participant, now=now)

    assert caught.value.code == "wrong_code"
    assert not Attendance.objects.exists()


def test_a_code_when_nothing_is_open_says_so(session, enrolment, participant):
    now = at(6, 0)

    with pytest.raises(ValidationError) as caught:
        services.check_in_with_code(code="123456", user=participant, now=now)

    assert caught.value.code == "no_open_session"


def test_the_right_code_after_the_window_closed_says_closed(session, enrolment, participant):
    now = at(8, 31)

    with pytest.raises(ValidationError) as caught:
        services.check_in_with_code(code=code_at(session, now), user=participant, now=now)

    assert caught.value.code == "window_closed"


def test_ten_wrong_codes_lock_the_form_for_a_while(session, enrolment, participant):
    now = at(7, 55)
    right = code_at(session, now)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _attempt in range(services.code_failure_limit().limit):
        with pytest.raises(ValidationError):
            services.check_in_with_code(code=wrong, user=participant, now=now)

    with pytest.raises(ValidationError) as caught:
        services.check_in_with_code(code=right, user=participant, now=now)

    assert caught.value.code == "too_many_attempts"
    assert not Attendance.objects.exists()


def test_wrong_codes_count_against_the_account_whatever_address_they_come_from(
    session, enrolment, participant
):
    now = at(7, 55)
    right = code_at(session, now)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for attempt in range(10):
        with pytest.raises(ValidationError):
            services.check_in_with_code(
                code=wrong, user=participant, now=now, ip_address=f"10.0.0.{attempt}"
            )

    with pytest.raises(ValidationError) as caught:
        services.check_in_with_code(code=right, user=participant, now=now, ip_address="10.0.1.1")

    assert caught.value.code == "too_many_attempts"


def test_one_locked_account_leaves_the_others_free(session, enrolment, participant):
    now = at(7, 55)
    right = code_at(session, now)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _attempt in range(10):
        with pytest.raises(ValidationError):
            services.check_in_with_code(code=wrong, user=participant, now=now)
    neighbour = participant_user()
    EnrolmentFactory(training=session.training, employee=neighbour.employee)

    attendance, created = services.check_in_with_code(code=right, user=neighbour, now=now)

    assert created is True
    assert attendance.enrolment.employee == neighbour.employee


def test_the_lock_message_says_the_configured_window(session, enrolment, participant, settings):
    settings.BIMTEK_CHECKIN_FAILURE_WINDOW = 5 * 60
    settings.BIMTEK_CHECKIN_MAX_FAILURES = 3
    now = at(7, 55)
    right = code_at(session, now)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _attempt in range(3):
        with pytest.raises(ValidationError):
            services.check_in_with_code(code=wrong, user=participant, now=now)

    with pytest.raises(ValidationError) as caught:
        services.check_in_with_code(code=right, user=participant, now=now)

    assert caught.value.messages == [
        "Terlalu banyak kode yang salah. Tunggu 5 menit, atau pindai kode QR di layar."
    ]


def test_the_form_opens_again_once_the_window_has_passed(
    session, enrolment, participant, settings
):
    settings.BIMTEK_CHECKIN_FAILURE_WINDOW = 1
    now = at(7, 55)
    right = code_at(session, now)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _attempt in range(10):
        with pytest.raises(ValidationError):
            services.check_in_with_code(code=wrong, user=participant, now=now)

    time.sleep(1.1)

    _attendance, created = services.check_in_with_code(code=right, user=participant, now=now)
    assert created is True


# Signatures ----------------------------------------------------------------------------------


@pytest.fixture
def signing_session(session):
    Training.objects.filter(pk=session.training_id).update(requires_signature=True)
    session.training.refresh_from_db()
    return session


def test_a_training_that_asks_for_signatures_refuses_a_self_check_in_without_one(
    signing_session, enrolment
):
    with pytest.raises(ValidationError) as caught:
        _check_in(signing_session, enrolment, at(7, 45))

    assert caught.value.code == "signature_required"
    assert caught.value.messages == [
        "Pelatihan ini meminta tanda tangan Anda: buat tanda tangan di kotak, lalu ketuk Hadir."
    ]


def test_a_signature_is_stored_with_the_record(signing_session, enrolment):
    png = signature_png()

    attendance, _created = _check_in(signing_session, enrolment, at(7, 45), signature=png)

    attendance.refresh_from_db()
    assert attendance.signature.name.startswith("signatures/")
    assert attendance.signature.name.endswith(".png")
    with attendance.signature.open("rb") as stored:
        assert stored.read() == png


def test_a_badge_scan_needs_no_signature(signing_session, enrolment):
    attendance, created = _check_in(
        signing_session, enrolment, at(7, 45), method=Attendance.Method.SCAN, by=organiser_user()
    )

    assert created is True
    assert not attendance.signature


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a" + b"\x00" * 100, "signature_invalid"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a png", "signature_invalid"),
        (lambda: signature_png(blank=True), "signature_required"),
        (lambda: signature_png(size=(2400, 100)), "signature_invalid"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024), "signature_too_large"),
    ],
    ids=["not a png", "broken png", "blank box", "too many pixels", "too many bytes"],
)
def test_a_signature_that_is_not_a_drawn_png_is_refused(signing_session, enrolment, data, code):
    data = data() if callable(data) else data

    with pytest.raises(ValidationError) as caught:
        _check_in(signing_session, enrolment, at(7, 45), signature=data)

    assert caught.value.code == code
    assert not Attendance.objects.exists()


# The organiser's corrections and Alpa --------------------------------------------------------


def test_setting_a_status_creates_a_manual_record_without_a_correction(session, enrolment):
    organiser = organiser_user()

    attendance = services.set_attendance(
        session=session,
        enrolment=enrolment,
        status="izin",
        note="Surat 800/1",
        by=organiser,
        now=at(7, 0),
    )

    assert (attendance.status, attendance.note) == ("izin", "Surat 800/1")
    assert attendance.method == Attendance.Method.MANUAL
    assert attendance.recorded_by == organiser
    assert attendance.changes.count() == 0


def test_a_correction_is_logged_with_the_previous_value(session, enrolment):
    organiser = organiser_user()
    _check_in(session, enrolment, at(8, 20))  # terlambat

    attendance = services.set_attendance(
        session=session,
        enrolment=enrolment,
        status="hadir",
        note="Macet, izin lisan",
        by=organiser,
    )

    change = attendance.changes.get()
    assert (change.previous_status, change.new_status) == ("terlambat", "hadir")
    assert (change.previous_note, change.note) == ("", "Macet, izin lisan")
    assert change.changed_by == organiser
    attendance.refresh_from_db()
    assert (attendance.status, attendance.note) == ("hadir", "Macet, izin lisan")
    assert attendance.method == Attendance.Method.SELF  # how it was first recorded stays


def test_setting_the_same_status_and_note_again_logs_nothing(session, enrolment):
    organiser = organiser_user()
    services.set_attendance(
        session=session, enrolment=enrolment, status="sakit", note="", by=organiser
    )

    services.set_attendance(
        session=session, enrolment=enrolment, status="sakit", note=" ", by=organiser
    )

    assert Attendance.objects.get().changes.count() == 0


def test_an_unknown_status_is_refused(session, enrolment):
    with pytest.raises(ValidationError) as caught:
        services.set_attendance(
            session=session, enrolment=enrolment, status="bolos", note="", by=organiser_user()
        )

    assert caught.value.code == "invalid_status"


def test_the_organiser_cannot_record_someone_not_enrolled(session, enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.CANCELLED)
    enrolment.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        services.set_attendance(
            session=session, enrolment=enrolment, status="hadir", note="", by=organiser_user()
        )

    assert caught.value.code == "not_enrolled"


@pytest.fixture
def class_of_four(session, enrolment):
    """The participant fixture plus three more, one of whom later cancelled."""
    others = EnrolmentFactory.create_batch(3, training=session.training)
    Enrolment.objects.filter(pk=others[2].pk).update(status=Enrolment.Status.CANCELLED)
    return [enrolment, *others]


def test_after_the_window_the_unrecorded_become_alpa(session, class_of_four):
    present, excused, absent, _cancelled = class_of_four
    organiser = organiser_user()
    _check_in(session, present, at(7, 45))
    services.set_attendance(
        session=session, enrolment=excused, status="izin", note="", by=organiser
    )

    count = services.mark_absent_as_alpa(session=session, by=organiser, now=at(8, 30))

    assert count == 1
    statuses = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert statuses == {present.pk: "hadir", excused.pk: "izin", absent.pk: "alpa"}
    alpa = Attendance.objects.get(enrolment=absent)
    assert (alpa.method, alpa.recorded_by, alpa.recorded_at) == ("manual", organiser, at(8, 30))


def test_marking_alpa_twice_adds_nobody_twice(session, class_of_four):
    organiser = organiser_user()
    services.mark_absent_as_alpa(session=session, by=organiser, now=at(8, 30))

    count = services.mark_absent_as_alpa(session=session, by=organiser, now=at(8, 31))

    assert count == 0
    assert Attendance.objects.count() == 3


def test_marking_alpa_while_check_in_is_open_needs_a_confirmation(session, class_of_four):
    organiser = organiser_user()

    with pytest.raises(ValidationError) as caught:
        services.mark_absent_as_alpa(session=session, by=organiser, now=at(8, 10))
    count = services.mark_absent_as_alpa(
        session=session, by=organiser, now=at(8, 10), confirmed=True
    )

    assert caught.value.code == "window_still_open"
    assert count == 3


def test_nobody_is_marked_alpa_before_check_in_opens(session, class_of_four):
    with pytest.raises(ValidationError) as caught:
        services.mark_absent_as_alpa(
            session=session, by=organiser_user(), now=at(7, 0), confirmed=True
        )

    assert caught.value.code == "window_not_open"
    assert not Attendance.objects.exists()
