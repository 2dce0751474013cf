from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trainings.models.trainings import Training


class Enrolment(models.Model):
    """A person's place in a training: enrolled, on the waiting list, or cancelled."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.PROTECT, related_name="enrolments"
    )
    employee = models.ForeignKey(
        "participants.Employee",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.ENROLLED
    )
    badge_token = models.CharField(
        _("badge token"), max_length=32, unique=True, editable=False,
        help_text=_("Secret in the participant's personal QR badge."),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "employee"], name="enrolment_one_per_person"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="enrolled") | models.Q(enrolled_at__isnull=False),
                name="enrolment_enrolled_has_time",
            ),
        ]
        indexes = [models.Index(fields=["training", "status"], name="enrolment_training_status")]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"
