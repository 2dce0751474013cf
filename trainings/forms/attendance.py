"""Forms of the check-in pages and the organiser's attendance grid."""

import base64
import binascii

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from trainings import checkin_tokens
from trainings.models import Attendance
from trainings.services.attendance import MAX_SIGNATURE_BYTES, MESSAGES

DATA_URL_PREFIX = "data:image/png;base64,"


class SignatureField(forms.CharField):
    """A signature drawn on the phone, posted by static/js/signature.js as a PNG data URL.

    Cleans to the PNG's bytes (or None when nothing was drawn); the service checks the image.
    """

    widget = forms.HiddenInput

    # base64 turns 3 bytes into 4 characters; anything longer is refused before decoding.
    max_chars = len(DATA_URL_PREFIX) + (MAX_SIGNATURE_BYTES + 2) // 3 * 4

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > self.max_chars:
            raise forms.ValidationError(MESSAGES["signature_too_large"], code="signature_too_large")
        if not value.startswith(DATA_URL_PREFIX):
            raise forms.ValidationError(MESSAGES["signature_invalid"], code="signature_invalid")
        try:
            return base64.b64decode(value[len(DATA_URL_PREFIX) :], validate=True)
        except (binascii.Error, ValueError) as error:
            raise forms.ValidationError(
                MESSAGES["signature_invalid"], code="signature_invalid"
            ) from error

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(MESSAGES["signature_required"], code="signature_required")


class SelfCheckinForm(WithoutControlCharacters, forms.Form):
    """The one "Present" button of a QR check-in, with the signature when the training asks."""

    signature = SignatureField(label=_("Signature"))


class CheckinCodeForm(WithoutControlCharacters, forms.Form):
    """The 6-digit code from the projector, typed on the participant's check-in page."""

    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The 6 digits shown under the QR code on the screen."),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": "[0-9 ]*",
                "maxlength": "7",
                "class": "code-input",
            }
        ),
    )
    signature = SignatureField(label=_("Signature"))

    def clean_code(self):
        code = checkin_tokens.normalize_code(self.cleaned_data["code"])
        if len(code) != checkin_tokens.CODE_DIGITS:
            raise forms.ValidationError(
                _("Type the 6 digits shown on the screen."), code="code_format"
            )
        return code


class AttendanceCellForm(WithoutControlCharacters, forms.Form):
    """One cell of the grid: a status and a note (an excuse letter, a sick note)."""

    status = forms.ChoiceField(label=_("Status"), choices=Attendance.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("For example: excuse letter no. 800/12/2026, or a doctor's note."),
    )


class MarkAlpaForm(WithoutControlCharacters, forms.Form):
    """The confirmation before marking everyone not yet recorded as Alpa."""

    confirm_open = forms.BooleanField(
        label=_("Check-in is still open. Mark them as absent anyway."), required=False
    )


class BadgeScanForm(WithoutControlCharacters, forms.Form):
    """The session a scanned badge is recorded for, when more than one is open."""

    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
