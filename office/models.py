"""The office profile: who the install belongs to, kept once and read by every document.

One row (id 1). Its time zone is where the office's clocks are: sessions, test windows and
deadlines are computed in it, and every time shown or printed carries its label (WIB, WITA, WIT).
"""

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

OFFICE_PK = 1
EMBLEM_EXTENSIONS = ["png", "jpg", "jpeg"]
DEFAULT_CERTIFICATE_NUMBER_PATTERN = "800/{seq:03d}/{unit}/{roman_month}/{year}"
DEFAULT_LETTER_NUMBER_PATTERN = "800/{seq:03d}/{unit}/{year}"


class TimeZone(models.TextChoices):
    """The three zones of Indonesia; the label after each is printed after every time."""

    WIB = "Asia/Jakarta", _("WIB (UTC+7): Sumatra, Java, West and Central Kalimantan")
    WITA = "Asia/Makassar", _("WITA (UTC+8): Bali, Nusa Tenggara, Sulawesi, the rest of Kalimantan")
    WIT = "Asia/Jayapura", _("WIT (UTC+9): Maluku and Papua")


# The one place where the zones' labels are written.
ZONE_LABELS = {
    TimeZone.WIB: "WIB",
    TimeZone.WITA: "WITA",
    TimeZone.WIT: "WIT",
    "Asia/Pontianak": "WIB",
}


class Office(models.Model):
    """The office running Bimtek (one row): letterhead, place of signing, default signer, zone."""

    government = models.CharField(
        _("government (letterhead)"),
        max_length=120,
        blank=True,
        help_text=_("First line of the letterhead, in capitals, e.g. PEMERINTAH KABUPATEN …"),
    )
    agency = models.CharField(
        _("agency"),
        max_length=200,
        blank=True,
        help_text=_("e.g. BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"),
    )
    agency_code = models.CharField(
        _("agency code in numbers"),
        max_length=30,
        blank=True,
        help_text=_("What {unit} stands for in the number patterns, e.g. BKPSDM."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    emblem = models.ImageField(
        _("emblem"),
        upload_to="office/",
        blank=True,
        validators=[FileExtensionValidator(EMBLEM_EXTENSIONS)],
        help_text=_("The government's emblem, PNG or JPG."),
    )
    place = models.CharField(
        _("place of signing"),
        max_length=100,
        blank=True,
        help_text=_('As documents print it before the date: "<place>, 14 September 2022".'),
    )
    head_name = models.CharField(_("head of agency (name with titles)"), max_length=150, blank=True)
    head_position = models.CharField(_("head's position"), max_length=200, blank=True)
    head_pangkat = models.CharField(_("head's rank"), max_length=100, blank=True)
    head_nip = models.CharField(_("head's NIP"), max_length=18, blank=True)
    certificate_number_pattern = models.CharField(
        _("certificate number pattern"),
        max_length=120,
        default=DEFAULT_CERTIFICATE_NUMBER_PATTERN,
        help_text=_(
            "Placeholders: {seq} or {seq:03d} running number, {code} training code, {unit} agency "
            "code, {roman_month} month in Roman numerals, {month}, {year}."
        ),
    )
    letter_number_pattern = models.CharField(
        _("letter number pattern"),
        max_length=120,
        default=DEFAULT_LETTER_NUMBER_PATTERN,
        help_text=_("The same placeholders as the certificate numbers."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TimeZone,
        blank=True,
        help_text=_(
            "Sessions keep their clock times when the zone changes (a 07.30 session stays 07.30); "
            "test windows and other moments already set keep their instant and are shown in the "
            "new zone."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # What certificates and attendance sheets print, so must be filled in before they are issued
    # (in the order of the form). The address is for letterheads, which ask for it themselves.
    REQUIRED_FIELDS = (
        "government",
        "agency",
        "place",
        "head_name",
        "head_position",
        "head_nip",
        "time_zone",
    )

    class Meta:
        verbose_name = _("office profile")
        verbose_name_plural = _("office profile")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=OFFICE_PK), name="office_only_one"),
        ]

    def __str__(self):
        return self.agency or str(self._meta.verbose_name)

    @property
    def missing_fields(self) -> list[str]:
        """Return the names (translated) of the required fields still empty."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED_FIELDS
            if not getattr(self, name)
        ]

    @property
    def is_complete(self) -> bool:
        return not self.missing_fields

    @property
    def zone_label(self) -> str:
        return ZONE_LABELS.get(self.time_zone, "")
