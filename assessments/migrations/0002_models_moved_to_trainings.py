"""The foreign keys to the training models follow them to the trainings app (state only).

The tables and their foreign key constraints are unchanged: bimtek.0002 renamed the tables.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0001_initial'),
        ('trainings', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='assessment',
                    name='training',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='trainings.training', verbose_name='training'),
                ),
                migrations.AlterField(
                    model_name='attempt',
                    name='enrolment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='test_attempts', to='trainings.enrolment', verbose_name='enrolment'),
                ),
                migrations.AlterField(
                    model_name='question',
                    name='topic',
                    field=models.ForeignKey(blank=True, help_text='The session of the training that teaches this.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='questions', to='trainings.session', verbose_name='topic'),
                ),
                migrations.AlterField(
                    model_name='question',
                    name='training',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='trainings.training', verbose_name='training'),
                ),
            ],
        ),
    ]
