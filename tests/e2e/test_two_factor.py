"""Two-factor authentication in a real browser: an organiser is led to set it up at the first
login, with an authenticator app and with a security key (Chromium's virtual authenticator),
then signs in with a code; the staff administrator reads it all in the audit log."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from tests.e2e.browser import LAPTOP, t
from tests.e2e.test_training_story import _log_in, findings, people  # noqa: F401 (fixtures)
from tests.factories import admin_user, organiser_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"


def _code(secret: str, windows_ahead: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + windows_ahead))


def test_an_organiser_sets_up_two_factor_at_first_login_and_signs_in_with_a_code(
    people, findings, settings  # noqa: F811
):
    settings.BIMTEK_MFA_REQUIRED = True
    settings.MFA_TOTP_TOLERANCE = 1  # the next window's code signs in again at once
    admin_user(username="admin", password=PASSWORD)
    organiser_user(username="penyelenggara", password=PASSWORD)
    organiser = people("organiser", LAPTOP)
    page = organiser.page

    # Led to the set-up page right after signing in; the organiser pages stay closed. --------
    _log_in(organiser, "penyelenggara", PASSWORD)
    expect(page.get_by_role("heading", name=t("Set up two-factor authentication"))).to_be_visible()
    organiser.look("mfa-required")
    page.goto("/pelatihan/")
    expect(page).to_have_url(re.compile(r"/keamanan-akun/\?next=/pelatihan/$"))

    # An authenticator app: confirm the password, read the secret, type the app's code. --------
    page.get_by_role("link", name=t("Set up an authenticator app")).click()
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    organiser.look("mfa-reauthenticate")
    page.locator("form.card button[type=submit]").click()
    secret = page.locator("#authenticator_secret").input_value()
    organiser.look("mfa-activate-totp")
    page.locator("input[name=code]").fill(_code(secret))
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#recovery_codes")).to_be_visible()
    organiser.look("mfa-recovery-codes")

    # A security key too, where the browser has one (Chromium's virtual authenticator). -------
    cdp = organiser.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {"protocol": "ctap2", "transport": "usb", "hasUserVerification": True,
                     "isUserVerified": True, "hasResidentKey": True}},
    )  # fmt: skip
    page.goto("/akun/2fa/webauthn/add/")
    page.get_by_label(t("Name of the key")).fill("Laptop kantor")
    organiser.look("mfa-add-security-key")
    page.locator("#mfa_webauthn_add").click()
    expect(page).to_have_url(re.compile(r"/akun/2fa/$"))
    organiser.look("mfa-index")
    page.goto("/akun/2fa/webauthn/")
    expect(page.get_by_text("Laptop kantor")).to_be_visible()

    page.goto("/pelatihan/")
    expect(page.get_by_role("heading", name=t("Trainings"))).to_be_visible()

    # Next login: the password, then the code. ------------------------------------------------
    page.get_by_role("button", name=t("Log out")).click()
    page.goto("/akun/login/")
    page.get_by_label(t("NIP or email")).fill("penyelenggara")
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("heading", name=t("Two-Factor Authentication"))).to_be_visible()
    organiser.look("mfa-authenticate")
    page.locator("input[name=code]").fill(_code(secret, windows_ahead=1))
    page.locator("form.card button[type=submit]").first.click()
    page.goto("/pelatihan/")
    expect(page.get_by_role("heading", name=t("Trainings"))).to_be_visible()

    # The staff administrator (whose own second factor is off for this part) reads the log. -----
    settings.BIMTEK_MFA_REQUIRED = False
    admin = people("admin", LAPTOP)
    _log_in(admin, "admin", PASSWORD)
    admin.page.get_by_role("navigation").get_by_role("link", name=t("Audit log")).click()
    admin.page.get_by_label(t("Person (username or NIP)")).fill("penyelenggara")
    admin.page.get_by_role("button", name=t("Filter")).click()
    rows = admin.page.locator("table.audit-log tbody tr")
    expect(rows.filter(has_text=t("Second factor added"))).to_have_count(3)  # app, codes, key
    expect(rows.filter(has_text=t("Signed in"))).to_have_count(2)
    admin.look("audit-log")

    assert not findings.refused_by_csp, "\n".join(findings.refused_by_csp)
    assert not findings.accessibility, "\n".join(findings.accessibility)
