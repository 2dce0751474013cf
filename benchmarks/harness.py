"""What the server benchmarks share: a fresh PostgreSQL database, Django set up in the script's
own process, and the app under gunicorn on a loopback port."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def fresh_database(base_url: str, name: str, *, create: bool) -> None:
    """Drop the database `name` and, with create=True, make it again empty."""
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(env: dict) -> None:
    """Set up Django in this process with the given environment (settings, DATABASE_URL)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def start_gunicorn(
    env: dict, *, port: int, workers: int, threads: int, extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    """Serve the app as production does (deploy/gunicorn.conf.py) with the given workers and
    threads on HOST:port; return once it accepts connections.

    Workers are not recycled after max_requests here: a worker restarting in the middle of a
    measured burst would time its imports and drop its CPU seconds from /proc."""
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
        "bimtek.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--threads", str(threads), "--worker-connections", str(threads), "--max-requests", "0",
        "--log-level", "warning", "--chdir", str(ROOT), *extra,
    ]  # fmt: skip
    server = subprocess.Popen(command, env={**os.environ, **env})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """Return the CPU time (user + system, in seconds) used so far by the app server (the
    process server_pid and its workers), by PostgreSQL's processes and by this process.

    Read from /proc (Linux); the differences across a burst say where each request's time
    went. PostgreSQL's figure counts every backend, so run it on an otherwise quiet machine.
    """
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"app": 0.0, "database": 0.0, "client": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/comm") as comm:
                command = comm.read().strip()
        except OSError:  # the process ended meanwhile
            continue
        pid, parent = int(entry), int(fields[1])
        used = (int(fields[11]) + int(fields[12])) / tick
        if server_pid in (pid, parent):
            totals["app"] += used
        elif command.startswith("postgres"):
            totals["database"] += used
        elif pid == os.getpid():
            totals["client"] += used
    return totals
