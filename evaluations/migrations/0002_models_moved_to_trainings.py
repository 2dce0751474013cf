"""The foreign keys to the training models follow them to the trainings app (state only).

The tables and their foreign key constraints are unchanged: bimtek.0002 renamed the tables.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0001_initial'),
        ('trainings', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='answer',
                    name='speaker',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evaluation_answers', to='trainings.speaker', verbose_name='speaker'),
                ),
                migrations.AlterField(
                    model_name='evaluationform',
                    name='training',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='evaluation_form', to='trainings.training', verbose_name='training'),
                ),
                migrations.AlterField(
                    model_name='receipt',
                    name='enrolment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evaluation_receipts', to='trainings.enrolment', verbose_name='enrolment'),
                ),
            ],
        ),
    ]
