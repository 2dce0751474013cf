"""The logo, background and signature uploaded for a certificate are real, harmless images."""

import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from certificates.models import CertificateSettings
from tests.factories import TrainingFactory, organiser_user

from .factories import CertificateSettingsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(client):
    CertificateSettingsFactory()
    client.force_login(organiser_user())
    return TrainingFactory()


def _png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def _post(client, training, field, name, data):
    form = {
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
    return client.post(reverse("certificates:settings", args=[training.pk]), form)


def _saved(training):
    return CertificateSettings.objects.filter(training=training).first()


def test_a_real_png_logo_is_saved(client, training):
    response = _post(client, training, "logo", "logo.png", _png())

    assert response.status_code == 302
    assert _saved(training).logo.name.endswith(".png")


@pytest.mark.parametrize("field", ["logo", "background", "signature_image"])
def test_a_program_renamed_as_an_image_is_refused_and_nothing_is_saved(client, training, field):
    response = _post(client, training, field, "ttd.png", b"MZ\x90\x00\x03" + bytes(500))

    assert response.status_code == 200
    assert "Berkas ini bukan gambar PNG, JPG, atau SVG" in response.content.decode()
    assert _saved(training) is None


def test_a_png_named_jpg_is_refused(client, training):
    response = _post(client, training, "logo", "logo.jpg", _png())

    assert "Berkas ini bukan gambar PNG, JPG, atau SVG" in response.content.decode()
    assert _saved(training) is None


def test_a_too_large_image_is_refused_with_the_limit(client, training, settings):
    settings.CERTIFICATES_MAX_IMAGE_BYTES = 1000

    response = _post(client, training, "background", "latar.png", _png((400, 400)) + bytes(2000))

    assert "Gambar lebih besar dari" in response.content.decode()
    assert _saved(training) is None


def test_an_image_of_too_many_pixels_is_refused(client, training):
    # A 9000 x 9000 PNG of one colour compresses to little, but would take 240 MB to draw.
    response = _post(client, training, "background", "latar.png", _png((9000, 9000)))

    assert "terlalu banyak piksel" in response.content.decode()
    assert _saved(training) is None


def _huge_png(width: int, height: int) -> bytes:
    """A 1-bit PNG of width x height that claims a huge size in few bytes (all zeros compress)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b""
    )


@pytest.mark.parametrize("size", [30000, 9500], ids=["bomb-error", "bomb-warning"])
def test_a_decompression_bomb_signature_is_refused_as_too_many_pixels(
    client, training, size, recwarn
):
    # A few hundred KB that Pillow itself calls a decompression bomb (over 89 or 179 megapixels).
    data = _huge_png(size, size)
    assert len(data) < 1024 * 1024

    response = _post(client, training, "signature_image", "ttd.png", data)

    assert response.status_code == 200
    assert "terlalu banyak piksel" in response.content.decode()
    assert _saved(training) is None
    assert not [w for w in recwarn if issubclass(w.category, Image.DecompressionBombWarning)]


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="file:///etc/passwd"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/x.png"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil/x.css);</style>'
        b"</svg>",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
    ],
    ids=["script", "onload", "file-link", "http-link", "foreign-object", "css-import", "entity"],
)
def test_an_svg_with_script_or_outside_links_is_refused(client, training, svg):
    response = _post(client, training, "logo", "logo.svg", svg)

    assert "SVG ini berisi skrip" in response.content.decode()
    assert _saved(training) is None


def test_a_plain_svg_drawing_is_saved(client, training):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        b'<circle cx="5" cy="5" r="4" fill="#1a5"/></svg>'
    )

    response = _post(client, training, "logo", "logo.svg", svg)

    assert response.status_code == 302
    assert _saved(training).logo.name.endswith(".svg")


def test_something_that_is_not_svg_named_svg_is_refused(client, training):
    response = _post(client, training, "logo", "logo.svg", b"<html><body>hi</body></html>")

    assert "Berkas ini bukan gambar PNG, JPG, atau SVG" in response.content.decode()


def _laughs(encoding: str) -> bytes:
    """A billion-laughs SVG of about 2.7 KB: ten levels of entities, each ten of the last."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{level} "{f"&a{level - 1};" * 10}">' for level in range(1, 10)
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE svg [{entities}]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&a9;</text></svg>'
    )
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-8", "UTF-32"])
def test_an_svg_whose_entities_would_expand_to_megabytes_is_refused_at_once(
    client, training, encoding
):
    started = time.monotonic()
    response = _post(client, training, "logo", "logo.svg", _laughs(encoding))

    assert time.monotonic() - started < 1
    assert "SVG ini berisi skrip" in response.content.decode()
    assert _saved(training) is None


def test_an_svg_of_ten_thousand_elements_is_refused(client, training):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg">' + '<rect width="1" height="1"/>' * 10_000
        + "</svg>"
    ).encode()

    response = _post(client, training, "logo", "logo.svg", svg)

    assert "lebih dari 5000 elemen" in response.content.decode()
    assert _saved(training) is None


def test_an_svg_of_half_a_megabyte_of_text_is_refused(client, training):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><text>' + "Bimtek " * 75_000 + "</text></svg>"
    ).encode()

    response = _post(client, training, "logo", "logo.svg", svg)

    assert "lebih besar dari 512 KB" in response.content.decode()
    assert _saved(training) is None


def test_an_svg_with_a_long_text_under_the_size_limit_is_refused(client, training):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><text>' + "Bimtek " * 4_000 + "</text></svg>"
    ).encode()

    response = _post(client, training, "logo", "logo.svg", svg)

    assert "lebih dari 20000 karakter teks" in response.content.decode()
    assert _saved(training) is None


def test_an_svg_nested_deeper_than_a_hundred_levels_is_refused(client, training):
    # Nested a thousand deep, the drawing vanished from the PDF without a word.
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 1000 + "<rect/>" + "</g>" * 1000
        + "</svg>"
    ).encode()

    response = _post(client, training, "logo", "logo.svg", svg)

    assert "menumpuk elemennya lebih dari 100 tingkat" in response.content.decode()
    assert _saved(training) is None


def test_the_demo_emblem_is_accepted(client, training):
    emblem = Path(__file__).resolve().parents[2] / "static/img/certificate-emblem.svg"

    response = _post(client, training, "logo", "lambang.svg", emblem.read_bytes())

    assert response.status_code == 302
    assert _saved(training).logo.name.endswith(".svg")


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "UTF-32"])
def test_a_normal_logo_is_accepted_in_any_unicode_encoding(client, training, encoding):
    svg = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40">'
        '<rect width="100" height="40" fill="#1a5"/>'
        '<text x="10" y="25" font-family="sans-serif">Pemerintah Kota Magelang</text></svg>'
    ).encode(encoding)

    response = _post(client, training, "logo", "logo.svg", svg)

    assert response.status_code == 302
    assert _saved(training).logo.name.endswith(".svg")
