"""
The forms of the staff-list import pages: the upload, and one unknown unit's decision.

The import's rules (size, type, what a row needs) live in participants.services_import and
participants.importing; these forms only collect what the Admin kepegawaian chose.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from participants.models import Unit
from participants.services_import import UnitDecision
from participants.staff_files import HEADERS, REQUIRED_KEYS


class StaffImportForm(WithoutControlCharacters, forms.Form):
    file = forms.FileField(
        label=_("Staff list file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, at most %(size)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    create_units = forms.BooleanField(
        label=_("Create missing units"),
        required=False,
        help_text=_(
            "Add units the directory does not have yet, with the name in the file. Without "
            "this, a row naming an unknown unit is invalid."
        ),
    )

    clear_empty = forms.BooleanField(
        label=_("Empty cells clear stored values"),
        required=False,
        help_text=_(
            "Without this, an empty cell keeps the value stored in the directory (email, "
            "phone, titles, position, rank, frontline). The preview lists every change, old "
            "and new."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = settings.BIMTEK_MAX_UPLOAD_BYTES
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "size": megabytes(self.max_bytes)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files."),
                code="too_large",
                params={"size": megabytes(self.max_bytes)},
            )
        return upload


class UnitDecisionForm(WithoutControlCharacters, forms.Form):
    """One unit the file names and the directory lacks: create it, or say which unit it is."""

    ACTIONS = [
        ("create", _("Create it")),
        ("same_as", _("It is the same as")),
        ("leave", _("Leave it (the rows stay invalid)")),
    ]

    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    action = forms.ChoiceField(
        label=_("What is this unit?"), choices=ACTIONS, initial="create", widget=forms.RadioSelect
    )
    new_name = forms.CharField(label=_("Name of the new unit"), max_length=200, required=False)
    parent = forms.TypedChoiceField(label=_("under"), coerce=int, empty_value=None, required=False)
    unit = forms.TypedChoiceField(
        label=_("Existing unit"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One read of the units for the whole formset, not one per field.
        self.fields["parent"].choices = [("", _("(no parent unit)")), *unit_choices]
        self.fields["unit"].choices = [("", _("(choose a unit)")), *unit_choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "same_as" and not cleaned.get("unit"):
            self.add_error("unit", _("Choose the unit this name stands for."))
        return cleaned

    def decision(self) -> UnitDecision:
        data = self.cleaned_data
        units = Unit.objects.in_bulk([pk for pk in (data["parent"], data["unit"]) if pk])
        return UnitDecision(
            name=data["name"],
            action=data["action"],
            new_name=data["new_name"] or data["name"],
            parent=units.get(data["parent"]) if data["action"] == "create" else None,
            unit=units.get(data["unit"]),
        )


UnitDecisionFormSet = forms.formset_factory(UnitDecisionForm, extra=0)


def unit_choices() -> list[tuple[int, str]]:
    return list(Unit.objects.order_by("name").values_list("pk", "name"))


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


def accepted_columns() -> list[dict]:
    """Return the columns an import reads, the required ones first."""
    return [
        {"header": header, "required": key in REQUIRED_KEYS}
        for key, header in sorted(HEADERS.items(), key=lambda item: item[0] not in REQUIRED_KEYS)
    ]
