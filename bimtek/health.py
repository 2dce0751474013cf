"""What the health endpoint reports: the database answers, how far the task workers are behind,
and whether they are alive (their heartbeat, workers.models.Worker)."""

import logging

from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from workers.models import Worker, silent_after

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


def task_workers() -> list[dict]:
    """Describe each worker with a heartbeat row, newest beat first, in one query."""
    now = timezone.now()
    limit = now - silent_after()
    return [
        {
            "host": worker.host,
            "pid": worker.pid,
            "started": worker.started_at.isoformat(),
            "last_beat_seconds": round((now - worker.beat_at).total_seconds()),
            "alive": worker.beat_at >= limit,
            "task": worker.task_name or None,
            "task_seconds": (
                round((now - worker.task_started_at).total_seconds())
                if worker.task_started_at
                else None
            ),
        }
        for worker in Worker.objects.order_by("-beat_at")
    ]


def workers_problem(tasks: dict, workers: list[dict]) -> str | None:
    """Say why the task workers are not ok, or None: work waits or runs, and nobody beats."""
    if any(worker["alive"] for worker in workers):
        return None
    if workers:
        return "no task worker alive: the newest heartbeat is %ss old" % (
            workers[0]["last_beat_seconds"]
        )
    if tasks["ready"] or tasks["running"]:
        return "tasks are waiting and no task worker is running"
    return None  # no worker started yet and nothing to do
