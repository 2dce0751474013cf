from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from participants.models import Employee

from trainings.services.enrolment import MAX_ENROL_AT_ONCE


class EnrolSelectionForm(WithoutControlCharacters, forms.Form):
    """The people ticked on the "enrol from the directory" page, or everyone the filter finds."""

    TICKED = "ticked"
    ALL_MATCHING = "all"

    action = forms.ChoiceField(choices=[(TICKED, TICKED), (ALL_MATCHING, ALL_MATCHING)])
    employees = forms.ModelMultipleChoiceField(queryset=Employee.objects.all(), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.TICKED:
            employees = cleaned.get("employees")
            if not employees:
                raise forms.ValidationError(
                    _("Tick at least one person to enrol."), code="nobody_ticked"
                )
            if len(employees) > MAX_ENROL_AT_ONCE:
                raise forms.ValidationError(
                    _("Enrol at most %(max)d people at a time."),
                    code="too_many",
                    params={"max": MAX_ENROL_AT_ONCE},
                )
        return cleaned


class NipFileForm(WithoutControlCharacters, forms.Form):
    """An uploaded list of NIPs."""

    file = forms.FileField(
        label=_("List of NIPs (XLSX or CSV)"),
        help_text=_(
            "One NIP a row under a column named NIP; other columns, such as Nama, are ignored. "
            "In Excel, format the NIP column as Text."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument"
                   ".spreadsheetml.sheet,text/csv"}
        ),
    )
