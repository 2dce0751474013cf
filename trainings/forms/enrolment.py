from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from participants.models import AccountState, Employee, Unit

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


class EnrolledFilterForm(WithoutControlCharacters, forms.Form):
    """The search box and filters above a training's list of enrolled participants."""

    ACCOUNT_CHOICES = [("", _("All")), *AccountState.choices]
    ATTENDANCE_CHOICES = [
        ("", _("All")),
        ("some", _("Attended a session")),
        ("none", _("Not attended yet")),
    ]

    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    account = forms.ChoiceField(label=_("Account"), choices=ACCOUNT_CHOICES, required=False)
    attendance = forms.ChoiceField(
        label=_("Attendance"), choices=ATTENDANCE_CHOICES, required=False
    )

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            employees__enrolments__training=training
        ).distinct().order_by("name")
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("e.g. Budi or 19860926 201505 1 001")}
        )

    def filters(self) -> dict:
        """Return the valid filters for selectors.enrolled_participants; drop the rest."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)


class BulkSelectionForm(WithoutControlCharacters, forms.Form):
    """The people ticked on a list for a bulk action, with the form's one-time token."""

    employees = forms.ModelMultipleChoiceField(
        queryset=Employee.objects.all(),
        error_messages={"required": _("Tick at least one person first.")},
    )
    submission = forms.CharField(max_length=32)
