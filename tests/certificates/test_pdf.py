"""The certificate PDF: what it prints, its QR code, its metadata, and names that must fit."""

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.core.exceptions import ValidationError

from trainings.models import Enrolment
from certificates import services
from certificates.models import Certificate, CertificateSettings, Counter
from office.services import save_office
from tests.conftest import TEST_OFFICE
from certificates.pdf import name_size_class, terbilang

from .factories import CertificateSettingsFactory, finished_training

pytestmark = pytest.mark.django_db


def _text(pdf_bytes: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def _issue(**employee_fields) -> Certificate:
    training = finished_training(participants=1, sessions=7)
    enrolment = Enrolment.objects.get(training=training)
    for name, value in employee_fields.items():
        setattr(enrolment.employee, name, value)
    enrolment.employee.save()
    certificate, _created = services.issue_certificate(enrolment_id=enrolment.pk)
    return services.generate_pdf(certificate_id=certificate.pk)


@pytest.fixture(autouse=True)
def _settings():
    CertificateSettingsFactory()


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "satu"),
        (11, "sebelas"),
        (14, "empat belas"),
        (20, "dua puluh"),
        (32, "tiga puluh dua"),
        (100, "seratus"),
        (120, "seratus dua puluh"),
        (245, "dua ratus empat puluh lima"),
    ],
)
def test_jp_are_spelled_in_indonesian(number, words):
    assert terbilang(number) == words


def test_the_pdf_prints_the_participant_the_training_and_the_signer():
    certificate = _issue(gelar_depan="Dr.", name="Budi Santoso", gelar_belakang="S.Sos., M.Si.")

    front, back = _text(certificate.pdf.read())

    employee = certificate.enrolment.employee
    assert "SERTIFIKAT" in front
    assert f"Nomor: {certificate.number}" in front
    assert "diberikan kepada Dr. BUDI SANTOSO, S.Sos., M.Si." in front
    assert f"NIP : {employee.nip_display}" in front
    assert "Pangkat/golongan : Penata Muda, III/a" in front
    assert "telah mengikuti Bimbingan Teknis Pelayanan Prima" in front
    assert "pada tanggal 12 s.d. 14 Oktober 2022" in front
    assert "selama 14 (empat belas) jam pelajaran" in front
    assert "Magelang, 14 Oktober 2022" in front
    assert "KEPALA BADAN KEPEGAWAIAN" in front
    assert "NIP. 19680512 199403 1 006" in front
    assert "BSrE" not in front  # an unsigned PDF never claims an electronic signature
    assert "DAFTAR MATERI" in back and "Materi 6" in back


@pytest.mark.parametrize(
    ("zone", "government", "place"),
    [("Asia/Makassar", "PEMERINTAH KOTA MAKASSAR", "Makassar"),
     ("Asia/Jayapura", "PEMERINTAH KOTA JAYAPURA", "Jayapura")],
)  # fmt: skip
def test_settings_left_empty_print_the_office_profile(zone, government, place):
    save_office(values={
        "time_zone": zone, "government": government, "place": place,
        "head_name": "Dr. Yohanes Wenda, M.Si.", "head_nip": "197502102000031004",
    })  # fmt: skip
    CertificateSettings.objects.filter(training=None).update(signer_name="")

    front, _back = _text(_issue().pdf.read())

    assert government in front
    assert f"{place}, 14 Oktober 2022" in front  # the training's last day, whatever the zone
    assert "Dr. Yohanes Wenda, M.Si." in front
    assert "NIP. 19750210 200003 1 004" in front
    assert "Magelang" not in front


@pytest.mark.office(None)
def test_a_fresh_install_issues_nothing_until_the_profile_is_complete():
    enrolment = Enrolment.objects.get(training=finished_training(participants=1))

    with pytest.raises(ValidationError) as refused:
        services.issue_certificate(enrolment_id=enrolment.pk)

    assert refused.value.code == "office_incomplete"
    assert not Certificate.objects.exists() and not Counter.objects.exists()
    save_office(values=TEST_OFFICE)
    certificate, created = services.issue_certificate(enrolment_id=enrolment.pk)
    assert created and certificate.number == "800/001/BKPSDM/X/2022"


def test_the_pdf_stored_is_the_one_its_hash_describes():
    import hashlib

    certificate = _issue()

    assert hashlib.sha256(certificate.pdf.read()).hexdigest() == certificate.sha256


def test_the_qr_code_leads_to_the_verification_page(settings):
    settings.SITE_URL = "https://bimtek.magelangkota.go.id"
    certificate = _issue()

    document = pdfium.PdfDocument(certificate.pdf.read())
    image = document[0].render(scale=3).to_pil()
    document.close()
    (found,) = zxingcpp.read_barcodes(image)

    assert found.text == f"https://bimtek.magelangkota.go.id/verify/{certificate.code}/"


def test_the_pdf_carries_title_author_and_subject():
    certificate = _issue(name="Siti Aminah")

    document = pdfium.PdfDocument(certificate.pdf.read())
    metadata = document.get_metadata_dict()
    document.close()

    assert metadata["Title"] == f"Sertifikat {certificate.number} – Siti Aminah"
    assert metadata["Author"] == "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"
    assert metadata["Subject"] == "Bimbingan Teknis Pelayanan Prima (12 s.d. 14 Oktober 2022)"


@pytest.mark.parametrize(
    ("front", "name", "back"),
    [
        ("", "Ma'ruf", ""),
        (
            "Dr. Ir. H.",
            "Raden Mas Ma'ruf Abdurrahman Wicaksono Prawiranegara Hadiningrat",
            "S.Sos., M.Si., M.Kom., M.H.",
        ),
        (
            "Prof. Dr. dr.",
            "Anak Agung Ngurah Gede Bagus Wiryawan Kusumadewi Suryaningrat Putra Mahendradatta",
            "Sp.PD-KGEH., M.Kes., FINASIM",
        ),
    ],
)
def test_long_names_with_titles_stay_on_one_front_page(front, name, back):
    CertificateSettingsFactory._meta.model.objects.update(back_page=False)

    certificate = _issue(gelar_depan=front, name=name, gelar_belakang=back)

    pages = _text(certificate.pdf.read())
    assert len(pages) == 1
    assert name.upper().split()[-1] in pages[0]
    assert "Magelang, 14 Oktober 2022" in pages[0]  # the signer block still fits below


@pytest.mark.parametrize(
    ("length", "size"), [(20, "name-l"), (40, "name-m"), (55, "name-s"), (90, "name-xs")]
)
def test_names_shrink_by_length(length, size):
    assert name_size_class("X" * length) == size


def test_only_a_bsre_signing_backend_prints_the_bsre_footer(settings):
    settings.CERTIFICATES_SIGNING_BACKEND = "tests.certificates.test_pdf.FakeBSrESigner"

    certificate = _issue()

    assert "BSrE-BSSN" in _text(certificate.pdf.read())[0]


class FakeBSrESigner:
    signs = True
    is_bsre = True

    def sign(self, pdf, *, certificate):
        return pdf


def test_a_preview_shows_the_real_data_and_issues_nothing():
    training = finished_training(participants=1)
    enrolment = Enrolment.objects.get(training=training)

    content = services.preview_certificate(enrolment=enrolment)

    front = _text(content)[0]
    assert "PRATINJAU – TIDAK SAH" in front
    assert enrolment.employee.name.upper() in front
    assert Certificate.objects.count() == 0
    assert Counter.objects.count() == 0


def test_the_pdf_is_archival_pdf_a_3b_and_keeps_its_metadata():
    import io
    from xml.etree import ElementTree

    from pyhanko.pdf_utils.reader import PdfFileReader

    certificate = _issue(name="Siti Aminah")

    reader = PdfFileReader(io.BytesIO(certificate.pdf.read()))
    xmp = ElementTree.fromstring(reader.root["/Metadata"].get_object().data)
    declared = {
        name.split("}")[1]: value
        for element in xmp.iter()
        for name, value in element.attrib.items()
        if name.startswith("{http://www.aiim.org/pdfa/ns/id/}")
    }
    info = reader.trailer_view["/Info"]

    assert declared == {"part": "3", "conformance": "B"}
    assert "".join(xmp.find(".//{http://purl.org/dc/elements/1.1/}title").itertext()) == (
        f"Sertifikat {certificate.number} – Siti Aminah"
    )
    assert str(info["/Title"]) == f"Sertifikat {certificate.number} – Siti Aminah"
    assert str(info["/Author"]) == "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"
    assert "/OutputIntents" in reader.root
