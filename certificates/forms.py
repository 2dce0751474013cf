"""Forms of the certificate pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from participants.models import Unit

from certificates.models import CertificateSettings
from certificates.selectors import normalize_code


class CodeForm(WithoutControlCharacters, forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=20)

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _("A code has 12 letters and digits, as printed under the QR code."),
                code="bad_code",
            )
        return code


class PdfCheckForm(WithoutControlCharacters, forms.Form):
    pdf = forms.FileField(label=_("Certificate PDF"))

    @staticmethod
    def too_large_message() -> str:
        return _("The file is larger than %(size)s MB: it is not one of our certificates.") % {
            "size": f"{settings.CERTIFICATES_MAX_CHECK_BYTES / 1024 / 1024:g}"
        }

    def clean_pdf(self):
        pdf = self.cleaned_data["pdf"]
        if pdf.size > settings.CERTIFICATES_MAX_CHECK_BYTES:
            raise forms.ValidationError(self.too_large_message(), code="too_large")
        return pdf


class CertificateFilterForm(WithoutControlCharacters, forms.Form):
    """The search box and filters above a training's list of certificates."""

    STATES = [
        ("issued", _("Issued")),
        ("pdf_pending", _("PDF pending")),
        ("to_issue", _("Eligible, not issued yet")),
        ("not_eligible", _("Not eligible")),
        ("revoked", _("Revoked")),
    ]

    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    state = forms.ChoiceField(
        label=_("Certificate"), choices=[("", _("All")), *STATES], required=False
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
        """Return the valid filters; drop the rest."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)


class EnrolmentSelectionForm(WithoutControlCharacters, forms.Form):
    """The participants ticked on the certificate list, with the form's one-time token."""

    enrolments = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={"required": _("Tick at least one person first.")},
    )
    submission = forms.CharField(max_length=32)

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].choices = [
            (pk, pk) for pk in training.enrolments.values_list("pk", flat=True)
        ]


class ReasonForm(WithoutControlCharacters, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CertificateSettingsForm(WithoutControlCharacters, forms.ModelForm):
    class Meta:
        model = CertificateSettings
        fields = [
            "government", "issuer", "unit_code", "number_pattern", "numbering_scope",
            "orientation", "course_kind", "qualification", "place", "back_page", "logo",
            "background", "signer_name", "signer_position", "signer_pangkat", "signer_nip",
            "signature_image",
        ]  # fmt: skip
        widgets = {
            "logo": forms.FileInput,
            "background": forms.FileInput,
            "signature_image": forms.FileInput,
        }
