"""Indonesian date and time filters for templates: {{ date|tanggal }}, {{ date|hari_tanggal }}."""

from django import template
from django.utils import formats

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
