"""The organiser scans badges at the door on a phone while the venue's signal comes and goes:
each scan is recorded at once, scans made without a signal wait on the device and are sent
when it is back with the time they were made, and a badge scanned twice is recorded once."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import EmployeeFactory, EnrolmentFactory, organiser_user
from trainings.models import Attendance

from .browser import PHONE, SERIOUS, Findings, Person, t
from .test_checkin_offline import session_open_now  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"


def badge_url(live_server, enrolment) -> str:
    return live_server.url + reverse("trainings:badge_scan", args=[enrolment.badge_token])


def test_scans_without_signal_are_kept_and_sent_with_their_own_time(
    browser, live_server, session_open_now, screenshots, axe_script
):
    training = session_open_now.training
    sari = EnrolmentFactory(training=training, employee=EmployeeFactory(name="Sari Wulandari"))
    budi = EnrolmentFactory(training=training, employee=EmployeeFactory(name="Budi Santoso"))
    organiser = organiser_user(password=PASSWORD)
    findings = Findings()
    person = Person(
        browser, name="organiser", device=PHONE, base_url=live_server.url,
        screenshots=screenshots, axe=Path(axe_script), findings=findings,
    )
    page = person.page
    page.goto("/akun/login/")
    page.get_by_label(t("NIP or email")).fill(organiser.username)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()

    page.goto(reverse("trainings:session_scanner", args=[session_open_now.pk]))
    field = page.get_by_label(t("Badge code (a handheld scanner types here)"))
    result = page.locator("[data-scan-result]")
    person.look("scanner")

    # A handheld scanner types the badge's URL and Enter.
    field.fill(badge_url(live_server, sari))
    field.press("Enter")
    expect(result).to_contain_text("Sari Wulandari")
    expect(result).to_have_class("scan-result scan-ok")
    assert Attendance.objects.get(enrolment=sari).method == "scan"

    # The signal drops: the next badge waits on the device.
    page.context.set_offline(True)
    field.fill(badge_url(live_server, budi))
    field.press("Enter")
    expect(result).to_contain_text(t("Saved on this device: it is sent when the signal is back."))
    expect(page.locator("[data-scan-pending]")).to_contain_text(t("1 scan waiting to be sent"))
    scanned_before = timezone.now()
    # The same badge again, before it is sent: not queued twice.
    page.wait_for_timeout(3100)  # past the camera's debounce of one code
    field.fill(badge_url(live_server, budi))
    field.press("Enter")
    expect(result).to_contain_text(t("Already scanned: waiting to be sent."))
    # An earlier badge again: the device knows it is recorded, even offline.
    field.fill(badge_url(live_server, sari))
    field.press("Enter")
    expect(result).to_contain_text(t("Already recorded"))
    page.screenshot(path=screenshots / "scanner-offline-phone.png", full_page=True)
    assert not Attendance.objects.filter(enrolment=budi).exists()

    page.context.set_offline(False)
    expect(page.locator("[data-scan-pending]")).to_be_hidden(timeout=15_000)
    recorded = Attendance.objects.get(enrolment=budi)
    assert recorded.recorded_at <= scanned_before  # the time of the scan, not of the sending
    assert Attendance.objects.count() == 2
    log = page.locator("[data-scan-log] li")
    expect(log).to_have_count(2)  # what the server recorded, newest first
    expect(log.first).to_contain_text("Budi Santoso")
    person.close()
    assert findings.accessibility == []
    assert findings.refused_by_csp == []
    assert findings.too_wide_for_a_phone == []
