"""The pages of the whole site rather than of one app: the start page, the health check and the
admin addresses of the training models from before they moved to the trainings app."""

import sys

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments import selectors as assessment_selectors
from bimtek.health import database_ok, task_backlog, task_workers, workers_problem
from certificates import selectors as certificate_selectors
from core.mfa import mfa_required as mfa_required_for
from core.mfa import mfa_setup_missing
from core.roles import ROLE_LABELS, user_roles
from core.todo import merge_todos
from evaluations import selectors as evaluation_selectors
from office.selectors import current_office
from trainings.selectors import dashboard

HOME_REFRESH_SECONDS = 30


def _sessions_context(request, today) -> dict:
    sessions = dashboard.sessions_this_week(user=request.user, today=today)
    return {
        "today_sessions": [s for s in sessions if s.is_today],
        "week_sessions": [s for s in sessions if not s.is_today],
        "refresh_seconds": HOME_REFRESH_SECONDS,
    }


def _organiser_dashboard(request) -> dict:
    """Today's and this week's sessions with their counts, and what each training needs next.

    Every part reads all the trainings at once: a fixed number of queries however many."""
    user = request.user
    today = timezone.localdate()
    trainings = dashboard.trainings_in_hand(user=user, today=today)
    parts = [dashboard.enrolment_todos(trainings=trainings, today=today)]
    if user.has_perm("assessments.manage_tests"):
        parts.append(assessment_selectors.dashboard_todos(trainings=trainings))
    if user.has_perm("evaluations.view_evaluationform"):
        parts.append(evaluation_selectors.dashboard_todos(trainings=trainings))
    if user.has_perm("certificates.view_certificate"):
        parts.append(certificate_selectors.dashboard_todos(trainings=trainings))
    todos = merge_todos(*parts)
    return {
        **_sessions_context(request, today),
        "trainings_in_hand": [
            {"training": training, "todos": todos.get(training.pk, [])} for training in trainings
        ],
    }


@login_required
def home(request):
    """Show organisers their day (sessions with live counts, what needs doing next) and each
    role its starting points."""
    if request.user.has_perm("office.change_office") and not current_office().is_complete:
        return redirect("office:profile")  # a fresh install: the set-up comes first
    held = user_roles(request.user)
    labels = [str(label) for role, label in ROLE_LABELS.items() if role in held]
    context = {"role_labels": labels}
    if request.user.has_perm("trainings.view_training"):
        context.update(_organiser_dashboard(request))
    return render(request, "home.html", context)


@never_cache
@require_GET
@login_required
def home_sessions(request):
    """Return the home page's sessions with fresh check-in counts, for htmx to swap in."""
    if not request.user.has_perm("trainings.view_training"):
        raise PermissionDenied
    return render(
        request, "home.html#sessions", _sessions_context(request, timezone.localdate())
    )


@login_required
def mfa_required(request):
    """Explain to an account that holds the keys why and how to set up two-factor sign-in."""
    return render(
        request,
        "account/mfa_required.html",
        {
            "setup_missing": mfa_setup_missing(request.user),
            "required": mfa_required_for(request.user),
            "next_url": _safe_next(request),
        },
    )


def _safe_next(request) -> str:
    url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


@never_cache
@require_GET
def healthz(request):
    """Tell a monitor whether the site works: 200, or 503 without a database or a live worker."""
    if not database_ok():
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    tasks, workers = task_backlog(), task_workers()
    problem = workers_problem(tasks, workers)
    report = {"status": "ok", "database": "ok", "tasks": tasks, "workers": workers}
    if problem:
        return JsonResponse({**report, "status": "error", "reason": problem}, status=503)
    return JsonResponse(report)


def admin_moved_to_trainings(request, rest=""):
    """Send an admin address of the training models from before the move to where they are now."""
    url = reverse("admin:app_list", kwargs={"app_label": "trainings"}) + escape_uri_path(rest)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def server_error(request):
    """Answer an error from the database (restarting, unreachable, busy) with 503, others 500.

    The page of either is static, as Django's own, so it renders without the database. The
    broken connection is closed as the request ends and the next request opens a new one
    (CONN_HEALTH_CHECKS checks a kept connection before its first use).
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponseServerError(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
