"""{% zone_label %}: the label of the office's time zone, to print after a time."""

from django import template

from office import selectors

register = template.Library()


@register.simple_tag
def zone_label() -> str:
    """Return the label of the office's zone (office.models.ZONE_LABELS), printed after a time."""
    return selectors.zone_label()
