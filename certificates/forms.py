"""Forms of the certificate pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
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
