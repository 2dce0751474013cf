"""Reads of the audit log."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEntry


def audit_entries(
    *,
    action: str = "",
    person: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Return the log newest first, filtered by action, by the username of who acted or of
    whom it was about, and by local date (both ends included)."""
    entries = AuditEntry.objects.order_by("-created_at", "-pk")
    if action:
        entries = entries.filter(action=action)
    if person:
        entries = entries.filter(Q(actor_name__iexact=person) | Q(target__iexact=person))
    if date_from:
        entries = entries.filter(created_at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return entries


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
