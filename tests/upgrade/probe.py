"""Run inside one checkout of Bimtek (old or new) by tests/test_upgrade_from_before_the_move.py.

    python probe.py install|upgrade SPEC.json OUT.json

The checkout is on PYTHONPATH and its settings come from the environment (DATABASE_URL,
BIMTEK_DATA_DIR). `install` is run with the code from before the move: it migrates, loads the
demo and adds what a real installation has besides (a checked staff-list upload, a queued
invitation, a user's own permission, a group of the office's own). `upgrade` is run with the
current code: it migrates the same database and tries it out. Both write what the database
holds, read with plain SQL so that old and new code read it the same way, to OUT.json.
"""

import hashlib
import json
import sys
from pathlib import Path

import django


def main(command: str, spec_path: str, out_path: str) -> None:
    django.setup()
    spec = json.loads(Path(spec_path).read_text())
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    out = install(spec) if command == "install" else {}
    out["snapshot"] = snapshot(spec["training_app"])  # before the pages below log anyone in
    out["urls"] = reverse_all(spec["urls"])
    if command == "upgrade":
        out["checks"] = try_out(spec)
    Path(out_path).write_text(json.dumps(out, default=str, indent=1))


# The old code -----------------------------------------------------------------------------------


def install(spec: dict) -> dict:
    """Load the demo and what an office adds to it, through the old code's own services."""
    from django.conf import settings
    from django.contrib.auth.models import Group, Permission
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from bimtek.models import Enrolment, Training
    from bimtek.tasks import send_invitation
    from certificates.models import Certificate
    from certificates.services import generate_pdf
    from participants.models import User
    from participants.services_import import check_staff_import, start_staff_import

    call_command("seed_demo", verbosity=0, stdout=sys.stderr)
    for certificate in Certificate.objects.order_by("pk")[: spec["pdfs"]]:
        generate_pdf(certificate_id=certificate.pk)

    fixtures = Path(settings.BASE_DIR) / "fixtures"
    call_command("import_staff", str(fixtures / "contoh_impor_bersih.csv"), stdout=sys.stderr)
    # The admin page's path: the upload is stored and checked, and waits for confirmation.
    upload = fixtures / "contoh_impor_salah.xlsx"
    staff_import = start_staff_import(
        uploaded_file=SimpleUploadedFile(upload.name, upload.read_bytes()),
        filename=upload.name,
        skip_invalid=True,
        create_units=False,
        user=User.objects.get(username=spec["uploader"]),
    )
    check_staff_import(import_id=staff_import.pk, attempt=staff_import.attempt)

    open_training = Training.objects.get(status=Training.Status.OPEN)
    enrolment = Enrolment.objects.filter(training=open_training).order_by("pk").first()
    invitation = send_invitation.enqueue(enrolment.pk)

    participant = User.objects.get(username=spec["participant"])
    participant.user_permissions.add(
        Permission.objects.get(content_type__app_label="bimtek", codename=spec["permission"])
    )
    own_group = Group.objects.create(name=spec["own_group"]["name"])
    own_group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="bimtek", codename__in=spec["own_group"]["permissions"]
        )
    )
    participant = User.objects.get(pk=participant.pk)  # a fresh permission cache
    return {
        "invitation": {"id": str(invitation.id), "enrolment": enrolment.pk},
        "participant_may": participant.has_perm(f"bimtek.{spec['permission']}"),
    }


# The new code -----------------------------------------------------------------------------------


def try_out(spec: dict) -> dict:
    """Use the upgraded database the way the office will: permissions, tasks, pages."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    from certificates.models import Certificate
    from participants.models import User
    from trainings.models import Speaker
    from trainings.tasks import send_invitation

    checks = {}
    participant = User.objects.get(username=spec["participant"])
    checks["participant_may"] = participant.has_perm(f"trainings.{spec['permission']}")

    checks["queued_tasks_import"] = {}
    for path in DBTaskResult.objects.values_list("task_path", flat=True).distinct():
        try:
            checks["queued_tasks_import"][path] = hasattr(import_string(path), "enqueue")
        except ImportError:
            checks["queued_tasks_import"][path] = False
    try:
        invitation = send_invitation.get_result(spec["invitation"]["id"])
        checks["invitation"] = {"status": invitation.status, "args": invitation.args}
    except Exception as error:  # the test shows it beside what was expected
        checks["invitation"] = {"error": repr(error)}

    with transaction.atomic():
        checks["new_speaker_id"] = Speaker.objects.create(name="Narasumber baru").pk
        transaction.set_rollback(True)

    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=1, stdout=sys.stderr)
        checks["makemigrations_check"] = 0
    except SystemExit as stopped:
        checks["makemigrations_check"] = stopped.code

    client = Client()
    checks["logged_in"] = client.login(
        username=spec["organiser"]["login"], password=spec["organiser"]["password"]
    )
    checks["training_list"] = page(client.get(reverse("trainings:training_list")))
    certificate = Certificate.objects.exclude(sha256="").select_related("enrolment__training")
    certificate = certificate.order_by("pk").first()
    checks["certificate"] = {
        "training_title": certificate.enrolment.training.title,
        "sha256": certificate.sha256,
    }
    checks["verify"] = page(client.get(reverse("verify:certificate", args=[certificate.code])))
    download = client.get(reverse("certificates:download", args=[certificate.pk]))
    body = b"".join(download.streaming_content) if download.streaming else download.content
    checks["download"] = {
        "status": download.status_code,
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    from office.selectors import current_office

    office = current_office()
    checks["office"] = {
        "government": office.government, "place": office.place,
        "time_zone": office.time_zone, "is_complete": office.is_complete,
    }  # fmt: skip
    return checks


def page(response) -> dict:
    """Return a response's status and text."""
    return {"status": response.status_code, "content": response.content.decode()}


# Both -------------------------------------------------------------------------------------------


def reverse_all(names: list) -> dict:
    """Return the path of each [name, kwargs] the spec asks for."""
    from django.urls import reverse

    return {name: reverse(name, kwargs=kwargs) for name, kwargs in names}


def snapshot(training_app: str) -> dict:
    """Read what the database holds with plain SQL; training tables begin with training_app."""
    from django.conf import settings
    from django.db import connection

    t = training_app
    # participants.0004 (after the move) named the staff import's progress like every job's.
    total, done = ("total_rows", "processed_rows") if t == "bimtek" else ("total", "done")
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))

        def rows(sql: str) -> list:
            cursor.execute(sql)
            return [list(row) for row in cursor.fetchall()]

        ours = [
            table
            for table in tables
            if table.startswith(
                (f"{t}_", "participants_", "assessments_", "evaluations_", "certificates_")
            )
            or table
            in (
                "auth_group",
                "auth_group_permissions",
                "auth_permission",
                "django_content_type",
                "django_tasks_database_dbtaskresult",
            )
        ]
        counts = {table: rows(f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in ours}
        foreign_keys = {
            table: sorted(
                # (column, referenced column, referenced table); newer Django adds the ON DELETE
                [column, *target[:2]]
                for column, target in connection.introspection.get_relations(cursor, table).items()
            )
            for table in tables
        }
        if connection.vendor == "sqlite":
            broken = rows("PRAGMA foreign_key_check")
            sequences = {}
        else:
            broken = rows(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
            )
            sequences = {
                table: rows(f"SELECT pg_get_serial_sequence('{table}', 'id')")[0][0]
                for table in ours
                if table.startswith(f"{t}_")
            }
        samples = {
            "trainings": rows(f"SELECT code, title, status FROM {t}_training ORDER BY code"),
            "sessions": rows(
                f"SELECT t.code, s.date, s.start_time, s.topic, sp.name FROM {t}_session s"
                f" JOIN {t}_training t ON t.id = s.training_id"
                f" LEFT JOIN {t}_session_speakers ss ON ss.session_id = s.id"
                f" LEFT JOIN {t}_speaker sp ON sp.id = ss.speaker_id ORDER BY 1, 2, 3, 4, 5"
            ),
            "enrolments": rows(
                f"SELECT t.code, e.nip, en.status, en.badge_token FROM {t}_enrolment en"
                f" JOIN {t}_training t ON t.id = en.training_id"
                " JOIN participants_employee e ON e.id = en.employee_id ORDER BY 1, 2"
            ),
            "attendance": rows(
                f"SELECT t.code, s.date, s.start_time, e.nip, a.status, a.method"
                f" FROM {t}_attendance a JOIN {t}_session s ON s.id = a.session_id"
                f" JOIN {t}_training t ON t.id = s.training_id"
                f" JOIN {t}_enrolment en ON en.id = a.enrolment_id"
                " JOIN participants_employee e ON e.id = en.employee_id ORDER BY 1, 2, 3, 4"
            ),
            "certificates": rows(
                "SELECT c.number, c.version, c.code, c.status, c.pdf, c.sha256, t.code, e.nip"
                f" FROM certificates_certificate c JOIN {t}_enrolment en ON en.id = c.enrolment_id"
                f" JOIN {t}_training t ON t.id = en.training_id"
                " JOIN participants_employee e ON e.id = en.employee_id ORDER BY 1, 2"
            ),
            "attempts": rows(
                "SELECT a.kind, e.nip, at.score FROM assessments_attempt at"
                " JOIN assessments_assessment a ON a.id = at.assessment_id"
                f" JOIN {t}_enrolment en ON en.id = at.enrolment_id"
                " JOIN participants_employee e ON e.id = en.employee_id ORDER BY 1, 2, 3"
            ),
            "staff_imports": rows(
                "SELECT status, original_filename, file, file_digest, rejected_file,"
                f" {total}, {done} FROM participants_stafflistimport ORDER BY id"
            ),
            "employees": rows("SELECT nip, name, unit_id FROM participants_employee ORDER BY nip"),
        }
        content_types = rows("SELECT id, app_label, model FROM django_content_type ORDER BY id")
        permissions = rows(
            "SELECT p.id, ct.app_label, ct.model, p.codename FROM auth_permission p"
            " JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY p.id"
        )
        group_permissions = rows(
            "SELECT g.name, gp.permission_id FROM auth_group_permissions gp"
            " JOIN auth_group g ON g.id = gp.group_id ORDER BY 1, 2"
        )
        user_permissions = rows(
            "SELECT u.username, up.permission_id FROM participants_user_user_permissions up"
            " JOIN participants_user u ON u.id = up.user_id ORDER BY 1, 2"
        )
        tasks = rows(
            "SELECT id, task_path, status FROM django_tasks_database_dbtaskresult ORDER BY id"
        )
    stored = [row[4] for row in samples["certificates"] if row[4]]
    stored += [name for row in samples["staff_imports"] for name in (row[2], row[4]) if name]
    media = Path(settings.MEDIA_ROOT)
    files = {
        name: hashlib.sha256((media / name).read_bytes()).hexdigest()
        if (media / name).is_file()
        else None
        for name in stored
    }
    return {
        "vendor": connection.vendor,
        "tables": tables,
        "counts": counts,
        "foreign_keys": foreign_keys,
        "broken_foreign_keys": broken,
        "sequences": sequences,
        "samples": samples,
        "content_types": content_types,
        "permissions": permissions,
        "group_permissions": group_permissions,
        "user_permissions": user_permissions,
        "tasks": tasks,
        "files": files,
    }


if __name__ == "__main__":
    main(*sys.argv[1:])
