"""The organiser's enrolment pages: participants of a training, enrolling, cancelling, name tags."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.permissions import require_permissions
from core.submissions import claim_submission, submission_token
from participants.forms import EmployeeFilterForm

from trainings import badges, whatsapp
from trainings.forms.enrolment import (
    BulkSelectionForm,
    EnrolledFilterForm,
    EnrolSelectionForm,
    NipFileForm,
)
from trainings.models import Enrolment, Training
from trainings.reports.enrolled import enrolled_filename, enrolled_xlsx
from trainings.reports.recap import XLSX_CONTENT_TYPE
from trainings.selectors import enrolment as selectors
from trainings.services import enrolment as services

PAGE_SIZE = 50


def _training(request, training_pk: int) -> Training:
    try:
        return selectors.training_for_enrolment(user=request.user, pk=training_pk)
    except Training.DoesNotExist:
        raise Http404("No such training") from None


def _enrolment(training: Training, pk: int) -> Enrolment:
    try:
        return selectors.enrolment_of_training(training=training, pk=pk)
    except Enrolment.DoesNotExist:
        raise Http404("No such enrolment") from None


def _list_url(training: Training) -> str:
    return reverse("trainings:enrolment_list", kwargs={"training_pk": training.pk})


def _report(request, result: services.EnrolmentResult) -> None:
    """Tell the organiser what an enrolment did, in one message per outcome."""
    if result.enrolled:
        messages.success(
            request,
            ngettext(
                "%(count)d person was enrolled.",
                "%(count)d people were enrolled.",
                len(result.enrolled),
            )
            % {"count": len(result.enrolled)},
        )
    if result.waitlisted:
        messages.warning(
            request,
            ngettext(
                "The quota is full: %(count)d person was put on the waiting list.",
                "The quota is full: %(count)d people were put on the waiting list.",
                len(result.waitlisted),
            )
            % {"count": len(result.waitlisted)},
        )
    if result.already:
        messages.info(
            request,
            ngettext(
                "%(count)d person was already enrolled or waiting: %(names)s.",
                "%(count)d people were already enrolled or waiting: %(names)s.",
                len(result.already),
            )
            % {
                "count": len(result.already),
                "names": ", ".join(e.employee.full_name for e in result.already),
            },
        )
    for employee, problem in result.account_errors:
        messages.error(
            request,
            _("%(name)s was enrolled, but has no account: %(problem)s")
            % {"name": employee.full_name, "problem": problem},
        )


@never_cache
@require_GET
@require_permissions("trainings.view_enrolment")
def enrolment_list(request, training_pk):
    """List a training's participants: enrolled (searchable, filtered, to tick for bulk
    actions), the waiting list in order, cancelled."""
    training = _training(request, training_pk)
    groups = selectors.enrolments_for_training(training=training)
    filter_form = EnrolledFilterForm(request.GET or None, training=training)
    query = request.GET.urlencode()
    enrolled = selectors.enrolled_participants(training=training, filters=filter_form.filters())
    for message in whatsapp.invitation_messages(
        training=training,
        enrolments=enrolled,
        first_session=selectors.first_session(training=training),
    ):
        message.enrolment.whatsapp_message = message
    return render(
        request,
        "trainings/enrolment/enrolment_list.html",
        {
            "training": training,
            "groups": groups,
            "filter_form": filter_form,
            "is_filtered": any(value for value in filter_form.filters().values()),
            "enrolled": enrolled,
            "sessions": training.sessions.count(),
            "query": query,
            "submission": submission_token(),
            "free_places": max(0, training.quota - len(groups.enrolled)),
            "can_manage": request.user.has_perm("trainings.manage_enrolment"),
            "can_print_slips": request.user.has_perm("participants.add_activationcode"),
            "is_open": training.status in services.ENROLLABLE_STATUSES,
        },
    )


@require_GET
@require_permissions("trainings.view_enrolment")
def enrolment_export(request, training_pk):
    """Download the enrolled participants, as the list's search and filters show them, as XLSX."""
    training = _training(request, training_pk)
    filter_form = EnrolledFilterForm(request.GET or None, training=training)
    enrolled = selectors.enrolled_participants(training=training, filters=filter_form.filters())
    return HttpResponse(
        enrolled_xlsx(enrolled, sessions=training.sessions.count()),
        content_type=XLSX_CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(True, enrolled_filename(training)),
            "X-Content-Type-Options": "nosniff",
        },
    )


def _back_to_list(request, training: Training) -> str:
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return _list_url(training)


@require_POST
@require_permissions("trainings.manage_enrolment")
def enrolment_bulk_invite(request, training_pk):
    """Send the invitation email again to the ticked participants, once per submitted form."""
    training = _training(request, training_pk)
    back = _back_to_list(request, training)
    form = BulkSelectionForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("employees", []):
            messages.error(request, error)
        return redirect(back)
    if not claim_submission(user=request.user, token=form.cleaned_data["submission"]):
        messages.info(request, _("This request was already carried out; nothing was sent again."))
        return redirect(back)
    enrolments = selectors.enrolled_among(
        training=training, employee_ids=[e.pk for e in form.cleaned_data["employees"]]
    )
    batch = services.resend_invitations(enrolments=enrolments, by=request.user)
    if batch.queued:
        messages.success(
            request,
            ngettext(
                "The invitation is on its way again to %(count)d participant.",
                "The invitation is on its way again to %(count)d participants.",
                len(batch.queued),
            )
            % {"count": len(batch.queued)},
        )
    if batch.without_email:
        messages.warning(
            request,
            ngettext(
                "%(count)d participant has no email address and got nothing: %(names)s. Print "
                "an activation slip or a name tag instead.",
                "%(count)d participants have no email address and got nothing: %(names)s. Print "
                "activation slips or name tags instead.",
                len(batch.without_email),
            )
            % {
                "count": len(batch.without_email),
                "names": ", ".join(e.employee.full_name for e in batch.without_email),
            },
        )
    if not enrolments:
        messages.error(request, _("None of the ticked people is enrolled in this training."))
    return redirect(back)


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.manage_enrolment")
def enrol_from_directory(request, training_pk):
    """Enrol people from the staff directory: those ticked, or everyone the filter finds."""
    training = _training(request, training_pk)
    filter_form = EmployeeFilterForm(request.GET)
    filters = filter_form.filters()
    employees = selectors.employees_for_enrolment(training=training, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    here = request.path + (f"?{query.urlencode()}" if query else "")

    if request.method == "POST":
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            here = back
        form = EnrolSelectionForm(request.POST)
        if not form.is_valid():
            for error in form.non_field_errors():
                messages.error(request, error)
            return redirect(here)
        if form.cleaned_data["action"] == EnrolSelectionForm.ALL_MATCHING:
            if not any(value not in (None, "") for value in filters.values()):
                messages.error(
                    request,
                    _("Choose a filter first: enrolling everyone in the directory is not allowed."),
                )
                return redirect(here)
            chosen = list(employees[: services.MAX_ENROL_AT_ONCE + 1])
            if len(chosen) > services.MAX_ENROL_AT_ONCE:
                messages.error(
                    request,
                    _(
                        "More than %(max)d people match this filter. Narrow it down, for example "
                        "by unit, and enrol each group."
                    )
                    % {"max": services.MAX_ENROL_AT_ONCE},
                )
                return redirect(here)
        else:
            chosen = list(form.cleaned_data["employees"])
        try:
            result = services.enrol(training=training, employees=chosen, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _report(request, result)
        return redirect(here)

    page = Paginator(employees, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainings/enrolment/enrol_from_directory.html",
        {
            "training": training,
            "filter_form": filter_form,
            "page": page,
            "query": query.urlencode(),
            "max_at_once": services.MAX_ENROL_AT_ONCE,
            "is_open": training.status in services.ENROLLABLE_STATUSES,
        },
    )


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.manage_enrolment")
def enrol_from_file(request, training_pk):
    """Enrol the people an uploaded list of NIPs names; show every bad row and enrol nobody."""
    training = _training(request, training_pk)
    row_errors = []
    if request.method == "POST":
        form = NipFileForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result, row_errors = services.enrol_from_nip_file(
                    training=training, file_obj=upload, filename=upload.name, by=request.user
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                if result is not None:
                    _report(request, result)
                    return redirect(_list_url(training))
    else:
        form = NipFileForm()
    return render(
        request,
        "trainings/enrolment/enrol_from_file.html",
        {"training": training, "form": form, "row_errors": row_errors},
    )


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.manage_enrolment")
def enrolment_cancel(request, training_pk, pk):
    """Ask, then cancel an enrolment; the first person waiting moves up."""
    training = _training(request, training_pk)
    enrolment = _enrolment(training, pk)
    if request.method == "POST":
        try:
            cancellation = services.cancel_enrolment(enrolment=enrolment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The enrolment of %(name)s was cancelled.")
                % {"name": enrolment.employee.full_name},
            )
            for promoted in cancellation.promoted:
                messages.info(
                    request,
                    _("%(name)s moved up from the waiting list and is now enrolled.")
                    % {"name": promoted.employee.full_name},
                )
        return redirect(_list_url(training))
    return render(
        request,
        "trainings/enrolment/enrolment_cancel.html",
        {"training": training, "enrolment": enrolment},
    )


@require_POST
@require_permissions("trainings.manage_enrolment")
def resend_invitation(request, training_pk, pk):
    """Send a participant's invitation email again."""
    training = _training(request, training_pk)
    enrolment = _enrolment(training, pk)
    try:
        services.resend_invitation(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(name)s is on its way to %(email)s.")
            % {"name": enrolment.employee.full_name, "email": enrolment.employee.email},
        )
    return redirect(_list_url(training))


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.view_enrolment")
def invitation_sheet(request, training_pk):
    """Print invitation slips / name tags with personal QR badges: for every enrolled person,
    or (POST from the list) for the ticked ones. Printing changes nothing, so twice is harmless."""
    training = _training(request, training_pk)
    if request.method == "POST":
        form = BulkSelectionForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("employees", []):
                messages.error(request, error)
            return redirect(_back_to_list(request, training))
        enrolments = selectors.enrolled_among(
            training=training, employee_ids=[e.pk for e in form.cleaned_data["employees"]]
        )
    else:
        enrolments = selectors.enrolled_for_invitations(training=training)
    tags = [
        # segno's own markup, with no user input in it
        {"enrolment": enrolment, "qr": mark_safe(badges.badge_qr_svg(enrolment))}
        for enrolment in enrolments
    ]
    return render(
        request,
        "trainings/enrolment/invitation_sheet.html",
        {"training": training, "tags": tags},
    )


@require_GET
@require_permissions("trainings.view_enrolment")
def whatsapp_list(request, training_pk):
    """List every enrolled person with a WhatsApp link carrying their invitation or a reminder.

    ?pesan=undangan (the default) prepares the invitation; ?pesan=presensi&sesi=<id> the
    reminder of a session with how to check in. The organiser taps each link in turn.
    """
    training = _training(request, training_pk)
    sessions = selectors.sessions_of_training(training=training)
    enrolled = selectors.enrolments_for_training(training=training).enrolled
    session = None
    if request.GET.get("pesan") == "presensi":
        session = next(
            (each for each in sessions if str(each.pk) == request.GET.get("sesi", "")),
            selectors.next_session(sessions, now=timezone.now()),
        )
    if session is not None:
        session.training = training
        prepared = whatsapp.checkin_reminder_messages(session=session, enrolments=enrolled)
    else:
        prepared = whatsapp.invitation_messages(
            training=training, enrolments=enrolled, first_session=sessions[0] if sessions else None
        )
    return render(
        request,
        "trainings/enrolment/whatsapp_list.html",
        {
            "training": training,
            "sessions": sessions,
            "session": session,
            "prepared": prepared,
            "without_number": sum(1 for message in prepared if not message.number),
        },
    )
