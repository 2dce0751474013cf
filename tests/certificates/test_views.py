"""The certificate pages: organisers issue and hand out, participants download their own."""

import datetime
import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone
from openpyxl import load_workbook

from trainings.models import Enrolment
from certificates import services, services_export
from certificates.models import Certificate
from tests.factories import organiser_user, participant_user

from .factories import CertificateSettingsFactory, finished_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


@pytest.fixture
def training():
    CertificateSettingsFactory()
    return finished_training(participants=2)


def _issue_all(training):
    return services.issue_for_training(training=training)


def _training_url(training, name="certificates:training"):
    return reverse(name, args=[training.pk])


# The organiser's page -------------------------------------------------------------------------


def test_the_page_lists_who_receives_a_certificate_and_why_not(client, organiser, training):
    from .factories import enrol

    absent = enrol(training, name="Tidak Hadir")

    response = client.get(_training_url(training))

    assert response.status_code == 200
    assert absent.employee.full_name in response.text
    assert "Hadir 0 dari 3 sesi; minimal 100%." in response.text
    assert "Terbitkan 2 sertifikat" in response.text


@pytest.mark.parametrize("participants", [1, 3])
def test_the_page_runs_a_fixed_number_of_queries(
    client, organiser, participants, django_assert_num_queries, django_capture_on_commit_callbacks
):
    CertificateSettingsFactory()
    training = finished_training(participants=participants)
    _issue_all(training)
    first = Certificate.objects.first()
    services.reissue_certificate(certificate=first, by=None, note="Koreksi")
    with django_capture_on_commit_callbacks(execute=True):
        for kind in ("zip", "pdf"):
            services_export.start_export(training=training, kind=kind, by=organiser)
    client.get(_training_url(training))  # warm the session and permission caches

    # 16 before the list had its tools, and the units of the unit filter.
    with django_assert_num_queries(17):
        response = client.get(_training_url(training))

    assert response.status_code == 200


def test_participants_cannot_open_the_organisers_pages(client, training):
    client.force_login(participant_user())

    assert client.get(_training_url(training)).status_code == 403
    assert client.post(_training_url(training, "certificates:issue")).status_code == 403


def test_issuing_runs_in_the_background_and_shows_its_progress(
    client, organiser, training, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_training_url(training, "certificates:issue"))

    assert response.status_code == 302
    progress = client.get(response.headers["Location"])
    assert "2 / 2" in progress.text
    assert 'http-equiv="refresh"' not in progress.text  # finished: no more polling
    assert Certificate.objects.filter(status="valid").count() == 2


def test_a_run_in_progress_polls(client, organiser, training, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    run = services.start_issue_run(training=training, by=organiser)

    response = client.get(reverse("certificates:run", args=[training.pk, run.pk]))

    assert '<meta http-equiv="refresh" content="2">' in response.text
    assert "0 / 2" in response.text


def test_a_preview_issues_nothing(client, organiser, training):
    enrolment = Enrolment.objects.filter(training=training).first()

    response = client.get(reverse("certificates:preview", args=[training.pk, enrolment.pk]))

    assert response.headers["Content-Type"] == "application/pdf"
    assert Certificate.objects.count() == 0


def test_an_override_is_shown_with_its_reason(client, organiser, training):
    from .factories import enrol

    absent = enrol(training)

    client.post(
        reverse("certificates:override", args=[training.pk, absent.pk]), {"reason": "Tugas negara"}
    )

    response = client.get(_training_url(training))
    assert "Alasan: Tugas negara" in response.text
    assert "Terbitkan 3 sertifikat" in response.text


def test_correcting_and_revoking_from_the_page(client, organiser, training):
    _issue_all(training)
    first, second = Certificate.objects.order_by("sequence")

    client.post(reverse("certificates:reissue", args=[first.pk]), {"reason": "Nama salah"})
    client.post(reverse("certificates:revoke", args=[second.pk]), {"reason": "Tidak berhak"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.replaced_by.version) == ("replaced", 2)
    assert (second.status, second.revoked_reason) == ("revoked", "Tidak berhak")


def test_a_revoked_participant_is_not_offered_again_but_can_be_re_issued_with_a_reason(
    client, organiser, training
):
    _issue_all(training)
    revoked = Certificate.objects.order_by("sequence").first()
    client.post(reverse("certificates:revoke", args=[revoked.pk]), {"reason": "Tidak berhak"})

    page = client.get(_training_url(training))
    assert "Terbitkan 1 sertifikat" not in page.text
    assert "2 memenuhi syarat · 1 sudah terbit · 1 dicabut · 0 tidak memenuhi syarat" in page.text
    assert reverse("certificates:reissue_revoked", args=[revoked.pk]) in page.text

    refused = client.post(
        reverse("certificates:reissue_revoked", args=[revoked.pk]), {"reason": ""}, follow=True
    )
    assert "Sebutkan alasan penerbitan ulang." in refused.text
    assert Certificate.objects.filter(status="valid").count() == 1
    client.post(reverse("certificates:reissue_revoked", args=[revoked.pk]), {"reason": "Banding"})
    again = Certificate.objects.get(enrolment=revoked.enrolment, status="valid")
    assert again.correction_note == "Banding"


def test_issuing_from_a_stale_page_leaves_the_revoked_out_and_says_so(
    client, organiser, training
):
    _issue_all(training)
    revoked = Certificate.objects.order_by("sequence").first()
    services.revoke_certificate(certificate=revoked, by=organiser, reason="Tidak berhak")

    # A tab opened before the revocation still offers "Terbitkan 1 sertifikat".
    response = client.post(_training_url(training, "certificates:issue"), follow=True)

    assert response.redirect_chain[-1][0] == _training_url(training)
    assert (
        "Tidak ada sertifikat yang perlu diterbitkan. 1 peserta yang sertifikatnya dicabut "
        "tidak diterbitkan lagi; terbitkan ulang satu per satu dengan alasan."
    ) in response.text
    assert Certificate.objects.filter(status="valid").count() == 1


# Downloads -------------------------------------------------------------------------------------


def test_a_participant_downloads_their_own_certificate(client, training):
    user = participant_user()
    enrolment = Enrolment.objects.filter(training=training).first()
    enrolment.employee = user.employee
    enrolment.save()
    _issue_all(training)
    own = Certificate.objects.get(enrolment=enrolment)
    client.force_login(user)

    response = client.get(reverse("certificates:mine_download", args=[own.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == own.pdf.open("rb").read()


def test_a_pdf_missing_from_storage_is_made_again_on_download(client, organiser, training, caplog):
    user = participant_user()
    enrolment = Enrolment.objects.filter(training=training).first()
    enrolment.employee = user.employee
    enrolment.save()
    _issue_all(training)
    own = Certificate.objects.get(enrolment=enrolment)
    own.pdf.storage.delete(own.pdf.name)

    organisers = client.get(reverse("certificates:download", args=[own.pk]))
    assert organisers.status_code == 200
    client.force_login(user)
    participants = client.get(reverse("certificates:mine_download", args=[own.pk]))

    own.refresh_from_db()
    stored = own.pdf.open("rb").read()
    assert b"".join(participants.streaming_content) == stored
    assert b"".join(organisers.streaming_content) == stored
    assert hashlib.sha256(stored).hexdigest() == own.sha256
    assert f"PDF of certificate {own.number} was missing" in caplog.text


def test_nobody_downloads_another_participants_certificate(client, training):
    _issue_all(training)
    someone_elses = Certificate.objects.first()
    client.force_login(participant_user())

    assert (
        client.get(reverse("certificates:mine_download", args=[someone_elses.pk])).status_code
        == 404
    )
    assert client.get(reverse("certificates:download", args=[someone_elses.pk])).status_code == 403


def test_the_siasn_export_has_bkns_columns(client, organiser, training):
    _issue_all(training)
    first = Certificate.objects.order_by("sequence").first()

    response = client.get(_training_url(training, "certificates:export_siasn"))

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "NIP",
        "Nama",
        "Jenis Kursus",
        "Nama Kursus",
        "Lama (JP)",
        "Tanggal Kursus",
        "Tanggal Selesai",
        "Nomor Sertifikat",
        "Instansi",
        "Penyelenggara",
    )
    assert len(rows) == 3
    assert rows[1][0] == first.enrolment.employee.nip
    assert rows[1][2:5] == ("Bimbingan Teknis", "Bimbingan Teknis Pelayanan Prima", 6)
    assert rows[1][7:] == ("800/001/BKPSDM/X/2022", "Pemerintah Kota Magelang", "BKPSDM")


# Public verification ---------------------------------------------------------------------------


def _verify_url(certificate):
    return reverse("verify:certificate", args=[certificate.code])


def _visible_text(response) -> str:
    """Return the page's text as a visitor reads it: no tags, no attributes, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]*>", " ", response.text).split())


def test_a_valid_certificate_is_confirmed_without_login(client, training):
    _issue_all(training)
    certificate = Certificate.objects.first()

    response = client.get(_verify_url(certificate))

    assert response.status_code == 200
    assert "Sertifikat ini sah." in response.text
    assert certificate.snapshot["name"] in response.text
    nip = certificate.enrolment.employee.nip
    assert nip not in response.text.replace(" ", "")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_the_check_shows_name_training_dates_number_and_issuer_but_no_nip(client):
    CertificateSettingsFactory()
    training = finished_training(title="Bimtek Pelayanan Publik")
    employee = training.enrolments.get().employee
    employee.nip, employee.name = "198609262015051001", "Sari Wulandari"
    employee.gelar_depan, employee.gelar_belakang = "Dr.", "S.E."
    employee.save()
    _issue_all(training)
    certificate = Certificate.objects.get()

    text = _visible_text(client.get(_verify_url(certificate)))

    assert "Dr. Sari Wulandari, S.E." in text
    assert "Bimtek Pelayanan Publik" in text
    assert certificate.snapshot["dates"] in text
    assert certificate.number in text
    assert certificate.snapshot["issuer"] in text
    assert "NIP" not in text
    assert "1986" not in text  # the birth year
    assert "0926" not in text  # the birth month and day
    assert "*" not in text  # no masked fragment either
    assert certificate.enrolment.employee.jabatan not in text
    assert certificate.enrolment.employee.unit.name not in text


def test_a_code_typed_with_dashes_and_lowercase_is_found(client, training):
    _issue_all(training)
    certificate = Certificate.objects.first()

    response = client.get(reverse("verify:certificate", args=[certificate.code_display.lower()]))

    assert response.status_code == 200


def test_a_revoked_certificate_says_so_in_general_words_without_the_reason(client, training):
    _issue_all(training)
    certificate = services.revoke_certificate(
        certificate=Certificate.objects.first(), by=None, reason="Data palsu milik Budi"
    )

    response = client.get(_verify_url(certificate))

    text = _visible_text(response)
    assert "Sertifikat ini telah dicabut oleh penerbit." in text
    assert "Data palsu milik Budi" not in response.text
    assert "Budi" not in response.text
    assert "Alasan" not in text
    assert certificate.number in text


def test_a_replaced_certificate_links_to_the_new_version(client, training):
    _issue_all(training)
    old = Certificate.objects.first()
    new = services.reissue_certificate(certificate=old, by=None, note="Nama")

    response = client.get(_verify_url(old))

    assert "telah diganti" in response.text
    assert _verify_url(new) in response.text


@pytest.mark.parametrize("code", ["ABCDEFGHJKMN", "0000", "abc%27--", "X" * 40])
def test_an_unknown_code_is_not_found(client, training, code):
    _issue_all(training)

    response = client.get(reverse("verify:certificate", args=[code]))

    assert response.status_code == 404
    assert "Sertifikat tidak ditemukan" in response.text


def test_checks_are_limited_per_address(client, training, settings):
    settings.CERTIFICATES_VERIFY_PER_MINUTE = 3
    _issue_all(training)
    url = _verify_url(Certificate.objects.first())

    statuses = [client.get(url).status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 429, 429]


def test_a_limited_address_is_told_to_retry_in_a_minute_and_others_still_check(
    client, training, settings
):
    settings.CERTIFICATES_VERIFY_PER_MINUTE = 2
    _issue_all(training)
    url = _verify_url(Certificate.objects.first())
    for _check in range(2):
        client.get(url, REMOTE_ADDR="10.9.8.7")

    refused = client.get(url, REMOTE_ADDR="10.9.8.7")
    other = client.get(url, REMOTE_ADDR="10.9.8.6")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert other.status_code == 200


def test_an_uploaded_copy_of_the_issued_pdf_matches(client, training):
    _issue_all(training)
    certificate = Certificate.objects.first()
    original = certificate.pdf.open("rb").read()

    response = client.post(
        _verify_url(certificate), {"pdf": SimpleUploadedFile("s.pdf", original, "application/pdf")}
    )

    assert "Berkas yang diunggah sama persis dengan sertifikat yang kami terbitkan." in response.text


def test_an_edited_pdf_does_not_match(client, training):
    _issue_all(training)
    certificate = Certificate.objects.first()
    edited = certificate.pdf.open("rb").read() + b"\n%edited"

    response = client.post(
        _verify_url(certificate), {"pdf": SimpleUploadedFile("s.pdf", edited, "application/pdf")}
    )

    text = _visible_text(response)
    verdict = text.index("Berkas yang diunggah BUKAN sertifikat yang kami terbitkan.")
    # The failed check is the first thing on the page, above the record's own status.
    assert verdict < text.index("Sertifikat ini sah.")
    assert "Cek keaslian sertifikat Berkas yang diunggah BUKAN" in text  # right under the title
    assert 'role="alert"' in response.text


def test_the_page_shows_the_date_printed_on_the_certificate(client, training):
    _issue_all(training)
    certificate = Certificate.objects.first()
    signed_on = datetime.date.fromisoformat(certificate.snapshot["signed_on"])
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(9)))
        + datetime.timedelta(days=400)
    )

    text = _visible_text(client.get(_verify_url(certificate)))

    printed = formats.date_format(signed_on, "j F Y")
    recorded = formats.date_format(signed_on + datetime.timedelta(days=400), "j F Y")
    assert f"Tanggal sertifikat {printed}" in text
    assert f"Dicatat di Bimtek pada {recorded}" in text


def test_a_certificate_recorded_on_its_own_date_shows_one_date(client, training):
    _issue_all(training)
    certificate = Certificate.objects.first()
    signed_on = datetime.date.fromisoformat(certificate.snapshot["signed_on"])
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(9)))
    )

    text = _visible_text(client.get(_verify_url(certificate)))

    assert "Tanggal sertifikat" in text
    assert "Dicatat di Bimtek" not in text


def test_a_too_large_upload_is_refused(client, training, settings):
    settings.CERTIFICATES_MAX_CHECK_BYTES = 1000
    _issue_all(training)

    response = client.post(
        _verify_url(Certificate.objects.first()),
        {"pdf": SimpleUploadedFile("big.pdf", b"x" * 2000, "application/pdf")},
    )

    assert "Berkas lebih besar dari" in response.text
    assert "sama persis dengan sertifikat" not in response.text


def test_a_huge_upload_is_refused_before_it_is_read(client, training, settings):
    settings.CERTIFICATES_MAX_CHECK_BYTES = 1000
    _issue_all(training)

    response = client.post(
        _verify_url(Certificate.objects.first()),
        {"pdf": SimpleUploadedFile("big.pdf", b"x" * 200_000, "application/pdf")},
    )

    assert "Berkas lebih besar dari" in response.text


def test_the_lookup_form_leads_to_the_certificate(client, training):
    _issue_all(training)
    certificate = Certificate.objects.first()

    response = client.post(reverse("verify:lookup"), {"code": certificate.code_display})

    assert response.headers["Location"] == _verify_url(certificate)


def test_pelatihan_saya_links_each_finished_training_to_the_own_certificate(client, training):
    user = participant_user()
    enrolment = Enrolment.objects.filter(training=training).first()
    enrolment.employee = user.employee
    enrolment.save()
    _issue_all(training)
    client.force_login(user)
    link = reverse("certificates:mine_for_enrolment", args=[enrolment.pk])

    page = client.get(reverse("trainings:my_trainings"))
    download = client.get(link)

    assert link in page.text
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"


def test_the_link_of_someone_elses_enrolment_gives_nothing(client, training):
    _issue_all(training)
    client.force_login(participant_user())
    other = Enrolment.objects.filter(training=training).first()

    response = client.get(reverse("certificates:mine_for_enrolment", args=[other.pk]))

    assert response.status_code == 404
    assert "Sertifikat belum diterbitkan" in response.text


@pytest.mark.parametrize("trainings", [1, 3])
def test_the_training_list_runs_a_fixed_number_of_queries(
    client, organiser, trainings, django_assert_num_queries
):
    for _ in range(trainings):
        _issue_all(finished_training(participants=2))
    client.get(reverse("certificates:training_list"))

    with django_assert_num_queries(6):
        response = client.get(reverse("certificates:training_list"))

    assert response.text.count("2 / 2") == trainings


def test_participants_cannot_list_the_trainings(client):
    client.force_login(participant_user())

    assert client.get(reverse("certificates:training_list")).status_code == 403
