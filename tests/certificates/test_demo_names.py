"""The longest names of the demo staff directory still fit on the certificate's front page."""

import pypdfium2 as pdfium
import pytest

from trainings.models import Enrolment, Training
from certificates import selectors, services
from certificates.demo import DEMO_TRAINING
from certificates.pdf import print_name
from participants.models import Employee

pytestmark = pytest.mark.django_db


def _pages(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def test_the_longest_demo_names_fit_with_the_signer_block(demo_data):
    training = Training.objects.get(code=DEMO_TRAINING)
    certificate_settings = selectors.certificate_settings_for(training=training)
    longest = sorted(
        Employee.objects.select_related("unit"), key=lambda e: len(print_name(e)), reverse=True
    )[:3]

    for employee in longest:
        content = services.preview_certificate(
            enrolment=Enrolment(training=training, employee=employee)
        )

        pages = _pages(content)
        assert len(pages) == (2 if certificate_settings.back_page else 1), print_name(employee)
        assert employee.name.upper().split()[-1] in pages[0]
        assert employee.nip_display in pages[0]
        assert certificate_settings.signer_name in pages[0]  # the signer block still fits below
