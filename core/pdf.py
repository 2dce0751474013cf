"""
Render PDFs from Django templates with WeasyPrint.

Every PDF of the app goes through render_pdf(): the template is rendered by Django (autoescaped),
then WeasyPrint lays it out with one FontConfiguration per process and a URL fetcher that reads
only our own static files (fonts, print CSS, images) and media files (captured signatures).
What does not change between documents is kept per process: the font configuration, the
stylesheets a caller names (parsed once instead of once per document) and the loaded images;
rendering many certificates in a row then costs little more than the layout itself (an edited
stylesheet is picked up when the process restarts).
Templates address those as ``{{ pdf_static }}css/pdf/x.css`` and ``{{ pdf_media }}<name>``,
under a base URL that never resolves, so a stray ``http://`` reference in user data or a
template fetches nothing from the network.
"""

import functools
import logging
import mimetypes
import threading
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

# RFC 2606 reserves .invalid: this host can never be reached, so nothing leaves the machine.
PDF_BASE_URL = "https://bimtek.invalid/"
STATIC_PREFIX = "/static/"
MEDIA_PREFIX = "/media/"
# A signature, logo or certificate background; as large as an upload may be.
MAX_MEDIA_BYTES = 10 * 1024 * 1024
# Loaded images kept per process (keyed by URL; an upload never reuses a file name). Past this
# many the cache starts over, so a long-running worker does not collect every logo it ever saw.
IMAGE_CACHE_ENTRIES = 64

# Pango and fontconfig are not made for concurrent use of one font configuration: a process
# renders one PDF at a time (a daftar hadir takes a fraction of a second).
_render_lock = threading.Lock()


class LocalFileError(ValueError):
    """A PDF asked for something that is not one of our own static or media files."""


def resolve_local_url(url: str) -> tuple[str, str]:
    """Return ("static" or "media", relative name) for a URL under PDF_BASE_URL, else raise."""
    parts = urlsplit(url)
    base = urlsplit(PDF_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
        raise LocalFileError(f"Not a local file: {url}")
    path = unquote(parts.path)
    for kind, prefix in (("static", STATIC_PREFIX), ("media", MEDIA_PREFIX)):
        if path.startswith(prefix):
            name = path.removeprefix(prefix)
            if not name or name.startswith("/") or "\\" in name or ".." in name.split("/"):
                raise LocalFileError(f"Unsafe path: {url}")
            return kind, name
    raise LocalFileError(f"Not a local file: {url}")


def read_local_file(url: str) -> bytes:
    """Read the static or media file a PDF_BASE_URL address stands for."""
    kind, name = resolve_local_url(url)
    if kind == "static":
        try:
            path = finders.find(name)
        except SuspiciousFileOperation as error:
            raise LocalFileError(str(error)) from error
        if not path:
            raise LocalFileError(f"No static file {name}")
        with open(path, "rb") as static_file:
            return static_file.read()
    try:
        with default_storage.open(name, "rb") as media_file:
            data = media_file.read(MAX_MEDIA_BYTES + 1)
    except (OSError, SuspiciousFileOperation) as error:
        raise LocalFileError(f"Cannot read media file {name}: {error}") from error
    if len(data) > MAX_MEDIA_BYTES:
        raise LocalFileError(f"Media file {name} is too large for a PDF")
    return data


@functools.cache
def _weasyprint():
    """Import WeasyPrint once, when the first PDF is made (it is slow to import)."""
    import weasyprint
    from weasyprint.logger import PROGRESS_LOGGER
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFilesFetcher(URLFetcher):
        """Fetch only our own static and media files; refuse every other URL."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            data = read_local_file(url)
            mime_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": mime_type})

    # Seven "Step n" lines per document at INFO would drown the server log.
    PROGRESS_LOGGER.setLevel(logging.WARNING)
    return weasyprint, FontConfiguration(), LocalFilesFetcher()


def pdf_context() -> dict:
    """Return the template variables every PDF template gets."""
    return {
        "pdf_static": PDF_BASE_URL + STATIC_PREFIX.lstrip("/"),
        "pdf_media": PDF_BASE_URL + MEDIA_PREFIX.lstrip("/"),
    }


_image_cache: dict = {}


@functools.cache
def _stylesheet(name: str):
    """Parse one of our static stylesheets once per process (its fonts join the font config)."""
    weasyprint, font_config, fetcher = _weasyprint()
    url = PDF_BASE_URL + STATIC_PREFIX.lstrip("/") + name
    return weasyprint.CSS(url=url, url_fetcher=fetcher, font_config=font_config)


def render_pdf(
    template_name: str, context: dict, *, stylesheets: tuple[str, ...] = (), **options
) -> bytes:
    """Render a Django template to PDF bytes, fonts embedded, text selectable.

    stylesheets names static CSS files applied to the document, parsed once per process (a
    template may also link its own, parsed each time); options go to WeasyPrint's write_pdf,
    e.g. pdf_variant="pdf/a-3b".
    """
    html = render_to_string(template_name, {**pdf_context(), **context})
    weasyprint, font_config, fetcher = _weasyprint()
    with _render_lock:
        sheets = [_stylesheet(name) for name in stylesheets]
        if len(_image_cache) > IMAGE_CACHE_ENTRIES:
            _image_cache.clear()
        document = weasyprint.HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher)
        return document.write_pdf(
            font_config=font_config, stylesheets=sheets, cache=_image_cache, **options
        )
