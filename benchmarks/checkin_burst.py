"""
A burst of self check-ins against the app under gunicorn, next to a bare insert measured in the
same run.

    .venv/bin/python benchmarks/checkin_burst.py [--participants 500] [--clients 50]
        [--workers 2] [--threads 8]

Makes a fresh PostgreSQL database (BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432), migrates it, and creates one running training with
--participants enrolled participants and one session whose check-in window is open now. Each
participant gets a login session written straight into the database (their cookie, no login
round trip) and a CSRF cookie. gunicorn then serves the app on 127.0.0.1 (gthread workers, with
benchmarks/checkin_settings.py: the app's settings, DEBUG off, plus one bare view), and
--clients threads send every participant's check-in at once: a POST to bimtek:self_checkin with
the projector's current token, as the check-in page's script sends the tap (asking for JSON): the
full path on the server (session, login, token, window, enrolment, insert, the answer). Then the
same clients post the same number of requests to the bare view, which inserts one attendance row
and returns "ok"; then the same check-ins as a phone without JavaScript sends them (an ordinary
form post answered with the whole "Terima kasih" page, on a second session); and, for scale, the
same burst of GETs of the home page, which any logged-in page costs at least.

Prints throughput, latency percentiles, the number of attendance records (must equal the
participants), the CPU each request cost the app, PostgreSQL and this client (from /proc: run it
on an otherwise quiet machine) and the check-in's ratio to the bare insert; drops the database
afterwards.
"""

import argparse
import http.client
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from harness import HOST, ROOT, cpu_seconds, fresh_database, setup_django, start_gunicorn

PORT = 8791


def _create_data(participants: int) -> dict:
    """Create the training, the open session, the participants and their login cookies."""
    import datetime

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session as LoginSession
    from django.utils import timezone

    from bimtek.models import Enrolment, Session, Training
    from participants.models import Employee, Unit, User

    now = timezone.localtime()
    unit = Unit.objects.create(name="BKPSDM", kind=Unit.Kind.BADAN)
    training = Training.objects.create(
        code="BENCH-CHECKIN",
        title="Bimtek Benchmark",
        organiser_unit=unit,
        start_date=now.date(),
        end_date=now.date(),
        quota=max(participants, 1),
        status=Training.Status.RUNNING,
    )
    # Start a few minutes from now, kept inside the day; open the window wide enough around now.
    start = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=5)
    earliest = now.replace(hour=0, minute=30, second=0, microsecond=0)
    latest = now.replace(hour=22, minute=0, second=0, microsecond=0)
    start = min(max(start, earliest), latest)
    minutes_to_start = int((start - now).total_seconds() // 60)
    sessions = [
        Session.objects.create(
            training=training,
            topic=topic,
            date=now.date(),
            start_time=start.time(),
            end_time=(start + datetime.timedelta(minutes=90)).time(),
            jp=2,
            checkin_opens_before=max(30, minutes_to_start + 10),
            checkin_closes_after=max(30, 30 - minutes_to_start),
        )
        for topic in ("Sesi check-in", "Sesi bare insert", "Sesi check-in tanpa JavaScript")
    ]
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"bench{n:04d}", password=password) for n in range(participants)]
    )
    employees = Employee.objects.bulk_create(
        [
            Employee(
                nip=f"19900101201505{1 + n % 2}{n % 999 + 1:03d}"[:18] if n < 999 else None,
                nik=None if n < 999 else f"3371{n:012d}",
                status=Employee.Status.PNS if n < 999 else Employee.Status.NON_ASN,
                name=f"Peserta Benchmark {n}",
                unit=unit,
                user=user,
            )
            for n, user in enumerate(users)
        ]
    )
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                training=training,
                employee=employee,
                status=Enrolment.Status.ENROLLED,
                badge_token=secrets.token_urlsafe(24),
                enrolled_at=now,
            )
            for employee in employees
        ]
    )
    store = SessionStore()
    logins = []
    for user in users:
        key = secrets.token_hex(16)
        data = store.encode(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "participants.backends.AuthenticationBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        logins.append(
            LoginSession(
                session_key=key,
                session_data=data,
                expire_date=timezone.now() + datetime.timedelta(hours=2),
            )
        )
    LoginSession.objects.bulk_create(logins)
    return {
        "checkin_session": sessions[0].pk,
        "bare_session": sessions[1].pk,
        "page_session": sessions[2].pk,
        "cookies": [login.session_key for login in logins],
        "enrolments": [enrolment.pk for enrolment in enrolments],
    }


def _post(
    path: str, body: dict, cookie: str = "", accept: str = "text/html"
) -> tuple[float, int, bytes]:
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    payload = urllib.parse.urlencode({**body, "csrfmiddlewaretoken": csrf})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf}" + (f"; sessionid={cookie}" if cookie else ""),
        "Accept": accept,
        "Connection": "close",
    }
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    try:
        connection.request("POST", path, body=payload, headers=headers)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    return time.perf_counter() - started, response.status, content


def _get(path: str, cookie: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    return time.perf_counter() - started, response.status, content


def _burst(jobs, clients: int, server=None) -> tuple[float, list, dict | None]:
    """Run the jobs on `clients` threads at once; return the time, the results and, given the
    server, the CPU milliseconds per request of the app, PostgreSQL and this client."""
    start = threading.Barrier(clients)

    def warm(_):
        start.wait()

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(warm, range(clients)))  # all client threads exist before the clock starts
        cpu_before = cpu_seconds(server.pid) if server else None
        began = time.perf_counter()
        results = list(pool.map(lambda job: job(), jobs))
        elapsed = time.perf_counter() - began
        cpu_after = cpu_seconds(server.pid) if server else None
    used = None
    if server:
        used = {part: (cpu_after[part] - cpu_before[part]) * 1000 / len(jobs) for part in cpu_after}
    return elapsed, results, used


def _report(name: str, elapsed: float, results: list, count: int, cpu: dict | None) -> dict:
    latencies = sorted(result[0] for result in results)
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    figures = {
        "throughput": len(results) / elapsed,
        "p50": quantiles[49] * 1000,
        "p95": quantiles[94] * 1000,
        "p99": quantiles[98] * 1000,
        "max": latencies[-1] * 1000,
    }
    print(
        f"{name:<22} {len(results):>5} requests in {elapsed:6.2f} s  "
        f"{figures['throughput']:7.1f} req/s  p50 {figures['p50']:6.1f} ms  "
        f"p95 {figures['p95']:6.1f} ms  p99 {figures['p99']:6.1f} ms  max {figures['max']:6.1f} ms  "
        + (f"records {count}" if count is not None else "")
    )
    if cpu:
        print(
            f"{'':<22} CPU per request: "
            + ", ".join(f"{part} {milliseconds:.2f} ms" for part, milliseconds in cpu.items())
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    # As deploy/gunicorn.conf.py runs on a 2-core server.
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    base_url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    name = f"bimtek_bench_checkin_{os.getpid()}"
    env = {
        "DATABASE_URL": f"{base_url}/{name}",
        "DJANGO_SETTINGS_MODULE": "benchmarks.checkin_settings",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    fresh_database(base_url, name, create=True)
    server = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
        )
        setup_django(env)
        from django.db import connection

        from bimtek import checkin_tokens
        from bimtek.models import Attendance

        data = _create_data(args.participants)
        connection.close()
        server = start_gunicorn(
            env, port=PORT, workers=args.workers, threads=args.threads, extra=("--backlog", "2048")
        )

        from django.urls import reverse

        def token_path(session_id=data["checkin_session"]):
            token = checkin_tokens.make_token(session_id=session_id, slot=checkin_tokens.slot_at())
            return reverse("bimtek:self_checkin", kwargs={"token": token})

        # Warm every worker thread up (imports, its database connection, templates) with
        # concurrent bursts of pages that write nothing: the check-in page (GET) and the home page.
        warm_path = token_path()
        for path in (warm_path, "/"):
            warm_jobs = [
                (lambda cookie=cookie, path=path: _get(path, cookie))
                for cookie in data["cookies"][: args.workers * args.threads * 8]
            ]
            _burst(warm_jobs, args.clients)

        print(
            f"gunicorn: {args.workers} gthread workers x {args.threads} threads on a "
            f"{os.cpu_count()}-core machine; PostgreSQL; {args.participants} participants, "
            f"{args.clients} concurrent clients"
        )
        path = token_path()
        checkin_jobs = [
            (lambda cookie=cookie: _post(path, {}, cookie, accept="application/json"))
            for cookie in data["cookies"]
        ]
        elapsed, results, cpu = _burst(checkin_jobs, args.clients, server)
        checked_in = Attendance.objects.filter(session_id=data["checkin_session"]).count()
        thanked = sum(b"Terima kasih!" in body for _t, status, body in results if status == 200)
        checkin = _report("self check-in (tap)", elapsed, results, checked_in, cpu)

        bare_jobs = [
            (
                lambda pk=pk: _post(
                    "/bench/bare-insert/", {"session": data["bare_session"], "enrolment": pk}
                )
            )
            for pk in data["enrolments"]
        ]
        elapsed, bare_results, bare_cpu = _burst(bare_jobs, args.clients, server)
        inserted = Attendance.objects.filter(session_id=data["bare_session"]).count()
        bare = _report("bare insert (view)", elapsed, bare_results, inserted, bare_cpu)

        page_path = token_path(data["page_session"])
        page_checkin_jobs = [
            (lambda cookie=cookie: _post(page_path, {}, cookie)) for cookie in data["cookies"]
        ]
        elapsed, page_checkin_results, page_checkin_cpu = _burst(
            page_checkin_jobs, args.clients, server
        )
        page_checked_in = Attendance.objects.filter(session_id=data["page_session"]).count()
        page_thanked = sum(
            b"Terima kasih!" in body for _t, status, body in page_checkin_results if status == 200
        )
        _report(
            "check-in, no JS (page)",
            elapsed,
            page_checkin_results,
            page_checked_in,
            page_checkin_cpu,
        )

        # For scale: what any logged-in page of the app costs (session, login, menu), no write.
        page_jobs = [(lambda cookie=cookie: _get("/", cookie)) for cookie in data["cookies"]]
        elapsed, page_results, page_cpu = _burst(page_jobs, args.clients, server)
        _report("logged-in home page", elapsed, page_results, None, page_cpu)

        failures = [status for _t, status, _b in results if status != 200]
        print(
            f"check-in / bare: throughput {checkin['throughput'] / bare['throughput']:.2f}x, "
            f"p50 {checkin['p50'] / bare['p50']:.2f}x, p95 {checkin['p95'] / bare['p95']:.2f}x"
        )
        print(
            f"check-in answers saying 'Terima kasih': {thanked}/{len(results)}; non-200: "
            f"{len(failures)}; attendance records {checked_in} for {args.participants} participants"
        )
        print(
            f"without JavaScript: pages saying 'Terima kasih': {page_thanked}/"
            f"{len(page_checkin_results)}; attendance records {page_checked_in}"
        )
        ok = all(
            count == args.participants
            for count in (checked_in, thanked, page_checked_in, page_thanked)
        )
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if "django" in sys.modules and sys.modules["django"].apps.apps.ready:
            from django.db import connections

            connections.close_all()
        fresh_database(base_url, name, create=False)


if __name__ == "__main__":
    sys.exit(main())
