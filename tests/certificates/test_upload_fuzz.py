"""Fuzz of every image and PDF upload of the certificates, through the real pages.

Whatever arrives (random bytes, cut-off PNG and JPEG files, images claiming huge sizes, SVGs in
every Unicode encoding with entities, outside references, deep nesting or script; PDFs cut
off, encrypted, claiming millions of pages, or inflating to 100 MB), the page answers with a
clear Indonesian message or does what was asked: never an error 500, never a hang (each
example has a deadline). Derandomised, so CI runs the same examples every time.
"""

import datetime
import functools
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from trainings.models import Enrolment
from certificates import services
from certificates.models import Certificate, CertificateSettings
from tests.factories import organiser_user

from .factories import CertificateSettingsFactory, finished_training

pytestmark = pytest.mark.django_db


def fuzz(examples: int):
    return hypothesis_settings(
        max_examples=examples,
        deadline=datetime.timedelta(seconds=10),
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


IMAGE_FIELDS = ["logo", "background", "signature_image"]
# The beginning of every message the image check gives, in Indonesian.
IMAGE_MESSAGES = (
    "Berkas yang dikirimkan kosong",  # Django's own, for an empty file
    "Gambar lebih besar dari",
    "Berkas ini bukan gambar PNG, JPG, atau SVG",
    "Gambar memiliki terlalu banyak piksel",
    "SVG ini berisi skrip",
    "Berkas SVG ini lebih besar dari",
    "Berkas SVG ini memiliki lebih dari",
    "Berkas SVG ini berisi lebih dari",
    "Berkas SVG ini menumpuk elemennya",
)


@functools.cache
def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 30), "#1a5").save(out, "PNG")
    return out.getvalue()


@functools.cache
def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 30), "#1a5").save(out, "JPEG")
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """The small PNG with its header saying width x height (its pixels left as they are)."""
    data = _png()
    header = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + header + struct.pack(">I", zlib.crc32(header)) + data[33:]


def _jpeg_claiming(width: int, height: int) -> bytes:
    """The small JPEG with its frame header (SOF0) saying width x height."""
    data = bytearray(_jpeg())
    start = data.index(b"\xff\xc0")
    data[start + 5 : start + 9] = struct.pack(">HH", height, width)
    return bytes(data)


SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
SVG_BODIES = {
    "plain": f'<svg {SVG} viewBox="0 0 10 10"><rect width="10" height="10" fill="#1a5"/></svg>',
    "text": f'<svg {SVG}><text x="1" y="9">Pemerintah Kota Magelang</text></svg>',
    "entities": '<!DOCTYPE svg [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    f"<svg {SVG}><text>&b;</text></svg>",
    "external entity": '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f"<svg {SVG}><text>&x;</text></svg>",
    "external DTD": '<!DOCTYPE svg SYSTEM "http://evil.example/svg.dtd">'
    f"<svg {SVG}><rect/></svg>",
    "image file": f'<svg {SVG}><image href="file:///etc/passwd"/></svg>',
    "image xlink": f'<svg {SVG}><image xlink:href="file:///etc/passwd"/></svg>',
    "image http": f'<svg {SVG}><image href="http://evil.example/x.png"/></svg>',
    "use file": f'<svg {SVG}><use href="file:///etc/passwd#x"/></svg>',
    "style import": f"<svg {SVG}><style>@import url(http://evil.example/x.css);</style></svg>",
    "style url": f'<svg {SVG}><rect style="fill:url(file:///etc/passwd)"/></svg>',
    "script": f"<svg {SVG}><script>alert(1)</script></svg>",
    "event": f'<svg {SVG} onload="alert(1)"><rect/></svg>',
    "foreign object": f"<svg {SVG}><foreignObject><p>x</p></foreignObject></svg>",
    "nested 99": f"<svg {SVG}>" + "<g>" * 98 + "<rect/>" + "</g>" * 98 + "</svg>",
    "nested 3000": f"<svg {SVG}>" + "<g>" * 3000 + "<rect/>" + "</g>" * 3000 + "</svg>",
    "many elements": f"<svg {SVG}>" + "<rect/>" * 6000 + "</svg>",
    "much text": f"<svg {SVG}><text>" + "Bimtek " * 4000 + "</text></svg>",
    "not svg": "<html><body>hi</body></html>",
    "unclosed": f"<svg {SVG}><rect>",
}
# Python's codec names: "utf-16" and "utf-32" write a byte order mark, the -le/-be ones do not.
ENCODINGS = [
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
]  # fmt: skip


def _svg(body: str, encoding: str, declared: bool) -> bytes:
    name = encoding.removesuffix("-sig").removesuffix("-le").removesuffix("-be").upper()
    declaration = f'<?xml version="1.0" encoding="{name}"?>' if declared else ""
    return (declaration + body).encode(encoding)


def _cut(data: bytes, at: float) -> bytes:
    return data[: int(len(data) * at)]


UPLOADS = st.one_of(
    st.tuples(
        st.sampled_from(["logo.png", "logo.jpg", "logo.svg", "logo.gif", "logo", "LOGO.PNG"]),
        st.binary(max_size=4096),
    ),
    st.tuples(st.just("logo.png"), st.floats(0, 0.99).map(lambda at: _cut(_png(), at))),
    st.tuples(st.just("logo.jpg"), st.floats(0, 0.99).map(lambda at: _cut(_jpeg(), at))),
    st.tuples(
        st.just("logo.png"),
        st.builds(_png_claiming, st.integers(1, 2**31 - 1), st.integers(1, 2**31 - 1)),
    ),
    st.tuples(
        st.just("logo.jpg"),
        st.builds(_jpeg_claiming, st.integers(1, 65535), st.integers(1, 65535)),
    ),
    st.tuples(
        st.just("logo.svg"),
        st.builds(
            _svg, st.sampled_from(list(SVG_BODIES.values())), st.sampled_from(ENCODINGS),
            st.booleans(),
        ),
    ),
)


@pytest.fixture
def training(client):
    CertificateSettingsFactory()
    client.force_login(organiser_user())
    return finished_training(participants=1)


def _settings_form(field: str, name: str, data: bytes) -> dict:
    return {
        "government": "Pemerintah Kota Magelang",
        "issuer": "BKPSDM",
        "unit_code": "BKPSDM",
        "number_pattern": "800/{seq:03d}/{unit}/{roman_month}/{year}",
        "numbering_scope": "year",
        "orientation": "landscape",
        "course_kind": "Bimbingan Teknis",
        "place": "Magelang",
        "signer_name": "Drs. Haryo Wibowo, M.M.",
        field: SimpleUploadedFile(name, data),
    }


@fuzz(examples=80)
@given(field=st.sampled_from(IMAGE_FIELDS), upload=UPLOADS)
def test_any_image_upload_ends_in_a_clear_message_or_a_printable_image(
    client, training, field, upload
):
    name, data = upload
    response = client.post(
        reverse("certificates:settings", args=[training.pk]), _settings_form(field, name, data)
    )

    if response.status_code == 302:  # accepted: the preview prints it
        stored = getattr(CertificateSettings.objects.get(training=training), field)
        assert stored.name.rsplit(".", 1)[-1].lower() in {"png", "jpg", "jpeg", "svg"}
        enrolment = Enrolment.objects.get(training=training)
        preview = client.get(reverse("certificates:preview", args=[training.pk, enrolment.pk]))
        assert preview.status_code == 200
        assert preview.content.startswith(b"%PDF-")
    else:
        assert response.status_code == 200
        errors = response.context["form"].errors[field]
        assert errors
        assert all(error.startswith(IMAGE_MESSAGES) for error in errors), errors


@functools.cache
def _bomb_stream() -> bytes:
    """A PDF of 100 KB whose one content stream inflates to 100 MB."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    packed = b"".join(compressor.compress(chunk) for _ in range(100)) + compressor.flush()
    length = str(len(packed)).encode()
    return (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length " + length + b"/Filter/FlateDecode>>stream\n"
        + packed
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


ENCRYPTED = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"5 0 obj<</Filter/Standard/V 2/R 3/Length 128/P -3904"
    b"/O<" + b"41" * 32 + b">/U<" + b"42" * 32 + b">>>endobj\n"
    b"trailer<</Root 1 0 R/Encrypt 5 0 R/ID[<00><00>]>>\n%%EOF\n"
)
MILLIONS_OF_PAGES = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[2 0 R]/Count 2147483647>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
MATCHES = "Berkas yang diunggah sama persis dengan sertifikat yang kami terbitkan."
DIFFERS = "Berkas yang diunggah BUKAN sertifikat yang kami terbitkan"


@pytest.fixture
def issued(settings):
    settings.CERTIFICATES_VERIFY_PER_MINUTE = 100_000
    CertificateSettingsFactory()
    training = finished_training(participants=1)
    certificate, _created = services.issue_certificate(
        enrolment_id=Enrolment.objects.get(training=training).pk
    )
    return services.generate_pdf(certificate_id=certificate.pk)


def _real(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as pdf:
        return pdf.read()


PDF_UPLOADS = st.one_of(
    st.binary(max_size=8192),
    st.sampled_from([ENCRYPTED, MILLIONS_OF_PAGES, b"", b"%PDF-", b"%PDF-1.7\n%%EOF"]),
    st.builds(lambda: _bomb_stream()),
    st.floats(0, 0.999).map(lambda at: ("cut", at)),
    st.just("real"),
)


@fuzz(examples=60)
@given(upload=PDF_UPLOADS, name=st.sampled_from(["sertifikat.pdf", "s.PDF", "x", "a.exe"]))
def test_any_pdf_upload_on_the_public_page_is_answered_match_or_not(client, issued, upload, name):
    if upload == "real":
        data = _real(issued)
    elif isinstance(upload, tuple):
        data = _cut(_real(issued), upload[1])
    else:
        data = upload

    response = client.post(
        reverse("verify:certificate", args=[issued.code]),
        {"pdf": SimpleUploadedFile(name, data, "application/pdf")},
    )

    assert response.status_code == 200
    if upload == "real":
        assert MATCHES in response.text
    elif data:
        assert DIFFERS in response.text
    else:  # an empty file is not a file to check
        assert response.context["form"].errors["pdf"]
