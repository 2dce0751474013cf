"""The organiser's day from the home page, at 1366x768 and at 360x740: today's session with its
live check-in count, the projector one click away, and the menu folded into a button on a phone
(that opens with no script at all)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bimtek import views as site_views
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    organiser_user,
)
from trainings.models import Training

from .browser import PHONE, Findings, Person, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"
LAPTOP_1366 = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture
def day(live_server):
    """An organiser, and a training whose session runs now: three enrolled, one checked in."""
    start = timezone.localtime() - datetime.timedelta(minutes=5)
    training = TrainingFactory(
        title="Bimtek Pelayanan Prima", status=Training.Status.RUNNING,
        start_date=start.date(), end_date=start.date(), quota=3,
    )
    session = SessionFactory(
        training=training, topic="Budaya 5S", date=start.date(),
        start_time=start.time().replace(second=0, microsecond=0),
        end_time=min(start + datetime.timedelta(minutes=90), start.replace(hour=23, minute=59))
        .time().replace(second=0, microsecond=0),
    )
    enrolments = [EnrolmentFactory(training=training) for _ in range(3)]
    AttendanceFactory(session=session, enrolment=enrolments[0])
    user = organiser_user(password=PASSWORD)
    return user, session, enrolments


@pytest.fixture
def findings():
    return Findings()


@pytest.fixture
def person(browser, live_server, screenshots, axe_script, findings):
    made = []

    def make(name, device, **context_options):
        made.append(
            Person(
                browser, name=name, device=device, base_url=live_server.url,
                screenshots=screenshots, axe=axe_script, findings=findings,
            )
        )
        return made[-1]

    yield make
    for each in made:
        each.close()


def _log_in(person: Person, login: str) -> None:
    page = person.page
    page.goto("/akun/login/")
    page.get_by_label(t("NIP or email")).fill(login)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log in"))).to_have_count(0)


def _look(person: Person, name: str) -> None:
    person.page.wait_for_load_state("load")
    person.page.screenshot(path=person.screenshots / f"{name}.png", full_page=True)
    if person.device is PHONE:
        person._check_width(name)
    person.check_accessibility(name)


def test_the_organisers_day_from_the_home_page_on_a_laptop_and_a_phone(
    person, day, findings, monkeypatch
):
    user, session, enrolments = day
    monkeypatch.setattr(site_views, "HOME_REFRESH_SECONDS", 1)

    # On the laptop: the session of today, its count, the menu in one row with Evaluasi.
    laptop = person("organiser-laptop", LAPTOP_1366)
    _log_in(laptop, user.username)
    page = laptop.page
    page.goto("/")
    sessions = page.locator("#dashboard-sessions")
    expect(sessions.get_by_text("Budaya 5S")).to_be_visible()
    expect(sessions.locator(".session-count").first).to_contain_text("1 / 3")
    expect(page.locator(".menu-button")).to_be_hidden()
    expect(page.get_by_role("link", name=t("Evaluations"), exact=True)).to_be_visible()
    _look(laptop, "home-1366x768")

    # A participant checks in at the door: the count follows without reloading the page.
    AttendanceFactory(session=session, enrolment=enrolments[1])
    expect(sessions.locator(".session-count").first).to_contain_text("2 / 3", timeout=10_000)

    # The projector of today's session: one click from the home page.
    clicks = 0
    page.locator("#dashboard-sessions").get_by_role("link", name=t("Projector")).click()
    clicks += 1
    expect(page).to_have_url(f"{page.url.split('/pelatihan/')[0]}/pelatihan/sesi/{session.pk}/proyektor/")
    assert clicks == 1

    # On a phone: the menu is one button; its links show when it is opened.
    phone = person("organiser-phone", PHONE)
    _log_in(phone, user.username)
    page = phone.page
    page.goto("/")
    menu_button = page.locator(".menu-button")
    evaluations = page.get_by_role("link", name=t("Evaluations"), exact=True)
    expect(menu_button).to_be_visible()
    expect(evaluations).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 80, f"the header takes {header['height']} px on a phone"
    _look(phone, "home-360x740")
    menu_button.click()
    expect(evaluations).to_be_visible()
    _look(phone, "home-360x740-menu-open")

    assert findings.accessibility == []
    assert findings.refused_by_csp == []
    assert findings.too_wide_for_a_phone == []


def test_the_phone_menu_opens_without_javascript(browser, live_server, day):
    user, _session, _enrolments = day
    context = browser.new_context(
        **PHONE, base_url=live_server.url, locale="id-ID", java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/akun/login/")
    page.get_by_label(t("NIP or email")).fill(user.username)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    page.goto("/")

    evaluations = page.get_by_role("link", name=t("Evaluations"), exact=True)
    expect(evaluations).to_be_hidden()
    page.locator(".menu-button").click()
    expect(evaluations).to_be_visible()
    context.close()
