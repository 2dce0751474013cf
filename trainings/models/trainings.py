import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Audited
from participants.names import full_name

MINUTES_PER_JP = 45


def default_attended_statuses():
    return ["hadir", "terlambat", "dinas_luar"]


class Training(Audited):
    """A Bimtek: one batch of a training, with its schedule of sessions and its enrolment.

    Status lifecycle: draft → open (enrolment open) → running → finished → archived; an open
    training without enrolments may go back to draft and a finished one may be reopened. See
    trainings.services.trainings.change_training_status.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for enrolment")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        ARCHIVED = "archived", _("Archived")

    code = models.CharField(
        _("code"), max_length=40, help_text=_("A short unique code, e.g. BIMTEK-PP-2022.")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organiser_unit = models.ForeignKey(
        "participants.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="organised_trainings",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    batch = models.PositiveSmallIntegerField(_("batch (angkatan)"), default=1)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    quota = models.PositiveSmallIntegerField(_("quota"), default=55)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # Rules the certificates use.
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=100,
        help_text=_("Share of sessions a participant must attend to receive a certificate."),
    )
    attended_statuses = models.JSONField(
        _("statuses that count as attended"), default=default_attended_statuses
    )
    requires_signature = models.BooleanField(
        _("signature at self check-in"),
        default=False,
        help_text=_("Participants draw their signature when they check in themselves."),
    )
    # The panitia: the organisers who run this training. With
    # settings.BIMTEK_ORGANISERS_SEE_ALL_TRAININGS off, an organiser sees only these trainings.
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("panitia"),
        blank=True,
        related_name="organised_trainings",
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-start_date", "code"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="training_code_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="training_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(quota__gt=0), name="training_quota_positive"),
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__lte=100),
                name="training_min_attendance_percent",
            ),
        ]
        permissions = [
            ("run_attendance", _("Can run attendance")),
            ("manage_enrolment", _("Can enrol and cancel participants")),
        ]

    def __str__(self):
        return f"{self.code} – {self.title}"

    def get_absolute_url(self):
        return reverse("trainings:training_detail", kwargs={"pk": self.pk})


class Speaker(models.Model):
    """A narasumber. Often not in the staff directory, so stored with their own titles."""

    gelar_depan = models.CharField(_("front titles"), max_length=50, blank=True)
    name = models.CharField(_("name"), max_length=150)
    gelar_belakang = models.CharField(_("trailing titles"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    employee = models.ForeignKey(
        "participants.Employee",
        verbose_name=_("staff directory entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_roles",
    )

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name(self.gelar_depan, self.name, self.gelar_belakang)


class Session(models.Model):
    """One scheduled topic of a training, with its own check-in window."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="sessions"
    )
    topic = models.CharField(_("topic"), max_length=200)
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), blank=True, related_name="sessions"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    jp = models.PositiveSmallIntegerField(
        _("JP"), help_text=_("Lesson hours of 45 minutes; derived from the duration if empty.")
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    checkin_opens_before = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before start)"), default=30
    )
    checkin_closes_after = models.PositiveSmallIntegerField(
        _("check-in closes (minutes after start)"), default=30
    )
    late_after = models.PositiveSmallIntegerField(
        _("late after (minutes after start)"), default=15
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(late_after__lte=models.F("checkin_closes_after")),
                name="session_late_within_window",
            ),
        ]

    def __str__(self):
        return self.topic

    @property
    def duration_minutes(self) -> int:
        start = datetime.datetime.combine(self.date, self.start_time)
        end = datetime.datetime.combine(self.date, self.end_time)
        return int((end - start).total_seconds() // 60)


def jp_for_minutes(minutes: int) -> int:
    """Return the JP a duration is worth: 45 minutes a JP, rounded to the nearest whole JP."""
    return max(1, (minutes + MINUTES_PER_JP // 2) // MINUTES_PER_JP)
