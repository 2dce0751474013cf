from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.forms import WithoutControlCharacters


class AuditFilterForm(WithoutControlCharacters, forms.Form):
    """The filters above the audit log: action, person, dates."""

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("All actions")), *AuditEntry.Action.choices],
        required=False,
    )
    person = forms.CharField(
        label=_("Person (username or NIP)"), required=False, max_length=150
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise ValidationError(
                _("The end date comes before the start date."), code="dates_reversed"
            )
        return cleaned

    def filters(self) -> dict:
        """Return the filters for audit.selectors.audit_entries; none where the input is wrong."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
