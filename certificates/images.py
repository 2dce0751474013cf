"""Check an uploaded logo, background or signature before it is stored.

The file must be what its name says: a PNG or JPEG that Pillow can read, not too many pixels,
or an SVG drawing without script, event handlers, embedded documents or links to other files.
WeasyPrint's URL fetcher already refuses anything but our own files when the PDF is made; this
refuses the upload itself, with a message the organiser can act on, and nothing is written.
"""

import io
import re
import warnings
import xml.etree.ElementTree as ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_PIXELS = 40_000_000  # an A4 page at 600 dpi is about 35 million
RASTER_FORMATS = {"png": {"PNG"}, "jpg": {"JPEG"}, "jpeg": {"JPEG"}}
SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video"}
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


def _check_svg(data: bytes) -> None:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise _unsafe_svg()  # entities can expand or reach files
    try:
        root = ElementTree.fromstring(data)
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
