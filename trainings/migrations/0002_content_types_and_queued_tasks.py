"""What the database says about the moved models follows them to the trainings app.

Content types: their ids stay, so group and user permissions, admin log entries and anything
else pointing at them keep working; only the app label changes. Queued background tasks of the
old module path would fail to import after the upgrade: they take the new path.
"""

from django.db import migrations

MODELS = ("training", "session", "speaker", "enrolment", "attendance", "attendancechange")
TASK_PATHS = {"bimtek.tasks.send_invitation": "trainings.tasks.send_invitation"}


def move_content_types(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Both exist (post_migrate ran in between): the old rows carry the grants, keep those.
        Permission.objects.using(db).filter(content_type=new).exclude(
            codename__in=Permission.objects.using(db)
            .filter(content_type=old)
            .values("codename")
        ).update(content_type=old)
        Permission.objects.using(db).filter(content_type=new).delete()
        new.delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def move_task_paths(apps, schema_editor, *, forwards: bool) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    db = schema_editor.connection.alias
    for old, new in TASK_PATHS.items():
        source, target = (old, new) if forwards else (new, old)
        DBTaskResult.objects.using(db).filter(task_path=source).update(task_path=target)


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, source="bimtek", target="trainings")
    move_task_paths(apps, schema_editor, forwards=True)


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, source="trainings", target="bimtek")
    move_task_paths(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_tasks_database", "__latest__"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
