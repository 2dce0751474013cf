"""Two everyday screens in Chromium: the participant's phone on the morning of a session (360x740:
log in, the open session and its code field first, a wrong code, the confirmation) and the
projector kiosk on the venue's screen (1366x768: no menu, full screen, a dropped connection and
the catch-up)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from trainings import checkin_tokens
from trainings.models import Attendance
from tests.factories import (
    AttendanceFactory,
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    organiser_user,
    participant_user,
)

from .browser import PHONE, Findings, Person, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"
KIOSK = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture
def session_open_now():
    start = timezone.localtime() - datetime.timedelta(minutes=5)
    training = TrainingFactory(
        status="running", start_date=start.date(), end_date=start.date(), title="Pelayanan Prima"
    )
    return SessionFactory(
        training=training,
        topic="Budaya Kerja BerAKHLAK",
        date=start.date(),
        start_time=start.time().replace(second=0, microsecond=0),
        end_time=min(start + datetime.timedelta(minutes=90), start.replace(hour=23, minute=59))
        .time()
        .replace(second=0, microsecond=0),
    )


@pytest.fixture
def findings():
    found = Findings()
    yield found
    assert found.accessibility == []
    assert found.refused_by_csp == []


def log_in(page, username):
    page.goto("/akun/login/")
    page.get_by_label(t("NIP or email")).fill(username)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()


def above_the_fold(locator, height: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def current_code(session) -> str:
    return checkin_tokens.make_code(session_id=session.pk, slot=checkin_tokens.slot_at())


def test_the_participant_opens_the_app_types_the_code_and_is_done(
    browser, live_server, axe_script, screenshots, findings, session_open_now
):
    user = participant_user(password=PASSWORD)
    EnrolmentFactory(training=session_open_now.training, employee=user.employee)
    phone = Person(
        browser, name="peserta", device=PHONE, base_url=live_server.url,
        screenshots=screenshots, axe=axe_script, findings=findings,
    )
    page = phone.page

    # Open: the login lands on the home page, greeting by name, the open session on top.
    log_in(page, user.username)
    expect(page.get_by_role("status").first).to_contain_text(
        t("Successfully signed in as %(name)s.") % {"name": user.employee.full_name}
    )
    card = page.locator(".today-checkin")
    expect(card).to_contain_text("Budaya Kerja BerAKHLAK")
    code = page.get_by_label(t("Check-in code"))
    present = card.get_by_role("button", name=t("Present"))
    assert above_the_fold(code, 740) and above_the_fold(present, 740)
    scan = card.get_by_role("button", name=t("Scan QR"))
    if page.evaluate("'BarcodeDetector' in window"):
        expect(scan).to_be_visible()
    else:
        expect(scan).to_be_hidden()  # no QR reader in this browser: the code field does it all
    phone.look("1-home-open-session")

    # A wrong code: the field and the mistake stay on the first screen.
    wrong = f"{(int(current_code(session_open_now)) + 1) % 10**6:06d}"
    code.fill(wrong)
    present.click()
    mistake = page.get_by_text(
        t("This code is wrong or has expired. Type the code the screen shows now.")
    )
    expect(mistake).to_be_visible()
    assert above_the_fold(page.get_by_label(t("Check-in code")), 740)
    assert above_the_fold(mistake, 740)
    phone.look("2-wrong-code")
    assert not Attendance.objects.exists()

    # The right code: one tap, and the form gives way to the confirmation.
    page.get_by_label(t("Check-in code")).fill(current_code(session_open_now))
    page.locator(".today-checkin").get_by_role("button", name=t("Present")).click()
    recorded = Attendance.objects.get()
    done = t("Recorded present %(time)s") % {
        "time": timezone.localtime(recorded.recorded_at).strftime("%H.%M")
    }
    expect(page.locator(".today-checkin-done")).to_have_text(done)
    assert above_the_fold(page.locator(".today-checkin-done"), 740)
    expect(page.get_by_label(t("Check-in code"))).to_have_count(0)
    phone.look("3-recorded")
    assert recorded.enrolment.employee == user.employee
    phone.close()


def test_the_kiosk_shows_the_code_rides_out_a_dropped_connection_and_catches_up(
    browser, live_server, axe_script, screenshots, findings, session_open_now
):
    organiser = organiser_user(password=PASSWORD)
    first = EnrolmentFactory(
        training=session_open_now.training, employee=EmployeeFactory(name="Siti Rahmawati")
    )
    second = EnrolmentFactory(
        training=session_open_now.training, employee=EmployeeFactory(name="Agus Prasetyo")
    )
    screen = Person(
        browser, name="layar", device=KIOSK, base_url=live_server.url,
        screenshots=screenshots, axe=axe_script, findings=findings,
    )
    page = screen.page
    page.clock.install()  # the page's timers, so a minute offline takes no minute of the test

    # Two clicks from the home page: "Proyektor" by today's session, then "Layar penuh".
    log_in(page, organiser.username)
    page.locator("#dashboard-sessions").get_by_role("link", name=t("Projector")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budaya Kerja BerAKHLAK")
    expect(page.locator("nav")).to_have_count(0)
    expect(page.get_by_role("button", name=t("Log out"))).to_have_count(0)
    digits = page.locator(".projector-digits")
    shown = current_code(session_open_now)
    expect(digits).to_have_attribute("data-code", shown)
    page.wait_for_load_state("load")  # its stylesheets applied: the DOM comes before them
    assert digits.bounding_box()["height"] >= 100  # readable from the back of the hall
    full = page.get_by_role("button", name=t("Full screen"))
    full.click()
    expect(page.get_by_role("button", name=t("Leave full screen"))).to_be_visible()
    page.get_by_role("button", name=t("Leave full screen")).click()
    expect(full).to_be_visible()
    page.screenshot(path=screenshots / "1-kiosk.png")
    screen.check_accessibility("kiosk")

    # Leaving asks first.
    page.get_by_text(t("Close"), exact=True).click()
    expect(page.get_by_text(t("Close the check-in screen? The room will no longer see the code.")))\
        .to_be_visible()
    page.get_by_text(t("Close"), exact=True).click()

    # A check-in shows up live.
    AttendanceFactory(session=session_open_now, enrolment=first, recorded_at=timezone.now())
    page.clock.fast_forward(4_000)
    expect(page.locator(".projector-count")).to_have_text(t("%(present)s/%(enrolled)s present") % {
        "present": 1, "enrolled": 2
    })
    expect(page.locator(".projector-latest")).to_contain_text("Siti Rahmawati")

    # The connection drops: it says so, and no stale code stays on screen as if valid.
    page.context.set_offline(True)
    page.clock.fast_forward(4_000)
    offline = page.get_by_text(t("Connection lost, trying again…"))
    expect(offline).to_be_visible()
    AttendanceFactory(session=session_open_now, enrolment=second, recorded_at=timezone.now())
    page.clock.fast_forward(60_000)
    expect(page.get_by_text(t("Waiting for the new code…"))).to_be_visible()
    expect(digits).to_be_hidden()
    expect(page.locator(".projector-qr")).to_be_hidden()
    page.screenshot(path=screenshots / "2-kiosk-offline.png")
    screen.check_accessibility("kiosk-offline")

    # The connection is back: it catches up at once, with the current code and the new name.
    page.context.set_offline(False)
    page.clock.fast_forward(1_000)
    expect(offline).to_be_hidden()
    expect(page.locator(".projector-count")).to_have_text(t("%(present)s/%(enrolled)s present") % {
        "present": 2, "enrolled": 2
    })
    expect(page.locator(".projector-latest")).to_contain_text("Agus Prasetyo")
    expect(digits).to_be_visible()
    assert digits.get_attribute("data-code") in {
        checkin_tokens.make_code(session_id=session_open_now.pk, slot=slot)
        for slot in (checkin_tokens.slot_at() - 1, checkin_tokens.slot_at())
    }
    page.screenshot(path=screenshots / "3-kiosk-back.png")
    screen.close()


# What the phone's own QR reader and camera would give: Chromium on Linux has neither, so the
# test hands the page a BarcodeDetector that "sees" the projector's link and a blank camera.
FAKE_CAMERA_AND_QR_READER = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
  detect() { return Promise.resolve(window.__seen ? [{ rawValue: window.__seen }] : []); }
};
if (navigator.mediaDevices) {
  navigator.mediaDevices.getUserMedia = () => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    canvas.getContext("2d").fillRect(0, 0, 64, 64);
    return Promise.resolve(canvas.captureStream());
  };
}
"""


def test_pindai_qr_checks_the_participant_in_with_one_tap(
    browser, live_server, axe_script, screenshots, findings, session_open_now
):
    user = participant_user(password=PASSWORD)
    EnrolmentFactory(training=session_open_now.training, employee=user.employee)
    phone = Person(
        browser, name="peserta", device=PHONE, base_url=live_server.url,
        screenshots=screenshots, axe=axe_script, findings=findings,
    )
    page = phone.page
    page.add_init_script(FAKE_CAMERA_AND_QR_READER)
    log_in(page, user.username)

    scan = page.get_by_role("button", name=t("Scan QR"))
    assert above_the_fold(scan, 740)
    scan.click()
    expect(page.get_by_role("button", name=t("Close the camera"))).to_be_visible()
    phone.look("1-camera-open")
    token = checkin_tokens.make_token(
        session_id=session_open_now.pk, slot=checkin_tokens.slot_at()
    )
    page.evaluate("url => { window.__seen = url; }", f"{live_server.url}/pelatihan/hadir/{token}/")

    expect(page.locator(".today-checkin-done")).to_contain_text(
        t("Recorded present %(time)s").split("%(time)s")[0]
    )
    expect(page.get_by_label(t("Check-in code"))).to_have_count(0)
    phone.look("2-recorded")
    recorded = Attendance.objects.get()
    assert (recorded.enrolment.employee, recorded.method) == (user.employee, "self")
    phone.close()


def test_the_home_page_with_the_check_in_card_stays_light_on_a_slow_phone(
    browser, live_server, session_open_now
):
    """Slow 3G (400 ms, 50 kB/s each way) and a 4x slower CPU, cache off: under 2 s and 50 KiB."""
    user = participant_user(password=PASSWORD)
    EnrolmentFactory(training=session_open_now.training, employee=user.employee)
    context = browser.new_context(**PHONE, base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    log_in(page, user.username)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400, "downloadThroughput": 50_000,
        "uploadThroughput": 50_000,
    })
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    sizes = []
    cdp.on("Network.loadingFinished", lambda event: sizes.append(event["encodedDataLength"]))

    page.goto("/", wait_until="load")

    load_ms = page.evaluate(
        "() => { const [n] = performance.getEntriesByType('navigation');"
        " return n.loadEventEnd - n.startTime; }"
    )
    expect(page.get_by_label(t("Check-in code"))).to_be_visible()
    print(f"home with the check-in card: {sum(sizes) / 1024:.1f} KiB, {load_ms:.0f} ms")
    assert sum(sizes) < 50 * 1024
    assert load_ms < 2000
    context.close()
