"""The database restarting (or SQLite locked) under a running site: the request it cuts gets a
clean 503 page, in Indonesian, and the next request works, on a new connection if need be.

PostgreSQL only (the CI's second run): the server's connections are ended from a second
connection with pg_terminate_backend, as a restart or a failover ends them. The site runs in a
real server thread (live_server), so the request handling is production's: connections are
closed after an error and checked before reuse (CONN_HEALTH_CHECKS).
"""

import http.cookiejar
import sqlite3
import urllib.error
import urllib.request

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, connections
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import organiser_user

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="terminates PostgreSQL server connections"
)

UNAVAILABLE = "basis data sedang tidak dapat dihubungi"


def _terminate(backend_pid: int) -> None:
    """End a server connection from another one, as a database restart does."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])


class RestartDuringNextRequest:
    """Once armed, end the server's connection under the next request's first query."""

    def __init__(self):
        self.armed = False
        self.fired = False

    def on_request_started(self, **kwargs):
        if self.armed and not self.fired:
            connections["default"].execute_wrappers.append(self.wrapper)

    def wrapper(self, execute, sql, params, many, context):
        if not self.fired:
            self.fired = True
            _terminate(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)

    def on_request_finished(self, **kwargs):
        if self.wrapper in connections["default"].execute_wrappers:
            connections["default"].execute_wrappers.remove(self.wrapper)


@pytest.fixture
def browser(live_server):
    """Open the site's pages as a logged-in organiser, over HTTP."""
    client = Client()
    client.force_login(organiser_user())
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"sessionid={client.cookies['sessionid'].value}")]

    def get(path):
        try:
            with opener.open(live_server.url + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    return get


@postgresql_only
def test_a_request_cut_by_a_database_restart_gets_a_clean_503_and_the_next_one_works(browser):
    restart = RestartDuringNextRequest()
    request_started.connect(restart.on_request_started, weak=False)
    request_finished.connect(restart.on_request_finished, weak=False)
    try:
        assert browser("/")[0] == 200

        restart.armed = True
        status, page = browser("/")

        assert restart.fired
        assert status == 503
        assert UNAVAILABLE in page
        assert "Traceback" not in page
        assert browser("/")[0] == 200
    finally:
        request_started.disconnect(restart.on_request_started)
        request_finished.disconnect(restart.on_request_finished)


@postgresql_only
def test_a_kept_connection_the_restart_ended_is_replaced_before_the_next_request_uses_it():
    """Between requests a process keeps its connection (CONN_MAX_AGE); after a restart the next
    request checks it, finds it gone and opens a new one instead of failing."""
    handler = WSGIHandler()  # production's request handling, in this thread with its connection
    client = Client()
    client.force_login(organiser_user())
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    def get(path):
        environ = RequestFactory().get(path, HTTP_COOKIE=cookie).environ
        statuses = []
        response = handler(environ, lambda status, headers: statuses.append(status))
        response.close()
        return int(statuses[0].split()[0])

    assert get("/") == 200
    kept = connection.connection.info.backend_pid

    _terminate(kept)

    assert get("/") == 200
    assert connection.connection.info.backend_pid != kept


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite write lock")
def test_a_request_that_finds_sqlite_locked_gets_a_clean_503_and_the_next_one_works(tmp_path):
    """A probe saw logins fail with a 500 "database is locked" while an upload held SQLite's
    write lock: past the busy timeout the request is told to try again, with a 503."""
    default = connections["default"]
    if not default.is_in_memory_db():
        pytest.skip("the suite's database is a file already")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "locked.sqlite3"
    default.ensure_connection()
    target = sqlite3.connect(path)
    default.connection.backup(target)
    target.close()
    options = {**default.settings_dict["OPTIONS"], "timeout": 0.2}
    connections["default"] = DatabaseWrapper(
        {**default.settings_dict, "NAME": str(path), "OPTIONS": options}, alias="default"
    )
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        client = Client(raise_request_exception=False)
        client.force_login(organiser_user())
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock, as the slow upload did

        response = client.post(reverse("account_logout"))

        assert response.status_code == 503
        assert UNAVAILABLE in response.content.decode()
        holder.execute("ROLLBACK")
        assert client.post(reverse("account_logout")).status_code == 302
    finally:
        holder.close()
        connections["default"].close()
        connections["default"] = default
