"""The foreign keys to the training models follow them to the trainings app (state only).

The tables and their foreign key constraints are unchanged: bimtek.0002 renamed the tables.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0003_certificate_exports'),
        ('trainings', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='certificate',
                    name='enrolment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='trainings.enrolment', verbose_name='enrolment'),
                ),
                migrations.AlterField(
                    model_name='certificateexport',
                    name='training',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificate_exports', to='trainings.training', verbose_name='training'),
                ),
                migrations.AlterField(
                    model_name='certificatesettings',
                    name='training',
                    field=models.OneToOneField(blank=True, help_text='Empty for the default that trainings without their own settings use.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='certificate_settings', to='trainings.training', verbose_name='training'),
                ),
                migrations.AlterField(
                    model_name='eligibilityoverride',
                    name='enrolment',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='certificate_override', to='trainings.enrolment', verbose_name='enrolment'),
                ),
                migrations.AlterField(
                    model_name='issuerun',
                    name='training',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificate_runs', to='trainings.training', verbose_name='training'),
                ),
            ],
        ),
    ]
