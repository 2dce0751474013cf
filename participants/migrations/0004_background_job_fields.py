"""The staff-list import takes the shape of every background job (core.models.BackgroundJob).

Its row counts are renamed in place, processed_rows to done and total_rows to total, so every
import keeps its progress; the check that the one stays within the other follows them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('participants', '0003_staff_import_attempts'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='stafflistimport',
            name='stafflistimport_processed_within_total',
        ),
        migrations.RenameField(
            model_name='stafflistimport',
            old_name='processed_rows',
            new_name='done',
        ),
        migrations.RenameField(
            model_name='stafflistimport',
            old_name='total_rows',
            new_name='total',
        ),
        migrations.AlterField(
            model_name='stafflistimport',
            name='done',
            field=models.PositiveIntegerField(default=0, verbose_name='done'),
        ),
        migrations.AlterField(
            model_name='stafflistimport',
            name='total',
            field=models.PositiveIntegerField(default=0, verbose_name='total'),
        ),
        migrations.AddConstraint(
            model_name='stafflistimport',
            constraint=models.CheckConstraint(condition=models.Q(('done__lte', models.F('total'))), name='stafflistimport_done_within_total'),
        ),
    ]
