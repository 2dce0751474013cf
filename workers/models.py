"""
The task workers' heartbeat: one row per worker process, written by its loop every few seconds.

This is the bottom layer, below core: core.jobs asks it whether the worker that was doing a job
is still there, and /healthz reports it. It imports none of our apps.

A worker registers as it starts, beats from its loop (settings.BIMTEK_WORKER_BEAT_SECONDS) with
the task it is running, and deletes its row when it stops cleanly. A worker whose row shows no
beat for settings.BIMTEK_WORKER_SILENT_SECONDS is dead: killed, out of memory, or its loop hung
or died while the process lived. Its rows are kept an hour so /healthz can say so.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def silent_after() -> datetime.timedelta:
    """Return how long a worker may go without a beat before it counts as dead."""
    return datetime.timedelta(seconds=settings.BIMTEK_WORKER_SILENT_SECONDS)


class WorkerQuerySet(models.QuerySet):
    def alive(self, now=None):
        """Workers that beat recently enough to count as alive."""
        return self.filter(beat_at__gte=(now or timezone.now()) - silent_after())

    def dead(self, now=None):
        """Workers whose last beat is too old: their tasks are left behind."""
        return self.filter(beat_at__lt=(now or timezone.now()) - silent_after())


class Worker(models.Model):
    """A task worker process, as its last heartbeat tells."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last beat"), db_index=True)
    task_id = models.CharField(_("current task"), max_length=64, blank=True)
    task_name = models.CharField(_("current task name"), max_length=255, blank=True)
    task_started_at = models.DateTimeField(_("current task started"), null=True, blank=True)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        default_permissions = ()  # written by the workers only, read by /healthz
        ordering = ["-beat_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(task_id="", task_started_at__isnull=True)
                | (~models.Q(task_id="") & models.Q(task_started_at__isnull=False)),
                name="worker_task_has_start",
            ),
        ]

    def __str__(self):
        return f"{self.host}:{self.pid}"
