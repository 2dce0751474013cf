"""Check an uploaded logo, background or signature before it is stored, and again when printed.

The file must be what its name says: a PNG or JPEG that Pillow can read, not too many pixels,
or an SVG drawing without script, event handlers, embedded documents or links to other files,
without a DOCTYPE (whatever its encoding), and small enough to render quickly.
WeasyPrint's URL fetcher already refuses anything but our own files when the PDF is made; this
refuses the upload itself, with a message the organiser can act on, and nothing is written.
check_stored_image() applies the same rule to a stored file each time a certificate prints it,
so an image stored before this check existed (or put in storage some other way) is refused
by name instead of being rendered.
"""

import hashlib
import io
import re
import threading
import warnings
import xml.etree.ElementTree as ElementTree
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from core.pdf import PdfNotMade

MAX_IMAGE_PIXELS = 40_000_000  # an A4 page at 600 dpi is about 35 million
RASTER_FORMATS = {"png": {"PNG"}, "jpg": {"JPEG"}, "jpeg": {"JPEG"}}
SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video"}
# An SVG is read by WeasyPrint for every certificate, so its size, its number of elements and
# its text are bounded: a 500 KB SVG of text alone took 32 s and 0.9 GB to render. A logo is a
# few hundred elements and a few words; these are far above that and far below the cost.
MAX_SVG_BYTES = 512 * 1024
MAX_SVG_ELEMENTS = 5_000
MAX_SVG_TEXT_CHARACTERS = 20_000  # not counting the spaces and line breaks between elements
# WeasyPrint draws an SVG by recursion: nested a thousand deep, the drawing silently vanished
# from the PDF. A logo nests a handful of groups.
MAX_SVG_DEPTH = 100
# UTF-32 is told by its byte order mark or by "<" in its first four bytes; expat reads UTF-8
# and UTF-16 (by BOM or XML declaration) itself, but not UTF-32.
UTF32_STARTS = {
    b"\xff\xfe\x00\x00": "utf-32",
    b"\x00\x00\xfe\xff": "utf-32",
    b"<\x00\x00\x00": "utf-32-le",
    b"\x00\x00\x00<": "utf-32-be",
}
SAFE_HREF = re.compile(r"^(#|data:image/(png|jpeg);base64,)", re.IGNORECASE)


class CertificateImageField(models.FileField):
    """A logo, background or signature: every new upload is checked before it is stored.

    The check sits on the form field, as Django's ImageField does it, because only new uploads
    reach a form field: a file stored earlier was checked when it came, and is not read again
    each time the settings are saved.
    """

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.validators.append(validate_certificate_image)
        return field


def validate_certificate_image(value) -> None:
    """Refuse an upload that is too large, not the image its name says, or an unsafe SVG."""
    limit = settings.CERTIFICATES_MAX_IMAGE_BYTES
    name = str(getattr(value, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    value.seek(0)
    data = value.read(limit + 1)  # never more than one byte past the limit
    value.seek(0)
    if len(data) > limit:
        raise ValidationError(
            _("The image is larger than %(size)s MB. Use a smaller file."),
            code="image_too_large",
            params={"size": f"{limit / 1024 / 1024:g}"},
        )
    if extension == "svg":
        _check_svg(data)
    else:
        _check_raster(data, RASTER_FORMATS.get(extension, set()))


def _not_an_image():
    return ValidationError(
        _("This file is not a PNG, JPG or SVG image. Save the image again as PNG or JPG."),
        code="image_invalid",
    )


def _too_many_pixels():
    return ValidationError(
        _("The image has too many pixels. Use an image of at most 40 megapixels."),
        code="image_too_large",
    )


def _check_raster(data: bytes, formats: set[str]) -> None:
    try:
        # Pillow warns of an image over its own pixel limit and refuses one over twice it
        # (a decompression bomb); both are simply an image of too many pixels.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in formats:
                    raise _not_an_image()
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels()
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _not_an_image() from None


def _unsafe_svg():
    return ValidationError(
        _(
            "This SVG contains script, links to other files or embedded documents. Save the "
            "drawing as a plain SVG, or as PNG."
        ),
        code="image_unsafe_svg",
    )


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _svg_too_large():
    return ValidationError(
        _("The SVG is larger than %(size)s KB. Simplify the drawing, or save it as PNG."),
        code="image_too_large",
        params={"size": MAX_SVG_BYTES // 1024},
    )


def _too_many_elements():
    return ValidationError(
        _("The SVG has more than %(count)s elements. Simplify the drawing, or save it as PNG."),
        code="image_too_large",
        params={"count": MAX_SVG_ELEMENTS},
    )


def _too_much_text():
    return ValidationError(
        _(
            "The SVG contains more than %(count)s characters of text. Convert the text to "
            "paths, or save the drawing as PNG."
        ),
        code="image_too_large",
        params={"count": MAX_SVG_TEXT_CHARACTERS},
    )


def _too_deep():
    return ValidationError(
        _(
            "The SVG nests its elements more than %(count)s levels deep. Simplify the drawing, "
            "or save it as PNG."
        ),
        code="image_too_large",
        params={"count": MAX_SVG_DEPTH},
    )


def _svg_document(data: bytes) -> bytes | str:
    """The SVG as expat can read it: UTF-32 decoded here, UTF-8 and UTF-16 left to expat."""
    encoding = UTF32_STARTS.get(data[:4])
    if encoding is None:
        return data
    try:
        return data.decode(encoding)  # expat reads a str as UTF-8 whatever it declares
    except UnicodeDecodeError:
        raise _not_an_image() from None


def _check_svg_structure(document: bytes | str) -> None:
    """Read the SVG once with expat, stopping at the first DOCTYPE or entity and past the limits
    (elements, text, depth).

    Expat decodes the document itself (BOM or XML declaration), so a DOCTYPE is seen whatever
    the encoding; it is refused before any entity in it is declared or expanded.
    """
    counts = {"elements": 0, "text": 0, "depth": 0}

    def refuse_declarations(*args):
        raise _unsafe_svg()  # entities can expand to gigabytes or reach files

    def count_element(name, attributes):
        counts["elements"] += 1
        counts["depth"] += 1
        if counts["elements"] > MAX_SVG_ELEMENTS:
            raise _too_many_elements()
        if counts["depth"] > MAX_SVG_DEPTH:
            raise _too_deep()

    def leave_element(name):
        counts["depth"] -= 1

    def count_text(text):
        counts["text"] += len(text) - sum(1 for character in text if character.isspace())
        if counts["text"] > MAX_SVG_TEXT_CHARACTERS:
            raise _too_much_text()

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse_declarations
    parser.EntityDeclHandler = refuse_declarations
    parser.UnparsedEntityDeclHandler = refuse_declarations
    parser.ExternalEntityRefHandler = refuse_declarations
    parser.StartElementHandler = count_element
    parser.EndElementHandler = leave_element
    parser.CharacterDataHandler = count_text
    try:
        parser.Parse(document, True)
    except expat.ExpatError:
        raise _not_an_image() from None


def _check_svg(data: bytes) -> None:
    if len(data) > MAX_SVG_BYTES:
        raise _svg_too_large()
    document = _svg_document(data)
    _check_svg_structure(document)
    try:
        root = ElementTree.fromstring(document)  # known now to hold no DOCTYPE and few elements
    except ElementTree.ParseError:
        raise _not_an_image() from None
    if _local(root.tag) != "svg":
        raise _not_an_image()
    for element in root.iter():
        if _local(element.tag) in SVG_FORBIDDEN_TAGS:
            raise _unsafe_svg()
        if _local(element.tag) == "style" and _has_external_url(element.text or ""):
            raise _unsafe_svg()
        for attribute, attribute_value in element.attrib.items():
            local = _local(attribute)
            if local.startswith("on"):
                raise _unsafe_svg()
            if local == "href" and not SAFE_HREF.match(attribute_value.strip()):
                raise _unsafe_svg()
            if local == "style" and _has_external_url(attribute_value):
                raise _unsafe_svg()


def _has_external_url(css: str) -> bool:
    lowered = css.lower()
    if "@import" in lowered:
        return True
    return any(
        not target.strip("'\" ").startswith(("#", "data:image/"))
        for target in re.findall(r"url\(([^)]*)\)", lowered)
    )


# Stored images already checked, by content: a batch prints the same logo on every certificate.
_checked: dict[tuple[str, str], tuple[str, ...]] = {}
_checked_lock = threading.Lock()
CHECKED_KEPT = 64


def check_stored_image(name: str, *, label) -> None:
    """Refuse to print a stored image that fails the upload check; the message names it.

    label says which image it is ("Logo"); name is its file in storage (a random name, so the
    message names the image by its label). A file missing from
    storage is left to the PDF's URL fetcher, which prints nothing in its place.
    """
    limit = settings.CERTIFICATES_MAX_IMAGE_BYTES
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read(limit + 1)
    except (OSError, ValueError):
        return
    key = (name.rsplit(".", 1)[-1].lower(), hashlib.sha256(data).hexdigest())
    with _checked_lock:
        reasons = _checked.get(key)
    if reasons is None:
        try:
            validate_certificate_image(ContentFile(data, name=name))
            reasons = ()
        except ValidationError as error:
            reasons = tuple(error.messages)
        with _checked_lock:
            if len(_checked) >= CHECKED_KEPT:
                _checked.clear()
            _checked[key] = reasons
    if reasons:
        raise PdfNotMade(
            _(
                "%(image)s in the certificate settings cannot be printed: %(reason)s "
                "Replace it in the certificate settings, then correct the certificates that "
                "print it."
            ),
            code="image_stored_invalid",
            params={"image": label, "reason": " ".join(reasons)},
        )
