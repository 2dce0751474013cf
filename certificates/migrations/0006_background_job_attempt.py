"""Certificate runs and exports count their attempts like every background job (always 1 so far)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0005_image_checks_on_the_upload'),
        ('trainings', '0002_content_types_and_queued_tasks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='certificateexport',
            name='attempt',
            field=models.PositiveIntegerField(default=1, verbose_name='attempt'),
        ),
        migrations.AddField(
            model_name='issuerun',
            name='attempt',
            field=models.PositiveIntegerField(default=1, verbose_name='attempt'),
        ),
        migrations.AddConstraint(
            model_name='certificateexport',
            constraint=models.CheckConstraint(condition=models.Q(('attempt__gte', 1)), name='certificateexport_attempt_positive'),
        ),
        migrations.AddConstraint(
            model_name='issuerun',
            constraint=models.CheckConstraint(condition=models.Q(('attempt__gte', 1)), name='issuerun_attempt_positive'),
        ),
    ]
