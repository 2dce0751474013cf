"""
NIP (civil servant number) and NIK (population number): normalise, validate, describe.

A PNS NIP is birth date YYYYMMDD, TMT CPNS YYYYMM, gender, sequence. A PPPK number is birth date
YYYYMMDD, appointment year YYYY, the code 2, the contract count 1-9, gender, sequence; its digits
13-14 read 21-29, which can never be a month, and that is how the two are told apart. See
shared/DOMAIN.md.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import cell_text

NIP_LENGTH = 18
NIK_LENGTH = 16
_SEPARATORS = re.compile(r"[\s.\-_/]+")
_NIP_PREFIX = re.compile(r"^\s*NIP\s*[.:]?\s*", re.IGNORECASE)
_NIK_PREFIX = re.compile(r"^\s*NIK\s*[.:]?\s*", re.IGNORECASE)
_EXCEL_NUMBER = re.compile(r"^\d+([.,]\d+)?[eE][+-]?\d+$")
EARLIEST_BIRTH_YEAR = 1920


class Gender:
    MALE = "L"
    FEMALE = "P"


@dataclass(frozen=True)
class NipInfo:
    nip: str
    kind: str  # "pns" or "pppk"
    birth_date: datetime.date
    appointed: datetime.date  # TMT CPNS (first of the month) or 1 January of the PPPK year
    gender: str
    sequence: int
    warnings: list = field(default_factory=list, compare=False)


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province: str
    regency: str
    district: str
    birth_date: datetime.date
    gender: str


def looks_like_excel_number(raw: str) -> bool:
    """Tell whether text is how Excel shows a long number it has already rounded."""
    text = str(raw).strip().replace(" ", "")
    return bool(_EXCEL_NUMBER.match(text))


def plain_digits(raw) -> bool:
    """Tell whether raw is text of ASCII digits only: a NIP or NIK as most files give it, with
    nothing to strip and no Excel notation to look for."""
    return isinstance(raw, str) and raw.isascii() and raw.isdigit()


def normalize_nip(raw) -> str:
    """Strip a "NIP." prefix, spaces, dots and dashes from a NIP as typed."""
    text = _NIP_PREFIX.sub("", str(raw or ""))
    return _SEPARATORS.sub("", text)


def normalize_nik(raw) -> str:
    """Strip a "NIK" prefix, spaces and dots from a NIK as typed."""
    text = _NIK_PREFIX.sub("", str(raw or ""))
    return _SEPARATORS.sub("", text)


def _date_or_none(year: int, month: int, day: int):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_nip(raw, *, today: datetime.date | None = None) -> NipInfo:
    """Validate a NIP (PNS or PPPK) and return what it encodes; raise ValidationError if bad.

    raw is text as typed or a spreadsheet cell; a number cell is refused, whatever it shows.
    """
    today = today or timezone.localdate()
    if raw is not None and not isinstance(raw, str):
        # Excel keeps 15 significant digits of a number, and a NIP has 18.
        raise ValidationError(
            _(
                "The NIP cell (%(value)s) is a number cell, so Excel may have changed its last "
                "digits. Format the NIP column as Text and type the NIP again."
            ),
            code="nip_number_cell",
            params={"value": cell_text(raw)},
        )
    if plain_digits(raw):
        nip = raw  # as most files give it: nothing to strip, no Excel notation
    elif looks_like_excel_number(raw):
        raise ValidationError(
            _(
                "The NIP %(value)s was stored by Excel as a number and has lost its last digits. "
                "Format the NIP column as Text and type the NIP again."
            ),
            code="nip_excel_number",
            params={"value": str(raw).strip()},
        )
    else:
        nip = normalize_nip(raw)
    if not nip:
        raise ValidationError(_("The NIP is empty."), code="nip_empty")
    if not nip.isdigit():
        raise ValidationError(
            _("The NIP %(value)s may contain only digits."),
            code="nip_not_digits",
            params={"value": nip},
        )
    if len(nip) != NIP_LENGTH:
        raise ValidationError(
            _("The NIP %(value)s has %(length)d digits; a NIP has 18."),
            code="nip_length",
            params={"value": nip, "length": len(nip)},
        )

    birth_date = _date_or_none(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    if birth_date is None or birth_date.year < EARLIEST_BIRTH_YEAR or birth_date > today:
        raise ValidationError(
            _("The NIP %(value)s starts with an impossible birth date (%(part)s)."),
            code="nip_birth_date",
            params={"value": nip, "part": nip[0:8]},
        )

    is_pppk = nip[12] == "2" and nip[13] != "0"
    if is_pppk:
        year = int(nip[8:12])
        appointed = datetime.date(year, 1, 1)
        if year <= birth_date.year or year > today.year:
            raise ValidationError(
                _("The NIP %(value)s has an impossible appointment year (%(part)s)."),
                code="nip_appointment",
                params={"value": nip, "part": nip[8:12]},
            )
    else:
        appointed = _date_or_none(int(nip[8:12]), int(nip[12:14]), 1)
        if (
            appointed is None
            or appointed <= birth_date
            or appointed > today.replace(day=1)
        ):
            raise ValidationError(
                _("The NIP %(value)s has an impossible TMT CPNS (%(part)s)."),
                code="nip_appointment",
                params={"value": nip, "part": nip[8:14]},
            )

    gender_digit = nip[14]
    if gender_digit not in "12":
        raise ValidationError(
            _("The gender digit of NIP %(value)s is %(digit)s; it must be 1 (male) or 2 (female)."),
            code="nip_gender",
            params={"value": nip, "digit": gender_digit},
        )
    sequence = int(nip[15:18])
    if sequence == 0:
        raise ValidationError(
            _(
                "The NIP %(value)s ends in 000, which no NIP does. If it came from Excel, the "
                "cell was a number: format the column as Text and type the NIP again."
            ),
            code="nip_sequence",
            params={"value": nip},
        )

    warnings = []
    age = _age_on(birth_date, appointed)
    if age < 18:
        warnings.append(_("appointed before the age of 18"))
    elif age > 40 and not is_pppk:
        warnings.append(_("appointed as CPNS after the age of 40"))
    return NipInfo(
        nip=nip,
        kind="pppk" if is_pppk else "pns",
        birth_date=birth_date,
        appointed=appointed,
        gender=Gender.MALE if gender_digit == "1" else Gender.FEMALE,
        sequence=sequence,
        warnings=warnings,
    )


def _age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def parse_nik(raw, *, today: datetime.date | None = None) -> NikInfo:
    """Validate a NIK's structure and return what it encodes; raise ValidationError if bad."""
    nik, birth_date, gender = _read_nik(raw, today or timezone.localdate())
    return NikInfo(
        nik=nik,
        province=nik[0:2],
        regency=nik[2:4],
        district=nik[4:6],
        birth_date=birth_date,
        gender=gender,
    )


def clean_nik(raw, *, today: datetime.date | None = None) -> str:
    """Return the NIK raw holds, checked as parse_nik checks it, without what it encodes: for the
    staff import, which checks a whole file's NIKs before its rows."""
    return _read_nik(raw, today or timezone.localdate())[0]


def _read_nik(raw, today: datetime.date) -> tuple[str, datetime.date, str]:
    """Check a NIK's structure; return it with the birth date and gender it encodes."""
    if plain_digits(raw):
        nik = raw
    elif looks_like_excel_number(raw):
        raise ValidationError(
            _(
                "The NIK %(value)s was stored by Excel as a number and has lost its last digits. "
                "Format the column as Text and type the NIK again."
            ),
            code="nik_excel_number",
            params={"value": str(raw).strip()},
        )
    else:
        nik = normalize_nik(raw)
    if not nik.isdigit() or len(nik) != NIK_LENGTH:
        raise ValidationError(
            _("The NIK %(value)s must be exactly 16 digits."),
            code="nik_format",
            params={"value": nik},
        )
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if not (11 <= int(province) <= 96) or regency == "00" or district == "00":
        raise ValidationError(
            _("The NIK %(value)s does not start with a valid region code."),
            code="nik_region",
            params={"value": nik},
        )
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = Gender.MALE
    if day > 40:
        day -= 40
        gender = Gender.FEMALE
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    birth_date = _date_or_none(year, month, day)
    if birth_date is None:
        raise ValidationError(
            _("The NIK %(value)s holds an impossible birth date."),
            code="nik_birth_date",
            params={"value": nik},
        )
    if nik[12:16] == "0000":
        raise ValidationError(
            _("The NIK %(value)s ends in 0000, which no NIK does."),
            code="nik_sequence",
            params={"value": nik},
        )
    return nik, birth_date, gender


def format_nip(nip: str) -> str:
    """Group a NIP as 8-6-1-3 digits: "19860926 201505 1 001"."""
    if not nip or len(nip) != NIP_LENGTH:
        return nip or ""
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"


def mask_nik(nik: str) -> str:
    """Hide the personal middle of a NIK: "3371**********01"."""
    if not nik or len(nik) < 6:
        return nik or ""
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]
