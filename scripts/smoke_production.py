"""Start the production configuration for real and use it as an office would.

A fresh PostgreSQL database (created and dropped here), DJANGO_ENV=production with a generated
secret, a temporary BIMTEK_DATA_DIR; migrate, createcachetable, collectstatic, check --deploy,
the demo data; gunicorn with deploy/gunicorn.conf.py and the task worker as a second process.
Then: the login page, a static file through whitenoise, /healthz, a certificate's verification
page, an organiser led to set up two-factor sign-in (an authenticator app, its codes computed
with allauth's helper) who logs in again with a code, revokes a certificate, sees an issue run
through the worker leave it revoked and re-issues it with a reason, then has the worker make the ZIP of all the training's certificates and downloads it.
Everything is stopped and removed at the end, also on failure. Run after `./dev setup`:

    .venv/bin/python scripts/smoke_production.py

SMOKE_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432) says where to create the
database; the role needs CREATEDB. SMOKE_DATABASE_PREFIX (default bimtek_smoke) names it.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
POSTGRES = os.environ.get("SMOKE_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
HOST = "127.0.0.1"
ORGANISER = ("penyelenggara", "demo-penyelenggara-2026")
DEMO_TRAINING = "BIMTEK-PP-2022"
TIMINGS: list[tuple[str, float]] = []


class SmokeFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise SmokeFailure(message)


@contextmanager
def step(name):
    print(f"-- {name}", flush=True)
    started = time.monotonic()
    yield
    TIMINGS.append((name, time.monotonic() - started))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def shell(env, *command):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stdout.write(result.stdout + result.stderr)
        raise SmokeFailure(f"{' '.join(command)} failed ({result.returncode})")
    return result.stdout + result.stderr


def manage(env, *args):
    """deploy/manage.sh: the settings come from the env file, as on the server."""
    return shell(env, "deploy/manage.sh", *args)


def write_env_file(path, settings):
    """The env file deploy/bimtek.env.example describes: KEY=value, quoted when needed."""
    lines = [
        f'{name}="{value}"' if " " in value else f"{name}={value}"
        for name, value in settings.items()
    ]
    path.write_text("\n".join(lines) + "\n")


def query(database_url, sql, params=()):
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, params).fetchall()


class Browser:
    """Requests to the app as nginx would pass them on: HTTPS already terminated in front."""

    def __init__(self, port):
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies = {}

    def request(self, method, path, *, form=None, https=True):
        headers = {"Host": f"{HOST}:{self.port}"}
        if https:  # the headers deploy/nginx-bimtek.conf sets
            headers["X-Forwarded-Proto"] = "https"
            headers["X-Forwarded-For"] = "203.0.113.7"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response, content

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, form):
        return self.request("POST", path, form=form)


def wait_for_port(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check(process.poll() is None, "gunicorn exited while starting")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SmokeFailure("gunicorn did not start")


def stop(process, name):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop on SIGTERM; killing it")
        process.kill()
        process.wait()


def run(env, settings, port, processes, logs, work):
    database_url = settings["DATABASE_URL"]
    with step("migrate, createcachetable, collectstatic"):
        manage(env, "migrate", "--no-input")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--no-input")
    with step("check --deploy --fail-level WARNING"):
        print(manage(env, "check", "--deploy", "--fail-level", "WARNING").strip())
    with step("seed_demo --force (queues tasks for the worker)"):
        manage(env, "seed_demo", "--force")
    env = {**env, **settings}  # gunicorn and the worker as systemd starts them

    with step("gunicorn (2 workers) accepts connections"):
        processes["gunicorn"] = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", "--bind", f"{HOST}:{port}",
             "--workers", "2", "--access-logfile", "/dev/null", "bimtek.wsgi"],
            cwd=ROOT, env=env, stdout=logs["gunicorn"], stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for_port(port, processes["gunicorn"])
    browser = Browser(port)

    with step("pages over HTTPS (as behind nginx), /healthz over plain HTTP"):
        response, _ = browser.get("/akun/login/", https=False)
        check(response.status == 301, f"plain HTTP login page: {response.status}, expected 301")
        check(response.headers["Location"].startswith("https://"), "no redirect to https")
        response, page = browser.get("/akun/login/")
        check(response.status == 200, f"login page: {response.status}")
        check("Strict-Transport-Security" in response.headers, "no HSTS header")
        check("csrftoken" in browser.cookies, "no CSRF cookie on the login page")
        stylesheet = re.search(rb'href="(/static/css/bimtek\.[0-9a-f]+\.css)"', page)
        check(stylesheet, "the login page links no hashed stylesheet")
        response, css = browser.get(stylesheet.group(1).decode())
        check(response.status == 200, f"stylesheet: {response.status}")
        check(response.headers["Content-Type"].startswith("text/css"), "stylesheet type")
        check("immutable" in response.headers.get("Cache-Control", ""), "stylesheet not cached")
        check(len(css) > 1000, "stylesheet is empty")

        response, body = browser.get("/healthz", https=False)
        # The demo queued tasks and no worker runs yet: that is what /healthz is there to say.
        check(response.status == 503, f"/healthz over HTTP before the worker: {response.status}")
        check(b"no task worker is running" in body, f"/healthz gives no reason: {body}")
        check(response.headers.get("Set-Cookie") is None, "/healthz set a cookie")
        waiting = re.search(rb'"ready": (\d+)', body)
        check(waiting and int(waiting.group(1)) > 0, f"/healthz shows no demo task waiting: {body}")
        print(f"   /healthz before the worker: {body.decode()}")

    with step("the worker drains the backlog the demo queued"):
        processes["worker"] = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay"],
            cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT,
        )  # fmt: skip
        poll(
            lambda: b'"ready": 0, "running": 0' in browser.get("/healthz")[1],
            "the backlog to drain",
            90,
        )
        response, body = browser.get("/healthz")
        check(response.status == 200, f"/healthz with the worker: {body}")
        check(b'"alive": true' in body, f"/healthz shows no live worker: {body}")
        pending = query(
            database_url,
            "SELECT count(*) FROM certificates_certificate WHERE pdf = '' OR pdf IS NULL",
        )[0][0]
        check(pending == 0, f"{pending} demo certificates still have no PDF")

    certificate_id, code, enrolment_id, training_id = query(
        database_url,
        """SELECT c.id, c.code, c.enrolment_id, e.training_id
           FROM certificates_certificate c
           JOIN trainings_enrolment e ON e.id = c.enrolment_id
           JOIN trainings_training t ON t.id = e.training_id
           WHERE t.code = %s AND c.status = 'valid' ORDER BY c.sequence LIMIT 1""",
        (DEMO_TRAINING,),
    )[0]
    with step("a certificate's public verification page"):
        response, page = browser.get(f"/verify/{code}/")
        check(response.status == 200, f"verify page: {response.status}")
        check(b"verdict-valid" in page, "the verify page does not call the certificate valid")

    with step("the organiser, led to two-factor set-up at first login, sets up an app (TOTP)"):
        response, _ = browser.post(
            "/akun/login/", {"login": ORGANISER[0], "password": ORGANISER[1]}
        )
        check(response.status == 302, f"login: {response.status}, expected a redirect")
        check("sessionid" in browser.cookies, "no session after logging in")
        response, _ = browser.get("/pelatihan/")
        check(
            response.status == 302 and response.headers["Location"].startswith("/keamanan-akun/"),
            f"an organiser without two-factor reached the organiser pages: {response.status}",
        )
        used_code = set_up_totp(browser, env)

    with step("the organiser logs in again with password and authenticator code"):
        browser.post("/akun/logout/", {})
        response, _ = browser.post(
            "/akun/login/", {"login": ORGANISER[0], "password": ORGANISER[1]}
        )
        check(
            response.headers.get("Location") == "/akun/2fa/authenticate/",
            f"the login did not ask for the code: {response.status} {response.headers}",
        )
        response, _ = browser.post(
            "/akun/2fa/authenticate/", {"code": totp_code(env, SECRET[0], not_this=used_code)}
        )
        check(response.status == 302, f"the code was refused: {response.status}")
        response, _ = browser.get("/pelatihan/")
        check(response.status == 200, f"organiser pages after two-factor login: {response.status}")

    with step("the organiser revokes a certificate and starts an issue run"):
        response, _ = browser.post(
            f"/sertifikat/{certificate_id}/cabut/", {"reason": "Smoke test of the deployment"}
        )
        check(response.status == 302, f"revoke: {response.status}")
        status = query(
            database_url, "SELECT status FROM certificates_certificate WHERE id = %s",
            (certificate_id,),
        )[0][0]  # fmt: skip
        check(status == "revoked", f"the certificate is {status}, not revoked")
        response, page = browser.get(f"/verify/{code}/")
        check(b"verdict-revoked" in page, "the verify page does not show the revocation")
        response, _ = browser.post(f"/sertifikat/pelatihan/{training_id}/terbitkan/", {})
        check(response.status == 302, f"issue: {response.status}")
        run_page = response.headers["Location"]

    with step("the issue leaves the revoked certificate revoked (a run, or nothing to issue)"):
        if "/proses/" in run_page:  # others were still due: the worker runs the issue
            run_id = int(run_page.rstrip("/").rsplit("/", 1)[1])

            def run_status():
                return query(
                    database_url,
                    "SELECT status, done, errors FROM certificates_issuerun WHERE id = %s",
                    (run_id,),
                )[0]

            poll(lambda: run_status()[0] in {"done", "failed"}, "the issue run to finish", 60)
            status, _done, errors = run_status()
            check((status, errors) == ("done", 0), f"run {status}: {errors} errors")
        else:  # every other participant holds one already: no run, and the page says why
            check(
                f"/sertifikat/pelatihan/{training_id}/" in run_page,
                f"issue led to neither a run nor the training: {run_page}",
            )
        response, page = browser.get(run_page)
        check(response.status == 200, f"after issuing: {response.status}")
        if "/proses/" not in run_page:
            check(
                "tidak diterbitkan lagi".encode() in page,
                "the training page does not say the revoked participant is not issued again",
            )
        valid = query(
            database_url,
            "SELECT count(*) FROM certificates_certificate WHERE enrolment_id = %s"
            " AND status = 'valid'",
            (enrolment_id,),
        )[0][0]
        check(valid == 0, f"the issue gave {valid} certificate(s) to the revoked participant")

    with step("the organiser re-issues it deliberately, with a reason"):
        response, _ = browser.post(
            f"/sertifikat/{certificate_id}/terbitkan-ulang/", {"reason": "Smoke test: re-issue"}
        )
        check(response.status == 302, f"re-issue: {response.status}")

    with step("the new certificate's verification page"):
        rows = query(
            database_url,
            """SELECT code, pdf FROM certificates_certificate
               WHERE enrolment_id = %s AND status = 'valid'""",
            (enrolment_id,),
        )
        check(len(rows) == 1, f"{len(rows)} valid certificates for the enrolment")
        new_code, pdf = rows[0]
        check(new_code != code, "the new certificate kept the revoked code")
        check(pdf, "the worker made no PDF for the new certificate")
        check((work / "data" / "media" / pdf).is_file(), "the PDF is not on disk")
        response, page = browser.get(f"/verify/{new_code}/")
        check(response.status == 200, f"new verify page: {response.status}")
        check(b"verdict-valid" in page, "the new certificate is not shown as valid")
        response, body = browser.get("/healthz")
        check(response.status == 200, f"/healthz after: {body}")

    with step("the organiser asks for every certificate in one ZIP; the worker makes it"):
        response, _ = browser.post(f"/sertifikat/pelatihan/{training_id}/berkas/zip/buat/", {})
        check(response.status == 302, f"ask for the ZIP: {response.status}")
        export_page = response.headers["Location"]
        check("/berkas/" in export_page, f"the ZIP did not lead to its page: {export_page}")
        export_id = int(export_page.rstrip("/").rsplit("/", 1)[1])

        def export_status():
            return query(
                database_url,
                "SELECT status, done, total FROM certificates_certificateexport WHERE id = %s",
                (export_id,),
            )[0]

        poll(lambda: export_status()[0] in {"done", "failed"}, "the ZIP to be made", 60)
        status, done, total = export_status()
        check(status == "done" and done == total > 0, f"ZIP {status}: {done} of {total}")
        response, page = browser.get(export_page)
        check(response.status == 200, f"ZIP page: {response.status}")
        response, body = browser.get(export_page + "unduh/")
        check(response.status == 200, f"ZIP download: {response.status}")
        check(body.startswith(b"PK"), "the download is not a ZIP")
        print(f"   {total} certificates, {len(body)} bytes")

    with step("deploy/backup.sh, then its restore lines into a second database"):
        print("   " + shell(env, "deploy/backup.sh", str(work / "backup")).strip())
        dump = next((work / "backup").glob("bimtek-2*.dump"))
        media = next((work / "backup").glob("bimtek-media-*.tar.gz"))
        restored_url = f"{database_url}_restored"
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{restored_url.rsplit("/", 1)[1]}"')
        shell(env, "pg_restore", "--clean", "--if-exists", "--no-owner",
              f"--dbname={restored_url}", str(dump))  # fmt: skip
        (work / "restored").mkdir()
        shell(env, "tar", "-xzf", str(media), "-C", str(work / "restored"))
        count = "SELECT count(*), max(code) FROM certificates_certificate"
        check(
            query(restored_url, count) == query(database_url, count),
            "the restored database differs",
        )
        check((work / "restored" / "media" / pdf).is_file(), "the restored media lack the PDF")


SECRET: list[str] = []


def set_up_totp(browser, env) -> str:
    """Activate an authenticator app through allauth's pages; return the code it took."""
    response, _ = browser.get("/akun/2fa/totp/activate/")
    reauthenticate = response.headers.get("Location", "")
    check(
        reauthenticate.startswith("/akun/reauthenticate/"), f"no password asked: {response.status}"
    )
    response, _ = browser.post(reauthenticate, {"password": ORGANISER[1]})
    check(response.status == 302, f"reauthenticate: {response.status}")
    response, page = browser.get("/akun/2fa/totp/activate/")
    check(response.status == 200, f"activate page: {response.status}")
    found = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    check(found, "the activate page shows no secret")
    SECRET[:] = [found.group(1).decode()]
    code = totp_code(env, SECRET[0])
    response, _ = browser.post("/akun/2fa/totp/activate/", {"code": code})
    check(
        response.headers.get("Location") == "/akun/2fa/recovery-codes/",
        f"activating the app: {response.status}, expected the recovery codes",
    )
    response, page = browser.get("/akun/2fa/recovery-codes/")
    check(response.status == 200 and b"recovery_codes" in page, "no recovery codes shown")
    return code


def totp_code(env, secret: str, *, not_this: str = "") -> str:
    """Compute the app's current code with allauth's own TOTP helper (a code is taken once)."""
    program = (
        "import time\n"
        "from allauth.mfa import app_settings\n"
        "from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value\n"
        "while True:\n"
        "    counter = int(time.time()) // app_settings.TOTP_PERIOD\n"
        f"    code = format_hotp_value(hotp_value({secret!r}, counter))\n"
        f"    if code != {not_this!r}:\n"
        "        break\n"
        "    time.sleep(1)\n"
        "print(code)\n"
    )
    return manage(env, "shell", "-c", program).strip().splitlines()[-1]


def poll(condition, what, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise SmokeFailure(f"waited {seconds}s for {what}")


def drop_databases(*names):
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    started = time.monotonic()
    database = f"{os.environ.get('SMOKE_DATABASE_PREFIX', 'bimtek_smoke')}_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="bimtek-smoke-"))
    port = free_port()
    settings = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"https://{HOST}:{port}",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "BIMTEK_DATA_DIR": str(work / "data"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DEFAULT_FROM_EMAIL": "Bimtek BKPSDM <bimtek@localhost>",
    }
    write_env_file(work / "bimtek.env", settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BIMTEK_"))}
    for name in ("DATABASE_URL", "CACHE_URL", "SITE_URL"):
        env.pop(name, None)
    env["BIMTEK_ENV_FILE"] = str(work / "bimtek.env")
    processes = {}
    # The processes' output goes to files, shown when the test fails.
    logs = {name: open(work / f"{name}.log", "w") for name in ("gunicorn", "worker")}
    # SIGTERM (CI cancelling) must clean up like Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    failure = None
    try:
        drop_databases(database, f"{database}_restored")
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        run(env, settings, port, processes, logs, work)
    except SmokeFailure as error:
        failure = str(error)
    finally:
        for name in ("worker", "gunicorn"):
            stop(processes.get(name), name)
            logs[name].close()
        if failure:
            for name in ("gunicorn", "worker"):
                print(f"---- {name} log (last 60 lines)")
                print("\n".join((work / f"{name}.log").read_text().splitlines()[-60:]))
        drop_databases(database, f"{database}_restored")
        shutil.rmtree(work, ignore_errors=True)
    for name, seconds in TIMINGS:
        print(f"{seconds:6.1f}s  {name}")
    print(f"{time.monotonic() - started:6.1f}s  in all")
    if failure:
        print(f"SMOKE TEST FAILED: {failure}")
        return 1
    print("Production smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
