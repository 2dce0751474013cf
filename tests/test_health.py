"""A monitor asks /healthz whether the site works: the database, the backlog and the task workers."""

import datetime
import runpy
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates.tasks import make_missing_pdfs
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "bimtek" / "settings.py"


@pytest.fixture
def database_tasks(settings):
    """Queue tasks in the database as production does, instead of running them at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_healthy_site_answers_200_with_an_empty_backlog(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "tasks": {"ready": 0, "running": 0, "oldest_ready_seconds": None},
        "workers": [],
    }


def test_the_check_sets_no_cookie_and_is_never_cached(client):
    response = client.get("/healthz")

    assert response.cookies == {}
    assert "no-cache" in response["Cache-Control"]
    assert not Session.objects.exists()


def test_the_backlog_counts_waiting_and_running_tasks_and_ages_the_oldest(client, database_tasks):
    oldest = make_missing_pdfs.enqueue(1)
    make_missing_pdfs.enqueue(2)
    running = make_missing_pdfs.enqueue(3)
    finished = make_missing_pdfs.enqueue(4)
    DBTaskResult.objects.filter(pk=oldest.id).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    DBTaskResult.objects.filter(pk=running.id).update(status="RUNNING")
    DBTaskResult.objects.filter(pk=finished.id).update(status="SUCCESSFUL")

    tasks = client.get("/healthz").json()["tasks"]

    assert tasks["ready"] == 2
    assert tasks["running"] == 1
    assert 599 <= tasks["oldest_ready_seconds"] <= 605


def test_a_task_scheduled_for_later_is_not_backlog(client, database_tasks):
    make_missing_pdfs.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue(1)

    tasks = client.get("/healthz").json()["tasks"]

    assert tasks == {"ready": 0, "running": 0, "oldest_ready_seconds": None}


def test_without_a_database_the_check_answers_503_and_hides_the_error(client):
    failure = OperationalError('connection to server at "db.internal" failed: password secret')
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=failure):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert b"db.internal" not in response.content
    assert b"secret" not in response.content


@pytest.mark.parametrize("workers", [1, 3])
def test_the_check_takes_three_queries_however_many_workers(
    workers, client, django_assert_num_queries
):
    WorkerFactory.create_batch(workers)

    with django_assert_num_queries(3):
        client.get("/healthz")


def test_the_check_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_production_answers_the_check_over_plain_http(client, settings, monkeypatch):
    # A load balancer probes the private side over HTTP; everything else goes to HTTPS.
    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "a-test-key-for-the-production-settings")
    production = runpy.run_path(str(SETTINGS_FILE))
    settings.SECURE_SSL_REDIRECT = production["SECURE_SSL_REDIRECT"]
    settings.SECURE_REDIRECT_EXEMPT = production["SECURE_REDIRECT_EXEMPT"]

    assert client.get("/healthz").status_code == 200
    assert client.get("/akun/login/").status_code == 301


def test_a_live_worker_is_reported_with_the_task_it_runs(client):
    WorkerFactory(
        host="bimtek-1",
        pid=4242,
        started_at=datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC),
        beat_at=timezone.now() - datetime.timedelta(seconds=3),
        task_name="certificates.tasks.work_on_run",
        task_started_at=timezone.now() - datetime.timedelta(seconds=40),
    )

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    [worker] = response.json()["workers"]
    assert worker.pop("last_beat_seconds") in {3, 4}
    assert worker.pop("task_seconds") in {40, 41}
    assert worker == {
        "host": "bimtek-1",
        "pid": 4242,
        "started": "2026-03-02T01:00:00+00:00",
        "alive": True,
        "task": "certificates.tasks.work_on_run",
    }


def test_tasks_waiting_with_no_worker_running_answer_503_with_the_reason(client, database_tasks):
    make_missing_pdfs.enqueue(1)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["reason"] == "tasks are waiting and no task worker is running"
    assert response.json()["tasks"]["ready"] == 1


def test_a_worker_silent_for_over_a_minute_answers_503_even_with_nothing_waiting(client):
    WorkerFactory(beat_at=timezone.now() - datetime.timedelta(seconds=75))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["reason"] in {
        f"no task worker alive: the newest heartbeat is {seconds}s old" for seconds in (75, 76)
    }
    assert response.json()["workers"][0]["alive"] is False


def test_one_live_worker_beside_a_dead_one_is_enough(client, database_tasks):
    WorkerFactory(beat_at=timezone.now() - datetime.timedelta(minutes=30))
    WorkerFactory(beat_at=timezone.now())
    make_missing_pdfs.enqueue(1)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert [worker["alive"] for worker in response.json()["workers"]] == [True, False]
