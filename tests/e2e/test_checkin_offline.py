"""A participant taps "Hadir" from the projector's QR link on a weak signal: the tap is sent in
the background, a lost connection says nothing was recorded, and the tap sent again once the
signal is back records the person once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from trainings import checkin_tokens
from trainings.models import Attendance
from tests.factories import EnrolmentFactory, SessionFactory, TrainingFactory, participant_user

from .browser import PHONE, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"


@pytest.fixture
def session_open_now():
    start = timezone.localtime() - datetime.timedelta(minutes=5)
    training = TrainingFactory(status="running", start_date=start.date(), end_date=start.date())
    return SessionFactory(
        training=training,
        date=start.date(),
        start_time=start.time().replace(second=0, microsecond=0),
        end_time=min(start + datetime.timedelta(minutes=90), start.replace(hour=23, minute=59))
        .time()
        .replace(second=0, microsecond=0),
    )


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(**PHONE, base_url=live_server.url, locale="id-ID")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_tap_without_signal_says_so_and_the_second_tap_records_once(page, session_open_now):
    user = participant_user(password=PASSWORD)
    EnrolmentFactory(training=session_open_now.training, employee=user.employee)
    page.goto("/akun/login/")
    page.get_by_label(t("NIP or email")).fill(user.username)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()

    token = checkin_tokens.make_token(
        session_id=session_open_now.pk, slot=checkin_tokens.slot_at()
    )
    page.goto(reverse("trainings:self_checkin", kwargs={"token": token}))
    present = page.get_by_role("button", name=t("Present"))

    page.context.set_offline(True)
    present.click()
    no_signal = t("No connection. Nothing was recorded yet: tap again when the signal is back.")
    expect(page.get_by_role("alert")).to_have_text(no_signal)
    expect(present).to_be_enabled()
    assert not Attendance.objects.exists()

    page.context.set_offline(False)
    page.evaluate("window.sameDocument = true")  # gone if the tap loaded a new page
    present.click()
    thanks = t("Thank you! You are recorded as present at %(time)s.").split("%(time)s")[0]
    expect(page.get_by_role("status")).to_contain_text(thanks)
    expect(present).to_be_hidden()
    assert page.evaluate("window.sameDocument") is True  # the answer came in place
    assert Attendance.objects.get().enrolment.employee == user.employee

    page.reload()
    already = t("You are already recorded as present at %(time)s.").split("%(time)s")[0]
    expect(page.get_by_role("status")).to_contain_text(already)
    assert Attendance.objects.count() == 1
