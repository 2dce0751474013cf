"""
Two figures for the pre/post-tests: the time to save one answer while 20 participants answer at
once, and the time to analyse a class of 500 on 25 questions.

    .venv/bin/python benchmarks/assessments_answers.py [--participants 20] [--questions 25]
        [--rounds 2] [--think-min 0.5] [--think-max 2] [--workers 2] [--threads 4]
        [--class-size 500]

1. Saving answers, through the app under gunicorn. Makes a fresh PostgreSQL database
   (BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432), migrates it, creates a
   training with --questions questions, a pre-test open now and --participants enrolled
   participants, each with a login session written straight into the database and an attempt
   already started. gunicorn serves the app on 127.0.0.1 only (gthread workers, DEBUG off), and
   one client thread per participant, all started together, answers the questions of its
   attempt as the page's script does: one fetch POST at a time on a kept-alive connection,
   Accept: application/json, the CSRF token in X-CSRFToken. Every request is the full path:
   session, login, ownership, the attempt locked, deadline, the answer updated, JSON out.

   Two phases: "paced", every participant answering all questions once with a random pause of
   --think-min to --think-max seconds between choices (people take 20-60 s a question, so this
   is already a crowd in a hurry); then "flat out", --rounds rounds with no pause at all, which
   measures the capacity of the machine rather than a class. The client threads run on the same
   machine as the server and share its cores. Each phase prints latency percentiles and checks
   that the database holds every participant's last choice for every question.

2. The analysis, in-process on the same database: --class-size participants with a pre-test and
   a post-test attempt each (answers bulk-inserted), then results_for_training(), which reads
   everything (six queries) and computes per-person N-gain, class statistics, units and the
   item analysis; the median of five runs, and the pure computation alone.

The database is dropped afterwards. The load is bounded (participants x questions x rounds
requests) and stays on the loopback interface.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from harness import HOST, ROOT, fresh_database, setup_django, start_gunicorn

PORT = 8793


_created = [0]  # people made so far, so every NIP differs


def _people(training, unit, count: int, *, prefix: str):
    """Create count users, directory entries and enrolments; return the enrolments."""
    import secrets as tokens

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from trainings.models import Enrolment
    from participants.models import Employee, User

    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{n:04d}", password=password) for n in range(count)]
    )
    first = _created[0]
    _created[0] += count
    employees = Employee.objects.bulk_create(
        [
            Employee(
                nip=f"19{70 + m // 999 % 25:02d}0101201505{1 + m % 2}{m % 999 + 1:03d}",
                name=f"Peserta {prefix} {n}",
                unit=unit,
                user=user,
            )
            for n, (m, user) in enumerate(zip(range(first, first + count), users))
        ]
    )
    return Enrolment.objects.bulk_create(
        [
            Enrolment(
                training=training,
                employee=employee,
                status=Enrolment.Status.ENROLLED,
                badge_token=tokens.token_urlsafe(24),
                enrolled_at=timezone.now(),
            )
            for employee in employees
        ]
    )


def _training(code: str, questions: int):
    from django.utils import timezone

    from assessments.services import create_question
    from trainings.models import Training
    from participants.models import Unit

    today = timezone.localdate()
    unit, _created = Unit.objects.get_or_create(name="BKPSDM", kind=Unit.Kind.BADAN)
    training = Training.objects.create(
        code=code, title=f"Bimtek {code}", organiser_unit=unit, start_date=today,
        end_date=today, quota=9999, status=Training.Status.RUNNING,
    )  # fmt: skip
    for number in range(questions):
        create_question(
            training=training,
            text=f"Pertanyaan nomor {number + 1} tentang pelayanan prima?",
            options=[f"Pilihan {letter} soal {number + 1}" for letter in "ABCD"],
            correct=number % 4,
        )
    return training, unit


def _answer_load(participants: int, questions: int) -> dict:
    """Create the open pre-test, the participants, their logins and started attempts."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session as LoginSession
    from django.utils import timezone

    from assessments.services import configure_assessment, start_attempt

    training, unit = _training("BENCH-ANSWERS", questions)
    now = timezone.now()
    test = configure_assessment(
        training=training, kind="pre", opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(hours=2), time_limit_minutes=120,
    )  # fmt: skip
    store = SessionStore()
    clients = []
    for enrolment in _people(training, unit, participants, prefix="jawab"):
        user = enrolment.employee.user
        key = secrets.token_hex(16)
        LoginSession.objects.create(
            session_key=key,
            session_data=store.encode({
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "participants.backends.AuthenticationBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }),
            expire_date=now + datetime.timedelta(hours=2),
        )  # fmt: skip
        attempt = start_attempt(assessment=test, enrolment=enrolment)
        layout = list(
            attempt.answers.order_by("position").values_list("question_id", "option_order")
        )
        clients.append({"cookie": key, "attempt": attempt.pk, "layout": layout})
    return {"clients": clients}


def _participant(
    client: dict, rounds: int, start: threading.Barrier, think: tuple[float, float]
) -> list[tuple]:
    """Answer every question `rounds` times as the page's script would, waiting a random
    think time between answers; return the timings."""
    pause = random.Random(client["attempt"])
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        "X-CSRFToken": csrf,
        "Cookie": f"csrftoken={csrf}; sessionid={client['cookie']}",
    }
    path = f"/tes/jawab/{client['attempt']}/simpan/"
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    timings, choices = [], {}
    start.wait()
    try:
        for round_number in range(rounds):
            for question_id, option_order in client["layout"]:
                if think[1]:
                    time.sleep(pause.uniform(*think))
                option_id = option_order[(round_number + question_id) % len(option_order)]
                body = urllib.parse.urlencode({"question": question_id, "option": option_id})
                began = time.perf_counter()
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                timings.append((time.perf_counter() - began, response.status))
                if response.status == 200 and json.loads(payload)["ok"]:
                    choices[question_id] = option_id
    finally:
        connection.close()
    client["choices"] = choices
    return timings


def _class_data(size: int, questions: int) -> object:
    """Bulk-create a class that took both tests, with realistic right and wrong answers."""
    from django.utils import timezone

    from assessments.models import Answer, Attempt, Option
    from assessments.scoring import score_for
    from assessments.services import configure_assessment
    from participants.models import Unit

    training, _unit = _training("BENCH-ANALYSIS", questions)
    units = [Unit.objects.create(name=f"Unit Kerja {n}") for n in range(20)]
    enrolments = []
    for n, unit in enumerate(units):
        share = size // len(units) + (1 if n < size % len(units) else 0)
        enrolments += _people(training, unit, share, prefix=f"kelas{n:02d}-")
    now = timezone.now()
    options = {}
    for option in Option.objects.filter(question__training=training).order_by("position"):
        options.setdefault(option.question_id, []).append(option)
    rng = random.Random(500)
    for kind, shift in (("pre", -0.3), ("post", 0.9)):
        test = configure_assessment(
            training=training, kind=kind, opens_at=now - datetime.timedelta(hours=3),
            closes_at=now - datetime.timedelta(hours=1), time_limit_minutes=20,
        )  # fmt: skip
        attempts, answers = [], []
        for enrolment in enrolments:
            ability = rng.gauss(0, 1) + shift
            chosen = []
            for question_id, choices in options.items():
                knows = rng.random() < 1 / (1 + 2.718 ** -(ability - (question_id % 5 - 2) / 2))
                chosen.append(next(o for o in choices if o.is_correct == knows))
            correct = sum(option.is_correct for option in chosen)
            attempt = Attempt(
                assessment=test, enrolment=enrolment, started_at=now - datetime.timedelta(hours=2),
                deadline=now - datetime.timedelta(hours=2) + datetime.timedelta(minutes=20),
                submitted_at=now - datetime.timedelta(hours=2) + datetime.timedelta(minutes=15),
                submitted_how="participant", question_count=len(chosen), correct_count=correct,
                score=score_for(correct=correct, total=len(chosen)),
            )  # fmt: skip
            attempts.append((attempt, chosen))
        Attempt.objects.bulk_create([attempt for attempt, _chosen in attempts])
        for attempt, chosen in attempts:
            for position, option in enumerate(chosen, start=1):
                answers.append(
                    Answer(
                        attempt=attempt, question_id=option.question_id, position=position,
                        option_order=[o.pk for o in options[option.question_id]], chosen=option,
                        answered_at=attempt.started_at,
                    )
                )  # fmt: skip
        Answer.objects.bulk_create(answers, batch_size=5000)
    return training


def _phase(clients: list[dict], *, rounds: int, think: tuple[float, float]) -> dict:
    """Let every participant answer at once; return the timings and what the database holds."""
    from assessments.models import Answer

    start = threading.Barrier(len(clients))
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        timings = [
            t for ts in pool.map(lambda c: _participant(c, rounds, start, think), clients)
            for t in ts
        ]  # fmt: skip
    elapsed = time.perf_counter() - began
    saved = {
        (attempt_id, question_id): chosen_id
        for attempt_id, question_id, chosen_id in Answer.objects.filter(
            attempt_id__in=[c["attempt"] for c in clients]
        ).values_list("attempt_id", "question_id", "chosen_id")
    }
    return {
        "count": len(timings),
        "elapsed": elapsed,
        "latencies": [seconds * 1000 for seconds, _status in timings],
        "failures": sum(1 for _seconds, status in timings if status != 200),
        "lost": sum(
            1
            for client in clients
            for question_id, option_id in client["choices"].items()
            if saved.get((client["attempt"], question_id)) != option_id
        ),
    }


def _print_phase(label: str, phase: dict) -> None:
    figures = _percentiles(phase["latencies"])
    print(
        f"  {label}: {phase['count']} answers in {phase['elapsed']:.1f} s "
        f"({phase['count'] / phase['elapsed']:.0f}/s); per answer p50 {figures['p50']:.1f} ms, "
        f"p95 {figures['p95']:.1f} ms, p99 {figures['p99']:.1f} ms, max {figures['max']:.1f} ms; "
        f"non-200: {phase['failures']}; last choices missing in the database: {phase['lost']}"
    )


def _percentiles(values: list[float]) -> dict:
    quantiles = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": quantiles[49], "p95": quantiles[94], "p99": quantiles[98], "max": max(values)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--questions", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--class-size", type=int, default=500)
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=2.0)
    args = parser.parse_args()
    if args.participants * args.questions * args.rounds > 20000:
        raise SystemExit("Keep the load under 20,000 requests.")

    base_url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    name = f"bimtek_bench_answers_{os.getpid()}"
    env = {
        "DATABASE_URL": f"{base_url}/{name}",
        "DJANGO_SETTINGS_MODULE": "bimtek.settings",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    fresh_database(base_url, name, create=True)
    server = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT, env={**os.environ, **env}, check=True,
        )  # fmt: skip
        setup_django(env)
        from django.db import connection

        from assessments import analysis
        from assessments.models import Answer
        from assessments.selectors import results_for_training

        # 1. Saving answers -----------------------------------------------------------------
        data = _answer_load(args.participants, args.questions)
        connection.close()
        # The clients keep their connections open, as phones do with nginx: a worker must take
        # more connections than it has threads (production's nginx opens one per request).
        server = start_gunicorn(
            env,
            port=PORT,
            workers=args.workers,
            threads=args.threads,
            extra=("--keep-alive", "30", "--worker-connections", "1000"),
        )
        for client in data["clients"][: args.workers * args.threads]:  # warm the workers up
            conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
            conn.request("GET", f"/tes/jawab/{client['attempt']}/",
                         headers={"Cookie": f"sessionid={client['cookie']}"})  # fmt: skip
            conn.getresponse().read()
            conn.close()
        print(
            f"Saving answers: gunicorn {args.workers} gthread workers x {args.threads} threads on "
            f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the start), "
            f"PostgreSQL, {len(data['clients'])} participants at once, {args.questions} questions"
        )
        paced = _phase(data["clients"], rounds=1, think=(args.think_min, args.think_max))
        flat_out = _phase(data["clients"], rounds=args.rounds, think=(0, 0))
        _print_phase(f"paced (a choice every {args.think_min:g}-{args.think_max:g} s each)", paced)
        _print_phase("flat out (no pause; the capacity)", flat_out)
        failures = paced["failures"] + flat_out["failures"]
        lost = paced["lost"] + flat_out["lost"]
        server.terminate()
        server.wait(timeout=30)
        server = None

        # 2. The analysis -------------------------------------------------------------------
        training = _class_data(args.class_size, args.questions)
        runs = []
        for _ in range(5):
            began = time.perf_counter()
            results = results_for_training(training=training)
            runs.append(time.perf_counter() - began)
        people = [p.person for p in results.participants]
        compute = []
        correct = {}
        for attempt_id, question_id, is_correct in Answer.objects.filter(
            attempt__assessment__training=training
        ).values_list("attempt_id", "question_id", "chosen__is_correct"):
            correct.setdefault(attempt_id, {})[question_id] = bool(is_correct)
        sittings = {
            kind: [
                analysis.Sitting(p.enrolment.pk, float(getattr(p, kind).score),
                                 correct[getattr(p, kind).attempt.pk])
                for p in results.participants
            ]
            for kind in ("pre", "post")
        }  # fmt: skip
        question_ids = [item.question.pk for item in results.items]
        for _ in range(5):
            began = time.perf_counter()
            analysis.summarise(people)
            analysis.analyse_items(question_ids, pre=sittings["pre"], post=sittings["post"])
            compute.append(time.perf_counter() - began)
        summary = results.summary
        print(
            f"Analysis of {len(results.participants)} participants x {len(results.items)} "
            f"questions (pre and post, {2 * len(results.participants) * len(results.items)} "
            f"answers): results_for_training() median {statistics.median(runs) * 1000:.0f} ms "
            f"(min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f}); the computation alone "
            f"median {statistics.median(compute) * 1000:.0f} ms"
        )
        print(
            f"  (pre mean {summary.pre.mean:.1f}, post mean {summary.post.mean:.1f}, mean N-gain "
            f"{summary.mean_n_gain:.2f}, {len(results.flagged_items)} questions flagged)"
        )
        ok = failures == 0 and lost == 0
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
