"""An image stored before the upload check (or put in storage another way) is checked when printed."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from trainings.models import Enrolment
from certificates import services
from certificates.models import Certificate, IssueRun
from tests.factories import organiser_user

from .factories import CertificateSettingsFactory, finished_training
from .test_images import _laughs

pytestmark = pytest.mark.django_db

TOO_MANY_ELEMENTS = (
    '<svg xmlns="http://www.w3.org/2000/svg">' + '<rect width="1" height="1"/>' * 10_000 + "</svg>"
).encode()
PLAIN = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<rect width="10" height="10" fill="#1a5"/></svg>'
).encode()


def _stored(field: str, name: str, data: bytes):
    """Certificate settings whose image was put in storage without the upload form."""
    certificate_settings = CertificateSettingsFactory()
    getattr(certificate_settings, field).save(name, ContentFile(data))
    return certificate_settings


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


def test_a_stored_billion_laughs_logo_stops_the_preview_with_its_name(client, organiser):
    _stored("logo", "logo-lama.svg", _laughs("UTF-16"))
    training = finished_training(participants=1)
    enrolment = Enrolment.objects.get(training=training)

    response = client.get(reverse("certificates:preview", args=[training.pk, enrolment.pk]))

    assert response.status_code == 409
    assert (
        "Logo di pengaturan sertifikat tidak dapat dicetak: SVG ini berisi "
        "skrip" in response.text
    )
    assert "Ganti gambar itu di pengaturan sertifikat" in response.text


def test_a_run_refuses_a_stored_bad_signature_and_says_which_image(
    organiser, django_capture_on_commit_callbacks
):
    _stored("signature_image", "ttd.svg", TOO_MANY_ELEMENTS)
    training = finished_training(participants=2)

    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_issue_run(training=training, by=organiser)

    run = IssueRun.objects.get(pk=run.pk)
    assert (run.done, run.errors) == (0, 2)
    assert run.error_log[0]["error"].startswith(
        "Gambar tanda tangan di pengaturan sertifikat tidak dapat dicetak: Berkas SVG ini "
        "memiliki lebih dari 5000 elemen."
    )
    assert not Certificate.objects.exclude(sha256="").exists()


def test_a_stored_plain_svg_background_prints():
    _stored("background", "latar.svg", PLAIN)
    training = finished_training(participants=1)
    certificate, _created = services.issue_certificate(
        enrolment_id=Enrolment.objects.get(training=training).pk
    )

    certificate = services.generate_pdf(certificate_id=certificate.pk)

    assert certificate.has_pdf and certificate.snapshot["background"].endswith(".svg")
