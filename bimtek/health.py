"""What the health endpoint reports: the database answers, and how far the task worker is behind."""

import logging

from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    """Run a trivial query; False (and the error logged, never shown) when it fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return False
    return True


def task_backlog() -> dict:
    """Count the tasks due to run and running, and age the oldest due one, in one query."""
    # As DBTaskResult.objects.ready(): no run_after (stored as the far future) or one now past.
    ready = Q(status=TaskResultStatus.READY) & (
        Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now())
    )
    backlog = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).aggregate(
        ready=Count("pk", filter=ready),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest=Min("enqueued_at", filter=ready),
    )
    oldest = backlog["oldest"]
    return {
        "ready": backlog["ready"],
        "running": backlog["running"],
        "oldest_ready_seconds": (
            round((timezone.now() - oldest).total_seconds()) if oldest is not None else None
        ),
    }
