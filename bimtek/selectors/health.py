"""What the health endpoint reports: the database answers, and how far the task worker is behind."""

import logging

from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

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
    """Count the tasks ready to run and the age in seconds of the oldest one (one query)."""
    backlog = DBTaskResult.objects.ready().aggregate(
        ready=Count("pk"), oldest=Min("enqueued_at")
    )
    oldest = backlog["oldest"]
    return {
        "ready": backlog["ready"],
        "oldest_ready_seconds": (
            round((timezone.now() - oldest).total_seconds()) if oldest is not None else None
        ),
    }
