"""Background tasks of the training app: ids in, the service does the work."""

from django.tasks import task

from trainings.services import enrolment as enrolment_services


@task
def send_invitation(enrolment_id: int) -> None:
    """Email an enrolled participant their invitation."""
    enrolment_services.send_invitation_email(enrolment_id=enrolment_id)
