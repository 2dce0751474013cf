"""A real task worker process (manage.py db_worker) against a file SQLite database that the test
shares: the in-memory test database is copied to a file, and the test's own connection is
pointed at that file for the test's length."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
BEAT_SECONDS = 0.25
SILENT_SECONDS = 3


@pytest.fixture
def file_database(transactional_db, tmp_path, settings):
    """Point the default connection at a copy of the (empty) test database in a file."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        pytest.skip("a worker process shares the test's database through an SQLite file")
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    in_memory = connection.connection  # kept open: closing it would drop the test database
    copy = sqlite3.connect(path)
    in_memory.backup(copy)
    copy.close()
    saved_name = connection.settings_dict["NAME"]
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BIMTEK_WORKER_BEAT_SECONDS = BEAT_SECONDS
    settings.BIMTEK_WORKER_SILENT_SECONDS = SILENT_SECONDS
    settings.CERTIFICATES_ISSUE_WORKERS = 1
    try:
        yield path
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved_name
        connection.connection = in_memory


class WorkerProcess:
    """manage.py db_worker in a process group of its own, as ./dev run starts it."""

    def __init__(self, database: Path, settings_module: str):
        self.database, self.settings_module = database, settings_module
        self.process = None
        self.log = database.parent / f"worker-{time.monotonic_ns()}.log"

    def start(self) -> "WorkerProcess":
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "BIMTEK_", "DATABASE_", "CERTIFICATES_"))
        }
        env |= {
            "DJANGO_SETTINGS_MODULE": self.settings_module,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "BIMTEK_DATA_DIR": str(self.database.parent),
            "BIMTEK_WORKER_BEAT_SECONDS": str(BEAT_SECONDS),
            "BIMTEK_WORKER_SILENT_SECONDS": str(SILENT_SECONDS),
            "CERTIFICATES_ISSUE_WORKERS": "1",
        }
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",
                 "--no-startup-delay"],  # fmt: skip
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self) -> None:
        """Kill the worker as the kernel's OOM killer or a power cut would: nothing runs on."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def start_worker(file_database):
    """Start a worker process on the shared file database; every one is stopped at the end."""
    started = []

    def start(settings_module="bimtek.settings"):
        worker = WorkerProcess(file_database, settings_module).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(condition, what: str, seconds: float, worker: WorkerProcess | None = None):
    """Poll condition() until it returns something true; fail saying what did not happen."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    log = f"\nworker log:\n{worker.output()[-3000:]}" if worker else ""
    pytest.fail(f"{what} did not happen within {seconds} s{log}")
