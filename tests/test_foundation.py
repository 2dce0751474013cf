"""The ground every feature stands on: database safety, roles, locale, security headers."""

import datetime
import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connections, transaction
from django.template import Context, Template
from django.utils import translation

from core.roles import ROLE_PERMISSIONS, Role, sync_roles


def test_fifty_concurrent_writers_on_the_default_sqlite_settings_lose_nothing(
    tmp_path, django_db_blocker
):
    # Fifty phones checking in at once: each request reads, then writes, in one atomic block.
    # In SQLite's default DEFERRED mode the read-then-write lock upgrade fails at once with
    # "database is locked"; IMMEDIATE + WAL + a busy timeout must queue the writers instead.
    alias = "concurrency"
    connections.settings[alias] = connections.settings["default"] | {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "checkins.sqlite3"),
        "OPTIONS": settings.SQLITE_OPTIONS,
        "TEST": {},
    }
    errors = []
    start = threading.Barrier(50)

    def check_in(who):
        try:
            start.wait()
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM checkin")
                seen = cursor.fetchone()[0]
                cursor.execute("INSERT INTO checkin (who, seen) VALUES (%s, %s)", [who, seen])
        except Exception as error:  # noqa: BLE001 - every failure is a lost check-in
            errors.append(error)
        finally:
            connections[alias].close()

    with django_db_blocker.unblock():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE checkin (id INTEGER PRIMARY KEY, who INT, seen INT)")
            threads = [threading.Thread(target=check_in, args=(n,)) for n in range(50)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*), COUNT(DISTINCT seen) FROM checkin")
                rows, distinct_seen = cursor.fetchone()
                cursor.execute("PRAGMA journal_mode")
                journal_mode = cursor.fetchone()[0]
        finally:
            connections[alias].close()
            del connections.settings[alias]

    assert errors == []
    assert rows == 50
    assert distinct_seen == 50  # each writer saw all earlier commits: fully serialised
    assert journal_mode == "wal"


@pytest.mark.django_db
def test_roles_are_groups_holding_exactly_their_permissions():
    sync_roles(strict=True)

    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(names)
    assert Group.objects.get(name=Role.PARTICIPANT).permissions.count() == 0


def test_dates_are_written_the_indonesian_way():
    template = Template("{% load tanggal %}{{ day|hari_tanggal }} · {{ day|tanggal }} · {{ at|jam }}")
    context = Context({"day": datetime.date(2022, 9, 14), "at": datetime.time(8, 0)})

    with translation.override("id"):
        rendered = template.render(context)

    assert rendered == "Rabu, 14 September 2022 · 14 September 2022 · 08.00"


def test_the_app_runs_on_jakarta_time_in_indonesian():
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/akun/login/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_speak_indonesian_even_to_a_browser_set_to_english(client):
    response = client.get("/akun/login/", headers={"accept-language": "en-US,en;q=0.9"})

    assert response.headers["Content-Language"] == "id"
    assert "Kata sandi" in response.text


@pytest.mark.django_db
def test_the_language_switch_turns_the_pages_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/akun/login/"})

    response = client.get("/akun/login/")

    assert response.headers["Content-Language"] == "en"
    assert "Password" in response.text
