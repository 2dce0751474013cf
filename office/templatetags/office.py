"""{% zone_label %}: the label of the office's time zone, to print after a time."""

from django import template

from office import selectors

register = template.Library()


@register.simple_tag
def zone_label() -> str:
    """Return the label of the office's zone (office.models.ZONE_LABELS), printed after a time."""
    return selectors.zone_label()


@register.simple_tag
def office_agency() -> str:
    """Return the office's short name (its code, else its name), as pages and emails sign."""
    office = selectors.current_office()
    return office.agency_code or office.agency
