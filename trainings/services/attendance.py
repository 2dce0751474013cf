"""Check-in and attendance writes: one record per participant and session, however it is made.

A participant checks in themselves (the projector's rotating QR code or 6-digit code), an
organiser scans their badge, or an organiser sets a status in the grid. All three end in
check_in() or set_attendance(), which rely on the unique constraint
attendance_one_per_session: a double tap, a second scan or a retried request finds the record
that is already there and says so, and two requests racing each other still leave one record.
"""

import datetime
import io
import secrets
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core import rows
from core.ratelimit import RateLimit
from office.selectors import office_zone, zone_label
from trainings import checkin_tokens
from trainings.models import Attendance, AttendanceChange, Enrolment, Session, Training
from trainings.selectors.attendance import (
    attendance_of,
    checkin_target,
    checkin_window,
    checkins_for,
    unrecorded_enrolments,
)

# How long after first opening a fresh QR code a participant may still confirm it: enough to
# log in or to draw a signature, far too short to pass the link on to tomorrow's absentee.
SCAN_GRACE = datetime.timedelta(minutes=5)
MAX_SIGNATURE_BYTES = 200 * 1024
MAX_SIGNATURE_PIXELS = 2000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

MESSAGES = {
    "window_not_open": _("Check-in for %(session)s opens at %(time)s %(zone)s. Please come back then."),
    "window_closed": _(
        "Check-in for %(session)s closed at %(time)s %(zone)s. Please ask the organiser to record "
        "your attendance."
    ),
    "not_enrolled": _(
        "%(name)s is not enrolled in %(training)s. Ask the organiser if this is a mistake."
    ),
    "training_inactive": _("%(training)s is not running, so check-in is closed."),
    "invalid_token": _(
        "This QR code is not a valid check-in code. Scan the code on the screen again."
    ),
    "token_expired": _(
        "This QR code has expired: it changes every 30 seconds. Scan the code on the screen again."
    ),
    "wrong_code": _("This code is wrong or has expired. Type the code the screen shows now."),
    "no_open_session": _(
        "None of your sessions is open for check-in now. Check-in opens shortly before a "
        "session starts."
    ),
    "too_many_attempts": _(
        "Too many wrong codes. Wait %(wait)s, or scan the QR code on the screen instead."
    ),
    "signature_required": _(
        "This training asks for your signature: draw it in the box, then tap Present."
    ),
    "signature_invalid": _(
        "Your signature could not be read. Clear the box, draw it again and tap Present."
    ),
    "signature_too_large": _(
        "Your signature is too large to store. Clear the box, draw it again and tap Present."
    ),
    "invalid_status": _("Choose one of the attendance statuses."),
    "window_still_open": _(
        "Check-in for %(session)s is open until %(time)s %(zone)s. Confirm to mark everyone not yet "
        "recorded as absent now."
    ),
}


def _error(code: str, **params) -> ValidationError:
    if "time" in params:
        params["zone"] = zone_label()
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def _time(moment: datetime.datetime) -> str:
    return formats.time_format(timezone.localtime(moment, office_zone()), "H.i")


# Check-in ------------------------------------------------------------------------------------


def check_in(
    *,
    session: Session,
    enrolment: Enrolment,
    method: str,
    by,
    now: datetime.datetime | None = None,
    ip_address: str | None = None,
    note: str = "",
    signature: bytes | None = None,
    status: str | None = None,
) -> tuple[Attendance, bool]:
    """Record a participant at a session once; return the record and whether it is new.

    Without a status (self check-in and badge scans) the time decides: Hadir, or Terlambat
    after the session's late_after, and only while its check-in window is open. With a status
    (the organiser's grid) the window does not apply. A record that already exists is returned
    as it is, whatever the window says now.
    """
    now = now or timezone.now()
    return _once(
        session=session,
        enrolment=enrolment,
        attempt=lambda: _record(
            session=session,
            enrolment=enrolment,
            method=method,
            by=by,
            now=now,
            ip_address=ip_address,
            note=note,
            signature=signature,
            status=status,
        ),
    )


def _once(*, session, enrolment, attempt) -> tuple[Attendance, bool]:
    """Run attempt(); if it is refused but the participant has a record already, return that.

    Trying first and looking only on a refusal keeps the usual check-in to one INSERT, while a
    second tap still hears "already recorded", even after the code expired or the window closed.
    """
    try:
        return attempt()
    except ValidationError:
        existing = attendance_of(session=session, enrolment=enrolment)
        if existing is None:
            raise
        return existing, False


def _record(*, session, enrolment, method, by, now, ip_address, note, signature, status):
    if enrolment.training_id != session.training_id or (
        enrolment.status != Enrolment.Status.ENROLLED
    ):
        raise _error(
            "not_enrolled", name=enrolment.employee.full_name, training=session.training.title
        )
    if status is None:
        if session.training.status in (Training.Status.DRAFT, Training.Status.ARCHIVED):
            raise _error("training_inactive", training=session.training.title)
        window = checkin_window(session)
        state = window.state(now)
        if state == "not_open":
            raise _error("window_not_open", session=session.topic, time=_time(window.opens))
        if state == "closed":
            raise _error("window_closed", session=session.topic, time=_time(window.closes))
        status = Attendance.Status.TERLAMBAT if window.is_late(now) else Attendance.Status.HADIR
    elif status not in Attendance.Status.values:
        raise _error("invalid_status")
    needs_signature = method == Attendance.Method.SELF and session.training.requires_signature
    if needs_signature and not signature:
        raise _error("signature_required")
    if signature:
        _validate_signature(signature)

    attendance = Attendance(
        session=session,
        enrolment=enrolment,
        status=status,
        method=method,
        recorded_at=now,
        recorded_by=by,
        ip_address=ip_address or None,
        note=(note or "").strip(),
    )
    # Field checks only: the relations were just loaded and uniqueness is the database's job.
    attendance.full_clean(
        exclude=["session", "enrolment", "recorded_by", "signature"],
        validate_unique=False,
        validate_constraints=False,
    )
    # One INSERT needs no transaction of its own; inside someone else's, a savepoint keeps an
    # IntegrityError from breaking it.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
    try:
        with guard:
            if signature:
                attendance.signature.save(
                    f"{secrets.token_urlsafe(16)}.png", ContentFile(signature), save=False
                )
            rows.insert(attendance)  # save(force_insert=True) at a third of its cost
    except IntegrityError:
        # Someone else's request for the same person and session committed first.
        if attendance.signature:
            attendance.signature.delete(save=False)
        existing = attendance_of(session=session, enrolment=enrolment)
        if existing is None:
            raise
        return existing, False
    return attendance, True


def _validate_signature(data: bytes) -> None:
    if len(data) > MAX_SIGNATURE_BYTES:
        raise _error("signature_too_large")
    if not data.startswith(PNG_MAGIC):
        raise _error("signature_invalid")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.format != "PNG" or max(width, height) > MAX_SIGNATURE_PIXELS:
                raise _error("signature_invalid")
            image.load()
            if "A" in image.getbands():
                ink = image.getchannel("A").getbbox()
            else:
                ink = ImageOps.invert(image.convert("L")).getbbox()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _error("signature_invalid") from error
    if ink is None:  # an empty box
        raise _error("signature_required")


def self_check_in(
    *,
    session: Session,
    slot: int,
    enrolment: Enrolment,
    user,
    now: datetime.datetime | None = None,
    seen_at: datetime.datetime | None = None,
    ip_address: str | None = None,
    signature: bytes | None = None,
) -> tuple[Attendance, bool]:
    """Check a participant in with a QR token already read (read_checkin_token) for its slot.

    The slot must be the current one or the one before; or, when seen_at says when this browser
    first opened the token, it must have been current then, at most SCAN_GRACE ago (so logging
    in first or drawing a signature does not make it expire). A record that exists is returned
    whatever the slot and the window say now.
    """
    now = now or timezone.now()

    def attempt():
        if not token_is_fresh(slot=slot, now=now, seen_at=seen_at):
            raise _error("token_expired")
        return _record(
            session=session,
            enrolment=enrolment,
            method=Attendance.Method.SELF,
            by=user,
            now=now,
            ip_address=ip_address,
            note="",
            signature=signature,
            status=None,
        )

    return _once(session=session, enrolment=enrolment, attempt=attempt)


def read_checkin_token(token: str, *, user) -> tuple[Session, int, Enrolment | None]:
    """Return the session and slot of a QR token and the user's own enrolment in its training
    (None if there is none); raise ValidationError if the token is not ours."""
    try:
        data = checkin_tokens.read_token(token)
    except checkin_tokens.InvalidToken as error:
        raise _error("invalid_token") from error
    session, enrolment = checkin_target(session_id=data.session_id, user=user)
    if session is None:
        raise _error("invalid_token")
    return session, data.slot, enrolment


def token_is_fresh(
    *, slot: int, now: datetime.datetime, seen_at: datetime.datetime | None = None
) -> bool:
    """Return whether a token's slot is current now, or was when first seen, within the grace."""
    if checkin_tokens.slot_is_current(slot, now_slot=checkin_tokens.slot_for(now)):
        return True
    return (
        seen_at is not None
        and seen_at <= now <= seen_at + SCAN_GRACE
        and checkin_tokens.slot_is_current(slot, now_slot=checkin_tokens.slot_for(seen_at))
    )


def code_failure_limit() -> RateLimit:
    """Return the limit on wrong check-in codes per account, wherever they are typed from."""
    return RateLimit(
        "trainings.checkin.code-failures",
        limit=settings.BIMTEK_CHECKIN_MAX_FAILURES,
        window=settings.BIMTEK_CHECKIN_FAILURE_WINDOW,
    )


def check_in_with_code(
    *,
    code: str,
    user,
    now: datetime.datetime | None = None,
    ip_address: str | None = None,
    signature: bytes | None = None,
) -> tuple[Attendance, bool]:
    """Check the user in with the 6-digit code of one of their sessions, found by the code.

    Ten wrong codes in ten minutes (BIMTEK_CHECKIN_MAX_FAILURES, BIMTEK_CHECKIN_FAILURE_WINDOW)
    lock the form for the rest of those ten minutes, so nobody can try their way through a
    million codes.
    """
    now = now or timezone.now()
    failures = code_failure_limit()
    if failures.is_limited(user.pk):
        raise _error("too_many_attempts", wait=failures.wait())
    candidates = checkins_for(user=user, now=now)
    now_slot = checkin_tokens.slot_for(now)
    matched = [
        candidate
        for candidate in candidates
        if checkin_tokens.code_matches(code, session_id=candidate.session.pk, now_slot=now_slot)
    ]
    if not matched:
        failures.hit(user.pk)
        if not any(candidate.window.is_open(now) for candidate in candidates):
            raise _error("no_open_session")
        raise _error("wrong_code")
    candidate = matched[0]
    if candidate.attendance is not None:
        return candidate.attendance, False
    return _record(
        session=candidate.session,
        enrolment=candidate.enrolment,
        method=Attendance.Method.SELF,
        by=user,
        now=now,
        ip_address=ip_address,
        note="",
        signature=signature,
        status=None,
    )


# The organiser's grid ------------------------------------------------------------------------


@transaction.atomic
def set_attendance(
    *,
    session: Session,
    enrolment: Enrolment,
    status: str,
    note: str,
    by,
    now: datetime.datetime | None = None,
) -> Attendance:
    """Set a participant's status for a session; a change to an existing record is logged."""
    now = now or timezone.now()
    note = (note or "").strip()
    if status not in Attendance.Status.values:
        raise _error("invalid_status")
    locked = Attendance.objects.select_for_update()
    attendance = locked.filter(session=session, enrolment=enrolment).first()
    if attendance is None:
        attendance, created = check_in(
            session=session,
            enrolment=enrolment,
            method=Attendance.Method.MANUAL,
            by=by,
            now=now,
            note=note,
            status=status,
        )
        if created:
            return attendance
        attendance = locked.get(pk=attendance.pk)
    if attendance.status == status and attendance.note == note:
        return attendance
    change = AttendanceChange(
        attendance=attendance,
        previous_status=attendance.status,
        new_status=status,
        previous_note=attendance.note,
        note=note,
        changed_by=by,
    )
    attendance.status, attendance.note = status, note
    attendance.full_clean(
        exclude=["session", "enrolment", "recorded_by", "signature"],
        validate_unique=False,
        validate_constraints=False,
    )
    change.save()
    attendance.save(update_fields=["status", "note", "updated_at"])
    return attendance


@transaction.atomic
def mark_absent_as_alpa(
    *, session: Session, by, now: datetime.datetime | None = None, confirmed: bool = False
) -> int:
    """Record Alpa for every enrolled participant without a record; return how many.

    Runs once the check-in window has closed, or earlier when the organiser confirms it. Running
    it again adds nobody twice, and a check-in racing it keeps its own record.
    """
    now = now or timezone.now()
    window = checkin_window(session)
    state = window.state(now)
    if state == "not_open":
        raise _error("window_not_open", session=session.topic, time=_time(window.opens))
    if state == "open" and not confirmed:
        raise _error("window_still_open", session=session.topic, time=_time(window.closes))
    missing = list(unrecorded_enrolments(session=session).values_list("pk", flat=True))
    if not missing:
        return 0
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                enrolment_id=enrolment_id,
                status=Attendance.Status.ALPA,
                method=Attendance.Method.MANUAL,
                recorded_at=now,
                recorded_by=by,
            )
            for enrolment_id in missing
        ],
        ignore_conflicts=True,
    )
    # Rows a racing check-in inserted first were skipped; count only the ones made here.
    return Attendance.objects.filter(
        session=session, enrolment_id__in=missing, status=Attendance.Status.ALPA, recorded_at=now
    ).count()
