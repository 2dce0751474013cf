"""
The shapes models share, as abstract models: core has no tables of its own.

TimeStamped and Audited hold the audit fields of the records people create and edit.
BackgroundJob is the row a background worker reports on: its status, its progress (done of
total) and a heartbeat, from which a page tells that the worker stopped (core.jobs).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import jobs


class TimeStamped(models.Model):
    """A record that keeps when it was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Audited(TimeStamped):
    """A record that keeps, besides its times, who created it."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class BackgroundJob(models.Model):
    """Work a background worker does for someone, reporting its progress on this row.

    queued -> running -> done (or failed). A job with other steps declares its own Status and
    status field, ACTIVE_STATUSES and taken_up_at. The worker writes done and total and a
    heartbeat as it goes; a job it took up has stopped (has_stopped) once it shows no progress
    for core.jobs.STALE_AFTER, or for a minute with no live worker still in its task (core.jobs).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE_STATUSES = frozenset({Status.QUEUED, Status.RUNNING})

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    # How many times the work was started: a worker writes only while the row still holds the
    # attempt it took up, so one that wakes up after a restart changes nothing.
    attempt = models.PositiveIntegerField(pgettext_lazy("background job", "attempt"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="%(class)s_done_within_total"
            ),
            models.CheckConstraint(
                condition=models.Q(attempt__gte=1), name="%(class)s_attempt_positive"
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def taken_up_at(self) -> datetime.datetime | None:
        """Return since when a worker holds the job, as far as the row tells; None if none does."""
        # A worker writes a heartbeat as it claims the job: the creation time is the fallback.
        return self.created_at if self.status == self.Status.RUNNING else None

    @property
    def has_stopped(self) -> bool:
        """Whether a worker took the job up, then showed no progress for too long."""
        taken_up_at = self.taken_up_at
        if taken_up_at is None:
            return False  # finished, or waiting for a worker to take it up
        return jobs.has_stopped(self.heartbeat_at or taken_up_at)

    @property
    def handled(self) -> int:
        """Return how many of the total items the worker is through."""
        return self.done

    @property
    def progress_percent(self) -> int:
        """Return the share of the items handled, in whole percent."""
        if not self.total:
            return 0
        return min(100, self.handled * 100 // self.total)
