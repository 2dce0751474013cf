"""Writes of the office profile, and the rule that documents wait for a complete one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from office.models import OFFICE_PK, Office
from office.selectors import current_office, forget_office

INCOMPLETE_MESSAGE = _(
    "The office profile is not complete yet, so documents cannot be issued. Missing: "
    "%(missing)s. The staff administrator fills it in under Office profile."
)


@transaction.atomic
def save_office(*, values: dict) -> Office:
    """Create or update the office profile with the given field values."""
    office = Office.objects.select_for_update().filter(pk=OFFICE_PK).first() or Office(pk=OFFICE_PK)
    for name, value in values.items():
        setattr(office, name, value)
    office.full_clean()
    office.save()
    transaction.on_commit(forget_office)
    forget_office()
    return office


def require_complete_office() -> Office:
    """Return the office profile, or raise ValidationError naming what is still missing."""
    office = current_office()
    missing = office.missing_fields
    if missing:
        raise ValidationError(
            INCOMPLETE_MESSAGE, code="office_incomplete", params={"missing": ", ".join(missing)}
        )
    return office


def incomplete_message(office: Office) -> str:
    """Return the message saying what a profile still lacks (empty when complete)."""
    missing = office.missing_fields
    if not missing:
        return ""
    return str(INCOMPLETE_MESSAGE) % {"missing": ", ".join(missing)}
