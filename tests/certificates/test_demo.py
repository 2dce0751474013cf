"""The demo's certificates: issued once for BIMTEK-PP-2022, nothing without it."""

import pytest

from certificates.demo import issue_demo_certificates
from certificates.models import Certificate

from .factories import finished_training

pytestmark = pytest.mark.django_db


def test_without_the_demo_training_nothing_happens():
    assert issue_demo_certificates() is None
    assert Certificate.objects.count() == 0


def test_the_demo_training_gets_its_certificates_once(django_capture_on_commit_callbacks):
    finished_training(participants=2, code="BIMTEK-PP-2022")

    with django_capture_on_commit_callbacks(execute=True):
        first = issue_demo_certificates()
    second = issue_demo_certificates()

    assert (first.issued, second.issued, second.already_valid) == (2, 0, 2)
    assert Certificate.objects.first().snapshot["signer_name"] == "Drs. Bambang Setiawan, M.Si."
    assert all(certificate.has_pdf for certificate in Certificate.objects.all())
