"""The organiser's attendance grid: participants × sessions, a status per cell, Alpa in bulk."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from trainings.forms.attendance import AttendanceCellForm, MarkAlpaForm
from trainings.models import Attendance, Enrolment, Session
from trainings.selectors import attendance as selectors
from trainings.services import attendance as services
from trainings.views.checkin import organiser_required


def _wants_fragment(request) -> bool:
    """Return whether grid.js asked (with fetch) for the cell alone."""
    return request.headers.get("X-Requested-With") == "fetch" or "text/vnd.bimtek-fragment" in (
        request.headers.get("Accept") or ""
    )


def _grid_url(session: Session, anchor: str = "") -> str:
    url = reverse("trainings:attendance_grid", kwargs={"pk": session.training_id})
    return f"{url}#{anchor}" if anchor else url


STATUS_CHOICES = Attendance.Status.choices


@never_cache
@require_GET
@organiser_required
def attendance_grid(request, pk):
    """Show every enrolled participant against every session of a training."""
    training = get_object_or_404(selectors.trainings_for_attendance(request.user), pk=pk)
    return render(
        request,
        "trainings/attendance/grid.html",
        {
            "training": training,
            "grid": selectors.attendance_grid(training=training),
            "status_choices": STATUS_CHOICES,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@organiser_required
def attendance_set(request, session_pk, enrolment_pk):
    """Set one participant's status and note for one session (one cell of the grid)."""
    session = get_object_or_404(selectors.sessions_for_attendance(request.user), pk=session_pk)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("employee__unit"),
        pk=enrolment_pk,
        training_id=session.training_id,
    )
    if request.method == "POST":
        form = AttendanceCellForm(request.POST)
        if form.is_valid():
            try:
                services.set_attendance(
                    session=session,
                    enrolment=enrolment,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                cell = selectors.grid_cell(session=session, enrolment=enrolment)
                if _wants_fragment(request):
                    return render(request, "trainings/attendance/grid.html#cell", {"cell": cell})
                messages.success(
                    request,
                    _("%(name)s, %(session)s: %(status)s.")
                    % {
                        "name": enrolment.employee.full_name,
                        "session": session.topic,
                        "status": cell.attendance.get_status_display(),
                    },
                )
                return redirect(_grid_url(session, cell.dom_id))
        if _wants_fragment(request):
            errors = [str(message) for messages_ in form.errors.values() for message in messages_]
            return HttpResponse(" ".join(errors), status=400, content_type="text/plain")
    else:
        cell = selectors.grid_cell(session=session, enrolment=enrolment)
        initial = (
            {"status": cell.attendance.status, "note": cell.attendance.note}
            if (cell.attendance)
            else None
        )
        form = AttendanceCellForm(initial=initial)
    return render(
        request,
        "trainings/attendance/set.html",
        {
            "session": session,
            "enrolment": enrolment,
            "form": form,
            "status_choices": STATUS_CHOICES,
            "current": form["status"].value(),
            "back": _grid_url(session, f"cell-{session.pk}-{enrolment.pk}"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@organiser_required
def attendance_mark_alpa(request, session_pk):
    """Ask, then mark everyone not yet recorded for a session as Alpa."""
    session = get_object_or_404(selectors.sessions_for_attendance(request.user), pk=session_pk)
    now = timezone.now()
    window = selectors.checkin_window(session)
    state = window.state(now)
    form = MarkAlpaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.mark_absent_as_alpa(
                session=session,
                by=request.user,
                now=now,
                confirmed=form.cleaned_data["confirm_open"],
            )
        except ValidationError as error:
            form.add_error("confirm_open" if state == "open" else None, error)
        else:
            if count:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d participant not yet recorded is now marked Alpa.",
                        "%(count)d participants not yet recorded are now marked Alpa.",
                        count,
                    )
                    % {"count": count},
                )
            else:
                messages.info(request, _("Everyone already has a record for this session."))
            return redirect(_grid_url(session))
    unrecorded = list(
        selectors.unrecorded_enrolments(session=session)
        .select_related("employee")
        .order_by("employee__name", "pk")
    )
    return render(
        request,
        "trainings/attendance/mark_alpa.html",
        {
            "session": session,
            "window": window,
            "state": state,
            "form": form,
            "unrecorded": unrecorded,
            "back": _grid_url(session),
        },
    )
