"""
Who a person in the staff directory is: the one check of the employment status, the NIP or NIK
and the golongan, and the one set of messages about them.

The directory form, the Django admin's form, the staff-list import, the django-import-export
resource and the services (so any future API) all call check_identity. It reads the values as a
person or a spreadsheet gives them: a NIP with spaces, dots or a "NIP." prefix, a status such as
"P3K" or "Honorer", a golongan such as "Penata Muda Tk. I". The rules (shared/DOMAIN.md,
"Identity numbers" and "Rank and position"):

- PNS and CPNS have a PNS NIP, PPPK a PPPK number; an empty status is read from the NIP.
- Non-ASN staff have a NIK and no NIP.
- PNS and CPNS hold a golongan ruang from I/a to IV/e, PPPK a golongan from I to XVII, non-ASN
  none.

The numbers themselves are checked by participants.nip, which also refuses a NIP from a number
cell. What a NIP suggests without proving it (an appointment before 18 or after 40) is a warning
in the result's nip_info, never an error.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import cell_text
from participants.golongan import PNS_CODES, PPPK_CODES, parse_golongan
from participants.models import Employee
from participants.nip import NipInfo, parse_nik, parse_nip
from participants.vocabulary import parse_status

Status = Employee.Status
FIELDS = ("status", "nip", "nik", "golongan")


@dataclass(frozen=True)
class Identity:
    """A person's status, NIP, NIK and golongan, read and found to agree."""

    status: str
    nip: str | None
    nik: str | None
    golongan: str
    nip_info: NipInfo | None  # what the NIP encodes, with its warnings

    def values(self) -> dict:
        """Return the cleaned values by Employee field."""
        return {field: getattr(self, field) for field in FIELDS}


def check_identity(
    *,
    status,
    nip=None,
    nik=None,
    golongan="",
    today: datetime.date | None = None,
    nip_info: NipInfo | None = None,
    nik_checked: str | None = None,
) -> Identity:
    """Read a person's status, NIP, NIK and golongan as typed and check that they agree.

    Return them cleaned. Raise a ValidationError keyed by field (status, nip, nik, golongan)
    that names every problem. An empty status stands for a civil servant whose NIP tells
    whether they are PNS or PPPK.

    A caller that has read the NIP or NIK already (the staff import reads a whole file's
    before checking its rows) passes what parse_nip made of it as nip_info, and the NIK
    parse_nik returned, or the one the directory holds for this person, as nik_checked; the
    ones not given are read here.
    """
    errors = {field: [] for field in FIELDS}
    status = _read(errors["status"], _read_status, status)
    if nip_info is None and _given(nip):
        nip_info = _read(errors["nip"], parse_nip, nip, today=today)
    if nik_checked is None and _given(nik):
        nik_info = _read(errors["nik"], parse_nik, nik, today=today)
        nik_checked = nik_info.nik if nik_info else None
    golongan = _read(errors["golongan"], _read_golongan, golongan)
    if status == "" and nip_info is not None:
        status = Status.PPPK if nip_info.kind == "pppk" else Status.PNS

    if status == Status.NON_ASN:
        if nip_info is not None:
            errors["nip"].append(
                ValidationError(
                    _("Non-ASN staff have no NIP. Leave the NIP empty and fill in the NIK."),
                    code="nip_for_non_asn",
                )
            )
        if not _given(nik):
            errors["nik"].append(
                ValidationError(_("Non-ASN staff need a NIK."), code="nik_required")
            )
    elif status is not None:
        if not _given(nip):
            errors["nip"].append(
                ValidationError(_("A civil servant (ASN) needs a NIP."), code="nip_required")
            )
        elif nip_info is not None and (status == Status.PPPK) != (nip_info.kind == "pppk"):
            errors["nip"].append(
                ValidationError(
                    _("The status %(status)s does not match the NIP, which is a %(kind)s number."),
                    code="nip_kind_mismatch",
                    params={"status": Status(status).label, "kind": nip_info.kind.upper()},
                )
            )
    if status and golongan and (mismatch := _golongan_mismatch(status, golongan)):
        errors["golongan"].append(mismatch)

    errors = {field: found for field, found in errors.items() if found}
    if errors:
        raise ValidationError(errors)
    return Identity(
        status=status,
        nip=nip_info.nip if nip_info else None,
        nik=nik_checked,
        golongan=golongan,
        nip_info=nip_info,
    )


def _given(value) -> bool:
    return bool(cell_text(value).strip())


def _read(errors: list, reader, value, **kwargs):
    """Return what reader makes of value, or None after adding its error to errors."""
    try:
        return reader(value, **kwargs)
    except ValidationError as error:
        # Kept without its traceback, whose frames would hold this list and so the error: a
        # cycle per refused row that only the cycle collector frees (paused during imports).
        errors.append(error.with_traceback(None))
        return None


def _read_status(value) -> str:
    status = parse_status(value)
    if status is None:
        raise ValidationError(
            _("Unknown employment status “%(value)s”; use PNS, CPNS, PPPK or non-ASN."),
            code="status_unknown",
            params={"value": cell_text(value).strip()},
        )
    return status


def _read_golongan(value) -> str:
    golongan = parse_golongan(value)
    if golongan is None:
        raise ValidationError(
            _("Unknown rank “%(value)s”; write it as III/a (PNS) or IX (PPPK)."),
            code="golongan_unknown",
            params={"value": cell_text(value).strip()},
        )
    return golongan


def _golongan_mismatch(status: str, golongan: str) -> ValidationError | None:
    if status in (Status.PNS, Status.CPNS) and golongan not in PNS_CODES:
        message = _("A PNS or CPNS has a golongan ruang from I/a to IV/e, not %(value)s.")
    elif status == Status.PPPK and golongan not in PPPK_CODES:
        message = _("A PPPK has a golongan from I to XVII, not %(value)s.")
    elif status == Status.NON_ASN:
        message = _("Non-ASN staff have no golongan. Leave it empty.")
    else:
        return None
    return ValidationError(message, code="golongan_status", params={"value": golongan})
