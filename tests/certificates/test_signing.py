"""The office signs its certificates with its own key: a PAdES signature anyone can validate,
over the very bytes whose SHA-256 the verification page compares, and never a BSrE claim."""

import datetime
import hashlib
import io

import pypdfium2 as pdfium
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from trainings.models import Enrolment
from certificates import services
from certificates.signing import SIGNATURE_FIELD, PKCS12Backend, signing_backend

from .factories import CertificateSettingsFactory, finished_training

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-kantor-2026"


@pytest.fixture(scope="module")
def office_key(tmp_path_factory):
    """A throwaway key and self-issued certificate of the office, in a PKCS#12 file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "BKPSDM Kota Magelang"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Kepala BKPSDM Kota Magelang"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),  # fmt: skip
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("office-key")
    path = folder / "bkpsdm.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"bkpsdm", key, cert, None,
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        )  # fmt: skip
    )
    cert_path = folder / "bkpsdm.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return {"path": str(path), "cert": load_cert_from_pemder(str(cert_path))}


@pytest.fixture
def signed_by_office(settings, office_key):
    settings.CERTIFICATES_SIGNING_BACKEND = "certificates.signing.PKCS12Backend"
    settings.CERTIFICATES_SIGNING_PKCS12 = office_key["path"]
    settings.CERTIFICATES_SIGNING_PASSWORD = PASSWORD
    CertificateSettingsFactory()
    return office_key


def _issue_one():
    training = finished_training(participants=1, sessions=7)
    enrolment = Enrolment.objects.get(training=training)
    certificate, _created = services.issue_certificate(enrolment_id=enrolment.pk)
    return services.generate_pdf(certificate_id=certificate.pk)


def _front_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    try:
        return " ".join(document[0].get_textpage().get_text_range().split())
    finally:
        document.close()


def test_an_issued_certificate_carries_a_valid_pades_signature_over_the_whole_file(
    signed_by_office,
):
    certificate = _issue_one()
    content = certificate.pdf.read()

    reader = PdfFileReader(io.BytesIO(content))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[signed_by_office["cert"]])
    )

    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.field_name == SIGNATURE_FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert status.signing_cert.subject.native["common_name"] == "Kepala BKPSDM Kota Magelang"


def test_the_signature_field_is_invisible(signed_by_office):
    certificate = _issue_one()

    reader = PdfFileReader(io.BytesIO(certificate.pdf.read()))
    (signature,) = reader.embedded_signatures
    widget = signature.sig_field
    rect = [float(value) for value in widget.get("/Rect", [0, 0, 0, 0])]

    assert rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0


def test_the_recorded_hash_is_that_of_the_signed_file(signed_by_office):
    certificate = _issue_one()
    content = certificate.pdf.read()

    assert hashlib.sha256(content).hexdigest() == certificate.sha256
    assert certificate.pdf_size == len(content)


def test_the_verification_page_recognises_the_signed_file(client, signed_by_office):
    certificate = _issue_one()
    signed = certificate.pdf.read()

    response = client.post(
        reverse("verify:certificate", args=[certificate.code]),
        {"pdf": SimpleUploadedFile("sertifikat.pdf", signed, "application/pdf")},
    )

    assert "Berkas yang diunggah sama persis dengan sertifikat yang kami terbitkan." in response.text


def test_an_office_signature_is_not_presented_as_bsre(signed_by_office):
    certificate = _issue_one()

    front = _front_text(certificate.pdf.read())

    assert signing_backend().signs and not signing_backend().is_bsre
    assert certificate.number in front
    assert "BSrE" not in front


def test_a_wrong_password_stores_no_unsigned_pdf(settings, signed_by_office):
    settings.CERTIFICATES_SIGNING_PASSWORD = "salah"
    training = finished_training(participants=1)
    certificate, _created = services.issue_certificate(
        enrolment_id=Enrolment.objects.get(training=training).pk
    )

    with pytest.raises(ImproperlyConfigured):
        services.generate_pdf(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert not certificate.has_pdf and certificate.sha256 == ""


def test_the_backend_needs_a_pkcs12_file(settings):
    settings.CERTIFICATES_SIGNING_PKCS12 = ""

    with pytest.raises(ImproperlyConfigured):
        PKCS12Backend()


def test_without_a_pkcs12_file_the_default_leaves_pdfs_unsigned():
    backend = signing_backend()

    assert not backend.signs and not backend.is_bsre
