"""The browser for the end-to-end tests: Debian's Chromium driven by Playwright, headless.

Playwright cannot download its own browsers here, so the tests launch /usr/bin/chromium
(`./dev test` installs it with apt when it can). Without it the tests are skipped, unless
BIMTEK_E2E_REQUIRED=1 (CI sets it): then they fail, so CI never passes without them.
"""

import os
import threading
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from pytest_django.live_server_helper import LiveServer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("BIMTEK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"


def _unavailable(message: str):
    if os.environ.get("BIMTEK_E2E_REQUIRED") == "1":
        pytest.fail(f"{message} (BIMTEK_E2E_REQUIRED=1: the end-to-end tests must run)")
    pytest.skip(message)


def _axe_script() -> Path:
    # `./dev test` runs `npm ci` first; two xdist workers running it at once would race.
    if not AXE.exists():
        _unavailable(f"axe-core is missing ({AXE}): run `npm ci` in the repository root")
    return AXE


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module, stopped after it.

    Playwright's sync API keeps an event loop running in this thread while it is started, and
    Django refuses database calls from a thread with a running loop unless told it is safe,
    which it is here. Module scope keeps both to the end-to-end modules: the other tests that
    run next in the same worker see neither the loop nor the setting.
    """
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(
            f"Chromium is missing ({CHROMIUM}): install it with "
            "`apt-get install chromium chromium-driver` or run `./dev test` as root"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: run `./dev setup`")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="module")
def axe_script():
    return _axe_script()


@pytest.fixture
def screenshots(request):
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


class OneRequestAtATime(StaticFilesHandler):
    """The live server's handler, answering one request at a time (see live_server)."""

    lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return super().__call__(environ, start_response)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, whose threads take turns with the database.

    On SQLite the tests' database lives in memory, and Django hands the test's one connection
    to every thread of the server. Two requests at once, such as the answers a test page sends
    together when it comes back online, then share that connection mid-transaction and can fail
    with "database table is locked": a flake of the test set-up, not of the app, whose
    file database in WAL mode makes writers wait their turn. Here they take turns too.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = OneRequestAtATime
    server.start()
    yield server
    server.stop()
