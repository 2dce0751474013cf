"""A participant who uses the keyboard only (Tab, Space, Enter) can check in and sit a test,
and always sees where the focus is."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Attempt
from trainings import checkin_tokens
from tests.assessments.conftest import open_test
from tests.assessments.factories import make_question
from tests.factories import EnrolmentFactory, SessionFactory, TrainingFactory, participant_user

from .browser import PHONE, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"
MAX_TABS = 40


@pytest.fixture
def enrolled(live_server):
    """A participant enrolled in a training whose session's check-in is open now."""
    start = timezone.localtime() - datetime.timedelta(minutes=5)
    training = TrainingFactory(
        status="running", start_date=start.date(), end_date=start.date()
    )
    session = SessionFactory(
        training=training,
        date=start.date(),
        start_time=start.time().replace(second=0, microsecond=0),
        end_time=min(start + datetime.timedelta(minutes=90), start.replace(hour=23, minute=59))
        .time()
        .replace(second=0, microsecond=0),
    )
    user = participant_user(password=PASSWORD)
    EnrolmentFactory(training=training, employee=user.employee)
    for number in range(3):
        make_question(training=training, correct=0, text=f"Soal nomor {number + 1}?")
    open_test(training)
    return user, session


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(**PHONE, base_url=live_server.url, locale="id-ID")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _tab_to(page, locator) -> None:
    """Press Tab until the locator has the focus; fail if it never gets it."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            _assert_focus_visible(locator)
            return
    pytest.fail(f"Tab never reached {locator}")


def _assert_focus_visible(locator) -> None:
    outline = locator.evaluate(
        "element => { const s = getComputedStyle(element);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    style, width, shadow = outline
    assert (style != "none" and width != "0px") or shadow != "none", (
        f"the focused {locator} shows no outline: {outline}"
    )


def test_checking_in_and_sitting_a_test_with_the_keyboard_only(page, enrolled):
    user, session = enrolled

    page.goto("/akun/login/")
    _tab_to(page, page.get_by_label(t("NIP or email")))
    page.keyboard.type(user.username)
    _tab_to(page, page.get_by_label(t("Password"), exact=True))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()

    # Check in with the code shown on the projector.
    page.goto("/pelatihan/presensi/")
    code = checkin_tokens.make_code(session_id=session.pk, slot=checkin_tokens.slot_at())
    _tab_to(page, page.locator("input[name=code]"))
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    thanks = t("Thank you! You are recorded as present at %(time)s.").split("%(time)s")[0]
    expect(page.get_by_text(thanks)).to_be_visible()
    assert session.attendances.get().enrolment.employee == user.employee

    # Sit the pre-test: Tab to each question's options, Space picks one, Enter finishes.
    page.goto("/tes/")
    _tab_to(page, page.get_by_role("link", name=t("Start the test")))
    page.keyboard.press("Enter")
    _tab_to(page, page.get_by_role("button", name=t("Start the test")))
    page.keyboard.press("Enter")
    questions = page.locator("form.question")
    expect(questions).to_have_count(3)
    for number in range(3):
        right = questions.nth(number).locator("label.option", has_text="Pilihan A").locator("input")
        _tab_to(page, questions.nth(number).locator("input[type=radio]").first)
        for _ in range(4):
            if right.evaluate("element => element === document.activeElement"):
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        expect(right).to_be_checked()
        expect(questions.nth(number).locator("[data-status]")).to_have_text(t("saved"))
    _tab_to(page, page.get_by_role("link", name=t("Finish and submit")))
    page.keyboard.press("Enter")
    _tab_to(page, page.get_by_role("button", name=t("Submit my answers")))
    page.keyboard.press("Enter")
    expect(
        page.get_by_text(t("Your score appears here when the organiser releases the results."))
    ).to_be_visible()
    assert Attempt.objects.get(enrolment__employee=user.employee).score == 100
