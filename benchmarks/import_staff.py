"""
Time the staff-list import on 20,000 generated rows, next to the floor measured in the same run.

    .venv/bin/python benchmarks/import_staff.py [--rows 20000] [--database sqlite|postgres|both]
        [--only STEP,STEP] [--repeat 5] [--parts] [--instructions]
        [--code /path/to/another/checkout]

Each step runs in a fresh child process so that its peak memory is its own: the figure is the
child's peak resident set size (resource.getrusage ru_maxrss), which includes Python and Django
themselves (the "baseline" row). Steps run against a temporary SQLite file (with the project's
SQLITE_OPTIONS) and/or a fresh PostgreSQL database (BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432), dropped afterwards. Children run with DEBUG off, as in
production. Every step runs --repeat times, the steps interleaved, and the table gives the median
run with the range; the SIASN-shaped steps are then set against the same steps on today's file
(issue 13: within 10 %), by their medians, by the median of each run's own ratio, and by their
best runs. On a shared machine one run in four or five can be a third slower than the rest, for
either file: use --repeat 9 or more before reading much into a few points. --parts adds the
parts-* steps: the same imports timed in their parts (reading the file, checking it, writing and
committing it), to see where a difference lies. --instructions runs the engine steps once each
under valgrind (cachegrind) instead, and prints the instructions each import's process executed
beyond the baseline's, with the SIASN pairs set against each other by them: the same on every
run, however busy the machine, though blind to what memory and the database server cost.

The same rows are also written in the shape of BKN's SIASN export (19 columns, values in
capitals, units abbreviated as KEL./KEC./DISDUKCAPIL, a NIK per person), as CSV (;) and XLSX,
for the engine-siasn steps. Both XLSX shapes are also written as Excel saves a workbook (shared
strings, a dimension: excel_like_xlsx) for the engine-*excel steps: openpyxl's own output (inline
strings, no dimension) is slower to read than a file saved by Excel. --only runs some steps;
--code runs the children on another checkout of the project (e.g. the main branch, for a before/after comparison of the same step).

Floor: plain csv parsing; the same validation (check_identity, email validator, unit dict);
bulk_create of the validated rows. The engine steps run `manage.py import_staff` through
call_command: first import into an empty directory, re-import of the unchanged file, and a
re-import where every row changed. The django-import-export rows run EmployeeResource.import_data
(use_bulk, CachedInstanceLoader, a unit dict) on the same CSV for comparison.
"""

import argparse
import csv
import io
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("BENCH_CODE", ROOT))  # the checkout whose code the children run
UNITS = [
    "BKPSDM", "RSUD Tidar", "Dinas Kesehatan", "Puskesmas Magelang Utara",
    "Puskesmas Magelang Selatan", "Puskesmas Magelang Tengah", "Puskesmas Jurangombo",
    "Puskesmas Kerkopan", "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "Dinas Sosial", "Dinas Perhubungan",
    "Satpol PP", "Dinas Perpustakaan dan Kearsipan", "BPKAD", "Kecamatan Magelang Selatan",
    "Kecamatan Magelang Utara", "Kecamatan Magelang Tengah", "Kelurahan Rejowinangun Selatan",
    "Kelurahan Magersari", "Kelurahan Jurangombo Utara", "Kelurahan Jurangombo Selatan",
    "Kelurahan Tidar Utara", "Kelurahan Tidar Selatan", "Kelurahan Wates", "Kelurahan Potrobangsan",
    "Kelurahan Kedungsari", "Kelurahan Kramat Utara", "Kelurahan Kramat Selatan",
    "Kelurahan Kemirirejo", "Kelurahan Cacaban", "Kelurahan Rejowinangun Utara",
    "Kelurahan Magelang", "Kelurahan Panjang", "Kelurahan Gelangan",
]  # fmt: skip
HEADERS = [
    "NIP", "Gelar Depan", "Nama", "Gelar Belakang", "Pangkat/Gol", "Jabatan", "Unit Kerja",
    "Email", "No HP", "Status Kepegawaian", "Pelayanan Langsung",
]  # fmt: skip
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Ahmad", "Sri", "Eko", "Rina", "Joko", "Ma'ruf", "Nur"]
LAST = ["Santoso", "Rahayu", "Wibowo", "Lestari", "Hidayat", "Susanti", "Prasetyo", "Kurniawan"]
JABATAN = ["Pengadministrasi Umum", "Pengolah Data", "Perawat Terampil", "Analis Pelayanan"]
PNS_GRADES = ["II/a", "II/c", "III/a", "III/b", "III/c", "III/d", "IV/a"]
PPPK_GRADES = ["V", "VII", "IX", "X"]


def generate_rows(count: int) -> list[list[str]]:
    """Return count valid rows with distinct NIPs: nine in ten PNS, one in ten PPPK."""
    import datetime

    rng = random.Random(2022)
    rows, start = [], datetime.date(1965, 1, 1)
    for n in range(count):
        birth = start + datetime.timedelta(days=n // 900)  # at most 900 people per birth date
        pppk = n % 10 == 9
        gender = rng.choice("12")
        sequence = n % 900 + 1
        if pppk:
            nip = f"{birth:%Y%m%d}{birth.year + 30}2{rng.randint(1, 3)}{gender}{sequence:03d}"
        else:
            nip = f"{birth:%Y%m%d}{birth.year + 24}{rng.randint(1, 12):02d}{gender}{sequence:03d}"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
        rows.append([
            nip, rng.choice(["", "", "Dr.", "Ir."]), name, rng.choice(["S.Sos.", "S.Kep., Ners", "S.E., M.M.", ""]),
            rng.choice(PPPK_GRADES if pppk else PNS_GRADES), rng.choice(JABATAN), rng.choice(UNITS),
            f"pegawai{n}@magelangkota.go.id", f"08{rng.randint(10**9, 10**10 - 1)}",
            "PPPK" if pppk else "PNS", rng.choice(["Ya", "Tidak"]),
        ])  # fmt: skip
    return rows


SIASN_HEADER = [
    "PNS ID", "NIP BARU", "NIP LAMA", "NAMA", "GELAR DEPAN", "GELAR BLKG", "TGL LHR",
    "JENIS KELAMIN", "NIK", "NOMOR HP", "EMAIL", "JENIS PEGAWAI", "STATUS CPNS PNS",
    "GOL AKHIR NAMA", "TMT GOLONGAN", "JENIS JABATAN", "JABATAN NAMA", "UNOR NAMA",
    "INSTANSI KERJA NAMA",
]  # fmt: skip


def _siasn_unit(name: str) -> str:
    """Write a unit as SIASN exports often do: capitals, KEL./KEC., the agency's acronym."""
    for long, short in (("Kelurahan ", "KEL. "), ("Kecamatan ", "KEC. ")):
        if name.startswith(long):
            return short + name[len(long) :].upper()
    if name == "Dinas Kependudukan dan Pencatatan Sipil":
        return "DISDUKCAPIL"
    return name.upper()


def siasn_rows(rows) -> list[list[str]]:
    """Return the generated rows in the shape of a SIASN export."""
    result = []
    for n, row in enumerate(rows):
        nip, pppk = row[0], row[9] == "PPPK"
        female = nip[14] == "2"
        birth_day = int(nip[6:8]) + (40 if female else 0)
        nik = f"337101{birth_day:02d}{nip[4:6]}{nip[2:4]}{n % 9999 + 1:04d}"
        result.append([
            f"A8ACA7397AEB3912E040640A04{n:06d}", nip, "", row[2].upper(), row[1].upper(),
            row[3].upper(), f"{nip[6:8]}-{nip[4:6]}-{nip[:4]}",
            "PEREMPUAN" if female else "LAKI-LAKI", nik, row[8], row[7].upper(),
            "PPPK" if pppk else "PNS DAERAH", "" if pppk else "P", row[4].upper(), "01-04-2020",
            "JABATAN PELAKSANA", row[5].upper(), _siasn_unit(row[6]), "PEMERINTAH KOTA MAGELANG",
        ])  # fmt: skip
    return result


def excel_like_xlsx(rows) -> bytes:
    """Write rows as Excel saves a workbook: shared strings, a dimension, cell references.

    openpyxl writes inline strings and no dimension, which openpyxl then reads slowly (every
    cell a rich-text object, the whole sheet parsed once more to find its size).
    """
    import zipfile
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    strings, index = [], {}
    def sid(text):
        if text not in index:
            index[text] = len(strings); strings.append(text)
        return index[text]
    width = max(len(r) for r in rows)
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{get_column_letter(c)}{r}" t="s"><v>{sid(str(v))}</v></c>'
            for c, v in enumerate(row, start=1) if v not in (None, "")
        )
        sheet_rows.append(f'<row r="{r}" spans="1:{width}">{cells}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns} '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             f'<dimension ref="A1:{get_column_letter(width)}{len(rows)}"/>'
             f'<sheetData>{"".join(sheet_rows)}</sheetData></worksheet>')
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'
           + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {ns}><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": sst,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def write_files(rows, folder: Path) -> dict[str, Path]:
    import openpyxl

    csv_path, changed_path, xlsx_path = (
        folder / "staff.csv",
        folder / "changed.csv",
        folder / "staff.xlsx",
    )
    siasn_path, siasn_xlsx_path = folder / "siasn.csv", folder / "siasn.xlsx"
    siasn = siasn_rows(rows)
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(SIASN_HEADER)
    writer.writerows(siasn)
    siasn_path.write_bytes(text.getvalue().encode("utf-8"))
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(SIASN_HEADER)
    for row in siasn:
        sheet.append(row)
    workbook.save(siasn_xlsx_path)
    for path, data in (
        (csv_path, rows),
        (changed_path, [[*r[:5], r[5] + " Ahli", *r[6:]] for r in rows]),
    ):
        text = io.StringIO(newline="")
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows(data)
        path.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)  # all strings: NIPs are text cells
    workbook.save(xlsx_path)
    excel_path, siasn_excel_path = folder / "staff-excel.xlsx", folder / "siasn-excel.xlsx"
    excel_path.write_bytes(excel_like_xlsx([HEADERS, *rows]))
    siasn_excel_path.write_bytes(excel_like_xlsx([SIASN_HEADER, *siasn]))
    return {
        "csv": csv_path, "changed": changed_path, "xlsx": xlsx_path, "siasn": siasn_path,
        "siasnxlsx": siasn_xlsx_path, "xlsxexcel": excel_path, "siasnexcel": siasn_excel_path,
    }  # fmt: skip


# --- child side -------------------------------------------------------------------------------


def _setup_django():
    sys.path.insert(0, str(CODE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bimtek.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    # As in production: with DEBUG on, Django keeps every statement's SQL with its parameters
    # quoted, which costs more for the long "IN (…)" lists of a big file.
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()


def _empty_directory():
    """Delete every employee and compact what held them (VACUUM FULL on PostgreSQL, VACUUM on
    SQLite), so that every first import meets an empty table and empty indexes, as in a new
    installation, whichever step ran before it and whatever it left deleted."""
    from django.db import connection

    from participants.models import Employee

    Employee.objects.all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM FULL ANALYZE {Employee._meta.db_table}")
        else:
            cursor.execute("VACUUM")


def _validate(rows, units):
    """The floor's validation: the same checks the importer makes, nothing else."""
    import datetime

    from django.core.validators import validate_email

    from participants.identity import check_identity
    from participants.models import Employee

    today = datetime.date.today()
    employees = []
    for row in rows:
        identity = check_identity(status=row[9], nip=row[0], golongan=row[4], today=today)
        validate_email(row[7].lower())
        employees.append(
            Employee(
                **identity.values(), gelar_depan=row[1].strip(), name=" ".join(row[2].split()),
                gelar_belakang=row[3].strip(), jabatan=row[5].strip(),
                unit_id=units[" ".join(row[6].split()).casefold()], email=row[7].lower(),
                phone=row[8], is_frontline=row[10] == "Ya",
            )
        )  # fmt: skip
    return employees


def _floor(path: Path, stage: str) -> dict:
    from django.db import transaction

    from participants.models import Employee, Unit

    _empty_directory()
    start = time.perf_counter()
    if path.suffix == ".xlsx":
        import zipfile

        from core.xlsx import sheet_rows

        with zipfile.ZipFile(path) as archive:
            rows = [["" if c is None else c for c in row] for row in sheet_rows(archive)][1:]
    else:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:]
    if stage == "parse":
        return {"seconds": time.perf_counter() - start}
    units = {name.casefold(): pk for pk, name in Unit.objects.values_list("id", "name")}
    employees = _validate(rows, units)
    if stage == "validate":
        return {"seconds": time.perf_counter() - start}
    with transaction.atomic():
        Employee.objects.bulk_create(employees, batch_size=1000)
    return {"seconds": time.perf_counter() - start}


def _engine(path: Path, fresh: bool) -> dict:
    from django.core.management import call_command

    from participants.models import Employee

    if fresh:
        _empty_directory()
    output = io.StringIO()
    start = time.perf_counter()
    try:
        call_command("import_staff", str(path), stdout=output)
    except SystemExit:
        pass
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "summary": output.getvalue().strip().splitlines()[-1]}


def _parts(path: Path, again: bool) -> dict:
    """Time the import's three parts apart: reading the file, checking it against the directory
    (plan_staff_import), writing it and committing. For a re-import, the first import of the same
    file is made first, untimed."""
    from django.db import transaction

    from participants.importing import import_staff, plan_staff_import, write_staff_plan
    from participants.staff_files import read_staff_file

    def read():
        with path.open("rb") as file_obj:
            return read_staff_file(file_obj, filename=path.name)

    _empty_directory()
    if again:
        import_staff(read())
    start = time.perf_counter()
    table = read()
    read_at = time.perf_counter()
    with transaction.atomic():
        plan = plan_staff_import(table)
        checked_at = time.perf_counter()
        write_staff_plan(plan)
    written_at = time.perf_counter()
    return {
        "seconds": written_at - start,
        "parts": {
            "read": read_at - start,
            "check": checked_at - read_at,
            "write": written_at - checked_at,
        },
        "summary": plan.report.summary_line,
    }


def _resource(path: Path, fresh: bool) -> dict:
    import tablib

    from participants.models import Employee
    from participants.resources import EmployeeResource

    if fresh:
        _empty_directory()
    start = time.perf_counter()
    text = path.read_bytes().decode("utf-8-sig")
    dataset = tablib.Dataset().load(text, format="csv", delimiter=";")
    result = EmployeeResource().import_data(dataset, dry_run=False, use_transactions=True)
    seconds = time.perf_counter() - start
    totals = result.totals
    return {
        "seconds": seconds,
        "summary": f"new={totals['new']} updated={totals['update']} skipped={totals['skip']} "
        f"errors={totals['error'] + totals['invalid']}",
    }


def child(step: str, files: dict[str, str]) -> None:
    _setup_django()
    if step == "migrate":
        from django.core.management import call_command

        from participants.models import Unit

        call_command("migrate", verbosity=0)
        Unit.objects.bulk_create([Unit(name=name) for name in UNITS])
        result = {"seconds": 0.0}
    elif step == "baseline":
        result = {"seconds": 0.0}
    elif step == "empty":
        _empty_directory()
        result = {"seconds": 0.0}
    elif step.startswith("floor-"):
        from core.batch import collector_paused

        _prefix, kind, stage = step.split("-")
        with collector_paused():  # as the importer does
            result = _floor(Path(files[kind]), stage)
    elif step.startswith("engine-"):
        _prefix, kind, when = step.split("-")
        result = _engine(Path(files[kind]), fresh=when == "first")
    elif step.startswith("parts-"):
        _prefix, kind, when = step.split("-")
        result = _parts(Path(files[kind]), again=when == "again")
    elif step.startswith("resource-"):
        _prefix, kind, when = step.split("-")
        result = _resource(Path(files[kind]), fresh=when == "first")
    else:
        raise SystemExit(f"unknown step {step}")
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


# --- parent side ------------------------------------------------------------------------------

STEPS = [
    ("baseline", "baseline: Python + Django loaded"),
    ("floor-csv-parse", "floor CSV: csv parse"),
    ("floor-csv-validate", "floor CSV: parse + validation"),
    ("floor-csv-create", "floor CSV: parse + validation + bulk_create"),
    ("floor-xlsx-parse", "floor XLSX: parse (core.xlsx)"),
    ("floor-xlsx-create", "floor XLSX: parse + validation + bulk_create"),
    ("engine-csv-first", "import_staff CSV, first import"),
    ("engine-csv-again", "import_staff CSV, re-import unchanged"),
    ("engine-changed-again", "import_staff CSV, re-import every row changed"),
    ("engine-xlsx-first", "import_staff XLSX, first import"),
    ("engine-xlsx-again", "import_staff XLSX, re-import unchanged"),
    ("engine-siasn-first", "import_staff SIASN CSV, first import"),
    ("engine-siasn-again", "import_staff SIASN CSV, re-import unchanged"),
    ("engine-siasnxlsx-first", "import_staff SIASN XLSX, first import"),
    ("engine-xlsxexcel-first", "import_staff XLSX as Excel saves it, first import"),
    ("engine-siasnexcel-first", "import_staff SIASN XLSX as Excel saves it, first import"),
]
# With --parts: each import timed in its parts, on a directory emptied and compacted first.
PARTS_STEPS = [
    ("parts-csv-first", "parts: CSV, first import"),
    ("parts-siasn-first", "parts: SIASN CSV, first import"),
    ("parts-csv-again", "parts: CSV, re-import unchanged"),
    ("parts-siasn-again", "parts: SIASN CSV, re-import unchanged"),
    ("parts-xlsxexcel-first", "parts: XLSX as Excel saves it, first import"),
    ("parts-siasnexcel-first", "parts: SIASN XLSX as Excel saves it, first import"),
]
RESOURCE_STEPS = [
    ("resource-csv-first", "import-export resource CSV, first import"),
    ("resource-csv-again", "import-export resource CSV, re-import unchanged"),
]


def run_step(step: str, files: dict, database_url: str, count_instructions=False) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "BENCH_CODE": str(CODE)}
    paths = json.dumps({kind: str(path) for kind, path in files.items()})
    command = [sys.executable, __file__, "--child", step, "--files", paths]
    if count_instructions:
        # The same count on every run, however busy the machine; hashing fixed, so that sets
        # and dicts are laid out the same way each time.
        command = [*VALGRIND, *command]
        env["PYTHONHASHSEED"] = "0"
    completed = subprocess.run(
        command, env=env, capture_output=True, text=True, cwd=CODE, check=False
    )
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            if count_instructions:
                found = re.search(r"I\s+refs:\s+([\d,]+)", completed.stderr)
                result["instructions"] = int(found.group(1).replace(",", ""))
            return result
    raise RuntimeError(f"step {step} failed:\n{completed.stdout}\n{completed.stderr}")


VALGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]


def _median(results: list[dict]) -> dict:
    """The run with the median time, and the range of all the runs' times."""
    ordered = sorted(results, key=lambda result: result["seconds"])
    median = dict(ordered[len(ordered) // 2])
    median["range"] = (ordered[0]["seconds"], ordered[-1]["seconds"])
    return median


def run_database(
    name: str, files: dict, rows: int, with_resource: bool, folder: Path, only=None, repeat=1,
    with_parts=False, count_instructions=False,
) -> None:
    if name == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        cleanup = None
    else:
        import psycopg

        server = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
        database = f"bimtek_bench_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
            connection.execute(f'CREATE DATABASE "{database}"')
        url = f"{server}/{database}"

        def cleanup():
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    try:
        run_step("migrate", files, url)

        def wanted(step: str) -> bool:
            if step.startswith("parts-"):  # with --parts, or when --only names them
                return with_parts or bool(only and step in only)
            return not only or step in only

        candidates = STEPS + (RESOURCE_STEPS if with_resource else []) + PARTS_STEPS
        steps = [(step, label) for step, label in candidates if wanted(step)]
        if count_instructions:
            count_steps_instructions(name, files, url, steps)
            return
        runs = {step: [] for step, _label in steps}
        for run in range(1, repeat + 1):  # interleaved, so that a slow minute hits every step
            for step, label in steps:
                result = run_step(step, files, url)
                runs[step].append(result)
                print(
                    f"  {name} run {run}/{repeat}: {label}: {result['seconds']:.2f} s",
                    file=sys.stderr, flush=True,
                )  # fmt: skip
        results = [(step, label, _median(runs[step])) for step, label in steps]
        print_table(name, rows, results, repeat)
        print_siasn_comparison(runs)
    finally:
        if cleanup:
            cleanup()


# The SIASN-shaped file's steps and the same step on today's file (issue 13: within 10 %).
SIASN_PAIRS = [
    ("engine-siasn-first", "engine-csv-first", "CSV, first import"),
    ("engine-siasn-again", "engine-csv-again", "CSV, re-import unchanged"),
    ("engine-siasnxlsx-first", "engine-xlsx-first", "XLSX as openpyxl writes it, first import"),
    ("engine-siasnexcel-first", "engine-xlsxexcel-first", "XLSX as Excel saves it, first import"),
    ("parts-siasn-first", "parts-csv-first", "parts: CSV, first import"),
    ("parts-siasn-again", "parts-csv-again", "parts: CSV, re-import unchanged"),
    ("parts-siasnexcel-first", "parts-xlsxexcel-first", "parts: XLSX as Excel saves it"),
]


def print_table(name: str, rows: int, results, repeat: int = 1) -> None:
    by_step = {step: result for step, _label, result in results}
    floors = {
        kind: by_step[f"floor-{kind}-create"]["seconds"]
        for kind in ("csv", "xlsx")
        if f"floor-{kind}-create" in by_step
    }
    print(f"\n{name}: {rows} rows; seconds: the median of {repeat} runs (min-max)")
    print(
        f"{'step':<56} {'seconds':>8} {'min-max':>11} {'rows/s':>8} {'x floor':>8} "
        f"{'peak MB':>8}  result"
    )
    for step, label, result in results:
        seconds = result["seconds"]
        spread = "{:.2f}-{:.2f}".format(*result.get("range", (seconds, seconds)))
        rate = f"{rows / seconds:8.0f}" if seconds else f"{'':>8}"
        kind = "xlsx" if "xlsx" in step else "csv"
        ratio = (
            f"{seconds / floors[kind]:8.2f}"
            if step.startswith(("engine", "resource")) and kind in floors
            else f"{'':>8}"
        )
        print(
            f"{label:<56} {seconds:8.2f} {spread:>11} {rate} {ratio} {result['maxrss_mb']:8.0f}  "
            f"{result.get('summary', '')}"
        )
    sys.stdout.flush()


def print_siasn_comparison(runs: dict[str, list[dict]]) -> None:
    """Set each SIASN-shaped step against the same step on today's file, three ways: the
    medians; the median of the runs' own ratios (each run of the two steps a minute apart, so a
    slow minute of the machine weighs on both); and the best runs (the least disturbed)."""
    pairs = [pair for pair in SIASN_PAIRS if runs.get(pair[0]) and runs.get(pair[1])]
    if not pairs:
        return
    print(
        "\nSIASN-shaped file against today's file, the same step: median seconds; "
        "median of the runs' own ratios; best run against best run"
    )
    for siasn, today, label in pairs:
        ours = [run["seconds"] for run in runs[siasn]]
        theirs = [run["seconds"] for run in runs[today]]
        paired = sorted(mine / other - 1 for mine, other in zip(ours, theirs, strict=True))
        median_ours, median_theirs = statistics.median(ours), statistics.median(theirs)
        print(
            f"  {label:<44} {median_theirs:6.2f} -> {median_ours:6.2f}  "
            f"{100 * (median_ours / median_theirs - 1):+5.1f} %;  "
            f"paired {100 * statistics.median(paired):+5.1f} % "
            f"(runs {' '.join(f'{100 * ratio:+.0f}' for ratio in paired)});  "
            f"best {min(theirs):.2f} -> {min(ours):.2f} "
            f"{100 * (min(ours) / min(theirs) - 1):+5.1f} %"
        )
        if "parts" in runs[siasn][0]:
            print(
                "    each part's best run: "
                + ", ".join(
                    f"{part} {min(run['parts'][part] for run in runs[today]):.3f} -> "
                    f"{min(run['parts'][part] for run in runs[siasn]):.3f}"
                    for part in ("read", "check", "write")
                )
                + " s"
            )
    sys.stdout.flush()


def count_steps_instructions(name: str, files: dict, url: str, steps) -> None:
    """Run the baseline and the engine steps once each under valgrind and print the instructions
    each step's process executed beyond the baseline's, then the SIASN pairs by them."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt install valgrind).")
    steps = [("baseline", STEPS[0][1])] + [s for s in steps if s[0].startswith("engine-")]
    counts = {}
    for step, label in steps:
        if step.endswith("-first"):  # emptied first, uncounted: the step's own emptying is cheap
            run_step("empty", files, url)
        counts[step] = run_step(step, files, url, count_instructions=True)["instructions"]
        print(f"  {name}: {label}: {counts[step] / 1e9:.2f} G instructions", file=sys.stderr,
              flush=True)  # fmt: skip
    base = counts["baseline"]
    print(f"\n{name}: instructions executed by the importing process beyond the baseline's "
          f"({base / 1e9:.2f} G); a database server's own work is not counted")  # fmt: skip
    for step, label in steps[1:]:
        print(f"  {label:<56} {(counts[step] - base) / 1e9:8.2f} G")
    print("\nSIASN-shaped file against today's file, the same step, by instructions")
    for siasn, today, label in SIASN_PAIRS:
        if siasn in counts and today in counts:
            ours, theirs = counts[siasn] - base, counts[today] - base
            print(f"  {label:<44} {theirs / 1e9:6.2f} -> {ours / 1e9:6.2f} G  "
                  f"{100 * (ours / theirs - 1):+5.1f} %")  # fmt: skip
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--no-resource", action="store_true", help="Skip the django-import-export comparison."
    )
    parser.add_argument("--only", help="Run only these steps (comma-separated), e.g. engine-csv-first.")
    parser.add_argument("--code", help="Run the steps on this checkout of the project instead.")
    parser.add_argument(
        "--parts", action="store_true",
        help="Also time the imports in parts (read, check, write), each on a compacted directory.",
    )  # fmt: skip
    parser.add_argument(
        "--repeat", type=int, default=5, help="Run every step this many times; report the median."
    )
    parser.add_argument(
        "--instructions", action="store_true",
        help="Count the instructions of each engine step once, under valgrind, instead of "
        "timing it: a figure that the machine's load does not move (about 50 times slower).",
    )  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, json.loads(args.files))
        return 0

    if args.code:
        global CODE
        CODE = Path(args.code).resolve()
    only = set(args.only.split(",")) if args.only else None
    with tempfile.TemporaryDirectory(prefix="bimtek-bench-") as folder:
        folder = Path(folder)
        files = write_files(generate_rows(args.rows), folder)
        print(f"{args.rows} rows; CSV {files['csv'].stat().st_size / 1e6:.1f} MB, XLSX {files['xlsx'].stat().st_size / 1e6:.1f} MB; "
              f"peak MB = the step's own process, ru_maxrss", flush=True)  # fmt: skip
        names = ["sqlite", "postgres"] if args.database == "both" else [args.database]
        for name in names:
            run_database(
                name, files, args.rows, not args.no_resource, folder, only, args.repeat,
                with_parts=args.parts, count_instructions=args.instructions,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
