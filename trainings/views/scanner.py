"""
The organiser's continuous badge scanner for one session, as pretixSCAN works at a door.

The page keeps the camera open (the browser's own BarcodeDetector, on Android's Chrome) and a
field that a handheld barcode scanner types into; each badge read is recorded at once. The page
queues scans on the device while the venue's signal is gone and sends them when it is back, each
with the moment it was scanned: that moment, not the moment it arrived, decides Hadir or
Terlambat and is the time recorded. A badge scanned twice is recorded once (the database allows
one record per person and session); the second scan hears "sudah tercatat".
"""

import datetime
import json

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from trainings import badges
from trainings.models import Attendance
from trainings.selectors import attendance as selectors
from trainings.services import attendance as services
from trainings.views.checkin import organiser_required, recorded_message

# A device's clock may run a little ahead of the server's; a scan "from the future" beyond this
# is taken as made now.
CLOCK_TOLERANCE = datetime.timedelta(minutes=2)
# Scans queued longer than this (a phone left in a bag overnight) are not recorded.
OLDEST_QUEUED_SCAN = datetime.timedelta(hours=24)
BADGE_PATH = "/lencana/"


def badge_token_of(scanned: str) -> str:
    """Return the badge token in what a scan read: the badge's URL, or the bare token."""
    text = (scanned or "").strip()
    if BADGE_PATH in text:
        text = text.split(BADGE_PATH, 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/")


def scan_moment(value, *, now: datetime.datetime) -> datetime.datetime | None:
    """Return when a scan was made, from the device's ISO time; None if it cannot count."""
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or timezone.is_naive(moment):
        return now
    if moment > now + CLOCK_TOLERANCE:
        return now
    if moment < now - OLDEST_QUEUED_SCAN:
        return None
    return min(moment, now)


def _client_ip(request) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


@never_cache
@require_GET
@organiser_required
def session_scanner(request, pk):
    """Show the continuous scanner for one session."""
    session = get_object_or_404(selectors.sessions_for_attendance(request.user), pk=pk)
    return render(
        request,
        "trainings/checkin/scanner.html",
        {
            "session": session,
            "training": session.training,
            "window": selectors.checkin_window(session),
            "record_url": reverse("trainings:session_scanner_record", args=[session.pk]),
        },
    )


def _answer(result: str, message: str, *, name: str = "", status: str = "", http_status=200):
    return JsonResponse(
        {"result": result, "message": message, "name": name, "status": status},
        status=http_status,
    )


@never_cache
@require_POST
@organiser_required
def session_scanner_record(request, pk):
    """Record one scan (JSON: scanned text, scanned_at); answer what happened, in JSON.

    Every answer but a 5xx is final for the device: it stops sending that scan.
    """
    session = get_object_or_404(selectors.sessions_for_attendance(request.user), pk=pk)
    try:
        scan = json.loads(request.body or b"{}")
    except ValueError:
        scan = None
    if not isinstance(scan, dict):
        return _answer("refused", _("The scan could not be read."), http_status=400)
    now = timezone.now()
    moment = scan_moment(scan.get("scanned_at"), now=now)
    if moment is None:
        return _answer("refused", _("This scan waited on the device for more than a day."))
    enrolment = badges.enrolment_for_badge_token(badge_token_of(str(scan.get("scanned", ""))))
    if enrolment is None or enrolment.training_id != session.training_id:
        return _answer("unknown", _("This is not a badge of this training."))
    name = enrolment.employee.full_name
    try:
        attendance, created = services.check_in(
            session=session,
            enrolment=enrolment,
            method=Attendance.Method.SCAN,
            by=request.user,
            now=moment,
            ip_address=_client_ip(request),
            note=(
                _("Scanned offline at %(time)s, sent at %(sent)s.")
                % {
                    "time": formats.time_format(timezone.localtime(moment), "H.i"),
                    "sent": formats.time_format(timezone.localtime(now), "H.i"),
                }
                if now - moment > datetime.timedelta(minutes=1)
                else ""
            ),
        )
    except ValidationError as error:
        return _answer("refused", " ".join(error.messages), name=name)
    return _answer(
        "recorded" if created else "already",
        recorded_message(attendance, created=created, name=name),
        name=name,
        status=Attendance.Status(attendance.status).label,
    )
