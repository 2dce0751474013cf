"""An office's database from before the move upgrades to the current code and loses nothing.

Commit 0b8f638 is the last code with the training models in the bimtek app (tables bimtek_*).
That code installs a database of its own (the demo, certificate PDFs, a checked staff-list
upload, a queued invitation, a user's own permission, a group of the office's own), the current
code migrates it, and both read what it holds with the same plain SQL (tests/upgrade/probe.py,
run in a subprocess inside each checkout). Selected alone with `-m upgrade`.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils.html import escape

from core.roles import Role

pytestmark = pytest.mark.upgrade

BEFORE_THE_MOVE = "0b8f638"
PROBE = Path(__file__).parent / "upgrade" / "probe.py"
TRAINING_TABLES = (
    "training", "session", "session_speakers", "speaker", "enrolment", "attendance",
    "attendancechange",
)  # fmt: skip
# Tables that later migrations add, which the code before the move could not have.
ADDED_SINCE = {
    "trainings_training_organisers",  # trainings.0003, the panitia of a training
    "participants_unitalias",  # participants.0006, other names of a unit
    "participants_columnmapping",  # participants.0007, remembered column mappings of staff files
}
# Models added since, each with its content type and its four default permissions.
ADDED_MODELS = ["participants.unitalias", "participants.columnmapping"]
# Permissions older than the move that a role was given since: (role, app_label.codename).
ADDED_GRANTS = {(Role.ADMIN, "participants.change_user")}  # the "Accounts and roles" page
# Apps installed since, with their tables: two-factor sign-in (allauth.mfa), the audit log, the
# office profile and the task workers' heartbeat.
ADDED_APPS = {
    "audit": {"audit_auditentry"},
    "mfa": {"mfa_authenticator"},
    "office": {"office_office"},
    "workers": {"workers_worker"},
}
RENAMED = {f"bimtek_{name}": f"trainings_{name}" for name in TRAINING_TABLES}
MOVED_TASKS = {"bimtek.tasks.send_invitation": "trainings.tasks.send_invitation"}
# What an office adds by hand: a group that is none of the roles (no migrate resets it), and a
# participant's permission of their own.
OWN_GROUP = {"name": "Pengawas diklat", "permissions": ["view_attendance", "view_training"]}
OWN_PERMISSION = "view_attendance"
PDFS = 5  # enough to prove the files; rendering all 51 of the demo takes a quarter of a minute
# Addresses printed on certificates, activation letters, badges and check-in slips, bookmarked
# and saved in phones: (URL name before the move, URL name now, arguments, the address).
PRINTED_ADDRESSES = [
    ("verify:certificate", "verify:certificate", {"code": "ABCD2345EFGH"}, "/verify/ABCD2345EFGH/"),
    ("activate_with_code", "activate_with_code", {"code": "K7M2PQ"}, "/aktivasi/K7M2PQ/"),
    ("bimtek:badge_scan", "trainings:badge_scan", {"token": "b4d"}, "/pelatihan/lencana/b4d/"),
    ("bimtek:self_checkin", "trainings:self_checkin", {"token": "t0k"}, "/pelatihan/hadir/t0k/"),
]  # fmt: skip


def test_a_database_from_before_the_move_upgrades_with_nothing_lost(tmp_path):
    old_code = extract_code_before_the_move(tmp_path / "old")
    logins = demo_logins(old_code)
    with fresh_database(tmp_path) as database_url:
        env = subprocess_environment(data_dir=tmp_path / "data", database_url=database_url)
        subprocess.run(
            [sys.executable, "manage.py", "compile_translations"],
            cwd=old_code, env=env, check=True, capture_output=True,
        )  # fmt: skip
        installed = probe("install", old_code, env, tmp_path, {
            "training_app": "bimtek",
            "pdfs": PDFS,
            "uploader": logins[Role.ADMIN]["login"],
            "participant": logins[Role.PARTICIPANT]["login"],
            "permission": OWN_PERMISSION,
            "own_group": OWN_GROUP,
            "urls": [[old, kwargs] for old, _new, kwargs, _path in PRINTED_ADDRESSES],
        })  # fmt: skip
        upgraded = probe("upgrade", Path(settings.BASE_DIR), env, tmp_path, {
            "training_app": "trainings",
            "participant": logins[Role.PARTICIPANT]["login"],
            "permission": OWN_PERMISSION,
            "organiser": logins[Role.ORGANISER],
            "invitation": installed["invitation"],
            "urls": [[new, kwargs] for _old, new, kwargs, _path in PRINTED_ADDRESSES],
        })  # fmt: skip
    before, after, checks = installed["snapshot"], upgraded["snapshot"], upgraded["checks"]
    added_apps = set_apart_added_apps(after)
    assert added_apps["tables"] == set().union(*ADDED_APPS.values())
    assert "audit.view_auditentry" in added_apps["grants"][Role.ADMIN]
    assert "office.change_office" in added_apps["grants"][Role.ADMIN]
    assert before["samples"]["attendance"] and before["samples"]["certificates"]

    # The training tables carry the trainings app's names, with every row of every table.
    assert sorted(t for t in before["tables"] if t.startswith("bimtek_")) == sorted(RENAMED)
    assert not [table for table in after["tables"] if table.startswith("bimtek_")]
    added = {table: after["counts"].pop(table) for table in ADDED_SINCE}
    after["counts"]["django_content_type"] -= len(ADDED_MODELS)
    after["counts"]["auth_permission"] -= 4 * len(ADDED_MODELS)
    # (the models added since bring their permissions, with new ids, and the roles get some)
    added_ids = {row[0] for row in after["permissions"] if f"{row[1]}.{row[2]}" in ADDED_MODELS}
    granted = [row for row in after["group_permissions"] if row[1] in added_ids]
    names = {pk: f"{app}.{codename}" for pk, app, _model, codename in after["permissions"]}
    regranted = [
        row for row in after["group_permissions"] if (row[0], names[row[1]]) in ADDED_GRANTS
    ]
    assert len(regranted) == len(ADDED_GRANTS)
    after["counts"]["auth_group_permissions"] -= len(granted) + len(regranted)
    assert after["counts"] == renamed(before["counts"])
    # trainings.0003 made each training's creator its panitia (every demo training has one).
    assert added["trainings_training_organisers"] == before["counts"]["bimtek_training"]
    assert after["samples"] == before["samples"]

    # Every foreign key still holds and points at the renamed tables; new rows get fresh ids.
    assert {
        table: keys
        for table, keys in after["foreign_keys"].items()
        if table not in ADDED_SINCE
    } == renamed(before["foreign_keys"])
    assert ["enrolment_id", "id", "trainings_enrolment"] in after["foreign_keys"][
        "certificates_certificate"
    ]
    assert after["broken_foreign_keys"] == []
    assert None not in after["sequences"].values()
    assert checks["new_speaker_id"] > before["counts"]["bimtek_speaker"]

    # The certificate PDFs and the uploaded staff list are where they were, unchanged.
    # (the PDFs rendered, and the staff list uploaded with its rows rejected)
    assert len(before["files"]) == PDFS + 2 and None not in before["files"].values()
    assert after["files"] == before["files"]
    for _number, _version, _code, _status, pdf, sha256, *_ in after["samples"]["certificates"]:
        assert not pdf or after["files"][pdf] == sha256
    for _status, _name, upload, digest, *_ in after["samples"]["staff_imports"]:
        assert not upload or after["files"][upload] == digest

    # Content types moved app with their ids, so every grant holds the same permissions.
    after["group_permissions"] = [
        row
        for row in after["group_permissions"]
        if row[1] not in added_ids and row not in regranted
    ]
    for key in ("content_types", "permissions"):
        after[key] = [row for row in after[key] if f"{row[1]}.{row[2]}" not in ADDED_MODELS]
    assert after["content_types"] == moved_app_label(before["content_types"], column=1)
    assert not [ct for ct in after["content_types"] if ct[1] == "bimtek"]
    assert after["permissions"] == moved_app_label(before["permissions"], column=1)
    assert after["group_permissions"] == before["group_permissions"]
    assert after["user_permissions"] == before["user_permissions"]
    old_grants, new_grants = group_grants(before), group_grants(after)
    assert new_grants == {
        group: sorted(name.replace("bimtek.", "trainings.") for name in names)
        for group, names in old_grants.items()
    }
    assert "trainings.view_training" in new_grants[Role.ORGANISER]
    assert new_grants[OWN_GROUP["name"]] == [f"trainings.{p}" for p in OWN_GROUP["permissions"]]
    assert installed["participant_may"] and checks["participant_may"]

    # Queued background work runs from the new module paths.
    assert after["tasks"] == [
        [task_id, MOVED_TASKS.get(path, path), status] for task_id, path, status in before["tasks"]
    ]
    invited = installed["invitation"]["enrolment"]
    assert checks["invitation"] == {"status": "READY", "args": [invited]}
    assert "trainings.tasks.send_invitation" in checks["queued_tasks_import"]
    assert all(checks["queued_tasks_import"].values())

    # The models agree with the migrations, and the site works on the upgraded database.
    assert checks["makemigrations_check"] == 0
    assert checks["logged_in"]
    assert checks["training_list"]["status"] == 200
    for _code, title, _status in after["samples"]["trainings"]:
        assert escape(title) in checks["training_list"]["content"]
    assert checks["verify"]["status"] == 200
    assert escape(checks["certificate"]["training_title"]) in checks["verify"]["content"]
    assert checks["download"] == {"status": 200, "sha256": checks["certificate"]["sha256"]}
    # office.0002 filled the profile from what the install printed: it issues the same documents.
    assert checks["office"] == {
        "government": "PEMERINTAH KOTA MAGELANG", "place": "Magelang",
        "time_zone": "Asia/Jakarta", "is_complete": True,
    }  # fmt: skip

    # Printed and bookmarked addresses lead where they did.
    assert list(installed["urls"].values()) == [path for *_names, path in PRINTED_ADDRESSES]
    assert list(upgraded["urls"].values()) == [path for *_names, path in PRINTED_ADDRESSES]


def extract_code_before_the_move(target: Path) -> Path:
    """Write the code of BEFORE_THE_MOVE from this checkout's git history into target."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "archive", "--format=tar", BEFORE_THE_MOVE],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as error:
        reason = (
            f"The code before the move (commit {BEFORE_THE_MOVE}) is not in this checkout's git "
            f"history ({getattr(error, 'stderr', b'').decode().strip() or error}): fetch the "
            "whole history (git fetch --unshallow) to test the upgrade."
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def demo_logins(code: Path) -> dict:
    """Return the demo login and password of each role, as the old seed_demo documents them."""
    accounts = json.loads((code / "fixtures" / "demo_accounts.json").read_text())["accounts"]
    return {
        account["role"]: {
            "login": account.get("username") or account["nip"],
            "password": account["password"],
        }
        for account in accounts
    }


@contextmanager
def fresh_database(tmp_path: Path):
    """Yield the DATABASE_URL of an empty database of the kind the suite runs on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    import psycopg

    server = settings.DATABASES["default"]
    name = f"upgrade_{uuid.uuid4().hex[:12]}"
    params = {
        "host": server["HOST"], "port": server["PORT"], "user": server["USER"],
        "password": server["PASSWORD"],
    }  # fmt: skip
    params = {key: value for key, value in params.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as maintenance:
        maintenance.execute(f'CREATE DATABASE "{name}"')
    password = f":{quote(server['PASSWORD'])}" if server["PASSWORD"] else ""
    port = f":{server['PORT']}" if server["PORT"] else ""
    try:
        yield f"postgresql://{quote(server['USER'] or '')}{password}@{server['HOST']}{port}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def subprocess_environment(*, data_dir: Path, database_url: str) -> dict:
    """Return this environment with the site's own settings replaced by the upgrade's."""
    own = ("DJANGO_", "DATABASE_", "BIMTEK_", "CACHE_", "MAIL_", "CERTIFICATES_", "SITE_URL")
    env = {key: value for key, value in os.environ.items() if not key.startswith(own)}
    return env | {
        "DJANGO_SETTINGS_MODULE": "bimtek.settings",
        "BIMTEK_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
    }


def probe(command: str, code: Path, env: dict, tmp_path: Path, spec: dict) -> dict:
    """Run tests/upgrade/probe.py's command with the code of a checkout; return what it wrote."""
    spec_file, out_file = tmp_path / f"{command}-spec.json", tmp_path / f"{command}.json"
    spec_file.write_text(json.dumps(spec))
    result = subprocess.run(
        [sys.executable, str(PROBE), command, str(spec_file), str(out_file)],
        cwd=code, env=env | {"PYTHONPATH": str(code)}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, f"{command} failed:\n{result.stderr[-6000:]}"
    return json.loads(out_file.read_text())


def renamed(value):
    """Return value with every training table's old name replaced by its new one."""
    if isinstance(value, dict):
        return {renamed(key): renamed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [renamed(item) for item in value]
    return RENAMED.get(value, value)


def moved_app_label(rows: list, *, column: int) -> list:
    """Return rows with the app label in column moved from bimtek to trainings."""
    return [
        [*row[:column], "trainings" if row[column] == "bimtek" else row[column], *row[column + 1 :]]
        for row in rows
    ]


def set_apart_added_apps(snapshot: dict) -> dict:
    """Take out of the snapshot what the apps installed since hold; return it.

    Their tables, content types, permissions and the grants of their permissions are new; the
    rest must match the database from before the move as it did.
    """
    tables = {t for t in snapshot["tables"] if any(t in own for own in ADDED_APPS.values())}
    content_types = [ct for ct in snapshot["content_types"] if ct[1] in ADDED_APPS]
    permissions = [p for p in snapshot["permissions"] if p[1] in ADDED_APPS]
    permission_ids = {p[0] for p in permissions}
    grants = [g for g in snapshot["group_permissions"] if g[1] in permission_ids]
    added = {"tables": tables, "grants": group_grants(snapshot)}
    snapshot["tables"] = [t for t in snapshot["tables"] if t not in tables]
    snapshot["content_types"] = [ct for ct in snapshot["content_types"] if ct not in content_types]
    snapshot["permissions"] = [p for p in snapshot["permissions"] if p not in permissions]
    snapshot["group_permissions"] = [g for g in snapshot["group_permissions"] if g not in grants]
    snapshot["foreign_keys"] = {
        table: keys for table, keys in snapshot["foreign_keys"].items() if table not in tables
    }
    snapshot["counts"]["django_content_type"] -= len(content_types)
    snapshot["counts"]["auth_permission"] -= len(permissions)
    snapshot["counts"]["auth_group_permissions"] -= len(grants)
    for table in tables & set(snapshot["counts"]):
        snapshot["counts"].pop(table)
    return added


def group_grants(snapshot: dict) -> dict:
    """Return each group's permissions as sorted app_label.codename names."""
    names = {pk: f"{app}.{codename}" for pk, app, _model, codename in snapshot["permissions"]}
    grants = {}
    for group, permission_id in snapshot["group_permissions"]:
        grants.setdefault(group, []).append(names[permission_id])
    return {group: sorted(permissions) for group, permissions in grants.items()}
