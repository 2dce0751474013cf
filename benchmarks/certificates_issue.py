"""
Time issuing certificates end to end, next to the floor: WeasyPrint alone on the same HTML.

    .venv/bin/python benchmarks/certificates_issue.py [--sizes 55,1000] [--workers 1,2]
        [--pdfa on|off] [--sign on|off] [--sqlite]

For each size, a fresh PostgreSQL database (BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432; dropped afterwards), as production runs it, or with
--sqlite a temporary SQLite file, gets a finished training with that many participants who
attended all 7 sessions. Then:

- floor: each worker process renders its share of the certificates' HTML (rendered once by
  Django beforehand) with WeasyPrint in-process as a renderer process holds it
  (core.pdf_renderer.Renderer: one font configuration, parsed stylesheet and image cache),
  with the same PDF variant; nothing else: no renderer process, no database, no numbering, no
  QR code, no signing, no hashing, no storage;
- issue: an IssueRun is started as the issuing page starts it, and the same number of worker
  processes run certificates.services.work_on_run() on it, as django.tasks workers (db_worker)
  would, side by side: lock, number, snapshot, QR, render, sign, hash, store, progress. Timed
  from the run's start to the last item; each worker lays out its PDFs in its own renderer
  process (core.pdf), whose CPU and memory count as the worker's. "parallel" is the workers'
  CPU seconds over the wall time: close to the number of workers when they do not wait for
  each other.

--pdfa off renders plain PDF instead of PDF/A-3b; --sign on signs every certificate (PAdES)
with a throwaway PKCS#12 key made for the run, and prints the bare cost of signing one PDF.

Every worker is a fresh process (forked before WeasyPrint is imported) and reports its peak
resident set size (ru_maxrss; for issue, plus its renderer's resident size at the end),
which includes Python, Django and WeasyPrint themselves. Wall
time depends on what else the machine runs: compare with the floor of the same run.
"""

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(data_dir: str, *, database_url: str, pdfa: bool, pkcs12: str) -> None:
    os.environ["BIMTEK_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bimtek.settings")
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if pkcs12:
        os.environ["CERTIFICATES_SIGNING_PKCS12"] = pkcs12
        os.environ["CERTIFICATES_SIGNING_PASSWORD"] = "bench"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.CERTIFICATES_PDF_VARIANT = "pdf/a-3b" if pdfa else ""


def _throwaway_pkcs12(folder: str) -> str:
    """Write a self-issued RSA-2048 key and certificate to a PKCS#12 file; return its path."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Benchmark BKPSDM")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path = os.path.join(folder, "bench.p12")
    with open(path, "wb") as out:
        out.write(
            pkcs12.serialize_key_and_certificates(
                b"bench", key, cert, None, serialization.BestAvailableEncryption(b"bench")
            )
        )
    return path


def _make_training(size: int, *, back_page: bool):
    import datetime

    from django.contrib.auth.models import Group  # noqa: F401
    from django.utils import timezone

    from trainings.models import Attendance, Enrolment, Session, Training
    from certificates.models import CertificateSettings
    from participants.models import Employee, Unit

    unit, _ = Unit.objects.get_or_create(name="BKPSDM", defaults={"kind": "badan"})
    code = f"BENCH-{size}-{time.time_ns()}"
    training = Training.objects.create(
        code=code,
        title="Bimbingan Teknis Pelayanan Prima bagi Petugas Pelayanan Publik",
        organiser_unit=unit,
        venue="Aula BKPSDM Kota Magelang",
        quota=max(size, 1),
        start_date=datetime.date(2022, 10, 12),
        end_date=datetime.date(2022, 10, 14),
        status=Training.Status.FINISHED,
    )
    CertificateSettings.objects.update_or_create(
        training=None,
        defaults={
            "signer_name": "Drs. Bambang Setiawan, M.Si.",
            "signer_position": "Kepala BKPSDM",
            "signer_pangkat": "Pembina Utama Muda",
            "signer_nip": "197003151995031002",
            "back_page": back_page,
        },
    )
    sessions = [
        Session.objects.create(
            training=training,
            topic=f"Materi {n}",
            date=training.start_date,
            start_time=datetime.time(8 + n),
            end_time=datetime.time(8 + n, 45),
            jp=2,
        )
        for n in range(7)
    ]
    base = Employee.objects.count()
    employees = Employee.objects.bulk_create(
        Employee(
            nip=f"19{70 + (base + n) // 999 % 25:02d}0926201505{1 + n % 2}{(base + n) % 999 + 1:03d}",
            gelar_depan="Dr." if n % 7 == 0 else "",
            name=f"Ma'ruf Pegawai Nomor {base + n}",
            gelar_belakang="S.Sos., M.Si." if n % 3 == 0 else "",
            golongan="III/b",
            jabatan="Pengadministrasi Umum",
            unit=unit,
        )
        for n in range(size)
    )
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            training=training, employee=e, badge_token=f"b{training.pk}-{e.pk}", enrolled_at=now
        )
        for e in employees
    )
    Attendance.objects.bulk_create(
        Attendance(session=s, enrolment=en, status="hadir", method="manual", recorded_at=now)
        for s in sessions
        for en in enrolments
    )
    return training


def _sample_html(training) -> str:
    """Return the HTML of one of the training's certificates, as the issuing renders it."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from core.pdf import pdf_context
    from certificates import selectors
    from certificates.pdf import TEMPLATE, build_snapshot, certificate_context
    from certificates.services import signing_date

    enrolment = training.enrolments.select_related(
        "employee__unit", "training__organiser_unit"
    ).first()
    snapshot = build_snapshot(
        enrolment=enrolment,
        certificate_settings=selectors.certificate_settings_for(training=training),
        sessions=selectors.sessions_for_certificate(training=training),
        signed_on=signing_date(training),
    )
    context = certificate_context(
        snapshot=snapshot, number="800/001/BKPSDM/X/2022", code="ABCDEFGHJKMN"
    )
    with translation.override("id"):
        return render_to_string(TEMPLATE, {**pdf_context(), **context})


def _floor_renderer():
    """Return WeasyPrint as a renderer process holds it, here in this process, and its options."""
    from core.pdf import PDF_BASE_URL, STATIC_PREFIX, read_local_file
    from core.pdf_renderer import Renderer
    from certificates.pdf import STYLESHEETS, render_options

    renderer = Renderer(
        base_url=PDF_BASE_URL,
        static_url=PDF_BASE_URL + STATIC_PREFIX.lstrip("/"),
        fetch=read_local_file,
    )
    return renderer, STYLESHEETS, render_options()


def _floor_worker(html: str, count: int, queue) -> None:
    renderer, stylesheets, options = _floor_renderer()
    renderer.render(html, stylesheets, options)
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(count):
        renderer.render(html, stylesheets, options)
    queue.put(
        (
            time.perf_counter() - start,
            time.process_time() - cpu,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
    )


def _renderers_cpu_and_rss() -> tuple[float, float]:
    """Return the CPU seconds and the largest resident MB of this process's PDF renderers."""
    from core import pdf

    cpu, rss = 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for renderer in pdf._pool().idle:
        fields = Path(f"/proc/{renderer.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu += (int(fields[11]) + int(fields[12])) / ticks
        rss = max(rss, int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024)
    return cpu, rss


def _issue_worker(run_id: int, html: str, ready, go, queue) -> None:
    from django.db import connections

    from core.pdf import html_to_pdf
    from certificates import services
    from certificates.pdf import STYLESHEETS, render_options
    from certificates.signing import signing_backend

    # Warm up as a worker that has rendered before is: its renderer process started (WeasyPrint
    # imported, fonts and stylesheet loaded, one document laid out), the signing key loaded.
    html_to_pdf(html, time_limit=60, stylesheets=STYLESHEETS, **render_options())
    backend = signing_backend()
    if backend.signs:
        backend.signer()
    ready.set()
    go.wait()
    cpu = time.process_time()
    renderer_cpu, _rss = _renderers_cpu_and_rss()
    services.work_on_run(run_id=run_id)
    connections.close_all()
    cpu = time.process_time() - cpu
    renderer_cpu_after, renderer_rss = _renderers_cpu_and_rss()
    queue.put(
        (
            cpu + renderer_cpu_after - renderer_cpu,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + renderer_rss,
        )
    )


def _floor(html: str, size: int, workers: int):
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    shares = [size // workers + (1 if n < size % workers else 0) for n in range(workers)]
    procs = [ctx.Process(target=_floor_worker, args=(html, share, queue)) for share in shares]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    wall = max(r[0] for r in results)
    return wall, sum(r[1] for r in results), max(r[2] for r in results)


def _issue(training, html: str, workers: int):
    from django.db import connections

    from certificates import services
    from certificates.models import IssueRun

    run = services.start_issue_run(training=training, by=None)
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue, go = ctx.Queue(), ctx.Event()
    readies = [ctx.Event() for _ in range(workers)]
    procs = [
        ctx.Process(target=_issue_worker, args=(run.pk, html, readies[n], go, queue))
        for n in range(workers)
    ]
    for proc in procs:
        proc.start()
    for ready in readies:
        ready.wait()
    start = time.perf_counter()
    go.set()
    results = [queue.get() for _ in procs]
    wall = time.perf_counter() - start
    for proc in procs:
        proc.join()
    run = IssueRun.objects.get(pk=run.pk)
    run.cpu_split = "/".join(f"{r[0]:.1f}" for r in results)
    return wall, sum(r[0] for r in results), max(r[1] for r in results), run


def _signing_cost(html: str, times: int = 30) -> float:
    """Return the seconds signing one certificate PDF takes, alone (after a warm-up)."""
    from certificates.signing import signing_backend

    renderer, stylesheets, options = _floor_renderer()
    pdf = renderer.render(html, stylesheets, options)

    class Numbered:
        number = "800/001/BKPSDM/X/2022"

    backend = signing_backend()
    backend.sign(pdf, certificate=Numbered)
    start = time.perf_counter()
    for _ in range(times):
        backend.sign(pdf, certificate=Numbered)
    return (time.perf_counter() - start) / times


def _bulk_downloads(training, size: int) -> None:
    """Time what the worker's ZIP and merged-PDF exports build from the stored PDFs and store."""
    from certificates import services_export
    from certificates.models import CertificateExport

    for kind in (CertificateExport.Kind.ZIP, CertificateExport.Kind.MERGED):
        export = services_export.start_export(training=training, kind=kind, by=None)
        start = time.perf_counter()
        cpu = time.process_time()
        services_export.build_export(export_id=export.pk)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        export.refresh_from_db()
        megabytes = export.file_size / 1024 / 1024
        label = {"zip": "zip", "pdf": "merged"}[kind]
        print(
            f"{size:>12} {'':>7} {label:>6} {wall:>8.2f} {size / wall:>7.1f} {cpu / size:>10.4f}"
            f"{'':>27}  {megabytes:.1f} MB from the stored PDFs ({export.status})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="55,1000")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument(
        "--back-page",
        choices=["on", "off"],
        default="on",
        help="print the back page with the topics (the default settings do)",
    )
    parser.add_argument("--pdfa", choices=["on", "off"], default="on", help="PDF/A-3b or plain")
    parser.add_argument("--sign", choices=["on", "off"], default="off", help="PAdES signature")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    worker_counts = [int(w) for w in args.workers.split(",")]

    base_url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    db_name = f"bimtek_bench_certificates_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as data_dir:
        if not args.sqlite:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from harness import fresh_database

            fresh_database(base_url, db_name, create=True)
        try:
            _setup(
                data_dir,
                database_url="" if args.sqlite else f"{base_url}/{db_name}",
                pdfa=args.pdfa == "on",
                pkcs12=_throwaway_pkcs12(data_dir) if args.sign == "on" else "",
            )
            _run(args, sizes, worker_counts)
        finally:
            if not args.sqlite:
                from django.db import connections

                connections.close_all()
                fresh_database(base_url, db_name, create=False)
    return 0


def _run(args, sizes: list[int], worker_counts: list[int]) -> None:
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    print(
        f"database: {connection.vendor}, back page: {args.back_page}, PDF/A-3b: {args.pdfa}, "
        f"signed: {args.sign}"
    )
    print(
        f"{'participants':>12} {'workers':>7} {'step':>6} {'seconds':>8} {'cert/s':>7} "
        f"{'CPU s/cert':>10} {'vs floor':>8} {'parallel':>8} {'peak MB/worker':>14}  notes"
    )
    html = ""
    for size in sizes:
        for workers in worker_counts:
            training = _make_training(size, back_page=args.back_page == "on")
            html = _sample_html(training)
            connections.close_all()
            f_wall, f_cpu, f_mb = _floor(html, size, workers)
            floor_rate = size / f_wall
            print(
                f"{size:>12} {workers:>7} {'floor':>6} {f_wall:>8.2f} {floor_rate:>7.1f} "
                f"{f_cpu / size:>10.3f} {'':>8} {f_cpu / f_wall:>8.2f} {f_mb:>14.0f}"
            )
            wall, cpu, mb, run = _issue(training, html, workers)
            rate = size / wall
            note = (
                f"run {run.status}: {run.done} done, {run.errors} errors; "
                f"CPU s per worker {run.cpu_split}"
            )
            print(
                f"{size:>12} {workers:>7} {'issue':>6} {wall:>8.2f} {rate:>7.1f} "
                f"{cpu / size:>10.3f} {rate / floor_rate:>8.2f} {cpu / wall:>8.2f} {mb:>14.0f}"
                f"  {note}"
            )
            sys.stdout.flush()
            _bulk_downloads(training, size)
    if args.sign == "on" and html:
        print(f"signing alone: {_signing_cost(html) * 1000:.1f} ms per certificate")


if __name__ == "__main__":
    sys.exit(main())
