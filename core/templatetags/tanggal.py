"""Indonesian date and time filters for templates: {{ date|tanggal }}, {{ date|hari_tanggal }}."""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext

register = template.Library()


@register.filter(expects_localtime=True)
def tanggal(value):
    """Format a date as "14 September 2022"."""
    if not value:
        return ""
    return formats.date_format(value, "j F Y")


@register.filter(expects_localtime=True)
def hari_tanggal(value):
    """Format a date as "Rabu, 14 September 2022"."""
    if not value:
        return ""
    return formats.date_format(value, "l, j F Y")


@register.filter(expects_localtime=True)
def jam(value):
    """Format a time as "08.00"."""
    if not value:
        return ""
    return formats.time_format(value, "H.i")


def format_date_range(start, end) -> str:
    """Return "12 s.d. 14 Oktober 2022", "28 November s.d. 2 Desember 2022" or one date."""
    if not start:
        return ""
    start, end = _local_date(start), _local_date(end)
    if not end or end == start:
        return formats.date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        first = formats.date_format(start, "j")
    elif start.year == end.year:
        first = formats.date_format(start, "j F")
    else:
        first = formats.date_format(start, "j F Y")
    return gettext("%(start)s to %(end)s") % {
        "start": first, "end": formats.date_format(end, "j F Y")
    }


def _local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def date_range(start, end):
    """Format two dates as a range: {{ start|date_range:end }} gives "12 s.d. 14 Oktober 2022"."""
    return format_date_range(start, end)
