"""The certificate's link as a WhatsApp message to its holder (see core.whatsapp)."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core.whatsapp import WhatsAppMessage, whatsapp_number

from certificates.models import Certificate
from certificates.services import certificate_links


@dataclass(frozen=True)
class CertificateMessage(WhatsAppMessage):
    certificate: Certificate


def certificate_message(certificate: Certificate) -> CertificateMessage:
    """Tell the holder their certificate is ready, with where to download and check it.

    The certificate needs its enrolment, employee and training loaded; nothing here queries.
    """
    employee = certificate.enrolment.employee
    context = {
        "certificate": certificate,
        "employee": employee,
        "training": certificate.enrolment.training,
        **certificate_links(certificate),
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("whatsapp/certificate.txt", context).strip()
    return CertificateMessage(
        text=text, number=whatsapp_number(employee.phone), certificate=certificate
    )
