import datetime
import secrets
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import jobs as workers
from core.models import BackgroundJob, TimeStamped

from participants.golongan import Golongan, pangkat_label
from participants.names import full_name
from participants.nip import NipInfo, format_nip, mask_nik, parse_nik, parse_nip


class AccountState(models.TextChoices):
    """Where a person's login stands, as the lists show and filter it."""

    ACTIVE = "active", _("active")
    NOT_ACTIVATED = "not_activated", _("not activated yet")
    NONE = "none", _("no account")
    DEACTIVATED = "deactivated", _("deactivated")


def account_state(user) -> AccountState:
    """Return the state of a login (None: no account)."""
    if user is None:
        return AccountState.NONE
    if not user.is_active:
        return AccountState.DEACTIVATED
    return AccountState.ACTIVE if user.has_usable_password() else AccountState.NOT_ACTIVATED


class User(AbstractUser):
    """A login. Civil servants log in with their NIP as username; see Employee.user."""

    @property
    def awaits_activation(self) -> bool:
        """Whether the account never got a password: only then may an activation code set one.

        Someone who has a password resets it themselves ("Forgot your password?", a link to
        their own email); a code in an organiser's hands must never replace it.
        """
        return not self.has_usable_password()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Unit(models.Model):
    """An OPD or unit kerja, such as a regional hospital (RSUD) or a kelurahan office."""

    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("Secretariat")
        INSPEKTORAT = "inspektorat", _("Inspectorate")
        DINAS = "dinas", _("Agency (dinas)")
        BADAN = "badan", _("Board (badan)")
        SATUAN = "satuan", _("Unit (satuan)")
        RUMAH_SAKIT = "rumah_sakit", _("Hospital")
        PUSKESMAS = "puskesmas", _("Community health centre (puskesmas)")
        KECAMATAN = "kecamatan", _("District (kecamatan)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
        BAGIAN = "bagian", _("Division (bagian)")
        LAINNYA = "lainnya", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=60,
        blank=True,
        help_text=_("Another name files use for this unit, e.g. DPMPTSP."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.LAINNYA)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="unit_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name


class UnitAlias(models.Model):
    """Another name a staff file uses for a unit, taught by the admin on the import page.

    key is the name's match key (participants.units.unit_key), unique: one name, one unit.
    """

    name = models.CharField(_("name in the file"), max_length=200)
    key = models.CharField(max_length=200, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="aliases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Employee(TimeStamped):
    """A person in the staff directory: a civil servant (by NIP) or non-ASN staff (by NIK)."""

    class Status(models.TextChoices):
        PNS = "pns", "PNS"
        CPNS = "cpns", "CPNS"
        PPPK = "pppk", "PPPK"
        NON_ASN = "non_asn", _("Non-ASN (honorary)")

    nip = models.CharField(
        "NIP", max_length=18, unique=True, null=True, blank=True, default=None
    )
    nik = models.CharField(
        "NIK", max_length=16, unique=True, null=True, blank=True, default=None
    )
    gelar_depan = models.CharField(_("front titles"), max_length=50, blank=True)
    name = models.CharField(_("name"), max_length=150)
    gelar_belakang = models.CharField(_("trailing titles"), max_length=100, blank=True)
    status = models.CharField(
        _("employment status"), max_length=10, choices=Status, default=Status.PNS
    )
    golongan = models.CharField(
        _("rank / grade"), max_length=5, choices=Golongan, blank=True
    )
    jabatan = models.CharField(_("position"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_frontline = models.BooleanField(
        _("frontline"), default=False, help_text=_("Serves the public face to face.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nip__isnull=True) | models.Q(Exact(Length("nip"), 18)),
                name="employee_nip_18_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(nik__isnull=True) | models.Q(Exact(Length("nik"), 16)),
                name="employee_nik_16_digits",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="non_asn", nik__isnull=False)
                    | (~models.Q(status="non_asn") & models.Q(nip__isnull=False))
                ),
                name="employee_identified",
            ),
        ]
        indexes = [models.Index(fields=["unit", "name"], name="employee_unit_name")]
        permissions = [
            ("import_employees", _("Can import staff lists")),
            ("export_employees", _("Can export the staff directory")),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("participants:employee_detail", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return full_name(self.gelar_depan, self.name, self.gelar_belakang)

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip) if self.nip else ""

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik) if self.nik else ""

    @property
    def identifier_display(self) -> str:
        return self.nip_display or self.nik_masked

    @property
    def pangkat_display(self) -> str:
        return pangkat_label(self.golongan)

    @property
    def nip_info(self) -> NipInfo | None:
        if not self.nip:
            return None
        try:
            return parse_nip(self.nip)
        except ValidationError:
            return None

    @property
    def birth_date(self):
        if self.nip:
            info = self.nip_info
            return info.birth_date if info else None
        try:
            return parse_nik(self.nik).birth_date if self.nik else None
        except ValidationError:
            return None

    @property
    def gender(self) -> str:
        """Return "L" or "P" as the NIP (or NIK) encodes it."""
        if self.nip:
            info = self.nip_info
            return info.gender if info else ""
        try:
            return parse_nik(self.nik).gender if self.nik else ""
        except ValidationError:
            return ""


class ActivationCode(models.Model):
    """A one-time code with which a person without email sets their first password.

    Only a hash of the code is stored: the organiser sees the code once, on the printed slip.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="activation_codes",
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class ColumnMapping(models.Model):
    """How the admin mapped the columns of a staff file, remembered for files with its headers.

    signature identifies the set of headers (participants.staff_files.header_signature);
    mapping holds header_key -> field key, "" for a column to ignore.
    """

    signature = models.CharField(max_length=64, unique=True, editable=False)
    headers = models.JSONField(_("headers"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")
        ordering = ["-updated_at"]

    def __str__(self):
        return ", ".join(self.headers)[:100]


def staff_import_upload_to(instance, filename: str) -> str:
    """Store an upload as imports/YYYY/MM/<random>.<ext>: staff lists hold personal data."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return timezone.now().strftime("imports/%Y/%m/") + secrets.token_urlsafe(18) + suffix


class StaffListImport(BackgroundJob):
    """One staff list uploaded in the admin, from its preview to the import.

    uploaded -> validating -> validated (the preview is ready) -> importing -> done. Reading or
    checking the file can end in failed, and so can the import itself, which then wrote nothing:
    the rows and the done status are saved in one transaction. done and total count the rows of
    the running step, heartbeat_at when the worker last reported it; report holds the preview,
    then the result. The uploaded file is kept until the import has run, then deleted;
    rejected_file holds the invalid rows for the admin to fix.

    A step whose worker stopped (no progress for core.jobs.STALE_AFTER) can be started
    again from the stored file. attempt counts the runs of the step: a worker writes only while
    the row still holds its attempt, so one that wakes up after the restart changes nothing.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting to be checked")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE_STATUSES = frozenset({Status.UPLOADED, Status.VALIDATING, Status.IMPORTING})

    file = models.FileField(_("file"), upload_to=staff_import_upload_to, blank=True)
    original_filename = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    file_digest = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    create_units = models.BooleanField(_("create missing units"), default=False)
    clear_empty = models.BooleanField(
        _("empty cells clear stored values"),
        default=False,
        help_text=_("Without this, an empty cell keeps the value stored in the directory."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.UPLOADED
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    mapping = models.JSONField(
        _("column mapping"),
        default=dict,
        blank=True,
        help_text=_("The file's columns as the admin mapped them: header -> field, empty to ignore."),
    )
    rejected_file = models.FileField(
        _("rejected rows"), upload_to=staff_import_upload_to, blank=True
    )
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    validated_at = models.DateTimeField(_("checked"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    started_at = models.DateTimeField(_("import started"), null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("staff list import")
        verbose_name_plural = _("staff list imports")
        constraints = [
            *BackgroundJob.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(status__in=[
                    "uploaded", "validating", "validated", "importing", "done", "failed"
                ]),
                name="stafflistimport_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["importing", "done"])
                | models.Q(confirmed_at__isnull=False),
                name="stafflistimport_confirmed_before_import",
            ),
            # One copy of a double-submitted upload: the same file with the same options waits
            # or is checked once per person.
            models.UniqueConstraint(
                fields=["created_by", "file_digest", "skip_invalid", "create_units", "clear_empty"],
                condition=models.Q(status__in=["uploaded", "validating"]),
                name="stafflistimport_one_pending_per_file",
            ),
        ]

    def __str__(self):
        return self.original_filename

    @property
    def taken_up_at(self) -> datetime.datetime | None:
        if self.status == self.Status.VALIDATING:
            return self.created_at
        if self.status == self.Status.IMPORTING:
            return self.started_at  # None until a worker takes the confirmed import up
        return None

    @property
    def status_label(self) -> str:
        return str(_("Stopped")) if self.has_stopped else self.get_status_display()

    @property
    def stopped_message(self) -> str:
        """Say, in the admin's words, that the worker stopped and what it left behind."""
        minutes = {"minutes": int(workers.STALE_AFTER.total_seconds() // 60)}
        if self.status == self.Status.VALIDATING:
            return _(
                "The background work stopped while checking the file: its task worker has "
                "given no sign of life for over a minute, or nothing has moved for more than "
                "%(minutes)d minutes. Nothing was saved to the staff directory."
            ) % minutes
        return _(
            "The background work stopped before the import was finished: its task worker has "
            "given no sign of life for over a minute, or nothing has moved for more than "
            "%(minutes)d minutes. Nothing was saved to the staff directory, because the rows "
            "are saved all together at the end."
        ) % minutes

    @property
    def counts(self) -> dict:
        return self.report.get("counts", {}) if isinstance(self.report, dict) else {}

    @property
    def invalid_rows(self) -> int:
        return self.counts.get("invalid", 0)
