"""Every page people open, in Chromium, as each role, with the demo data (seed_demo).

The pages come from the URLconf (tests/daily_pages.py), so a new page is swept from the day it
is added. Each role opens every page; the pages it may see (HTTP 200) are screenshot at 360x740
and 1366x768 and checked: no serious or critical axe-core violation, nothing wider than the
phone, nothing refused by the CSP. Every page must answer 200 to at least one role, and no page
may fail (5xx) for anybody. The screenshots land in var/screenshots/test_every_page_as_each_role/.
"""

import pytest
from django.conf import settings
from django.test import Client

from bimtek.management.commands.seed_demo import seed_demo
from participants.models import User
from tests.daily_pages import ROLES, daily_pages, unlisted

from .browser import LAPTOP, PHONE, Findings, Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The devices each role uses: the participant a phone, the office a laptop; both widths are
# screenshot and checked either way.
DEVICES = {"anonim": PHONE, "peserta": PHONE, "penyelenggara": LAPTOP, "admin": LAPTOP}
# The same for everybody: looked at once, by the first role that may open them.
SHARED_PREFIXES = ("account_", "activate", "verify:")


def signed_in(person: Person, login: tuple[str, str] | None, base_url: str) -> None:
    """Give the browser the session of a demo login, as the login page would."""
    if login is None:
        return
    user = User.objects.filter(username=login[0]).first() or User.objects.get(
        employee__nip=login[0]
    )
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    person.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def test_every_page_as_each_role(browser, live_server, axe_script, screenshots):
    seed_demo()
    assert unlisted() == [], "pages with arguments neither in details() nor EXCLUDED"
    pages = daily_pages()
    findings = Findings()
    answered: dict[str, dict[str, int]] = {page.name: {} for page in pages}
    failed = []
    shared_seen = set()
    for role in ("anonim", "peserta", "penyelenggara", "admin"):
        person = Person(
            browser, name=role, device=DEVICES[role], base_url=live_server.url,
            screenshots=screenshots, axe=axe_script, findings=findings,
        )  # fmt: skip
        signed_in(person, ROLES[role], live_server.url)
        for page in pages:
            if page.name.startswith(SHARED_PREFIXES) and page.name in shared_seen:
                continue
            response = person.page.goto(page.url)
            status = response.status
            if response.request.redirected_from is not None:
                status = 302
            answered[page.name][role] = status
            if status >= 500:
                failed.append(f"{role} {page.url}: {status}")
            if status != 200 or "text/html" not in response.headers.get("content-type", ""):
                continue
            if page.name.startswith(SHARED_PREFIXES):
                shared_seen.add(page.name)
            person.look(f"{role}-{page.name.replace(':', '-')}")
        person.close()

    report = ["page".ljust(44) + "".join(role.ljust(14) for role in DEVICES)]
    for name, statuses in answered.items():
        report.append(
            name.ljust(44) + "".join(str(statuses.get(role, "-")).ljust(14) for role in DEVICES)
        )
    for title, lines in (
        ("serious", findings.accessibility),
        ("minor", findings.minor_accessibility),
        ("too wide", findings.too_wide_for_a_phone),
        ("csp", findings.refused_by_csp),
        ("failed", failed),
    ):
        report += [f"{title}: {line}" for line in lines]
    (screenshots / "report.txt").write_text("\n".join(report) + "\n")
    assert failed == []
    assert [name for name, statuses in answered.items() if 200 not in statuses.values()] == []
    assert findings.accessibility == []
    assert findings.too_wide_for_a_phone == []
    assert findings.refused_by_csp == []
