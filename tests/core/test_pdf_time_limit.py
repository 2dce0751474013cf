"""A PDF that takes too long is stopped with a message, and other PDFs never wait behind it."""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from core.pdf import PdfNotMade, html_to_pdf
from trainings.models import Enrolment
from certificates.models import Certificate
from tests.certificates.factories import CertificateSettingsFactory, finished_training
from tests.factories import organiser_user

STOPPED = "Pembuatan PDF ini melebihi"


def _enormous_table(rows: int = 60_000) -> str:
    cells = "".join(
        f"<tr><td>{n}</td><td>Peserta nomor {n}</td><td>Unit kerja {n}</td></tr>"
        for n in range(rows)
    )
    return f"<table>{cells}</table>"


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.fixture
def two_renderers(settings):
    """Both renderers of the pool started, as in a process that has made PDFs before."""
    settings.PDF_RENDERERS = 2
    threads = [
        threading.Thread(target=html_to_pdf, args=("<p>siap</p>",), kwargs={"time_limit": 60})
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_an_enormous_document_is_stopped_while_another_render_finishes_meanwhile(two_renderers):
    outcome = {}

    def render_enormous():
        try:
            html_to_pdf(_enormous_table(), time_limit=3)
        except PdfNotMade as error:
            outcome["stopped_at"] = time.monotonic()
            outcome["message"] = error.messages[0]

    enormous = threading.Thread(target=render_enormous)
    enormous.start()
    time.sleep(0.5)  # the enormous one is being laid out
    pdf = html_to_pdf("<p>Daftar hadir biasa</p>", time_limit=60)
    finished_at = time.monotonic()
    enormous.join()

    assert "Daftar hadir biasa" in _text(pdf)
    assert finished_at < outcome["stopped_at"]
    assert outcome["message"] == (
        "Pembuatan PDF ini melebihi 3 detik sehingga dihentikan. Penyebab yang biasa adalah "
        "gambar yang sangat besar (logo, tanda tangan, atau latar) atau tabel yang sangat "
        "panjang: perkecil lalu coba lagi."
    )


def test_after_a_stopped_render_the_next_one_is_made(settings):
    with pytest.raises(PdfNotMade) as error:
        html_to_pdf(_enormous_table(), time_limit=0.5)
    assert error.value.code == "pdf_time_limit"

    assert "Sesudahnya" in _text(html_to_pdf("<p>Sesudahnya</p>", time_limit=60))


def _renderer_processes() -> list[int]:
    """Return the ids of this process's PDF renderers, as ps would list them."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and b"core.pdf_renderer" in command:
            found.append(int(stat.parent.name))
    return found


def test_a_renderer_killed_mid_render_gives_a_message_and_the_next_pdf_is_made(two_renderers):
    outcome = {}

    def render_enormous():
        try:
            html_to_pdf(_enormous_table(), time_limit=60)
        except PdfNotMade as error:
            outcome["code"], outcome["message"] = error.code, error.messages[0]

    enormous = threading.Thread(target=render_enormous)
    enormous.start()
    time.sleep(1)
    for pid in _renderer_processes():  # as the kernel's out-of-memory killer would
        os.kill(pid, signal.SIGKILL)
    enormous.join()

    assert outcome == {
        "code": "pdf_failed",
        "message": "PDF tidak dapat dibuat. Coba lagi; jika gagal lagi, beri tahu administrator.",
    }
    assert "Sesudahnya" in _text(html_to_pdf("<p>Sesudahnya</p>", time_limit=60))


def test_renderers_killed_while_idle_cost_the_next_pdf_nothing(two_renderers, monkeypatch):
    for pid in _renderer_processes():  # as the kernel's out-of-memory killer would
        os.kill(pid, signal.SIGKILL)
    # Taken before the kernel has reported them ended: the pool believes both alive.
    monkeypatch.setattr(subprocess.Popen, "poll", lambda process: None)

    pdf = html_to_pdf("<p>Daftar hadir sesi 2</p>", time_limit=60)

    assert "Daftar hadir sesi 2" in _text(pdf)


@pytest.mark.django_db
def test_a_certificate_preview_past_its_limit_tells_the_organiser_why(client, settings):
    CertificateSettingsFactory()
    training = finished_training(participants=1)
    client.force_login(organiser_user())
    enrolment = Enrolment.objects.get(training=training)
    settings.PDF_TIME_LIMIT_CERTIFICATE = 0.001

    response = client.get(reverse("certificates:preview", args=[training.pk, enrolment.pk]))

    assert response.status_code == 503
    assert STOPPED in response.text
    assert Certificate.objects.count() == 0


def test_a_pdf_that_weasyprint_cannot_make_gives_the_message_and_the_renderer_goes_on():
    with pytest.raises(PdfNotMade) as error:
        html_to_pdf("<p>x</p>", time_limit=60, stylesheets=("css/tidak-ada.css",))
    assert error.value.messages == [
        "PDF tidak dapat dibuat. Coba lagi; jika gagal lagi, beri tahu administrator."
    ]

    assert "Sesudahnya" in _text(html_to_pdf("<p>Sesudahnya</p>", time_limit=60))
