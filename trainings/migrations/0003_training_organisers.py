"""Panitia per training: the organisers assigned to it. Each existing training's creator becomes
its panitia, so an office that turns BIMTEK_ORGANISERS_SEE_ALL_TRAININGS off keeps its trainings.
"""

from django.conf import settings
from django.db import migrations, models


def creators_become_panitia(apps, schema_editor):
    Training = apps.get_model("trainings", "Training")
    Panitia = Training.organisers.through
    db = schema_editor.connection.alias
    Panitia.objects.using(db).bulk_create(
        [
            Panitia(training_id=pk, user_id=user_id)
            for pk, user_id in Training.objects.using(db)
            .exclude(created_by=None)
            .values_list("pk", "created_by_id")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("trainings", "0002_content_types_and_queued_tasks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="training",
            name="organisers",
            field=models.ManyToManyField(
                blank=True,
                related_name="organised_trainings",
                to=settings.AUTH_USER_MODEL,
                verbose_name="panitia",
            ),
        ),
        migrations.RunPython(creators_become_panitia, migrations.RunPython.noop),
    ]
