"""
When background work counts as stopped: one rule for every page that follows a worker.

A task that works through rows or certificates writes its progress to its row every few seconds
(a heartbeat). A worker that dies part-way (out of memory on a huge file, a deploy, a power
cut) ends nothing: its job only stops moving. So certificate runs, bulk exports and staff-list
imports all treat work that has shown no progress for STALE_AFTER as stopped, and let it be
started again.
"""

import datetime

from django.utils import timezone

STALE_AFTER = datetime.timedelta(minutes=10)


def has_stopped(last_progress_at: datetime.datetime) -> bool:
    """Return whether work whose last progress was at this moment counts as stopped."""
    return timezone.now() - last_progress_at > STALE_AFTER
