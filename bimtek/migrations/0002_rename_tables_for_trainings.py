"""The training tables take the trainings app's names, ahead of the models moving there.

The rows stay where they are: a table rename, which PostgreSQL and SQLite do in place, with
the foreign keys of other tables following it. trainings.0001 then takes the models over.
"""

from django.db import migrations

TABLES = {
    "training": "trainings_training",
    "session": "trainings_session",
    "speaker": "trainings_speaker",
    "enrolment": "trainings_enrolment",
    "attendance": "trainings_attendance",
    "attendancechange": "trainings_attendancechange",
}


class Migration(migrations.Migration):
    dependencies = [
        ("bimtek", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name=name, table=table) for name, table in TABLES.items()
    ]
