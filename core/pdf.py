"""
Render PDFs from Django templates with WeasyPrint, each within a time limit.

Every PDF of the app goes through render_pdf(): the template is rendered by Django (autoescaped)
here, then WeasyPrint lays it out in a renderer process (core.pdf_renderer) with a URL fetcher
that reads only our own static files (fonts, print CSS, images) and media files (logos,
signatures): the renderer asks this process for each file and gets it only if
read_local_file() allows it.

Why processes: Pango and fontconfig are not made for concurrent use of one font configuration
(so a process used to render one PDF at a time behind a lock), and a layout that runs away (a
huge drawing, an enormous table) cannot be stopped inside a thread. Each app process keeps a
small pool of renderers (settings.PDF_RENDERERS); a render takes an idle one, or starts one,
and waits only when all are busy. A render that passes its time limit (a setting per kind of
document) is stopped: its renderer is killed, the caller gets PdfNotMade with a message for the
user, and the next render starts a fresh renderer. The others never wait behind it.

What does not change between documents is kept per renderer for its whole life: the font
configuration, the stylesheets a caller names (parsed once instead of once per document) and
the loaded images; rendering many certificates in a row then costs little more than the layout
itself (an edited stylesheet is picked up when the process restarts).
Templates address those as ``{{ pdf_static }}css/pdf/x.css`` and ``{{ pdf_media }}<name>``,
under a base URL that never resolves, so a stray ``http://`` reference in user data or a
template fetches nothing from the network.
"""

import atexit
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# RFC 2606 reserves .invalid: this host can never be reached, so nothing leaves the machine.
PDF_BASE_URL = "https://bimtek.invalid/"
STATIC_PREFIX = "/static/"
MEDIA_PREFIX = "/media/"
# A signature, logo or certificate background; as large as an upload may be.
MAX_MEDIA_BYTES = 10 * 1024 * 1024
# A new renderer imports WeasyPrint and loads the fonts before its first document (about a
# second); this is not counted in a document's time limit.
RENDERER_START_SECONDS = 60
PROJECT_ROOT = Path(__file__).resolve().parent.parent  # where "python -m core.pdf_renderer" runs


class PdfNotMade(ValidationError):
    """A PDF could not be made; its message tells the user why and what to do."""


# The PdfNotMade codes of this module: the server's part, not something the user must change.
SERVER_CODES = {"pdf_time_limit", "pdf_failed"}


def time_limit_passed(seconds: float) -> PdfNotMade:
    """Return the error of a render stopped at its time limit."""
    return PdfNotMade(
        _(
            "Making this PDF took longer than %(seconds)s seconds, so it was stopped. The usual "
            "cause is a very large image (a logo, signature or background) or a very long "
            "table: make it smaller and try again."
        ),
        code="pdf_time_limit",
        params={"seconds": f"{seconds:g}"},
    )


def render_failed() -> PdfNotMade:
    """Return the error of a render that failed for another reason (logged in full)."""
    return PdfNotMade(
        _("The PDF could not be made. Try again; if it fails again, tell the administrator."),
        code="pdf_failed",
    )


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


def pdf_context() -> dict:
    """Return the template variables every PDF template gets."""
    return {
        "pdf_static": PDF_BASE_URL + STATIC_PREFIX.lstrip("/"),
        "pdf_media": PDF_BASE_URL + MEDIA_PREFIX.lstrip("/"),
    }


def render_pdf(
    template_name: str,
    context: dict,
    *,
    time_limit: float,
    stylesheets: tuple[str, ...] = (),
    **options,
) -> bytes:
    """Render a Django template to PDF bytes, fonts embedded, text selectable.

    time_limit is the most seconds the layout may take (a setting per kind of document): past
    it the render is stopped and PdfNotMade raised. stylesheets names static CSS files applied
    to the document, parsed once per renderer (a template may also link its own, parsed each
    time); options go to WeasyPrint's write_pdf, e.g. pdf_variant="pdf/a-3b".
    """
    html = render_to_string(template_name, {**pdf_context(), **context})
    return html_to_pdf(html, time_limit=time_limit, stylesheets=stylesheets, **options)


def html_to_pdf(
    html: str, *, time_limit: float, stylesheets: tuple[str, ...] = (), **options
) -> bytes:
    """Lay out rendered HTML as PDF bytes in a renderer of the pool, within time_limit seconds.

    A renderer that died while idle (killed from outside, e.g. by the out-of-memory killer,
    and not yet reaped when it was taken) costs the caller nothing: the document goes to
    another renderer, within the same time limit.
    """
    pool = _pool()
    deadline = time.monotonic() + time_limit
    # Every idle renderer may have died; then a new one.
    attempts = max(1, settings.PDF_RENDERERS) + 1
    for attempt in range(1, attempts + 1):
        try:
            return _render_once(pool, html, stylesheets, options, deadline, time_limit)
        except _RendererFailed as failure:
            if failure.died_idle and attempt < attempts:
                logger.warning("PDF renderer had ended while idle: %s", failure)
                continue
            logger.error("PDF render failed: %s", failure)
            raise render_failed() from None


def _render_once(pool, html, stylesheets, options, deadline: float, time_limit: float) -> bytes:
    """Render in one renderer of the pool until deadline; raise _RendererFailed if it fails."""
    try:
        renderer = pool.take()
    except _RendererFailed as failure:
        logger.error("PDF renderer failed to start: %s", failure)
        raise render_failed() from None
    healthy = False
    try:
        pdf = renderer.render(html, stylesheets, options, time_limit=deadline - time.monotonic())
        healthy = True
        return pdf
    except _RendererFailed as failure:
        healthy = failure.healthy
        raise
    except _TimeLimitPassed:
        logger.warning(
            "PDF render stopped after %s s (renderer %s killed)", time_limit, renderer.pid
        )
        raise time_limit_passed(time_limit) from None
    finally:
        pool.give_back(renderer, healthy=healthy)


class _TimeLimitPassed(Exception):
    pass


class _RendererFailed(Exception):
    def __init__(self, reason: str, *, healthy: bool, died_idle: bool = False):
        super().__init__(reason)
        self.healthy = healthy
        self.died_idle = died_idle  # it had ended before this document reached it


class _Renderer:
    """One renderer process and the socket to it; used by one thread at a time.

    A plain subprocess (python -m core.pdf_renderer), not multiprocessing: a fresh interpreter
    that inherits no lock or thread from this one and never re-imports its main module.
    """

    def __init__(self):
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "core.pdf_renderer",
                    str(theirs.fileno()),
                    PDF_BASE_URL,
                    PDF_BASE_URL + STATIC_PREFIX.lstrip("/"),
                ],
                pass_fds=(theirs.fileno(),),
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
            )
        self.connection = Connection(ours.detach())
        self.pid = self.process.pid
        try:
            if not self.connection.poll(RENDERER_START_SECONDS):
                raise _RendererFailed("the renderer did not start in time", healthy=False)
            self.connection.recv()  # ("ready", None)
        except (EOFError, OSError) as error:
            self.stop()
            raise _RendererFailed(f"the renderer did not start: {error!r}", healthy=False) from None
        except _RendererFailed:
            self.stop()
            raise

    def render(self, html: str, stylesheets, options: dict, *, time_limit: float) -> bytes:
        deadline = time.monotonic() + time_limit
        answered = False
        try:
            self.connection.send(("render", html, tuple(stylesheets), options))
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.connection.poll(remaining):
                    raise _TimeLimitPassed
                kind, payload = self.connection.recv()
                answered = True
                if kind == "fetch":
                    self._answer_fetch(payload)
                elif kind == "done":
                    return payload
                else:
                    raise _RendererFailed(payload, healthy=True)
        except (EOFError, OSError) as error:  # the renderer died (a crash, out of memory)
            # A renderer that ended without reading this document (the socket refuses it, or
            # is reset with it unread) had ended while idle; one that read it and died (end of
            # file) died on this document, and is not tried again.
            raise _RendererFailed(
                f"renderer {self.pid} ended ({self.process.poll()}): {error!r}",
                healthy=False,
                died_idle=not answered
                and isinstance(error, (BrokenPipeError, ConnectionResetError)),
            ) from None

    def _answer_fetch(self, url: str) -> None:
        try:
            data = read_local_file(url)
        except LocalFileError as error:
            self.connection.send(("refused", str(error)))
        else:
            self.connection.send(("file", data))

    def stop(self) -> None:
        self.process.kill()  # nothing happens if it has ended already
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            logger.error("PDF renderer %s did not end when killed", self.pid)
        self.connection.close()


class _Pool:
    """The renderers of this process: idle ones are reused, busy ones are never shared."""

    def __init__(self):
        self.pid = os.getpid()
        self.condition = threading.Condition()
        self.idle: list[_Renderer] = []
        self.live = 0
        atexit.register(self.close)

    def close(self) -> None:
        """End the idle renderers (at exit; a busy one ends when its pipe closes)."""
        if os.getpid() != self.pid:
            return
        with self.condition:
            idle, self.idle = self.idle, []
            self.live -= len(idle)
        for renderer in idle:
            renderer.stop()

    def take(self) -> _Renderer:
        with self.condition:
            while True:
                while self.idle:
                    renderer = self.idle.pop()
                    if renderer.process.poll() is None:
                        return renderer
                    self.live -= 1  # ended while idle (killed from outside): forget it
                    renderer.connection.close()
                if self.live < max(1, settings.PDF_RENDERERS):
                    break
                self.condition.wait()  # every busy render ends by its own time limit
            self.live += 1
        try:
            return _Renderer()
        except Exception:
            with self.condition:
                self.live -= 1
                self.condition.notify()
            raise

    def give_back(self, renderer: _Renderer, *, healthy: bool) -> None:
        if not healthy:
            renderer.stop()
        with self.condition:
            if healthy:
                self.idle.append(renderer)
            else:
                self.live -= 1
            self.condition.notify()


_pool_lock = threading.Lock()
_current_pool: _Pool | None = None


def _pool() -> _Pool:
    """Return this process's pool (a forked process starts its own, leaving its parent's)."""
    global _current_pool
    with _pool_lock:
        if _current_pool is None or _current_pool.pid != os.getpid():
            _current_pool = _Pool()
        return _current_pool
