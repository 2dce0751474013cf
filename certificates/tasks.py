"""Background tasks of the certificates: ids in, the service does the work."""

from django.tasks import task

from certificates import services, services_export


# attempt defaults to 1: a task queued before runs counted their attempts runs as the first one.
@task
def work_on_run(run_id: int, attempt: int = 1) -> None:
    """Issue (or email) a run's items; several of these may share one run."""
    services.work_on_run(run_id=run_id, attempt=attempt)


@task
def make_missing_pdfs(training_id: int) -> None:
    """Render the PDFs a training's valid certificates lack (after the demo issued them)."""
    services.make_missing_pdfs(training_id=training_id)


@task
def build_certificate_export(export_id: int) -> None:
    """Make a training's ZIP or merged PDF of its valid certificates, rendering missing PDFs."""
    services_export.build_export(export_id=export_id)
