"""
When background work counts as stopped: one rule for every page that follows a worker.

A task that works through rows or certificates writes its progress to its row every few seconds
(a heartbeat). A worker that dies part-way (killed, out of memory on a huge file, a deploy, a
power cut) ends nothing: its job only stops moving. Certificate runs, bulk exports and
staff-list imports all ask has_stopped(), and let stopped work be started again:

- no progress for STALE_AFTER: stopped, whatever the workers say (a task that hangs);
- no progress for the workers' silence limit (workers.models.silent_after(), a minute) and no
  live worker still inside a task that began before that progress: the worker that was doing
  the job is dead or has moved on without finishing it, so the job stopped.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext

from workers.models import Worker, silent_after

STALE_AFTER = datetime.timedelta(minutes=10)


def has_stopped(last_progress_at: datetime.datetime) -> bool:
    """Return whether work whose last progress was at this moment counts as stopped."""
    quiet = timezone.now() - last_progress_at
    if quiet > STALE_AFTER:
        return True
    if quiet <= silent_after():
        return False  # moving, or too recent to tell: no query
    # The task that wrote that progress began before it; a live worker still in it shows so.
    return not Worker.objects.alive().filter(task_started_at__lte=last_progress_at).exists()


def stopped_message() -> str:
    """Say, on a progress page, that the background work stopped and why it may have."""
    return gettext(
        "The background work stopped: its task worker has given no sign of life for over a "
        "minute, or nothing has moved for more than %(minutes)d minutes."
    ) % {"minutes": int(STALE_AFTER.total_seconds() // 60)}
