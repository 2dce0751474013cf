"""
An upgrade keeps every staff-list import as it was, even one being imported at that moment.

participants.0004 gives the import the shape of every background job: its row counts are
renamed in place (processed_rows to done, total_rows to total), and on SQLite the table is
rebuilt around them. The rows are written at the migration before, as the old code wrote them.
"""

import datetime

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("participants", "0003_staff_import_attempts")
AFTER = ("participants", "0004_background_job_fields")


@pytest.fixture
def migrate_to():
    """Migrate the test database to a migration and return its models; migrate it back after."""

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.migrate([target])
        return executor.loader.project_state(target).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_an_import_under_way_keeps_its_progress_through_the_upgrade(migrate_to):
    old = migrate_to(BEFORE)
    admin = old.get_model("participants", "User").objects.create(username="admin")
    now = timezone.now()
    under_way = old.get_model("participants", "StaffListImport").objects.create(
        original_filename="pegawai-2026.xlsx",
        file_digest="a" * 64,
        status="importing",
        processed_rows=600,
        total_rows=1500,
        confirmed_by=admin,
        confirmed_at=now - datetime.timedelta(minutes=3),
        started_at=now - datetime.timedelta(minutes=2),
        heartbeat_at=now,
        attempt=2,
        created_by=admin,
    )

    new = migrate_to(AFTER)

    row = new.get_model("participants", "StaffListImport").objects.get(pk=under_way.pk)
    assert (row.original_filename, row.status, row.done, row.total, row.attempt) == (
        "pegawai-2026.xlsx", "importing", 600, 1500, 2
    )
    assert (row.created_by_id, row.confirmed_by_id) == (admin.pk, admin.pk)
    assert (row.started_at, row.heartbeat_at) == (under_way.started_at, now)


@pytest.mark.django_db(transaction=True)
def test_after_the_upgrade_the_rows_done_still_cannot_exceed_the_rows(migrate_to):
    migrate_to(BEFORE)
    new = migrate_to(AFTER)

    with pytest.raises(IntegrityError):
        new.get_model("participants", "StaffListImport").objects.create(
            original_filename="pegawai.csv", done=3, total=2
        )
