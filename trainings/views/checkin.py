"""Check-in pages: the participant's own check-in (QR link or 6-digit code), the projector with
the rotating code, and the organiser's scan of a participant's badge.

A participant's pages act only on the signed-in person's own enrolment: nothing here takes
another person's id.
"""

import datetime

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from office.selectors import zone_label
from trainings import badges, checkin_tokens
from trainings.forms.attendance import BadgeScanForm, CheckinCodeForm, SelfCheckinForm
from trainings.models import Attendance, Enrolment, Session
from core.qr import qr_svg
from trainings.selectors import attendance as selectors
from trainings.services import attendance as services

SEEN_TOKENS_KEY = "bimtek_checkin_seen"


def organiser_required(view):
    """Send anonymous visitors to the login page; refuse users who may not run attendance."""
    return login_required(permission_required("trainings.run_attendance", raise_exception=True)(view))


def _client_ip(request) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def _clock(moment) -> str:
    return formats.time_format(timezone.localtime(moment), "H.i")


def recorded_message(attendance: Attendance, *, created: bool, name: str = "") -> str:
    """Say what was recorded, for the participant (no name) or for the organiser (a name)."""
    params = {
        "time": _clock(attendance.recorded_at),
        # The label straight from the choices: get_status_display() rebuilds its lookup each call.
        "status": Attendance.Status(attendance.status).label,
        "name": name,
    }
    present = attendance.status in selectors.PRESENT_STATUSES
    late = attendance.status == Attendance.Status.TERLAMBAT
    if name:
        if not created:
            return _("%(name)s is already recorded: %(status)s, at %(time)s.") % params
        if late:
            return _("%(name)s is recorded as present at %(time)s, late.") % params
        return _("%(name)s is recorded as present at %(time)s.") % params
    if not created and present:
        return _("You are already recorded as present at %(time)s.") % params
    if not created:
        return _("You are already recorded: %(status)s (%(time)s).") % params
    if late:
        return _("Thank you! You are recorded as present at %(time)s, late.") % params
    return _("Thank you! You are recorded as present at %(time)s.") % params


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# The participant's QR link and check-in page ----------------------------------------------------


def _remember_fresh_token(request, token: str, slot: int, now) -> None:
    """Note when this browser first opened a current QR code, so logging in can't expire it."""
    if not checkin_tokens.slot_is_current(slot, now_slot=checkin_tokens.slot_for(now)):
        return
    seen = request.session.get(SEEN_TOKENS_KEY, {})
    if token in seen:
        return
    cutoff = now.timestamp() - services.SCAN_GRACE.total_seconds()
    seen = {key: at for key, at in seen.items() if at >= cutoff}
    seen[token] = now.timestamp()
    request.session[SEEN_TOKENS_KEY] = seen


def _seen_at(request, token: str):
    at = request.session.get(SEEN_TOKENS_KEY, {}).get(token)
    return datetime.datetime.fromtimestamp(at, tz=datetime.UTC) if at else None


def _wants_json(request) -> bool:
    """The check-in page's script posts the tap itself and asks for JSON (see checkin.js)."""
    return request.method == "POST" and request.headers.get("Accept", "").startswith(
        "application/json"
    )


def _json_done(attendance: Attendance, message: str) -> JsonResponse:
    late = attendance.status == Attendance.Status.TERLAMBAT
    return JsonResponse({"result": "done", "message": message, "late": late})


def _json_problem(message: str, *, status: int = 409, retry: bool = False) -> JsonResponse:
    """Say why nothing was recorded; retry means the same form may be sent again (fixed)."""
    return JsonResponse({"result": "problem", "message": message, "retry": retry}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def self_checkin(request, token):
    """Check the signed-in participant in from a projector's QR code: one tap on "Present"."""
    now = timezone.now()
    try:
        session, slot, enrolment = services.read_checkin_token(token, user=request.user)
    except ValidationError as error:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if _wants_json(request):
            return _json_problem(_error_text(error), status=404)
        return render(
            request, "trainings/checkin/problem.html", {"problem": _error_text(error)}, status=404
        )
    if request.method == "GET":
        _remember_fresh_token(request, token, slot, now)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())

    context = {"session": session, "window": selectors.checkin_window(session), "token": token}
    if enrolment is None or enrolment.status != Enrolment.Status.ENROLLED:
        context["problem"] = _(
            "You are not enrolled in %(training)s. If you think you should be, ask the organiser."
        ) % {"training": session.training.title}
        if _wants_json(request):
            return _json_problem(context["problem"], status=403)
        return render(request, "trainings/checkin/self_checkin.html", context)

    if request.method == "POST":
        form = SelfCheckinForm(request.POST)
        if form.is_valid():
            try:
                attendance, created = services.self_check_in(
                    session=session,
                    slot=slot,
                    enrolment=enrolment,
                    user=request.user,
                    now=now,
                    seen_at=_seen_at(request, token),
                    ip_address=_client_ip(request),
                    signature=form.cleaned_data["signature"],
                )
            except ValidationError as error:
                if error.code in ("signature_required", "signature_invalid", "signature_too_large"):
                    form.add_error("signature", error)
                else:
                    context["problem"] = _error_text(error)
                    if _wants_json(request):
                        return _json_problem(context["problem"])
            else:
                done = recorded_message(attendance, created=created)
                if _wants_json(request):
                    return _json_done(attendance, done)
                context.update(attendance=attendance, done=done)
                return render(request, "trainings/checkin/self_checkin.html", context)
        if _wants_json(request):
            errors = " ".join(str(error) for field in form.errors.values() for error in field)
            return _json_problem(errors, status=400, retry=True)
    else:
        form = SelfCheckinForm()
        attendance = selectors.attendance_of(session=session, enrolment=enrolment)
        if attendance is not None:
            context.update(attendance=attendance, done=recorded_message(attendance, created=False))
            return render(request, "trainings/checkin/self_checkin.html", context)
        context["problem"] = _self_checkin_problem(request, session, token, slot, now)

    context.update(form=form, needs_signature=session.training.requires_signature)
    return render(request, "trainings/checkin/self_checkin.html", context)


def _self_checkin_problem(request, session, token, slot, now) -> str:
    """Say before the tap why it would fail, so nobody taps a button that cannot work."""
    if not services.token_is_fresh(slot=slot, now=now, seen_at=_seen_at(request, token)):
        return str(services.MESSAGES["token_expired"])
    window = selectors.checkin_window(session)
    state = window.state(now)
    if state == "not_open":
        return str(services.MESSAGES["window_not_open"]) % {
            "session": session.topic,
            "time": _clock(window.opens),
            "zone": zone_label(),
        }
    if state == "closed":
        return str(services.MESSAGES["window_closed"]) % {
            "session": session.topic,
            "time": _clock(window.closes),
            "zone": zone_label(),
        }
    return ""


def checkin_prefix() -> str:
    """Return the path every projector QR link starts with, for the phone's QR scanner."""
    return reverse("trainings:self_checkin", kwargs={"token": "0"})[: -len("0/")]


def _next_page(request) -> str:
    """Return the participant's page the code form came from, or the check-in page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("trainings:checkin")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def checkin(request):
    """Show the participant's check-in page: the sessions open now and the 6-digit code form.

    The same form sits at the top of the home page and of "Pelatihan saya"; it posts here and
    comes back to the page it was sent from, or stays here with the mistake next to the field.
    """
    now = timezone.now()
    today = selectors.checkin_today(user=request.user, now=now)
    if request.method == "POST":
        form = CheckinCodeForm(request.POST)
        if form.is_valid():
            try:
                attendance, created = services.check_in_with_code(
                    code=form.cleaned_data["code"],
                    user=request.user,
                    now=now,
                    ip_address=_client_ip(request),
                    signature=form.cleaned_data["signature"],
                )
            except ValidationError as error:
                on_signature = error.code and error.code.startswith("signature")
                form.add_error("signature" if on_signature else "code", error)
            else:
                message = recorded_message(attendance, created=created)
                (messages.success if created else messages.info)(request, message)
                return redirect(_next_page(request))
    else:
        form = CheckinCodeForm()
    return render(
        request,
        "trainings/checkin/checkin.html",
        {
            "form": form,
            "today": today,
            "checkin_prefix": checkin_prefix(),
            "next": reverse("trainings:checkin"),
            "history": selectors.attendance_history_for(user=request.user),
            "has_employee": hasattr(request.user, "employee"),
        },
    )


# The projector ----------------------------------------------------------------------------------


def checkin_url(token: str) -> str:
    """Return the absolute link the projector's QR code carries."""
    return settings.SITE_URL + reverse("trainings:self_checkin", kwargs={"token": token})


def _qr_svg(url: str) -> str:
    return qr_svg(url, title=_("QR code for check-in"))


def _projector_context(session: Session) -> dict:
    now = timezone.now()
    now_ts = now.timestamp()
    window = selectors.checkin_window(session)
    state = window.state(now)
    context = {
        "session": session,
        "window": window,
        "state": state,
        "late": state == "open" and window.is_late(now),
        "summary": selectors.projector_summary(session=session),
        "refresh_seconds": 15,
    }
    if state == "open":
        slot = checkin_tokens.slot_at(now_ts)
        token = checkin_tokens.make_token(session_id=session.pk, slot=slot)
        context.update(
            code=checkin_tokens.make_code(session_id=session.pk, slot=slot),
            url=checkin_url(token),
            # segno's own markup; the URL inside is ours
            qr=mark_safe(_qr_svg(checkin_url(token))),
            seconds_left=checkin_tokens.seconds_left_in_slot(now_ts),
            shown_for=checkin_tokens.seconds_code_may_be_shown(now_ts),
        )
    return context


@never_cache
@require_GET
@organiser_required
def projector(request, pk):
    """Open the projector of a training's session running now, or ask which session."""
    training = get_object_or_404(selectors.trainings_for_attendance(request.user), pk=pk)
    now = timezone.now()
    sessions = list(training.sessions.order_by("date", "start_time", "pk"))
    open_now = [s for s in sessions if selectors.checkin_window(s).is_open(now)]
    if len(open_now) == 1:
        return redirect("trainings:session_projector", pk=open_now[0].pk)
    today = timezone.localdate(now)
    return render(
        request,
        "trainings/checkin/projector_choose.html",
        {
            "training": training,
            "open_now": open_now,
            "today": [s for s in sessions if s.date == today and s not in open_now],
            "others": [s for s in sessions if s.date != today and s not in open_now],
        },
    )


@never_cache
@require_GET
@organiser_required
def session_projector(request, pk):
    """Show a session's rotating QR code and 6-digit code, with the live count, as a kiosk page
    for the venue's screen: no menu, full screen, and it rides out a dropped connection."""
    session = get_object_or_404(selectors.sessions_for_attendance(request.user), pk=pk)
    return render(request, "trainings/checkin/projector.html", _projector_context(session))


@never_cache
@require_GET
@organiser_required
def session_projector_live(request, pk):
    """Return the projector's changing part (code, QR, count, names) for projector.js."""
    session = get_object_or_404(selectors.sessions_for_attendance(request.user), pk=pk)
    return render(request, "trainings/checkin/projector.html#live", _projector_context(session))


# The organiser scans a badge --------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@organiser_required
def badge_scan(request, token):
    """Show whose badge was scanned and record them, with one tap, for the session open now."""
    enrolment = badges.enrolment_for_badge_token(token)
    if (
        enrolment is None
        or not selectors.trainings_for_attendance(request.user)
        .filter(pk=enrolment.training_id)
        .exists()
    ):
        return render(request, "trainings/checkin/badge_unknown.html", status=404)
    now = timezone.now()
    training = enrolment.training
    open_now = selectors.open_sessions(training=training, now=now)
    records = {
        record.session_id: record
        for record in Attendance.objects.filter(enrolment=enrolment, session__in=open_now)
    }
    person = enrolment.employee

    if request.method == "POST":
        form = BadgeScanForm(request.POST, sessions=training.sessions.all())
        if not form.is_valid():
            messages.error(request, _("Choose the session to record."))
            return redirect("trainings:badge_scan", token=token)
        session = form.cleaned_data["session"]
        session.training = training
        try:
            attendance, created = services.check_in(
                session=session,
                enrolment=enrolment,
                method=Attendance.Method.SCAN,
                by=request.user,
                now=now,
                ip_address=_client_ip(request),
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            message = recorded_message(attendance, created=created, name=person.full_name)
            (messages.success if created else messages.info)(request, message)
        return redirect("trainings:badge_scan", token=token)

    choices = [
        {
            "session": session,
            "window": selectors.checkin_window(session),
            "attendance": records.get(session.pk),
            "recorded": recorded_message(records[session.pk], created=False, name=person.full_name)
            if session.pk in records
            else "",
        }
        for session in open_now
    ]
    return render(
        request,
        "trainings/checkin/badge_scan.html",
        {
            "enrolment": enrolment,
            "person": person,
            "training": training,
            "choices": choices,
            "unrecorded": [choice for choice in choices if choice["attendance"] is None],
            "enrolled": enrolment.status == Enrolment.Status.ENROLLED,
        },
    )
