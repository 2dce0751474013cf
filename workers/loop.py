"""
The task loop: django-tasks-db's worker with a heartbeat, made so that it cannot die silently.

django-tasks-db's own loop lets any database error other than "locked" escape it. With
autoreload (./dev run) the loop runs in a thread beside the file watcher, so the loop died and
the process lived on: tasks stayed queued and nobody knew. Here every turn of the loop is
caught, logged and followed by a fresh connection and a short pause, and the loop writes the
worker's heartbeat (workers.models.Worker) itself: a loop that hangs or dies stops beating, and
core.jobs and /healthz see it within settings.BIMTEK_WORKER_SILENT_SECONDS.

A task runs in a thread of its own while the loop waits for it and keeps beating, with the
task on the row; a task that hangs is caught by its job's own rule (core.jobs.STALE_AFTER).
Each beat also looks after the others: a task left running by a dead worker is marked failed
with WorkerStopped (not run again by itself: a task that killed its worker, out of memory on a
huge file, would kill the next one too). The job it served shows as stopped, and its page
offers to start it again.
"""

import datetime
import logging
import os
import random
import socket
import threading
import time
import traceback

from django.conf import settings
from django.db import OperationalError, close_old_connections, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from workers.models import Worker, silent_after

logger = logging.getLogger(__name__)

KEEP_DEAD_FOR = datetime.timedelta(hours=1)  # a dead worker's row stays for /healthz to report
PAUSES_AFTER_FAILURE = (0.5, 1, 2, 5, 10)  # seconds, growing while the loop keeps failing


class WorkerStopped(Exception):
    """The worker running a task stopped beating, so the task was left unfinished."""


def fail_running_task(task_id, error: WorkerStopped) -> bool:
    """Mark a task failed with this error if it is still running; return whether it was."""
    return bool(
        DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
            traceback="".join(traceback.format_exception(error)),
        )
    )


class BeatingWorker(db_worker.Worker):
    """django-tasks-db's worker whose loop survives a failing turn and writes a heartbeat."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.host = socket.gethostname()[:255]
        self.pid = os.getpid()
        self.started_at = timezone.now()
        self.current: DBTaskResult | None = None
        self.current_started_at = None
        self.tasks_run = 0
        self.last_beat = float("-inf")  # time.monotonic() of the last beat written

    # The loop --------------------------------------------------------------------------------

    def run(self) -> None:
        self.pid = os.getpid()  # under autoreload, the child process runs the loop
        self.started_at = timezone.now()
        logger.info(
            "Starting worker %s on %s (pid %s), queues %s",
            self.worker_id,
            self.host,
            self.pid,
            ",".join(self.queue_names),
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads workers started together
        failures = 0
        try:
            while self.running:
                try:
                    if self.turn():
                        return
                    failures = 0
                except Exception:
                    pause = PAUSES_AFTER_FAILURE[min(failures, len(PAUSES_AFTER_FAILURE) - 1)]
                    failures += 1
                    logger.exception(
                        "Worker %s: a turn of the task loop failed (%s in a row); "
                        "reconnecting and carrying on in %s s",
                        self.worker_id,
                        failures,
                        pause,
                    )
                    connections.close_all()
                    time.sleep(pause)  # no beat here: the database may still be away
        finally:
            self.sign_off()

    def turn(self) -> bool:
        """Beat, claim the next task and run it; return True when the worker should end."""
        close_old_connections()
        self.beat()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        retrieved = True
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.info("Worker %s: the database is locked; trying again", self.worker_id)
                retrieved, task_result = False, None
        if task_result is not None:
            self.run_task(task_result)
        if self.batch and retrieved and task_result is None:
            logger.info("No more tasks for worker %s: exiting", self.worker_id)
            return True
        if self.max_tasks is not None and self.tasks_run >= self.max_tasks:
            logger.info("Worker %s ran its %s tasks: exiting", self.worker_id, self.tasks_run)
            return True
        close_old_connections()
        if self.running and task_result is None:
            self.sleep(self.interval)
        return False

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run a task in a thread of its own, beating while it runs; record its end."""
        self.current, self.current_started_at = db_task_result, timezone.now()
        self.beat_while_running(force=True)  # the row names the task before it makes progress
        outcome = {}
        runner = threading.Thread(
            target=self._run_in_thread,
            args=(db_task_result, outcome),
            name=f"task-{db_task_result.id}",
            daemon=True,  # a forced stop (a second Ctrl+C) ends the task with the process
        )
        try:
            runner.start()
            while runner.is_alive():
                runner.join(self.beat_seconds())
                if runner.is_alive():
                    self.beat_while_running()
            if "error" in outcome:
                # Recording the task's end failed (the database was away): the turn fails and
                # is logged, and the task, left running under no one, is marked failed by the
                # next beat once it is older than the silence limit.
                raise outcome["error"]
        finally:
            if not runner.is_alive():
                self.current = self.current_started_at = None
                self.tasks_run += 1
        self.beat(force=True)

    def _run_in_thread(self, db_task_result: DBTaskResult, outcome: dict) -> None:
        try:
            super().run_task(db_task_result)
        except Exception as error:  # noqa: BLE001 - handed to the loop, which logs it
            outcome["error"] = error
        finally:
            connections.close_all()  # this thread's own connections

    def sleep(self, seconds: float) -> None:
        """Wait, beating meanwhile, unless the worker is asked to stop."""
        deadline = time.monotonic() + seconds
        while self.running and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, self.beat_seconds()))
            self.beat()

    # The heartbeat ---------------------------------------------------------------------------

    def beat_seconds(self) -> float:
        return settings.BIMTEK_WORKER_BEAT_SECONDS

    def beat(self, *, force: bool = False) -> None:
        """Write the heartbeat when one is due, then look after the tasks of dead workers."""
        if not force and time.monotonic() - self.last_beat < self.beat_seconds():
            return
        current = self.current
        fields = {
            "host": self.host,
            "pid": self.pid,
            "started_at": self.started_at,
            "beat_at": timezone.now(),
            "task_id": str(current.id) if current else "",
            "task_name": current.task_path[:255] if current else "",
            "task_started_at": self.current_started_at if current else None,
        }
        if not Worker.objects.filter(worker_id=self.worker_id).update(**fields):
            Worker.objects.create(worker_id=self.worker_id, **fields)
        self.last_beat = time.monotonic()
        self.fail_tasks_of_dead_workers()

    def beat_while_running(self, *, force: bool = False) -> None:
        try:
            self.beat(force=force)
        except Exception:
            # The task goes on; the next beat tries again (a row gone silent too long makes the
            # others fail the task, which is what a worker that cannot write should expect).
            logger.exception("Worker %s: the heartbeat failed", self.worker_id)
            connections.close_all()

    def fail_tasks_of_dead_workers(self) -> int:
        """Mark failed the tasks still running under a worker that is dead or not on them."""
        now = timezone.now()
        limit = now - silent_after()
        running = list(DBTaskResult.objects.running().filter(started_at__lt=limit))
        holders = {}
        if running:
            holders = {
                worker.worker_id: worker
                for worker in Worker.objects.filter(
                    worker_id__in=[task.worker_ids[-1] for task in running if task.worker_ids]
                )
            }
        failed = 0
        for task in running:
            holder = holders.get(task.worker_ids[-1]) if task.worker_ids else None
            if holder is not None and holder.beat_at >= limit and holder.task_id == str(task.id):
                continue  # its worker is alive and on it
            if holder is None:
                why = "its worker is gone"
            elif holder.beat_at < limit:
                why = f"its worker {holder} stopped beating at {holder.beat_at.isoformat()}"
            else:
                why = f"its worker {holder} is no longer running it"
            error = WorkerStopped(f"Task {task.id} ({task.task_path}) was left unfinished: {why}.")
            if fail_running_task(task.pk, error):
                failed += 1
                logger.warning("Worker %s: %s Marked failed.", self.worker_id, error)
        Worker.objects.filter(beat_at__lt=now - KEEP_DEAD_FOR).delete()
        return failed

    def sign_off(self) -> None:
        """Leave cleanly: fail the task cut short by a forced stop, delete the heartbeat row."""
        try:
            if self.current is not None:
                fail_running_task(
                    self.current.pk,
                    WorkerStopped(f"The worker {self.host}:{self.pid} was stopped during the task."),
                )
            Worker.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.exception("Worker %s could not sign off", self.worker_id)
        logger.info("Worker %s stopped", self.worker_id)
