"""All of a training's certificates in one file: the organiser asks, the worker makes it in the
background, the page shows how far it is and offers the file once it is ready, and only while
it still holds the training's valid certificates."""

import datetime
import hashlib
import io
import os
import re
import zipfile

import pypdfium2 as pdfium
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from trainings.models import Enrolment
from certificates import exports, services, services_export
from certificates.models import Certificate, CertificateExport
from tests.factories import organiser_user, participant_user

from .factories import CertificateSettingsFactory, enrol, finished_training

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


@pytest.fixture
def training():
    """A finished training whose two participants hold their certificates, PDFs made."""
    CertificateSettingsFactory()
    training = finished_training(participants=2, code="PP-2022")
    services.issue_for_training(training=training)
    return training


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Click one of the bulk buttons; the worker runs once the request has committed."""

    def click(training, kind="zip"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("certificates:export_start", args=[training.pk, kind]))

    return click


@pytest.fixture
def worker_down(settings):
    """The background worker is not running: exports stay queued until it is called by hand."""
    settings.TASKS = DUMMY_TASKS


def _page(export):
    return reverse("certificates:export", args=[export.training_id, export.pk])


def _download(export):
    return reverse("certificates:export_download", args=[export.training_id, export.pk])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.text)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# The organiser's story -------------------------------------------------------------------------


def test_the_organiser_asks_for_a_zip_watches_it_finish_and_downloads_it(
    client, organiser, training, ask
):
    response = ask(training, "zip")

    export = CertificateExport.objects.get()
    assert response.headers["Location"] == _page(export)
    page = client.get(_page(export))
    assert page.status_code == 200
    assert "Siap" in page.text
    assert "2 / 2" in page.text
    assert 'http-equiv="refresh"' not in page.text  # finished: no more polling
    assert "2 sertifikat, dibuat pada" in _text(page)
    download = client.get(_download(export))
    assert (
        download.headers["Content-Disposition"] == 'attachment; filename="sertifikat-PP-2022.zip"'
    )
    assert download.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(_body(download)))
    certificates = Certificate.objects.order_by("sequence")
    assert archive.namelist() == [exports.pdf_filename(c) for c in certificates]
    assert archive.namelist()[0].startswith("800-001-BKPSDM-X-2022_")
    assert archive.read(archive.namelist()[0]) == certificates[0].pdf.read()


def test_the_merged_pdf_holds_every_certificate_in_number_order(client, organiser, training, ask):
    ask(training, "pdf")
    export = CertificateExport.objects.get()

    download = client.get(_download(export))

    assert (
        download.headers["Content-Disposition"] == 'attachment; filename="sertifikat-PP-2022.pdf"'
    )
    document = pdfium.PdfDocument(_body(download))
    try:
        assert len(document) == 4  # front and back of each
        first_page = document[0].get_textpage().get_text_range()
        last_front = document[2].get_textpage().get_text_range()
    finally:
        document.close()
    assert "800/001/BKPSDM/X/2022" in first_page
    assert "800/002/BKPSDM/X/2022" in last_front


def test_the_certificates_page_offers_the_ready_file_without_making_it_again(
    client, organiser, training, ask
):
    ask(training, "zip")
    export = CertificateExport.objects.get()

    page = client.get(reverse("certificates:training", args=[training.pk]))
    again = ask(training, "zip")

    assert "siap diunduh" in page.text
    assert _download(export) in page.text
    assert again.headers["Location"] == _download(export)  # sent at once
    assert CertificateExport.objects.count() == 1


def test_while_the_worker_has_not_started_the_page_waits_and_polls(
    client, organiser, training, ask, worker_down
):
    ask(training, "pdf")
    export = CertificateExport.objects.get()

    page = client.get(_page(export))

    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "0 / 2" in page.text
    assert "Menunggu pekerja latar belakang memulai…" in page.text
    assert (
        "sedang dibuat: 0 dari 2"
        in client.get(reverse("certificates:training", args=[training.pk])).text
    )
    # The file is not there yet: its download link leads back to the progress page.
    assert client.get(_download(export)).headers["Location"] == _page(export)


def test_the_page_shows_n_of_n_while_the_worker_goes(client, organiser, monkeypatch, ask):
    CertificateSettingsFactory()
    training = finished_training(participants=3)
    services.issue_for_training(training=training)
    monkeypatch.setattr(services_export, "PROGRESS_EVERY", 0)
    seen = []

    def watching_writer(certificates, out):
        export = CertificateExport.objects.get()
        for certificate in certificates:
            seen.append(client.get(_page(export)).text)
            with certificate.pdf.open("rb") as pdf:
                out.write(pdf.read())

    monkeypatch.setitem(services_export.WRITERS, "zip", watching_writer)

    ask(training, "zip")

    assert ["0 / 3" in seen[0], "1 / 3" in seen[1], "2 / 3" in seen[2]] == [True] * 3
    assert all('http-equiv="refresh"' in text for text in seen)
    assert "Sertifikat yang PDF-nya belum ada sedang dibuat satu per satu." in seen[0]
    assert CertificateExport.objects.get().status == "done"


def test_a_second_click_joins_the_file_being_made(client, organiser, training, ask, worker_down):
    first = ask(training, "zip")
    second = ask(training, "zip")

    assert first.headers["Location"] == second.headers["Location"]
    assert CertificateExport.objects.count() == 1


def test_the_worker_makes_the_pdfs_a_failed_rendering_left_missing(client, organiser, ask):
    CertificateSettingsFactory()
    training = finished_training(participants=2)
    services.issue_for_training(training=training, render=False)  # PDFs queued, not made
    assert not any(c.has_pdf for c in Certificate.objects.all())

    ask(training, "zip")

    export = CertificateExport.objects.get()
    assert export.status == "done"
    assert all(c.has_pdf for c in Certificate.objects.all())
    archive = zipfile.ZipFile(io.BytesIO(_body(client.get(_download(export)))))
    assert len(archive.namelist()) == 2


@pytest.mark.parametrize("kind", ["zip", "pdf"])
def test_a_certificate_pdf_missing_from_storage_is_made_again_for_the_file(
    client, organiser, training, ask, kind, caplog
):
    lost = Certificate.objects.order_by("sequence").first()
    lost.pdf.storage.delete(lost.pdf.name)  # a backup restored without the PDFs

    ask(training, kind)

    export = CertificateExport.objects.get()
    assert export.status == "done"
    assert client.get(_download(export)).status_code == 200
    lost.refresh_from_db()
    assert lost.pdf.storage.exists(lost.pdf.name)
    assert hashlib.sha256(lost.pdf.read()).hexdigest() == lost.sha256
    assert f"PDF of certificate {lost.number} was missing" in caplog.text


def test_a_pdf_that_cannot_be_made_fails_the_file_with_a_clear_message(
    client, organiser, monkeypatch, ask
):
    CertificateSettingsFactory()
    training = finished_training(participants=2)
    services.issue_for_training(training=training, render=False)

    def broken(**kwargs):
        raise OSError("the logo cannot be read")

    monkeypatch.setattr(services, "render_certificate", broken)

    ask(training, "pdf")

    export = CertificateExport.objects.get()
    assert (export.status, export.error, bool(export.file)) == ("failed", "pdf", False)
    page = client.get(_page(export))
    assert "Gagal" in page.text
    assert (
        "PDF sertifikat 800/001/BKPSDM/X/2022 gagal dibuat sehingga berkas tidak akan lengkap. "
        "Periksa pengaturan sertifikat (logo, gambar latar, gambar tanda tangan), lalu coba lagi."
    ) in _text(page)
    assert "Buat berkas lagi" in page.text
    assert (
        "gagal: lihat sebabnya"
        in client.get(reverse("certificates:training", args=[training.pk])).text
    )
    assert client.get(_download(export)).headers["Location"] == _page(export)

    monkeypatch.undo()
    ask(training, "pdf")

    retry = CertificateExport.objects.get()  # the failed one made way for it
    assert (retry.status, retry.done, retry.total) == ("done", 2, 2)


# A file made before the certificates changed -----------------------------------------------------


def _revoke_first(training):
    services.revoke_certificate(
        certificate=Certificate.objects.order_by("sequence").first(), by=None, reason="Salah orang"
    )


def _correct_first(training):
    services.reissue_certificate(
        certificate=Certificate.objects.order_by("sequence").first(), by=None, note="Nama"
    )


def _issue_one_more(training):
    enrolment = enrol(training, name="Peserta Susulan")
    services.override_eligibility(enrolment=enrolment, reason="Hadir via daring", by=None)
    services.issue_certificate(enrolment_id=enrolment.pk)


@pytest.mark.parametrize("change", [_revoke_first, _correct_first, _issue_one_more])
def test_a_file_made_before_the_certificates_changed_is_not_served(
    client, organiser, training, ask, change
):
    ask(training, "zip")
    old = CertificateExport.objects.get()
    change(training)

    download = client.get(_download(old))
    page = client.get(_page(old))
    certificates_page = client.get(reverse("certificates:training", args=[training.pk]))

    assert download.headers["Location"] == _page(old)
    assert _messages(download) == [
        "Sertifikat sudah berubah sejak berkas ini dibuat, jadi berkas ini sudah tidak berlaku. "
        "Silakan buat berkas baru."
    ]
    assert "Sudah tidak berlaku" in page.text
    assert "Unduh (" not in page.text
    assert _download(old) not in certificates_page.text


def test_asking_again_after_a_revoke_makes_a_new_file_and_removes_the_old_one(
    client, organiser, training, ask
):
    ask(training, "zip")
    old = CertificateExport.objects.get()
    old_file = old.file.path
    _revoke_first(training)

    response = ask(training, "zip")

    new = CertificateExport.objects.get()  # the old row is gone with its file
    assert new.pk != old.pk
    assert response.headers["Location"] == _page(new)
    assert (new.status, new.total) == ("done", 1)
    assert not os.path.exists(old_file)
    archive = zipfile.ZipFile(io.BytesIO(_body(client.get(_download(new)))))
    assert archive.namelist() == [exports.pdf_filename(Certificate.objects.get(status="valid"))]


def test_a_change_while_the_file_is_made_cancels_it_for_a_new_one(
    client, organiser, training, ask, worker_down
):
    ask(training, "zip")
    first = CertificateExport.objects.get()
    _revoke_first(training)

    ask(training, "zip")
    services_export.build_export(export_id=first.pk)  # the task of the first, delivered late

    first.refresh_from_db()
    second = CertificateExport.objects.exclude(pk=first.pk).get()
    assert (first.status, bool(first.file)) == ("cancelled", False)
    assert (second.status, second.total) == ("queued", 1)
    page = client.get(_page(first))
    assert "berkas yang lebih baru menggantikannya" in _text(page)


def test_the_worker_stops_when_its_file_is_cancelled_part_way(
    organiser, monkeypatch, ask, settings, tmp_path
):
    CertificateSettingsFactory()
    training = finished_training(participants=3)
    services.issue_for_training(training=training)
    monkeypatch.setattr(services_export, "PROGRESS_EVERY", 0)
    handed = []

    def writer_during_which_a_revoke_comes(certificates, out):
        for certificate in certificates:
            handed.append(certificate.pk)
            # The organiser revokes a certificate and asks again, in another request.
            CertificateExport.objects.filter(status="running").update(status="cancelled")

    monkeypatch.setitem(services_export.WRITERS, "zip", writer_during_which_a_revoke_comes)

    ask(training, "zip")

    export = CertificateExport.objects.get()
    assert len(handed) == 1
    assert (export.status, bool(export.file)) == ("cancelled", False)
    assert not list((tmp_path / "media").glob("certificates/exports/*/*"))


def test_a_worker_that_died_part_way_makes_way_for_a_new_file(
    client, organiser, training, ask, worker_down
):
    ask(training, "zip")
    stuck = CertificateExport.objects.get()
    CertificateExport.objects.filter(pk=stuck.pk).update(
        status="running", heartbeat_at=timezone.now() - datetime.timedelta(minutes=11)
    )

    ask(training, "zip")

    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", "interrupted")
    assert CertificateExport.objects.filter(status="queued").count() == 1
    assert (
        "Proses latar belakang terhenti sebelum berkas selesai dibuat."
        in client.get(_page(stuck)).text
    )


def test_files_older_than_the_keeping_time_are_removed(organiser, training, ask, settings):
    settings.CERTIFICATES_EXPORT_KEEP_DAYS = 7
    ask(training, "zip")
    old = CertificateExport.objects.get()
    old_file = old.file.path
    CertificateExport.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=8)
    )
    other = finished_training(participants=1)
    services.issue_for_training(training=other)

    ask(other, "pdf")

    assert list(CertificateExport.objects.values_list("training", flat=True)) == [other.pk]
    assert not os.path.exists(old_file)


def test_a_ready_file_gone_from_storage_is_made_again(client, organiser, training, ask):
    ask(training, "zip")
    lost = CertificateExport.objects.get()
    lost.file.storage.delete(lost.file.name)  # a backup restored without the exports

    response = ask(training, "zip")

    new = CertificateExport.objects.get()
    assert new.pk != lost.pk
    assert response.headers["Location"] == _page(new)
    assert new.status == "done"
    assert client.get(_download(new)).status_code == 200


def test_without_valid_certificates_there_is_nothing_to_make(client, organiser, ask):
    CertificateSettingsFactory()
    training = finished_training(participants=1)

    response = ask(training, "zip")

    assert response.headers["Location"] == reverse("certificates:training", args=[training.pk])
    assert _messages(response) == [
        "Belum ada sertifikat yang berlaku untuk dimasukkan ke dalam berkas."
    ]
    assert not CertificateExport.objects.exists()


def test_an_unknown_kind_of_file_is_not_found(client, organiser, training):
    response = client.post(reverse("certificates:export_start", args=[training.pk, "docx"]))

    assert response.status_code == 404


def test_the_file_sits_in_an_unguessable_folder_of_the_media_storage(organiser, training, ask):
    ask(training, "zip")

    export = CertificateExport.objects.get()
    assert re.fullmatch(r"certificates/exports/[\w-]{22}/sertifikat-PP-2022\.zip", export.file.name)
    assert export.file_size == export.file.size


# Who may ask and download ----------------------------------------------------------------------


def _ready_export(training, capture):
    with capture(execute=True):
        export = services_export.start_export(training=training, kind="zip", by=None)
    export.refresh_from_db()
    assert export.status == "done"
    return export


@pytest.fixture
def ready_export(training, django_capture_on_commit_callbacks):
    return _ready_export(training, django_capture_on_commit_callbacks)


def test_a_participant_holding_a_certificate_gets_nothing_of_the_file(
    client, django_capture_on_commit_callbacks
):
    user = participant_user()
    CertificateSettingsFactory()
    training = finished_training(participants=2)
    enrolment = Enrolment.objects.filter(training=training).first()
    enrolment.employee = user.employee
    enrolment.save()
    services.issue_for_training(training=training)
    export = _ready_export(training, django_capture_on_commit_callbacks)
    client.force_login(user)

    start = client.post(reverse("certificates:export_start", args=[training.pk, "zip"]))

    assert start.status_code == 403
    assert client.get(_page(export)).status_code == 403
    assert client.get(_download(export)).status_code == 403
    assert CertificateExport.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, ready_export):
    for response in (
        client.post(reverse("certificates:export_start", args=[ready_export.training_id, "zip"])),
        client.get(_page(ready_export)),
        client.get(_download(ready_export)),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/akun/login/")


def test_a_file_is_only_found_under_its_own_training(client, organiser, ready_export):
    other = finished_training(participants=1)

    response = client.get(reverse("certificates:export_download", args=[other.pk, ready_export.pk]))

    assert response.status_code == 404
