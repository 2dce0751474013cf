"""Reads of the office profile, kept in the shared cache so a request pays no query for it."""

import zoneinfo

from django.conf import settings
from django.core.cache import cache

from office.models import OFFICE_PK, ZONE_LABELS, Office

CACHE_KEY = "office:profile:v1"


def current_office() -> Office:
    """Return the office profile (an empty, unsaved one before the set-up)."""
    office = cache.get(CACHE_KEY)
    if office is None:
        office = Office.objects.filter(pk=OFFICE_PK).first() or Office(pk=OFFICE_PK)
        cache.set(CACHE_KEY, office, None)
    return office


def forget_office() -> None:
    """Drop the cached profile, so the next read takes it from the database."""
    cache.delete(CACHE_KEY)


def office_zone_name() -> str:
    """Return the office's time zone name, or settings.TIME_ZONE before it is chosen."""
    return current_office().time_zone or settings.TIME_ZONE


def office_zone() -> zoneinfo.ZoneInfo:
    """Return the office's time zone, in which every local time is computed and shown."""
    return zoneinfo.ZoneInfo(office_zone_name())


def zone_label() -> str:
    """Return the label printed after a time (office.models.ZONE_LABELS)."""
    return ZONE_LABELS.get(office_zone_name(), "")
