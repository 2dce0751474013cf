"""Every response carries the browser protections, and production settings add HTTPS ones."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import TrainingFactory, organiser_user, participant_user

ROOT = Path(__file__).resolve().parent.parent


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_protected(response):
    csp = _directives(response.headers["Content-Security-Policy"])
    script_sources = csp.get("script-src", csp.get("default-src"))
    style_sources = csp.get("style-src", csp.get("default-src"))
    assert "'unsafe-inline'" not in script_sources
    assert "'unsafe-eval'" not in script_sources
    assert "'unsafe-inline'" not in style_sources
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_login_page_carries_every_protection(client):
    _assert_protected(client.get(reverse("account_login")))


@pytest.mark.django_db
def test_a_participants_page_carries_every_protection(client):
    client.force_login(participant_user())

    _assert_protected(client.get(reverse("trainings:my_trainings")))


@pytest.mark.django_db
def test_a_download_carries_every_protection(client):
    client.force_login(organiser_user())
    training = TrainingFactory()

    response = client.get(reverse("trainings:attendance_recap_xlsx", args=[training.pk]))

    assert response.status_code == 200
    _assert_protected(response)


@pytest.mark.django_db
def test_the_public_verification_page_carries_every_protection(client):
    _assert_protected(client.get(reverse("verify:lookup")))


def _production_settings() -> dict:
    """Import the settings as production would, in a fresh interpreter, and report them."""
    code = (
        "import json, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        "names = ['DEBUG', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',\n"
        "         'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',\n"
        "         'SESSION_COOKIE_HTTPONLY', 'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS',\n"
        "         'SECURE_REFERRER_POLICY', 'ALLAUTH_TRUSTED_PROXY_COUNT']\n"
        "print(json.dumps({name: getattr(settings, name) for name in names}))\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "SITE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bimtek.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="test-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="bimtek.example.go.id",
        SITE_URL="https://bimtek.example.go.id",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_turn_on_hsts_and_secure_cookies():
    production = _production_settings()

    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    # Behind the README's reverse proxy, limits per address count each visitor on their own.
    assert production["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
