from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..selectors.health import database_ok, task_backlog


@never_cache
@require_GET
def healthz(request):
    """Tell a load balancer whether this process can serve: 200, or 503 without a database."""
    if not database_ok():
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "tasks": task_backlog()})
