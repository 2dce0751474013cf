"""A task worker killed mid-run is noticed, and its run resumed counts every participant once;
the task loop survives a failing turn and keeps beating. Real worker processes (manage.py
db_worker) on a file SQLite database: about 15 s each."""

import re
import sqlite3
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates.models import Certificate, IssueRun
from certificates.tasks import make_missing_pdfs
from tests.certificates.factories import CertificateSettingsFactory, finished_training
from tests.factories import organiser_user
from tests.workers.conftest import wait_for
from workers.models import Worker

pytestmark = pytest.mark.worker_process

PARTICIPANTS = 8


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def run_state(run):
    run.refresh_from_db()
    return run


def test_a_worker_killed_mid_run_is_noticed_and_the_resumed_run_counts_everyone_once(
    start_worker, client
):
    CertificateSettingsFactory()
    training = finished_training(participants=PARTICIPANTS, code="BIMTEK-FAULT")
    client.force_login(organiser_user())
    client.post(reverse("certificates:issue", args=[training.pk]))
    run = IssueRun.objects.get(training=training)
    run_page = reverse("certificates:run", args=[training.pk, run.pk])
    worker = start_worker()

    wait_for(lambda: run_state(run).done >= 2, "two certificates issued", 20, worker)
    worker.kill()
    killed_at = time.monotonic()
    left_running = run_state(run)

    stopped = wait_for(
        lambda: "Terhenti" in page_text(page := client.get(run_page)) and page,
        "the run page showing the run stopped",
        15,
    )
    noticed_after = time.monotonic() - killed_at
    health = client.get("/healthz")

    assert left_running.status == IssueRun.Status.RUNNING
    assert left_running.done < PARTICIPANTS
    assert noticed_after < 10  # the worker's silence limit is 3 s here, a minute in production
    assert (
        "Proses latar belakang terhenti: worker tugasnya tidak memberi tanda hidup selama lebih "
        "dari satu menit, atau tidak ada kemajuan selama lebih dari 10 menit."
    ) in page_text(stopped)
    assert "Lanjutkan" in page_text(stopped)
    assert health.status_code == 503
    assert health.json()["reason"].startswith("no task worker alive")

    second = start_worker()
    client.post(reverse("certificates:issue", args=[training.pk]))  # "Lanjutkan"
    finished = wait_for(
        lambda: run_state(run).status == IssueRun.Status.DONE and run,
        "the resumed run finishing",
        25,
        second,
    )

    certificates = Certificate.objects.filter(enrolment__training=training)
    assert (finished.done, finished.errors, finished.total) == (PARTICIPANTS, 0, PARTICIPANTS)
    assert finished.attempt == 2
    assert certificates.count() == PARTICIPANTS
    assert sorted(certificates.values_list("sequence", flat=True)) == list(
        range(1, PARTICIPANTS + 1)
    )
    assert certificates.filter(status="valid", sha256__gt="").count() == PARTICIPANTS
    assert sorted(certificates.values_list("enrolment_id", flat=True)) == sorted(run.item_ids)
    assert f"100% {PARTICIPANTS} / {PARTICIPANTS}" in page_text(client.get(run_page))
    left_behind = DBTaskResult.objects.filter(status="FAILED")
    assert [task.exception_class_path for task in left_behind] == ["workers.loop.WorkerStopped"]
    assert client.get("/healthz").status_code == 200


def test_the_loop_survives_a_locked_database_and_keeps_beating(start_worker, file_database):
    worker = start_worker("tests.workers.worker_settings")
    wait_for(lambda: Worker.objects.filter(pid=worker.process.pid).exists(), "a first beat", 15,
             worker)  # fmt: skip

    holder = sqlite3.connect(file_database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another connection writing for a long while
    locked_at = timezone.now()
    time.sleep(3)
    holder.execute("ROLLBACK")
    holder.close()
    released_at = timezone.now()
    queued = make_missing_pdfs.enqueue(0)

    beat = wait_for(
        lambda: Worker.objects.filter(pid=worker.process.pid, beat_at__gt=released_at).first(),
        "a beat after the lock",
        10,
        worker,
    )
    done = wait_for(
        lambda: DBTaskResult.objects.filter(pk=queued.id, status="SUCCESSFUL").exists(),
        "the task queued afterwards running",
        10,
        worker,
    )

    assert worker.process.poll() is None  # the process lives
    assert beat.beat_at > released_at > locked_at
    assert done
    assert "a turn of the task loop failed" in worker.output()
    assert "database is locked" in worker.output()
