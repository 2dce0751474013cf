"""Organiser pages for trainings: the list, a training's dashboard, its forms and its schedule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from core.permissions import require_permissions
from participants.selectors import employee_for_user

from trainings.forms.trainings import CopyBatchForm, SessionForm, SpeakerForm, StatusForm, TrainingForm
from trainings.models import Session, Speaker, Training
from trainings.selectors import trainings as selectors
from trainings.services import trainings as services

Status = Training.Status

# The button that moves a training from one status to another.
STATUS_ACTIONS = {
    (Status.DRAFT, Status.OPEN): gettext_lazy("Open enrolment"),
    (Status.OPEN, Status.DRAFT): gettext_lazy("Back to draft"),
    (Status.OPEN, Status.RUNNING): gettext_lazy("Start the training"),
    (Status.RUNNING, Status.FINISHED): gettext_lazy("Finish the training"),
    (Status.FINISHED, Status.RUNNING): gettext_lazy("Reopen"),
    (Status.FINISHED, Status.ARCHIVED): gettext_lazy("Archive"),
}

# The steps of the usual lifecycle, shown as main buttons; the others are secondary.
MAIN_PATH = {
    (Status.DRAFT, Status.OPEN),
    (Status.OPEN, Status.RUNNING),
    (Status.RUNNING, Status.FINISHED),
}

# Pages of the other areas (enrolment, attendance, reports), linked once they exist.
# The training's other pages: URL name (taking the training's pk), label, permission needed.
AREA_LINKS = (
    ("trainings:enrolment_list", gettext_lazy("Participants and enrolment"), "trainings.view_enrolment"),
    ("trainings:attendance_grid", gettext_lazy("Attendance grid"), "trainings.run_attendance"),
    ("trainings:projector", gettext_lazy("Check-in on the projector"), "trainings.run_attendance"),
    ("trainings:attendance_recap", gettext_lazy("Attendance recap"), "trainings.view_attendance"),
    ("assessments:training_tests", gettext_lazy("Pre- and post-tests"), "assessments.manage_tests"),
    ("evaluations:form_settings", gettext_lazy("Evaluation form"), "evaluations.view_evaluationform"),
    ("certificates:training", gettext_lazy("Certificates"), "certificates.view_certificate"),
)


def _training_or_404(user, pk) -> Training:
    try:
        return selectors.training_for_dashboard(user=user, pk=pk)
    except Training.DoesNotExist:
        raise Http404("No such training") from None


def _session_or_404(user, pk) -> Session:
    visible = selectors.trainings_visible_to(user)
    return get_object_or_404(
        Session.objects.select_related("training").filter(training__in=visible), pk=pk
    )


def _area_links(user, training: Training) -> list[tuple[str, str]]:
    return [
        (reverse(name, args=[training.pk]), str(label))
        for name, label, permission in AREA_LINKS
        if user.has_perm(permission)
    ]


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


# The list and the dashboard ---------------------------------------------------------------------


@require_GET
@require_permissions("trainings.view_training")
def training_list(request):
    """List the trainings: running, upcoming and past, with enrolment, sessions and JP."""
    include_archived = request.GET.get("arsip") == "1"
    groups = selectors.trainings_for_list(user=request.user, include_archived=include_archived)
    return render(
        request,
        "trainings/trainings/training_list.html",
        {
            "groups": [
                ("running", _("Running now"), groups.running),
                ("upcoming", _("Upcoming"), groups.upcoming),
                ("past", _("Past"), groups.past),
            ],
            "total": len(groups),
            "include_archived": include_archived,
            "can_add": request.user.has_perm("trainings.add_training"),
        },
    )


@require_GET
@require_permissions("trainings.view_training")
def training_detail(request, pk):
    """Show a training's dashboard: details, enrolment, today's attendance and the schedule."""
    training = _training_or_404(request.user, pk)
    sessions = selectors.sessions_for_training(training=training)
    today = timezone.localdate()
    active = training.enrolled_count + training.waitlisted_count
    can_change = request.user.has_perm("trainings.change_training")
    editable = training.status != Status.ARCHIVED
    actions = (
        [
            (to, STATUS_ACTIONS[(training.status, to)], (training.status, to) in MAIN_PATH)
            for to in services.next_statuses(training)
            if not (to == Status.DRAFT and active)
        ]
        if can_change
        else []
    )
    return render(
        request,
        "trainings/trainings/training_detail.html",
        {
            "training": training,
            "panitia": selectors.panitia_of(training=training),
            "days": selectors.schedule_by_day(sessions),
            "today": today,
            "today_attendance": selectors.attendance_for_day(
                sessions=sessions, day=today, expected=training.enrolled_count
            ),
            "status_actions": actions,
            "area_links": _area_links(request.user, training),
            "can_change": can_change and editable,
            "can_copy": request.user.has_perm("trainings.add_training"),
            "can_add_session": editable and request.user.has_perm("trainings.add_session"),
            "can_change_session": editable and request.user.has_perm("trainings.change_session"),
            "can_delete_session": editable and request.user.has_perm("trainings.delete_session"),
            "can_change_speaker": request.user.has_perm("trainings.change_speaker"),
        },
    )


@require_GET
@require_permissions("trainings.view_training")
def training_schedule(request, pk):
    """Show the schedule as a page to print on A4."""
    training = _training_or_404(request.user, pk)
    sessions = selectors.sessions_for_training(training=training)
    return render(
        request,
        "trainings/trainings/schedule_print.html",
        {"training": training, "days": selectors.schedule_by_day(sessions)},
    )


# Training forms ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.view_training", "trainings.add_training")
def training_create(request):
    """Create a training, as a draft, run by the organiser's own office unless they choose another."""
    own = employee_for_user(user=request.user)
    form = TrainingForm(request.POST or None, initial={"organiser_unit": own.unit if own else None})
    if request.method == "POST" and form.is_valid():
        try:
            training = services.create_training(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The training %(code)s was created as a draft. Now add its sessions.")
                % {"code": training.code},
            )
            return redirect(training)
    return render(request, "trainings/trainings/training_form.html", {"form": form, "training": None})


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.view_training", "trainings.change_training")
def training_edit(request, pk):
    """Change a training's details and certificate rules."""
    training = _training_or_404(request.user, pk)
    if request.method == "POST":
        form = TrainingForm(request.POST)
        if form.is_valid():
            try:
                update = services.update_training(
                    training=training, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                if update.promoted:
                    messages.info(
                        request,
                        ngettext(
                            "%(count)d person moved from the waiting list into the new places "
                            "and was invited.",
                            "%(count)d people moved from the waiting list into the new places "
                            "and were invited.",
                            len(update.promoted),
                        )
                        % {"count": len(update.promoted)},
                    )
                return redirect(training)
    else:
        form = TrainingForm(initial=TrainingForm.initial_for(training))
    return render(
        request, "trainings/trainings/training_form.html", {"form": form, "training": training}
    )


@require_POST
@require_permissions("trainings.view_training", "trainings.change_training")
def training_status(request, pk):
    """Move a training to the next status of its lifecycle."""
    training = _training_or_404(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(training)
    try:
        training = services.change_training_status(
            training=training, to=form.cleaned_data["to"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The training is now: %(status)s.") % {"status": training.get_status_display()},
        )
    return redirect(training)


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.view_training", "trainings.add_training")
def training_copy(request, pk):
    """Copy a training and its schedule as a new batch on new dates."""
    training = _training_or_404(request.user, pk)
    if request.method == "POST":
        form = CopyBatchForm(request.POST)
        if form.is_valid():
            try:
                copy = services.copy_training_as_new_batch(
                    training=training,
                    start_date=form.cleaned_data["start_date"],
                    code=form.cleaned_data["code"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Batch %(batch)s was created as %(code)s, a draft with its sessions.")
                    % {"batch": copy.batch, "code": copy.code},
                )
                return redirect(copy)
    else:
        code, _batch = selectors.suggest_new_batch(training=training)
        form = CopyBatchForm(initial={"code": code})
    return render(
        request, "trainings/trainings/training_copy.html", {"form": form, "training": training}
    )


# Sessions and speakers --------------------------------------------------------------------------


def _save_session(request, form, save) -> Session | None:
    """Create the new speaker typed into a session form, if any, and save the session with it."""
    if not form.is_valid():
        return None
    speakers = list(form.cleaned_data["speakers"])
    try:
        with transaction.atomic():
            if new_speaker := form.new_speaker_data():
                speakers.append(services.create_speaker(by=request.user, **new_speaker))
            return save(speakers=speakers, **form.session_data())
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _render_session_form(request, form, training, session):
    return render(
        request,
        "trainings/trainings/session_form.html",
        {
            "form": form,
            "training": training,
            "session": session,
            "rooms": selectors.rooms_in_use(),
        },
    )


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.view_training", "trainings.add_session")
def session_create(request, pk):
    """Add a session to a training's schedule."""
    training = _training_or_404(request.user, pk)
    if request.method == "POST":
        form = SessionForm(request.POST, training=training)
        session = _save_session(
            request,
            form,
            lambda **data: services.create_session(training=training, by=request.user, **data),
        )
        if session is not None:
            messages.success(
                request, _('The session "%(topic)s" was added.') % {"topic": session.topic}
            )
            return redirect(training)
    else:
        form = SessionForm(
            training=training,
            initial={"date": training.start_date, "room": _last_room(training)},
        )
    return _render_session_form(request, form, training, None)


def _last_room(training: Training) -> str:
    last = training.sessions.exclude(room="").order_by("-date", "-start_time").first()
    return last.room if last else ""


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.view_training", "trainings.change_session")
def session_edit(request, pk):
    """Change a session of the schedule."""
    session = _session_or_404(request.user, pk)
    training = session.training
    if request.method == "POST":
        form = SessionForm(request.POST, training=training)
        saved = _save_session(
            request,
            form,
            lambda **data: services.update_session(session=session, by=request.user, **data),
        )
        if saved is not None:
            messages.success(request, _("The changes were saved."))
            return redirect(training)
    else:
        form = SessionForm(training=training, initial=SessionForm.initial_for(session))
    return _render_session_form(request, form, training, session)


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.view_training", "trainings.delete_session")
def session_delete(request, pk):
    """Ask, then delete a session that has no attendance yet."""
    session = _session_or_404(request.user, pk)
    training = session.training
    if request.method == "POST":
        try:
            services.delete_session(session=session, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _('The session "%(topic)s" was deleted.') % {"topic": session.topic}
            )
        return redirect(training)
    return render(
        request,
        "trainings/trainings/session_delete.html",
        {
            "session": session,
            "training": training,
            "has_attendance": session.attendances.exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@require_permissions("trainings.view_training", "trainings.change_speaker")
def speaker_edit(request, pk):
    """Correct a speaker's name, titles, position or institution."""
    speaker = get_object_or_404(Speaker, pk=pk)
    back = _next_url(request, reverse("trainings:training_list"))
    if request.method == "POST":
        form = SpeakerForm(request.POST)
        if form.is_valid():
            try:
                services.update_speaker(speaker=speaker, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect(back)
    else:
        form = SpeakerForm(initial=SpeakerForm.initial_for(speaker))
    return render(
        request,
        "trainings/trainings/speaker_form.html",
        {"form": form, "speaker": speaker, "back": back},
    )
