"""Two-factor authentication for the accounts that hold the keys (core.mfa, allauth.mfa).

With BIMTEK_MFA_REQUIRED on, as in production, an organiser or staff administrator without a
second factor is led to set one up and kept out of every other page until done; with one, the
login asks for its code. Participants may use it but are never made to.
"""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from core.mfa import mfa_required
from tests.factories import UserFactory, admin_user, organiser_user, participant_user

PASSWORD = "rahasia-123"
LOGIN = reverse("account_login")
SETUP = reverse("mfa_required")
TRAININGS = reverse("trainings:training_list")


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.BIMTEK_MFA_REQUIRED = True
    # The code of the next 30-second window is accepted too, so a test can sign in again with a
    # code it has not used yet (allauth refuses a code used once).
    settings.MFA_TOTP_TOLERANCE = 1


def _code(secret: str, windows_ahead: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + windows_ahead))


def _log_in(client, user):
    return client.post(LOGIN, {"login": user.username, "password": PASSWORD}, follow=True)


def _set_up_totp(client) -> str:
    """Go through allauth's pages as the person would; return the secret shown to them."""
    asked = client.get(reverse("mfa_activate_totp"), follow=True)
    assert asked.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "Masukkan kata sandi Anda" in asked.content.decode()  # confirm it is you, first
    page = client.post(
        asked.redirect_chain[-1][0], {"password": PASSWORD}, follow=True
    )
    assert page.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown to type into an app without a camera
    done = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    return secret


@pytest.mark.django_db
def test_an_organiser_without_mfa_is_led_to_set_it_up_and_kept_out_of_organiser_pages(client):
    organiser = organiser_user()

    response = _log_in(client, organiser)

    assert response.redirect_chain[-1][0] == f"{SETUP}?next=/"
    page = response.content.decode()
    assert "Aktifkan autentikasi dua faktor" in page
    assert "halaman penyelenggara dan administrasi tetap tertutup" in page
    refused = client.get(TRAININGS)
    assert refused.status_code == 302
    assert refused.url == f"{SETUP}?next={TRAININGS}"
    assert client.post(reverse("trainings:training_create")).url.startswith(SETUP)


@pytest.mark.django_db
def test_a_staff_administrator_without_mfa_cannot_open_the_django_admin(client):
    admin = admin_user()
    _log_in(client, admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(SETUP)


@pytest.mark.django_db
def test_an_organiser_sets_up_totp_then_is_asked_for_the_code_at_the_next_login(client):
    organiser = organiser_user()
    _log_in(client, organiser)

    secret = _set_up_totp(client)

    assert client.get(TRAININGS).status_code == 200
    client.post(reverse("account_logout"))

    asked = _log_in(client, organiser)
    assert asked.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert "Silakan masukkan kode autentikator" in asked.content.decode()
    assert client.get(TRAININGS).url.startswith(LOGIN)  # not signed in before the code

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Kode salah." in wrong.content.decode()
    signed_in = client.post(
        reverse("mfa_authenticate"), {"code": _code(secret, windows_ahead=1)}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == reverse("home")
    assert client.get(TRAININGS).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client):
    organiser = organiser_user()
    _log_in(client, organiser)
    _set_up_totp(client)
    codes = Authenticator.objects.get(
        user=organiser, type=Authenticator.Type.RECOVERY_CODES
    ).wrap().get_unused_codes()
    client.post(reverse("account_logout"))

    _log_in(client, organiser)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.get(TRAININGS).status_code == 200
    client.post(reverse("account_logout"))

    _log_in(client, organiser)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert "Kode salah." in again.content.decode()
    assert client.get(TRAININGS).url.startswith(LOGIN)


@pytest.mark.django_db
def test_an_organiser_cannot_remove_the_last_second_factor(client):
    organiser = organiser_user()
    _log_in(client, organiser)
    _set_up_totp(client)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert "Anda tidak dapat menonaktifkan autentikasi dua faktor." in response.content.decode()
    assert Authenticator.objects.filter(user=organiser, type="totp").exists()


@pytest.mark.django_db
def test_a_participant_is_not_made_to_set_up_mfa_but_may(client):
    participant = participant_user()

    response = _log_in(client, participant)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert client.get(reverse("trainings:my_trainings")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


@pytest.mark.django_db
def test_the_requirement_is_off_when_the_setting_is(client, settings):
    settings.BIMTEK_MFA_REQUIRED = False
    organiser = organiser_user()

    _log_in(client, organiser)

    assert client.get(TRAININGS).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_user", "required"),
    [
        (admin_user, True),
        (organiser_user, True),
        (lambda: UserFactory(is_staff=True), True),  # may enter the Django admin
        (lambda: UserFactory(is_superuser=True), True),  # holds every role
        (participant_user, False),
        (AnonymousUser, False),
    ],
)
def test_who_must_use_a_second_factor(make_user, required, settings):
    user = make_user()

    assert mfa_required(user) is required
    settings.BIMTEK_MFA_REQUIRED = False
    assert mfa_required(user) is False
