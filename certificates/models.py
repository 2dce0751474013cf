"""
Certificates: the settings they are printed with, their running numbers, the issued
certificates themselves, the background runs that issue or email them, and eligibility overrides.

A training's certificates are also handed out in bulk, as one ZIP or one merged PDF that a
background export makes and keeps for the set of certificates it was made from.

Lifecycle of a certificate: issued as valid with a number and a frozen snapshot of what it
prints; later either revoked (with a reason) or replaced by a corrected version that keeps the
number and points back at it. A replaced or revoked certificate is never deleted: its public
code keeps answering on the verification page.
"""

import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob

from certificates.images import CertificateImageField

# No 0/O, 1/l/I: a code read aloud or typed from paper cannot be misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
DEFAULT_NUMBER_PATTERN = "800/{seq:03d}/{unit}/{roman_month}/{year}"
IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "svg"]


def new_public_code() -> str:
    """Return a fresh unguessable certificate code (12 characters, about 59 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """Group a code for print: "ABCD-EFGH-JKMN"."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _asset_upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"certificates/assets/{secrets.token_urlsafe(12)}.{suffix}"


def _pdf_upload_to(instance, filename: str) -> str:
    return f"certificates/pdf/{instance.issued_at:%Y/%m}/{instance.code}-v{instance.version}.pdf"


def _export_upload_to(instance, filename: str) -> str:
    # An unguessable folder: media is never served by the web server, but a path stays private.
    return f"certificates/exports/{secrets.token_urlsafe(16)}/{filename}"


def certificate_set_key(pairs: Iterable[tuple[int, int]]) -> str:
    """Return the key of a set of certificates: the SHA-256 of their (id, version) pairs."""
    text = ",".join(f"{pk}:{version}" for pk, version in sorted(pairs))
    return hashlib.sha256(text.encode()).hexdigest()


class CertificateSettings(models.Model):
    """How a training's certificates look and are numbered; the row without training is the default."""

    class Scope(models.TextChoices):
        TRAINING = "training", _("Per training (starts at 1 for each training)")
        YEAR = "year", _("Per year (one series for all trainings of a year)")

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("A4 landscape")
        PORTRAIT = "portrait", _("A4 portrait")

    training = models.OneToOneField(
        "trainings.Training",
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_settings",
        help_text=_("Empty for the default that trainings without their own settings use."),
    )
    government = models.CharField(
        _("government"),
        max_length=120,
        blank=True,
        help_text=_("First line of the letterhead. Empty: the office profile's."),
    )
    issuer = models.CharField(
        _("issuing body"),
        max_length=200,
        default="BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
    )
    unit_code = models.CharField(
        _("unit code in the number"),
        max_length=30,
        default="BKPSDM",
        help_text=_("What {unit} stands for in the number pattern."),
    )
    number_pattern = models.CharField(
        _("number pattern"),
        max_length=120,
        default=DEFAULT_NUMBER_PATTERN,
        help_text=_(
            "Placeholders: {seq} or {seq:03d} running number, {code} training code, {unit} unit "
            "code, {roman_month} month in Roman numerals, {month}, {year}."
        ),
    )
    numbering_scope = models.CharField(
        _("numbering"), max_length=10, choices=Scope, default=Scope.YEAR
    )
    orientation = models.CharField(
        _("orientation"), max_length=10, choices=Orientation, default=Orientation.LANDSCAPE
    )
    course_kind = models.CharField(
        _("kind of course (SIASN)"), max_length=100, default="Bimbingan Teknis"
    )
    qualification = models.CharField(
        _("qualification wording"),
        max_length=200,
        blank=True,
        help_text=_('Optional line such as "dengan predikat BAIK".'),
    )
    place = models.CharField(
        _("place of signing"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the office profile's."),
    )
    back_page = models.BooleanField(_("back page with the topics"), default=True)
    logo = CertificateImageField(
        _("logo"),
        upload_to=_asset_upload_to,
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
        help_text=_("PNG, JPG or SVG. Without one, a neutral emblem is printed."),
    )
    background = CertificateImageField(
        _("background image"),
        upload_to=_asset_upload_to,
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
    )
    signer_name = models.CharField(_("signer's name with titles"), max_length=150, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=200, blank=True)
    signer_pangkat = models.CharField(_("signer's rank"), max_length=100, blank=True)
    signer_nip = models.CharField(_("signer's NIP"), max_length=18, blank=True)
    signature_image = CertificateImageField(
        _("signature image"),
        upload_to=_asset_upload_to,
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")
        constraints = [
            # One row without a training: the default (NULLs never clash in a plain index).
            models.UniqueConstraint(
                Coalesce("training", models.Value(0)), name="certificatesettings_one_default"
            ),
        ]

    def __str__(self):
        return str(
            _("default certificate settings")
            if self.training_id is None
            else self._meta.verbose_name
        )


class Counter(models.Model):
    """The last running number taken in one numbering scope, locked while a number is taken."""

    scope = models.CharField(_("scope"), max_length=60, unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")

    def __str__(self):
        return f"{self.scope}: {self.last_number}"


class IssueRun(BackgroundJob):
    """One background job over a training's certificates: issuing them, or emailing them.

    queued -> running -> done (or failed). One run of each kind per training is active at a time,
    so a double click joins the running job. Workers (one task or several, and any re-delivery of
    a task) claim items one at a time with a conditional UPDATE of next_item, as the staff import
    claims its steps, so no item is handled twice. done counts the items that succeeded, errors
    those that failed.
    """

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issue certificates")
        EMAIL = "email", _("Email download links")

    training = models.ForeignKey(
        "trainings.Training",
        verbose_name=_("training"),
        on_delete=models.PROTECT,
        related_name="certificate_runs",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.ISSUE)
    item_ids = models.JSONField(_("items"), default=list, blank=True)
    workers = models.PositiveSmallIntegerField(_("workers"), default=1)
    next_item = models.PositiveIntegerField(_("next item"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    error_log = models.JSONField(_("error log"), default=list, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("certificate run")
        verbose_name_plural = _("certificate runs")
        constraints = [
            *BackgroundJob.Meta.constraints,
            models.UniqueConstraint(
                fields=["training", "kind"],
                condition=models.Q(status__in=["queued", "running"]),
                name="issuerun_one_active_per_training",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def handled(self) -> int:
        return self.done + self.errors  # a failed item is behind the workers too

    @property
    def progress_percent(self) -> int:
        if not self.total and not self.is_active:
            return 100  # nothing to do: the run was done as it started
        return super().progress_percent


class Certificate(models.Model):
    """An issued certificate: its number, public code, frozen data and the PDF made from it."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REPLACED = "replaced", _("Replaced")
        REVOKED = "revoked", _("Revoked")

    enrolment = models.ForeignKey(
        "trainings.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    number = models.CharField(_("number"), max_length=120)
    scope = models.CharField(_("numbering scope"), max_length=60)
    sequence = models.PositiveIntegerField(_("running number"))
    code = models.CharField(
        _("public code"), max_length=CODE_LENGTH, unique=True, default=new_public_code
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.VALID)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    correction_note = models.CharField(_("correction"), max_length=300, blank=True)
    snapshot = models.JSONField(_("printed data"))
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    run = models.ForeignKey(
        IssueRun,
        verbose_name=_("run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), upload_to=_pdf_upload_to, blank=True, max_length=200)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size"), default=0)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["scope", "sequence", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(status="valid"),
                name="certificate_one_valid_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["scope", "sequence", "version"], name="certificate_number_once"
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(status="valid"),
                name="certificate_valid_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status="revoked", revoked_at__isnull=False)
                | (~models.Q(status="revoked") & models.Q(revoked_at__isnull=True)),
                name="certificate_revoked_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(version=1, replaces__isnull=True)
                | models.Q(version__gt=1, replaces__isnull=False),
                name="certificate_version_chain",
            ),
        ]
        permissions = [
            ("issue_certificate", _("Can issue certificates")),
            ("revoke_certificate", _("Can revoke and correct certificates")),
        ]

    def __str__(self):
        return self.number

    @property
    def code_display(self) -> str:
        return format_code(self.code)

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf and self.sha256)


class CertificateEmail(models.Model):
    """The one email telling a participant their certificate is ready: sent once, or failed."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    certificate = models.OneToOneField(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="email",
    )
    address = models.EmailField(_("address"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SENDING)
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempted_at = models.DateTimeField(_("attempted"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate email")
        verbose_name_plural = _("certificate emails")

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class CertificateExport(BackgroundJob):
    """All of a training's valid certificates in one file (a ZIP or one merged PDF), made in the
    background and kept in media storage for the organisers.

    queued -> running -> done, or failed; cancelled when the certificates changed while it ran and
    a newer export took its place. An export is made for one set of certificates, whose ids and
    versions are hashed into set_key: once a certificate is issued, corrected or revoked the
    training's set has another key and the file is no longer offered. One export of each kind per
    training is active at a time, so a double click joins it; a finished export replaces the
    older ones of its kind.
    """

    class Kind(models.TextChoices):
        ZIP = "zip", _("All as a ZIP of PDFs")
        MERGED = "pdf", _("All in one PDF for printing")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Replaced by a newer file")

    class Error(models.TextChoices):
        PDF = "pdf", _("A certificate's PDF could not be made")
        CHANGED = "changed", _("A certificate disappeared")
        INTERRUPTED = "interrupted", _("The background work stopped")
        WRITE = "write", _("The file could not be written")

    training = models.ForeignKey(
        "trainings.Training",
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        related_name="certificate_exports",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    set_key = models.CharField(_("key of the certificates"), max_length=64)
    certificate_ids = models.JSONField(_("certificates"), default=list, blank=True)
    file = models.FileField(_("file"), upload_to=_export_upload_to, blank=True, max_length=200)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    error = models.CharField(_("error"), max_length=12, choices=Error, blank=True)
    error_detail = models.CharField(_("error detail"), max_length=200, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("certificate export")
        verbose_name_plural = _("certificate exports")
        constraints = [
            *BackgroundJob.Meta.constraints,
            models.UniqueConstraint(
                fields=["training", "kind"],
                condition=models.Q(status__in=["queued", "running"]),
                name="certificateexport_one_active_per_training",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(file=""),
                name="certificateexport_done_has_file",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def error_message(self) -> str:
        """Say what went wrong and what to do, in the organiser's words."""
        messages = {
            self.Error.PDF: _(
                "The PDF of certificate %(number)s could not be made, so the file would be "
                "incomplete. Check the certificate settings (logo, background, signature image) "
                "and try again."
            ),
            self.Error.CHANGED: _(
                "A certificate of this training was removed while the file was being made. "
                "Make the file again."
            ),
            self.Error.INTERRUPTED: _(
                "The background work stopped before the file was finished. Try again."
            ),
            self.Error.WRITE: _(
                "The file could not be made. Try again; if it fails again, tell the "
                "administrator."
            ),
        }
        message = messages.get(self.error)
        if message is None:
            return ""
        return str(message) % {"number": self.error_detail or "?"}


class EligibilityOverride(models.Model):
    """An organiser's decision that a participant receives a certificate despite the rules."""

    enrolment = models.OneToOneField(
        "trainings.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="certificate_override",
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("eligibility override")
        verbose_name_plural = _("eligibility overrides")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="eligibilityoverride_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"
