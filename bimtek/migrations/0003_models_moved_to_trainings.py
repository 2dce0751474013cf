"""The bimtek app lets go of the training models, which trainings.0001 took over (state only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bimtek", "0002_rename_tables_for_trainings"),
        ("trainings", "0001_initial"),
        # Every foreign key to these models points at the trainings app first.
        ("assessments", "0002_models_moved_to_trainings"),
        ("certificates", "0004_models_moved_to_trainings"),
        ("evaluations", "0002_models_moved_to_trainings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name=name)
                for name in (
                    "AttendanceChange",
                    "Attendance",
                    "Enrolment",
                    "Session",
                    "Speaker",
                    "Training",
                )
            ],
        ),
    ]
