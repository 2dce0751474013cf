"""Background tasks of the staff directory: ids in, the service does the work."""

from django.tasks import task

from . import services_import


@task
def validate_staff_import(import_id: int) -> None:
    """Check an uploaded staff list without saving it and store the preview."""
    services_import.check_staff_import(import_id=import_id)


@task
def apply_staff_import(import_id: int) -> None:
    """Import a confirmed staff list into the directory, once."""
    services_import.apply_staff_import(import_id=import_id)
