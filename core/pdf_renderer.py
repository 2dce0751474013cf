"""
The renderer process: WeasyPrint lays out PDFs here, one at a time, apart from the app.

core.pdf starts a few of these per app process (python -m core.pdf_renderer) and sends each a document to lay out. Pango
and fontconfig are not made for concurrent use of one font configuration, and a thread that
runs away inside them cannot be stopped; a process can. So every renderer is a process of its
own with its own font configuration, parsed stylesheets and image cache (kept for its whole
life, as one renderer lays out many certificates in a row), and one that takes longer than
its time limit is killed and replaced while the others carry on.

This module imports no Django: a file the document asks for (a font, a stylesheet, a logo) is
read by the app process, which answers the renderer's ("fetch", url) with the bytes or a
refusal; so the renderer reads exactly what core.pdf's rules allow and nothing else.

The conversation on the pipe, app → renderer: ("render", html, stylesheet names, options);
renderer → app: ("fetch", url) any number of times, each answered with ("file", bytes) or
("refused", reason), then ("done", pdf bytes) or ("failed", reason).
"""

import logging
import mimetypes
import sys
from urllib.parse import urlsplit

# Loaded images kept per renderer (keyed by URL; an upload never reuses a file name). Past this
# many the cache starts over, so a long-lived renderer does not collect every logo it ever saw.
IMAGE_CACHE_ENTRIES = 64


class Refused(ValueError):
    """The app refused a file the document asked for."""


class Renderer:
    """WeasyPrint with what one process keeps between documents."""

    def __init__(self, *, base_url: str, static_url: str, fetch):
        import weasyprint
        from weasyprint.logger import PROGRESS_LOGGER
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class AppFetcher(URLFetcher):
            """Ask the app for every file but data: URLs; it reads only our own files."""

            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                data = fetch(url)
                mime_type = (
                    mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
                )
                return URLFetcherResponse(url, data, {"Content-Type": mime_type})

        # Seven "Step n" lines per document at INFO would drown the server log.
        PROGRESS_LOGGER.setLevel(logging.WARNING)
        self.weasyprint = weasyprint
        self.base_url = base_url
        self.static_url = static_url
        self.font_config = FontConfiguration()
        self.fetcher = AppFetcher()
        self.stylesheets: dict = {}
        self.images: dict = {}

    def stylesheet(self, name: str):
        """Parse one of our static stylesheets once per renderer (its fonts join the config)."""
        if name not in self.stylesheets:
            self.stylesheets[name] = self.weasyprint.CSS(
                url=self.static_url + name, url_fetcher=self.fetcher, font_config=self.font_config
            )
        return self.stylesheets[name]

    def render(self, html: str, stylesheets: tuple[str, ...], options: dict) -> bytes:
        """Lay out one document and return its PDF bytes."""
        sheets = [self.stylesheet(name) for name in stylesheets]
        if len(self.images) > IMAGE_CACHE_ENTRIES:
            self.images.clear()
        document = self.weasyprint.HTML(
            string=html, base_url=self.base_url, url_fetcher=self.fetcher
        )
        return document.write_pdf(
            font_config=self.font_config, stylesheets=sheets, cache=self.images, **options
        )


def serve(connection, base_url: str, static_url: str) -> None:
    """Lay out the documents the app sends until it closes the pipe (the renderer's main)."""

    def fetch(url: str) -> bytes:
        connection.send(("fetch", url))
        kind, payload = connection.recv()
        if kind != "file":
            raise Refused(payload)
        return payload

    renderer = Renderer(base_url=base_url, static_url=static_url, fetch=fetch)
    connection.send(("ready", None))
    while True:
        try:
            _kind, html, stylesheets, options = connection.recv()
        except (EOFError, OSError):
            return  # the app process closed the pipe or ended
        try:
            try:
                pdf = renderer.render(html, stylesheets, options)
            except Exception as error:  # noqa: BLE001 - reported to the app, which raises it
                connection.send(("failed", f"{type(error).__name__}: {error}"))
            else:
                connection.send(("done", pdf))
        except (EOFError, OSError):
            return  # the app stopped listening: it ended, or stopped this render


def main() -> None:
    """Serve the app that started this renderer: python -m core.pdf_renderer FD BASE STATIC."""
    from multiprocessing.connection import Connection

    descriptor, base_url, static_url = sys.argv[1:4]
    serve(Connection(int(descriptor)), base_url, static_url)


if __name__ == "__main__":
    main()
