"""
A burst of self check-ins against the app under gunicorn, next to a bare insert measured in the
same run.

    .venv/bin/python benchmarks/checkin_burst.py [--participants 500] [--clients 50]
        [--workers 2] [--threads 8] [--rounds 3]

Makes a fresh PostgreSQL database (BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432), migrates it, and creates one running training with
--participants enrolled participants and sessions whose check-in window is open now. Each
participant gets a login session written straight into the database (their cookie, no login
round trip) and a CSRF cookie. gunicorn then serves the app on 127.0.0.1 (gthread workers, with
benchmarks/checkin_settings.py: the app's settings, DEBUG off, plus one bare view).

Each round, --clients clients send every participant's check-in at once: a POST to
trainings:self_checkin with the projector's current token, as the check-in page's script sends the
tap (asking for JSON): the full path on the server (session, login, token, window, enrolment,
insert, the answer). Then the same clients post the same number of requests to the bare view,
which inserts one attendance row and returns "ok". Each round uses sessions of its own, so every
request inserts; the tap and the bare insert take turns so that a slow moment of the machine
falls on both. After the rounds: the same check-ins as a phone without JavaScript sends them (an
ordinary form post answered with the whole "Terima kasih" page) and, for scale, the same burst of
GETs of the home page, which any logged-in page costs at least.

Prints throughput, latency percentiles, the number of attendance records (must equal the
participants in every burst), the CPU each request cost the app, PostgreSQL and this client (from
/proc: run it on an otherwise quiet machine), the medians over the rounds and the check-in's
ratio to the bare insert; exits 1 if a record is missing or doubled; drops the database
afterwards.
"""

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.parse

from harness import HOST, ROOT, cpu_seconds, fresh_database, setup_django, start_gunicorn

PORT = 8791


def _create_data(participants: int, rounds: int) -> dict:
    """Create the training, the open session, the participants and their login cookies."""
    import datetime

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session as LoginSession
    from django.utils import timezone

    from trainings.models import Enrolment, Session, Training
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
        for topic in (
            *(f"Sesi check-in {number}" for number in range(1, rounds + 1)),
            *(f"Sesi bare insert {number}" for number in range(1, rounds + 1)),
            "Sesi check-in tanpa JavaScript",
        )
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
        "checkin_sessions": [session.pk for session in sessions[:rounds]],
        "bare_sessions": [session.pk for session in sessions[rounds : 2 * rounds]],
        "page_session": sessions[-1].pk,
        "cookies": [login.session_key for login in logins],
        "enrolments": [enrolment.pk for enrolment in enrolments],
    }


def _post(path: str, body: dict, cookie: str = "", accept: str = "text/html") -> bytes:
    """Return the bytes of a form POST, with its CSRF cookie and token, as a browser sends it."""
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    payload = urllib.parse.urlencode({**body, "csrfmiddlewaretoken": csrf}).encode()
    cookies = f"csrftoken={csrf}" + (f"; sessionid={cookie}" if cookie else "")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(payload)}\r\nCookie: {cookies}\r\nAccept: {accept}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + payload


def _get(path: str, cookie: str) -> bytes:
    """Return the bytes of a GET with the login cookie."""
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nCookie: sessionid={cookie}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()


async def _send(request: bytes) -> tuple[float, int, bytes]:
    """Send one request on a new connection; return the time to the whole answer, its status
    and its body."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, PORT)
    try:
        writer.write(request)
        answer = await reader.read()  # to the end: the server closes (Connection: close)
    finally:
        writer.close()
    elapsed = time.perf_counter() - started
    head, _, body = answer.partition(b"\r\n\r\n")
    return elapsed, int(head.split(b" ", 2)[1]), body


async def _clients(requests: list[bytes], clients: int) -> list:
    """Send the requests from `clients` clients at once, each sending its next when answered."""
    results = [None] * len(requests)
    queue = iter(enumerate(requests))

    async def client():
        for index, request in queue:
            results[index] = await _send(request)

    await asyncio.gather(*(client() for _ in range(clients)))
    return results


def _burst(requests: list[bytes], clients: int, server=None) -> tuple[float, list, dict | None]:
    """Send the requests from `clients` concurrent clients; return the time, the results and,
    given the server, the CPU milliseconds per request of the app, PostgreSQL and this client.

    The clients are coroutines on one thread (asyncio), not 50 threads: on a 2-core machine the
    load generator shares the cores with the server, and threads cost it more CPU and add
    their wait for Python's global lock to the latency they measure.
    """
    cpu_before = cpu_seconds(server.pid) if server else None
    began = time.perf_counter()
    results = asyncio.run(_clients(requests, clients))
    elapsed = time.perf_counter() - began
    cpu_after = cpu_seconds(server.pid) if server else None
    used = None
    if server:
        used = {
            part: (cpu_after[part] - cpu_before[part]) * 1000 / len(requests) for part in cpu_after
        }
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
    parser.add_argument("--rounds", type=int, default=3)
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

        from trainings import checkin_tokens
        from trainings.models import Attendance

        data = _create_data(args.participants, args.rounds)
        connection.close()
        server = start_gunicorn(
            env, port=PORT, workers=args.workers, threads=args.threads, extra=("--backlog", "2048")
        )

        from django.urls import reverse

        def token_path(session_id):
            token = checkin_tokens.make_token(session_id=session_id, slot=checkin_tokens.slot_at())
            return reverse("trainings:self_checkin", kwargs={"token": token})

        # Warm every worker thread up (imports, its database connection, templates) with
        # concurrent bursts of pages that write nothing: the check-in page (GET) and the home page.
        warm_path = token_path(data["checkin_sessions"][0])
        for path in (warm_path, "/"):
            warm = [
                _get(path, cookie) for cookie in data["cookies"][: args.workers * args.threads * 8]
            ]
            _burst(warm, args.clients)

        print(
            f"gunicorn: {args.workers} gthread workers x {args.threads} threads on a "
            f"{os.cpu_count()}-core machine; PostgreSQL; {args.participants} participants, "
            f"{args.clients} concurrent clients; {args.rounds} rounds"
        )
        # The tap and the bare insert take turns, each round on sessions of its own, so a
        # slow moment of the machine falls on both alike; the medians are compared.
        taps, bares, ok = [], [], True
        for number, (checkin_session, bare_session) in enumerate(
            zip(data["checkin_sessions"], data["bare_sessions"], strict=True), start=1
        ):
            path = token_path(checkin_session)
            checkin_requests = [
                _post(path, {}, cookie, accept="application/json") for cookie in data["cookies"]
            ]
            elapsed, results, cpu = _burst(checkin_requests, args.clients, server)
            checked_in = Attendance.objects.filter(session_id=checkin_session).count()
            thanked = sum(b"Terima kasih!" in body for _t, status, body in results if status == 200)
            taps.append(_report(f"{number}. check-in (tap)", elapsed, results, checked_in, cpu))

            bare_requests = [
                _post("/bench/bare-insert/", {"session": bare_session, "enrolment": pk})
                for pk in data["enrolments"]
            ]
            elapsed, bare_results, bare_cpu = _burst(bare_requests, args.clients, server)
            inserted = Attendance.objects.filter(session_id=bare_session).count()
            bares.append(
                _report(f"{number}. bare insert (view)", elapsed, bare_results, inserted, bare_cpu)
            )
            failures = sum(status != 200 for _t, status, _b in results)
            ok = ok and checked_in == thanked == inserted == args.participants and not failures
            print(
                f"{'':<22} check-in answers saying 'Terima kasih': {thanked}/{len(results)}, "
                f"non-200: {failures}; records: check-in {checked_in}, bare {inserted}, "
                f"for {args.participants} participants"
            )

        page_path = token_path(data["page_session"])
        page_checkin_requests = [_post(page_path, {}, cookie) for cookie in data["cookies"]]
        elapsed, page_checkin_results, page_checkin_cpu = _burst(
            page_checkin_requests, args.clients, server
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
        print(
            f"{'':<22} pages saying 'Terima kasih': {page_thanked}/{len(page_checkin_results)}; "
            f"records {page_checked_in}"
        )
        ok = ok and page_checked_in == page_thanked == args.participants

        # For scale: what any logged-in page of the app costs (session, login, menu), no write.
        page_requests = [_get("/", cookie) for cookie in data["cookies"]]
        elapsed, page_results, page_cpu = _burst(page_requests, args.clients, server)
        _report("logged-in home page", elapsed, page_results, None, page_cpu)

        tap = {key: statistics.median(round_[key] for round_ in taps) for key in taps[0]}
        bare = {key: statistics.median(round_[key] for round_ in bares) for key in bares[0]}
        print(
            f"medians of {args.rounds} rounds: check-in {tap['throughput']:.1f} req/s, "
            f"p50 {tap['p50']:.1f} ms, p95 {tap['p95']:.1f} ms; bare insert "
            f"{bare['throughput']:.1f} req/s, p50 {bare['p50']:.1f} ms, p95 {bare['p95']:.1f} ms"
        )
        print(
            f"check-in / bare: throughput {tap['throughput'] / bare['throughput']:.2f}x "
            f"(the bare insert is {bare['throughput'] / tap['throughput']:.2f}x faster), "
            f"p50 {tap['p50'] / bare['p50']:.2f}x, p95 {tap['p95'] / bare['p95']:.2f}x"
        )
        print("every record there, none doubled" if ok else "RECORDS MISSING OR DOUBLED")
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
