"""A whole training in a real browser, as the people who run it and sit it use the pages.

The admin imports the staff list; an organiser sets up a two-session training, enrols people and
puts the check-in code on the projector; a participant activates their account on a phone,
checks in, sits the pre-test (losing the connection half-way), the post-test and the evaluation;
the organiser closes the session, prints the daftar hadir, issues the certificates and fetches
them all in one PDF; the participant downloads theirs and a stranger verifies it from its QR code.

Only what is not part of this story is made directly: the accounts of the admin and the
organiser, the organising unit, the question bank with its two tests, the evaluation form and
the certificate signer. Everything else goes through the pages, in one test, in order.
"""

import datetime
import io
import re
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from assessments.services import configure_assessment
from trainings.models import Training
from certificates.models import CertificateSettings
from participants.models import Unit
from tests.assessments.factories import make_question
from tests.evaluations.factories import evaluation_form
from tests.factories import admin_user, organiser_user

from .browser import LAPTOP, PHONE, Findings, Person, read_qr, t, tn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STAFF_FILE = "fixtures/contoh_impor_bersih.csv"
PARTICIPANT = "Sri Mulyani"  # a row of that file, with her own email address
OTHER = "Dwi Ratna Sari"  # another row: she sends word she is ill
ABSENT = "Ahmad Ma'ruf"  # and one who does not come
PASSWORD = "rahasia-123"
NEW_PASSWORD = "Tidar-Utara-2026"
QUESTIONS = 5
NOT_RELEASED = "Your score appears here when the organiser releases the results."


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in document)
    finally:
        document.close()


def _pdf_qr(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return read_qr(buffer.getvalue())


def _first_session_times():
    """A session that started five minutes ago (WIB), so its check-in window is open now."""
    start = timezone.localtime() - datetime.timedelta(minutes=5)
    end = min(start + datetime.timedelta(minutes=90), start.replace(hour=23, minute=59))
    return start.date(), start.strftime("%H:%M"), end.strftime("%H:%M")


def _download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    return open(info.value.path(), "rb").read()


def _fetch(page, url) -> tuple[str, bytes]:
    """GET a file with the person's cookies, as the browser would when following a link."""
    response = page.request.get(url)
    assert response.ok, f"{url}: {response.status}"
    return response.headers.get("content-type", ""), response.body()


def _menu(page, link: str) -> None:
    """Follow a link of the menu, opening it first where a phone folds it into a button."""
    if page.locator(".menu-button").is_visible():
        page.locator(".menu-button").click()
    page.get_by_role("navigation").get_by_role("link", name=link).click()


def _log_in(person: Person, login: str, password: str) -> None:
    page = person.page
    page.goto("/akun/login/")
    page.get_by_label(t("NIP or email")).fill(login)
    page.get_by_label(t("Password"), exact=True).fill(password)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log in"))).to_have_count(0)


@pytest.fixture
def findings():
    return Findings()


@pytest.fixture
def people(browser, live_server, screenshots, axe_script, findings):
    made = []

    def person(name, device):
        made.append(
            Person(
                browser,
                name=name,
                device=device,
                base_url=live_server.url,
                screenshots=screenshots,
                axe=axe_script,
                findings=findings,
            )
        )
        return made[-1]

    yield person
    for each in made:
        each.close()


def test_a_training_from_the_staff_import_to_the_verified_certificate(people, findings, settings):
    settings.SITE_URL = ""  # links in QR codes and emails point at this test server
    admin_user(username="admin", password=PASSWORD)
    organiser_user(username="penyelenggara", password=PASSWORD)
    Unit.objects.create(name="BKPSDM Kota Magelang", kind=Unit.Kind.LAINNYA)
    CertificateSettings.objects.create(
        training=None,
        signer_name="Drs. Haryo Wibowo, M.M.",
        signer_position="Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        signer_pangkat="Pembina Utama Muda",
        signer_nip="196805121994031006",
    )

    admin = people("admin", LAPTOP)
    organiser = people("organiser", LAPTOP)
    participant = people("participant", PHONE)

    # The admin imports the staff list: upload, preview, confirm. ---------------------------
    _log_in(admin, "admin", PASSWORD)
    page = admin.page
    page.get_by_role("navigation").get_by_role("link", name=t("Import staff")).click()
    admin.look("admin-import-upload")
    page.get_by_label(t("Staff list file")).set_input_files(STAFF_FILE)
    page.get_by_label(t("Create missing units")).check()
    page.get_by_role("button", name=t("Upload and check")).click()
    expect(page.get_by_role("heading", name=t("2. Check the preview"))).to_be_visible()
    expect(page.locator("#import-rows").get_by_text(PARTICIPANT).first).to_be_visible()
    admin.look("admin-import-preview")
    page.locator(".import-confirm").get_by_role("button").click()
    expect(page.get_by_role("link", name=t("Go to the staff list"))).to_be_visible()
    admin.look("admin-import-result")
    page.get_by_role("link", name=t("Go to the staff list")).click()
    expect(page.get_by_role("link", name=PARTICIPANT)).to_be_visible()

    # The organiser creates the training with two sessions. -------------------------------
    _log_in(organiser, "penyelenggara", PASSWORD)
    page = organiser.page
    day, starts, ends = _first_session_times()
    page.get_by_role("navigation").get_by_role("link", name=t("Trainings")).click()
    page.get_by_role("link", name=t("New training")).click()
    organiser.look("training-form")
    page.get_by_label(t("Code"), exact=True).fill("BIMTEK-E2E-2026")
    page.get_by_label(t("Title"), exact=True).fill("Bimtek Pelayanan Prima")
    page.get_by_label(t("Organising unit")).select_option(label="BKPSDM Kota Magelang")
    page.get_by_label(t("Venue")).fill("Aula BKPSDM")
    page.get_by_label(t("Start date")).fill(day.isoformat())
    page.get_by_label(t("End date")).fill((day + datetime.timedelta(days=1)).isoformat())
    page.get_by_label(t("Minimum attendance for a certificate (%)")).fill("50")
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_role("heading", name="Bimtek Pelayanan Prima")).to_be_visible()

    sessions = [
        ("Pelayanan publik dan UU 25/2009", day, starts, ends),
        ("Budaya 5S dan BerAKHLAK", day + datetime.timedelta(days=1), "08:00", "09:30"),
    ]
    for topic, date, start, end in sessions:
        page.get_by_role("link", name=t("Add a session")).click()
        page.get_by_label(t("Topic")).fill(topic)
        page.get_by_label(t("Date"), exact=True).fill(date.isoformat())
        page.get_by_label(t("Start time")).fill(start)
        page.get_by_label(t("End time")).fill(end)
        page.get_by_label(t("Name without titles")).fill("Haryo Wibowo")
        if topic == sessions[0][0]:
            organiser.look("session-form")
        page.get_by_role("button", name=t("Save")).click()
        expect(page.get_by_role("cell", name=topic)).to_be_visible()
    page.get_by_role("button", name=t("Open enrolment")).click()
    organiser.look("training-detail")

    # ...enrols two people from the directory (their invitations go out by email)...
    page.get_by_role("link", name=t("Participants and enrolment")).click()
    page.get_by_role("link", name=t("Enrol from the directory")).click()
    page.get_by_label(PARTICIPANT).check()
    page.get_by_label(OTHER).check()
    page.get_by_label(ABSENT).check()
    organiser.look("enrol-from-directory")
    page.get_by_role("button", name=t("Enrol the ticked people")).click()
    page.get_by_role("link", name=t("Back to the participants")).click()
    for name in (PARTICIPANT, OTHER, ABSENT):  # the name's cell, not its "Pilih …" box
        expect(page.get_by_role("cell", name=re.compile(f"^{re.escape(name)}"))).to_be_visible()
    organiser.look("enrolment-list")
    page.get_by_role("link", name="BIMTEK-E2E-2026 – Bimtek Pelayanan Prima").click()
    page.get_by_role("button", name=t("Start the training")).click()

    # Set-up outside the story: the question bank, its two tests and the evaluation form.
    training = Training.objects.get(code="BIMTEK-E2E-2026")
    for number in range(QUESTIONS):
        make_question(training=training, correct=0, text=f"Soal pelayanan prima {number + 1}?")
    now = timezone.now()
    for kind in (Assessment.Kind.PRE, Assessment.Kind.POST):
        configure_assessment(
            training=training,
            kind=kind,
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(hours=3),
            time_limit_minutes=20,
        )
    evaluation_form(training=training, is_anonymous=True, required_for_certificate=True)

    # The participant activates the account from the invitation email, on a phone. ----------
    (invitation,) = [m for m in mail.outbox if "sri.mulyani@" in m.to[0]]
    activation_link = re.search(r"\S*/aktivasi/\S+/", invitation.body).group(0)
    page = participant.page
    page.goto(urlsplit(activation_link).path)
    participant.look("activate")
    page.get_by_label(t("New password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(t("New password (again)")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=t("Activate my account")).click()
    participant.look("home-participant")
    page.get_by_role("button", name=t("Log out")).click()
    nip = "199201282019122186"
    _log_in(participant, nip, NEW_PASSWORD)

    # The organiser puts the check-in code on the projector... --------------------------------
    # (read just before the participant scans it: a code lives 30 to 60 seconds)
    page = organiser.page
    page.get_by_role("link", name=t("Check-in on the projector")).click()
    if page.get_by_role("heading", name=sessions[0][0]).count() == 0:
        page.get_by_role("link", name=sessions[0][0]).click()
    qr = page.locator(".projector-qr svg")
    expect(qr).to_be_visible()
    checkin_url = read_qr(qr.screenshot())
    assert "/pelatihan/hadir/" in checkin_url

    # ...and the participant checks in by opening the URL in its QR code...
    page = participant.page
    page.goto(urlsplit(checkin_url).path)
    participant.look("self-checkin")
    page.get_by_role("button", name=t("Present")).click()
    thanks = t("Thank you! You are recorded as present at %(time)s.").split("%(time)s")[0]
    expect(page.get_by_text(thanks)).to_be_visible()
    participant.look("checked-in")
    expect(organiser.page.get_by_text(PARTICIPANT)).to_be_visible(timeout=20_000)
    organiser.look("projector")

    # ...sits the pre-test and loses the connection half-way...
    def my_tests():
        _menu(page, t("My trainings"))
        page.get_by_role("link", name=t("My tests")).click()

    def start_test(kind):
        my_tests()
        card = page.locator("section.test-card").filter(
            has=page.get_by_role("heading", name=t(kind), exact=True)
        )
        card.get_by_role("link", name=t("Start the test")).click()
        if kind == "Pre-test":
            participant.look("test-start")
        page.get_by_role("button", name=t("Start the test")).click()

    my_tests()
    participant.look("my-tests")
    start_test("Pre-test")
    questions = page.locator("form.question")
    expect(questions).to_have_count(QUESTIONS)
    participant.look("attempt")

    def answer(number, *, right=True):
        question = questions.nth(number)
        options = question.locator("label.option")
        choice = options.filter(has_text="Pilihan A") if right else options.filter(
            has_text="Pilihan B"
        )
        choice.click()

    answer(0)
    answer(1, right=False)
    expect(questions.nth(1).locator("[data-status]")).to_have_text(t("saved"))
    participant.context.set_offline(True)
    answer(2)
    answer(3)
    expect(questions.nth(3).locator("[data-status]")).to_have_text(t("not sent yet"))
    participant.look("attempt-offline", axe=False)
    participant.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(questions.nth(3).locator("[data-status]")).to_have_text(t("saved"))
    page.reload()
    for number, right in ((0, True), (1, False), (2, True), (3, True)):
        text = "Pilihan A" if right else "Pilihan B"
        expect(
            questions.nth(number).locator("label.option", has_text=text).locator("input")
        ).to_be_checked()
    answer(4)
    expect(questions.nth(4).locator("[data-status]")).to_have_text(t("saved"))
    page.get_by_role("link", name=t("Finish and submit")).click()
    participant.look("attempt-submit")
    page.get_by_role("button", name=t("Submit my answers")).click()
    expect(page.get_by_text(t(NOT_RELEASED))).to_be_visible()
    result_url = page.url

    # The organiser releases the pre-test results: the answers sent after the reconnection
    # counted (4 of 5 right).
    tests_page = organiser.page
    tests_page.goto(training.get_absolute_url())
    tests_page.get_by_role("link", name=t("Pre- and post-tests")).click()
    organiser.look("training-tests")
    tests_page.locator("section.test-overview").filter(
        has=tests_page.get_by_role("heading", name=t("Pre-test"), exact=True)
    ).get_by_role("button", name=t("Release the results")).click()
    page.goto(result_url)
    expect(page.locator(".result-score")).to_contain_text("80")
    participant.look("attempt-result")

    # ...the post-test...
    start_test("Post-test")
    for number in range(QUESTIONS):
        answer(number)
        expect(questions.nth(number).locator("[data-status]")).to_have_text(t("saved"))
    page.get_by_role("link", name=t("Finish and submit")).click()
    page.get_by_role("button", name=t("Submit my answers")).click()
    expect(page.get_by_text(t(NOT_RELEASED))).to_be_visible()

    # ...and the evaluation.
    _menu(page, t("My trainings"))
    page.get_by_role("link", name=t("My evaluations")).click()
    page.get_by_role("link", name=t("Fill in the evaluation")).click()
    participant.look("evaluation")
    for group in page.locator("fieldset").all():
        group.get_by_role("radio").nth(3).check()
    page.get_by_role("button", name=t("Send the evaluation")).click()
    participant.look("evaluation-done")

    # The organiser marks the other participant Izin and closes the session. ---------------
    page = organiser.page
    page.goto(training.get_absolute_url())
    page.get_by_role("link", name=t("Attendance grid")).click()
    organiser.look("attendance-grid")
    page.get_by_role("row", name=OTHER).get_by_role("link").first.click()
    page.get_by_role("button", name=t("Izin")).click()
    expect(page.get_by_role("row", name=OTHER)).to_contain_text(t("Izin"))
    page.get_by_role("link", name=t("Mark the rest as Alpa")).first.click()
    organiser.look("mark-alpa")
    if page.get_by_role("checkbox").count():
        page.get_by_role("checkbox").check()
    page.get_by_role("button", name=t("Mark them as Alpa")).click()
    expect(page.get_by_role("row", name=ABSENT)).to_contain_text(t("Alpa"))

    # ...downloads the daftar hadir...
    page.goto(training.get_absolute_url())
    sheet_link = page.get_by_role("link", name=t("Attendance sheet (PDF)")).first
    content_type, sheet = _fetch(page, sheet_link.get_attribute("href"))
    assert content_type == "application/pdf" and sheet.startswith(b"%PDF")
    text = _pdf_text(sheet)
    assert "DAFTAR HADIR PESERTA" in text
    assert PARTICIPANT in text and OTHER in text and ABSENT in text

    # ...finishes the training and issues the certificates, watching the progress.
    page.goto(training.get_absolute_url())
    page.get_by_role("button", name=t("Finish the training")).click()
    page.locator("#main").get_by_role("link", name=t("Certificates"), exact=True).click()
    organiser.look("certificates")
    page.get_by_role(
        "button", name=tn("Issue %(counter)s certificate", "Issue %(counter)s certificates", 1)
    ).click()
    expect(page.locator("progress.job-progress")).to_be_visible()
    # The test server runs tasks at once, so the run is over when its page first shows.
    expect(page.locator(".run-status")).to_have_text(t("Done"))
    expect(page.locator(".job-progress-count")).to_have_text("1 / 1")
    organiser.look("certificate-run")
    # ...and asks for all of them in one PDF for printing, made in the background too.
    page.get_by_role("link", name=t("Back to the certificates")).click()
    page.get_by_role("button", name=t("All in one PDF for printing")).click()
    expect(page.locator(".run-status")).to_have_text(t("Ready"))
    organiser.look("certificate-export")
    download_label = t("Download (%(size)s)").split("(")[0].strip()
    merged = _download(
        page,
        lambda: page.get_by_role("link", name=re.compile(rf"^{download_label} \(")).click(),
    )
    assert merged.startswith(b"%PDF")
    assert "SRI MULYANI" in _pdf_text(merged)
    page.get_by_role("link", name=t("Back to the certificates")).click()
    ready_label = t("ready (%(size)s)").split("(")[0].strip()
    expect(page.get_by_role("link", name=re.compile(rf"^{ready_label} \("))).to_have_count(1)
    organiser.look("certificates-hand-out")

    # The participant downloads the certificate. ---------------------------------------------
    page = participant.page
    _menu(page, t("My trainings"))
    participant.look("my-trainings")
    certificate = _download(
        page, lambda: page.get_by_role("link", name=t("Download my certificate (PDF)")).click()
    )
    assert certificate.startswith(b"%PDF")
    assert "SRI MULYANI" in _pdf_text(certificate)

    # A stranger opens the verification page from the certificate's QR code. ---------------
    verify_url = _pdf_qr(certificate)
    visitor = people("visitor", PHONE)
    visitor.page.goto(urlsplit(verify_url).path)
    expect(visitor.page.get_by_text("SRI MULYANI", exact=False).first).to_be_visible()
    visitor.look("verify")

    # Shown with -s.
    print("Too wide for a phone:", *findings.too_wide_for_a_phone, sep="\n  ")
    print("Moderate or minor accessibility findings:", *findings.minor_accessibility, sep="\n  ")
    assert not findings.refused_by_csp, "\n".join(findings.refused_by_csp)
    assert not findings.accessibility, "\n".join(findings.accessibility)
    phone_people = ("participant/", "visitor/")
    on_phones = [f for f in findings.too_wide_for_a_phone if f.startswith(phone_people)]
    assert not on_phones, "\n".join(on_phones)
