"""
Certificate numbers: an office pattern such as ``800/{seq:03d}/{unit}/{roman_month}/{year}``
filled in from a gapless running number.

The pattern is parsed by our own small grammar, never by str.format (which would let a pattern
such as ``{seq.__class__}`` reach into Python objects). take_number() locks the scope's Counter
row; it must run inside the transaction that stores the certificate, so a failure rolls the
number back with it: numbers never repeat and never skip.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateSettings, Counter

PLACEHOLDERS = ("seq", "code", "unit", "roman_month", "month", "year")
_TOKEN = re.compile(r"\{([a-z_]+)(?::0?(\d)d)?\}")
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def roman_month(month: int) -> str:
    """Return a month in Roman numerals, as Indonesian letter numbers write it (7 -> VII)."""
    return _ROMAN[month - 1]


def validate_pattern(pattern: str, *, scope: str) -> None:
    """Raise ValidationError unless the pattern is well formed and can never repeat a number."""
    names = []
    for match in _TOKEN.finditer(pattern):
        if match.group(1) not in PLACEHOLDERS:
            raise ValidationError(
                _("Unknown placeholder {%(name)s} in the number pattern."),
                code="unknown_placeholder",
                params={"name": match.group(1)},
            )
        if match.group(2) and match.group(1) != "seq":
            raise ValidationError(
                _("Only {seq} takes a width, as in {seq:03d}."), code="width_not_allowed"
            )
        names.append(match.group(1))
    if "{" in _TOKEN.sub("", pattern) or "}" in _TOKEN.sub("", pattern):
        raise ValidationError(_("The number pattern has a stray brace."), code="stray_brace")
    if "seq" not in names:
        raise ValidationError(
            _("The number pattern needs the running number {seq}."), code="no_seq"
        )
    if scope == CertificateSettings.Scope.TRAINING and "code" not in names:
        raise ValidationError(
            _(
                "Numbering per training starts at 1 for every training, so the pattern needs the "
                "training code {code} to keep numbers unique."
            ),
            code="no_code",
        )
    if scope == CertificateSettings.Scope.YEAR and "year" not in names:
        raise ValidationError(
            _("Numbering per year needs the year {year} in the pattern."), code="no_year"
        )


def format_number(pattern: str, *, seq: int, code: str, unit: str, date: datetime.date) -> str:
    """Fill a validated pattern in."""
    values = {
        "code": code,
        "unit": unit,
        "roman_month": roman_month(date.month),
        "month": f"{date.month:02d}",
        "year": str(date.year),
    }

    def replace(match):
        name, width = match.group(1), match.group(2)
        if name == "seq":
            return f"{seq:0{int(width or 0)}d}"
        return values[name]

    return _TOKEN.sub(replace, pattern)


def scope_key(*, scope: str, training_id: int, date: datetime.date) -> str:
    """Return the Counter key a certificate's number is taken from."""
    if scope == CertificateSettings.Scope.TRAINING:
        return f"training:{training_id}"
    return f"year:{date.year}"


def take_number(*, scope: str) -> int:
    """Take the next running number of a scope; call inside the transaction storing the certificate."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number() must run inside the certificate's transaction")
    counter = Counter.objects.select_for_update().filter(scope=scope).first()
    if counter is None:
        try:
            with transaction.atomic():
                Counter.objects.create(scope=scope)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        counter = Counter.objects.select_for_update().get(scope=scope)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number
