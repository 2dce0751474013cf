"""{% zone_label %}: the office's zone label (WIB, WITA, WIT) to print after a time."""

from django import template

from office import selectors

register = template.Library()


@register.simple_tag
def zone_label() -> str:
    """Return WIB, WITA or WIT: the office's zone, printed after every time."""
    return selectors.zone_label()
