"""The training models, taken over from the bimtek app with their tables (state only).

bimtek.0002 renamed the tables to these names; nothing in the database changes here. On a
fresh database the same path runs: bimtek.0001 creates the tables, 0002 renames them.
"""

import django.db.models.deletion
import django.db.models.functions.text
import trainings.models.trainings
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('participants', '0003_staff_import_attempts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("bimtek", "0002_rename_tables_for_trainings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Session',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('topic', models.CharField(max_length=200, verbose_name='topic')),
                    ('date', models.DateField(verbose_name='date')),
                    ('start_time', models.TimeField(verbose_name='start time')),
                    ('end_time', models.TimeField(verbose_name='end time')),
                    ('jp', models.PositiveSmallIntegerField(help_text='Lesson hours of 45 minutes; derived from the duration if empty.', verbose_name='JP')),
                    ('room', models.CharField(blank=True, max_length=100, verbose_name='room')),
                    ('checkin_opens_before', models.PositiveSmallIntegerField(default=30, verbose_name='check-in opens (minutes before start)')),
                    ('checkin_closes_after', models.PositiveSmallIntegerField(default=30, verbose_name='check-in closes (minutes after start)')),
                    ('late_after', models.PositiveSmallIntegerField(default=15, verbose_name='late after (minutes after start)')),
                ],
                options={
                    'verbose_name': 'session',
                    'verbose_name_plural': 'sessions',
                    'ordering': ['date', 'start_time', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='Attendance',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('hadir', 'Present'), ('terlambat', 'Late'), ('izin', 'Excused'), ('sakit', 'Sick'), ('dinas_luar', 'Official duty elsewhere'), ('alpa', 'Absent without notice')], max_length=10, verbose_name='status')),
                    ('method', models.CharField(choices=[('self', 'Self check-in'), ('scan', 'Badge scanned by the organiser'), ('manual', 'Set by the organiser')], max_length=10, verbose_name='how')),
                    ('recorded_at', models.DateTimeField(verbose_name='recorded at')),
                    ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                    ('signature', models.FileField(blank=True, upload_to='signatures/%Y/%m/', verbose_name='signature')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ],
                options={
                    'verbose_name': 'attendance',
                    'verbose_name_plural': 'attendance',
                    'ordering': ['session', 'recorded_at', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='AttendanceChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('previous_status', models.CharField(choices=[('hadir', 'Present'), ('terlambat', 'Late'), ('izin', 'Excused'), ('sakit', 'Sick'), ('dinas_luar', 'Official duty elsewhere'), ('alpa', 'Absent without notice')], max_length=10, verbose_name='previous status')),
                    ('new_status', models.CharField(choices=[('hadir', 'Present'), ('terlambat', 'Late'), ('izin', 'Excused'), ('sakit', 'Sick'), ('dinas_luar', 'Official duty elsewhere'), ('alpa', 'Absent without notice')], max_length=10, verbose_name='new status')),
                    ('previous_note', models.CharField(blank=True, max_length=300, verbose_name='previous note')),
                    ('changed_at', models.DateTimeField(auto_now_add=True, verbose_name='changed at')),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                    ('attendance', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='trainings.attendance', verbose_name='attendance')),
                    ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                ],
                options={
                    'verbose_name': 'attendance correction',
                    'verbose_name_plural': 'attendance corrections',
                    'ordering': ['-changed_at', '-pk'],
                },
            ),
            migrations.CreateModel(
                name='Enrolment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('enrolled', 'Enrolled'), ('waitlisted', 'Waiting list'), ('cancelled', 'Cancelled')], default='enrolled', max_length=10, verbose_name='status')),
                    ('badge_token', models.CharField(editable=False, help_text="Secret in the participant's personal QR badge.", max_length=32, unique=True, verbose_name='badge token')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registered')),
                    ('enrolled_at', models.DateTimeField(blank=True, null=True, verbose_name='enrolled')),
                    ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enrolled by')),
                    ('employee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='participants.employee', verbose_name='participant')),
                ],
                options={
                    'verbose_name': 'enrolment',
                    'verbose_name_plural': 'enrolments',
                    'ordering': ['created_at', 'pk'],
                },
            ),
            migrations.AddField(
                model_name='attendance',
                name='enrolment',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='trainings.enrolment', verbose_name='enrolment'),
            ),
            migrations.AddField(
                model_name='attendance',
                name='session',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='trainings.session', verbose_name='session'),
            ),
            migrations.CreateModel(
                name='Speaker',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('gelar_depan', models.CharField(blank=True, max_length=50, verbose_name='front titles')),
                    ('name', models.CharField(max_length=150, verbose_name='name')),
                    ('gelar_belakang', models.CharField(blank=True, max_length=100, verbose_name='trailing titles')),
                    ('position', models.CharField(blank=True, max_length=200, verbose_name='position')),
                    ('institution', models.CharField(blank=True, max_length=200, verbose_name='institution')),
                    ('employee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='speaker_roles', to='participants.employee', verbose_name='staff directory entry')),
                ],
                options={
                    'verbose_name': 'speaker',
                    'verbose_name_plural': 'speakers',
                    'ordering': ['name'],
                },
            ),
            migrations.AddField(
                model_name='session',
                name='speakers',
                field=models.ManyToManyField(blank=True, related_name='sessions', to='trainings.speaker', verbose_name='speakers'),
            ),
            migrations.CreateModel(
                name='Training',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(help_text='A short unique code, e.g. BIMTEK-PP-2022.', max_length=40, verbose_name='code')),
                    ('title', models.CharField(max_length=200, verbose_name='title')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('venue', models.CharField(blank=True, max_length=200, verbose_name='venue')),
                    ('batch', models.PositiveSmallIntegerField(default=1, verbose_name='batch (angkatan)')),
                    ('start_date', models.DateField(verbose_name='start date')),
                    ('end_date', models.DateField(verbose_name='end date')),
                    ('quota', models.PositiveSmallIntegerField(default=55, verbose_name='quota')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('open', 'Open for enrolment'), ('running', 'Running'), ('finished', 'Finished'), ('archived', 'Archived')], default='draft', max_length=10, verbose_name='status')),
                    ('contact_name', models.CharField(blank=True, max_length=150, verbose_name='contact person')),
                    ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='contact phone')),
                    ('min_attendance_percent', models.PositiveSmallIntegerField(default=100, help_text='Share of sessions a participant must attend to receive a certificate.', verbose_name='minimum attendance (%)')),
                    ('attended_statuses', models.JSONField(default=trainings.models.trainings.default_attended_statuses, verbose_name='statuses that count as attended')),
                    ('requires_signature', models.BooleanField(default=False, help_text='Participants draw their signature when they check in themselves.', verbose_name='signature at self check-in')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ('organiser_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='organised_trainings', to='participants.unit', verbose_name='organising unit')),
                ],
                options={
                    'verbose_name': 'training',
                    'verbose_name_plural': 'trainings',
                    'ordering': ['-start_date', 'code'],
                    'permissions': [('run_attendance', 'Can run attendance'), ('manage_enrolment', 'Can enrol and cancel participants')],
                },
            ),
            migrations.AddField(
                model_name='session',
                name='training',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='trainings.training', verbose_name='training'),
            ),
            migrations.AddField(
                model_name='enrolment',
                name='training',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='trainings.training', verbose_name='training'),
            ),
            migrations.AddConstraint(
                model_name='attendance',
                constraint=models.UniqueConstraint(fields=('session', 'enrolment'), name='attendance_one_per_session'),
            ),
            migrations.AddConstraint(
                model_name='training',
                constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('code'), name='training_code_unique'),
            ),
            migrations.AddConstraint(
                model_name='training',
                constraint=models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='training_ends_after_start'),
            ),
            migrations.AddConstraint(
                model_name='training',
                constraint=models.CheckConstraint(condition=models.Q(('quota__gt', 0)), name='training_quota_positive'),
            ),
            migrations.AddConstraint(
                model_name='training',
                constraint=models.CheckConstraint(condition=models.Q(('min_attendance_percent__lte', 100)), name='training_min_attendance_percent'),
            ),
            migrations.AddConstraint(
                model_name='session',
                constraint=models.CheckConstraint(condition=models.Q(('end_time__gt', models.F('start_time'))), name='session_ends_after_start'),
            ),
            migrations.AddConstraint(
                model_name='session',
                constraint=models.CheckConstraint(condition=models.Q(('late_after__lte', models.F('checkin_closes_after'))), name='session_late_within_window'),
            ),
            migrations.AddIndex(
                model_name='enrolment',
                index=models.Index(fields=['training', 'status'], name='enrolment_training_status'),
            ),
            migrations.AddConstraint(
                model_name='enrolment',
                constraint=models.UniqueConstraint(fields=('training', 'employee'), name='enrolment_one_per_person'),
            ),
            migrations.AddConstraint(
                model_name='enrolment',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'enrolled'), _negated=True), ('enrolled_at__isnull', False), _connector='OR'), name='enrolment_enrolled_has_time'),
            ),
            ],
        ),
    ]
