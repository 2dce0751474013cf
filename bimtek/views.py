"""The pages of the whole site rather than of one app: the start page, the health check and the
admin addresses of the training models from before they moved to the trainings app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bimtek.health import database_ok, task_backlog
from core.roles import ROLE_LABELS, user_roles
from office.selectors import current_office


@login_required
def home(request):
    """Show each role its starting points."""
    if request.user.has_perm("office.change_office") and not current_office().is_complete:
        return redirect("office:profile")  # a fresh install: the set-up comes first
    held = user_roles(request.user)
    labels = [str(label) for role, label in ROLE_LABELS.items() if role in held]
    return render(request, "home.html", {"role_labels": labels})


@never_cache
@require_GET
def healthz(request):
    """Tell a load balancer whether this process can serve: 200, or 503 without a database."""
    if not database_ok():
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "tasks": task_backlog()})


def admin_moved_to_trainings(request, rest=""):
    """Send an admin address of the training models from before the move to where they are now."""
    url = reverse("admin:app_list", kwargs={"app_label": "trainings"}) + escape_uri_path(rest)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
