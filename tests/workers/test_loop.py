"""Each beat of a worker names what it runs and fails the tasks that dead workers left running."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates.tasks import make_missing_pdfs
from tests.factories import WorkerFactory
from workers.loop import BeatingWorker
from workers.models import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return BeatingWorker(
        queue_names=["default"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="this-worker",
        excluded_queue_names=[],
    )


def running_task(*, worker_id, seconds_ago):
    result = make_missing_pdfs.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        worker_ids=[worker_id],
        started_at=timezone.now() - datetime.timedelta(seconds=seconds_ago),
    )
    return result.id


def test_a_beat_registers_the_worker_and_names_its_task(worker):
    task = DBTaskResult.objects.get(pk=running_task(worker_id="this-worker", seconds_ago=0))
    worker.current, worker.current_started_at = task, task.started_at

    worker.beat(force=True)

    row = Worker.objects.get(worker_id="this-worker")
    assert (row.pid, row.task_id, row.task_name) == (
        worker.pid, str(task.id), "certificates.tasks.make_missing_pdfs"
    )
    assert timezone.now() - row.beat_at < datetime.timedelta(seconds=5)


def test_tasks_left_running_by_a_dead_or_gone_worker_are_marked_failed_and_no_others(worker):
    dead = WorkerFactory(worker_id="dead", beat_at=timezone.now() - datetime.timedelta(minutes=2))
    busy = WorkerFactory(worker_id="busy", task_started_at=timezone.now())
    of_the_dead = running_task(worker_id=dead.worker_id, seconds_ago=120)
    of_nobody = running_task(worker_id="gone-for-good", seconds_ago=120)
    forgotten = running_task(worker_id=busy.worker_id, seconds_ago=120)
    being_run = running_task(worker_id=busy.worker_id, seconds_ago=120)
    Worker.objects.filter(pk=busy.pk).update(task_id=str(being_run))
    just_claimed = running_task(worker_id="starting", seconds_ago=1)

    failed = worker.fail_tasks_of_dead_workers()

    statuses = {str(pk): status for pk, status in DBTaskResult.objects.values_list("id", "status")}
    assert failed == 3
    assert [statuses[t] for t in (of_the_dead, of_nobody, forgotten)] == ["FAILED"] * 3
    assert [statuses[t] for t in (being_run, just_claimed)] == ["RUNNING", "RUNNING"]
    left = DBTaskResult.objects.get(pk=of_the_dead)
    assert left.exception_class_path == "workers.loop.WorkerStopped"
    assert f"its worker {dead} stopped beating" in left.traceback


def test_a_worker_dead_for_over_an_hour_leaves_the_list(worker):
    WorkerFactory(worker_id="long-dead", beat_at=timezone.now() - datetime.timedelta(hours=2))
    WorkerFactory(worker_id="just-dead", beat_at=timezone.now() - datetime.timedelta(minutes=2))

    worker.beat(force=True)

    assert sorted(Worker.objects.values_list("worker_id", flat=True)) == [
        "just-dead", "this-worker"
    ]


def test_signing_off_removes_the_row_and_fails_the_task_cut_short(worker):
    task = DBTaskResult.objects.get(pk=running_task(worker_id="this-worker", seconds_ago=0))
    worker.current, worker.current_started_at = task, task.started_at
    worker.beat(force=True)

    worker.sign_off()

    task.refresh_from_db()
    assert not Worker.objects.exists()
    assert (task.status, task.exception_class_path) == ("FAILED", "workers.loop.WorkerStopped")
