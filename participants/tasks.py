"""Background tasks of the staff directory: ids in, the service does the work."""

from django.tasks import task

from participants import services_import


# attempt defaults to 1: a task queued before attempts were counted runs as the first one.
@task
def validate_staff_import(import_id: int, attempt: int = 1) -> None:
    """Check an uploaded staff list without saving it and store the preview."""
    services_import.check_staff_import(import_id=import_id, attempt=attempt)


@task
def apply_staff_import(import_id: int, attempt: int = 1) -> None:
    """Import a confirmed staff list into the directory, once."""
    services_import.apply_staff_import(import_id=import_id, attempt=attempt)
