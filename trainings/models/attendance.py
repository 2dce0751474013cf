from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Attendance(models.Model):
    """The one attendance record of a participant for a session."""

    class Status(models.TextChoices):
        HADIR = "hadir", _("Present")
        TERLAMBAT = "terlambat", _("Late")
        IZIN = "izin", _("Excused")
        SAKIT = "sakit", _("Sick")
        DINAS_LUAR = "dinas_luar", _("Official duty elsewhere")
        ALPA = "alpa", _("Absent without notice")

    class Method(models.TextChoices):
        SELF = "self", _("Self check-in")
        SCAN = "scan", _("Badge scanned by the organiser")
        MANUAL = "manual", _("Set by the organiser")

    session = models.ForeignKey(
        "trainings.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    enrolment = models.ForeignKey(
        "trainings.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status)
    method = models.CharField(_("how"), max_length=10, choices=Method)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    signature = models.FileField(
        _("signature"), upload_to="signatures/%Y/%m/", blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_one_per_session"
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class AttendanceChange(models.Model):
    """A correction of an attendance record, with the value it replaced."""

    attendance = models.ForeignKey(
        Attendance, verbose_name=_("attendance"), on_delete=models.CASCADE, related_name="changes"
    )
    previous_status = models.CharField(_("previous status"), max_length=10, choices=Attendance.Status)
    new_status = models.CharField(_("new status"), max_length=10, choices=Attendance.Status)
    previous_note = models.CharField(_("previous note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attendance correction")
        verbose_name_plural = _("attendance corrections")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"
