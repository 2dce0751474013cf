"""
Time every page people open daily, as the role that opens it, with the demo data.

    .venv/bin/python benchmarks/page_times.py [--runs 5] [--keep DIR]

Seeds the demo (seed_demo) into a temporary SQLite file with the project's SQLITE_OPTIONS (WAL,
as in development), then asks each page through Django's test client in this process: no
server, no network, so the figure is the app's own time (middleware, views, queries,
templates). Each page is asked once to warm up ("first", which includes filling caches such
as the QR codes'), then --runs times; the table shows the median and the slowest run in
milliseconds, the number of queries and the size of the page. The pages are those of
tests/daily_pages.py (the URLconf's pages, the demo's training, session and certificate), each
as every role that may open it. The issue's goal: under 300 ms a page on the development server.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="use (and keep) this folder for the database")
    args = parser.parse_args()

    folder = Path(args.keep or tempfile.mkdtemp(prefix="bimtek-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "db.sqlite3"
    fresh = not database.exists()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bimtek.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "BIMTEK_DATA_DIR": str(folder),
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from participants.models import User
    from tests.daily_pages import ROLES, daily_pages

    logging.disable(logging.WARNING)  # the 403s of pages a role may not open
    if fresh:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        from bimtek.management.commands.seed_demo import seed_demo

        seed_demo()
        print(f"Demo seeded into {database} in {time.monotonic() - started:.0f} s")

    rows, slow = [], []
    pages = daily_pages()
    for role, login in ROLES.items():
        client = Client(HTTP_HOST="localhost")
        if login is not None:
            user = User.objects.filter(username=login[0]).first() or User.objects.get(
                employee__nip=login[0]
            )
            client.force_login(user)
        for page in pages:
            started = time.perf_counter()
            response = client.get(page.url)  # the warm-up, and who may open it
            first = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    client.get(page.url)
                    times.append((time.perf_counter() - started) * 1000)
            median = statistics.median(times)
            rows.append(
                (role, page.name, first, median, max(times), len(queries), len(response.content))
            )
            if median > GOAL_MS:
                slow.append((role, page.name, median))

    print(
        f"\n{'role':<14}{'page':<40}{'first':>7}{'median':>8}{'max':>7}{'queries':>8}{'KiB':>7}"
    )
    for role, name, first, median, worst, queries, size in rows:
        flag = "  > goal" if median > GOAL_MS else ""
        print(
            f"{role:<14}{name:<40}{first:7.0f}{median:8.0f}{worst:7.0f}{queries:8d}"
            f"{size / 1024:7.1f}{flag}"
        )
    print(
        f"\n{len(rows)} pages timed ({args.runs} runs each, milliseconds); goal {GOAL_MS} ms: "
        + (f"{len(slow)} over it." if slow else "all under it.")
    )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
