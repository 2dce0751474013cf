"""
Import a staff list into the directory: validate every row, then write all or nothing.

One code path for the command line, the admin (run as a background task) and the demo loader.
The NIP is the key. Rows are validated in memory against one read of the units and one read of
the employees the file names, then written with bulk_create/bulk_update, so the number of
queries does not grow with the rows. The rules are in the docstring of _validate_row.

import_staff does both steps; plan_staff_import and write_staff_plan are the two halves for a
caller that records the import in the same transaction as its rows (the admin's import marks
itself done in it, so an import still shown as running has written nothing).
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.batch import collector_paused
from participants.identity import check_identity
from participants.models import Employee, Unit
from core.spreadsheets import cell_text, header_key, write_xlsx
from participants.nip import NipInfo, clean_nik, mask_nik, parse_nip
from participants.services import account_emails_follow_directory
from participants.units import unit_key, unit_lookup
from participants.staff_files import FIELD_LABELS, HEADER_ALIASES, HEADERS, StaffTable
from participants.vocabulary import parse_cpns_pns, parse_gender, parse_status, parse_yes_no

PROGRESS_EVERY = 500
CREATE_BATCH = 1000
UPDATE_BATCH = 500

# Canonical key -> Employee field written from it.
FIELDS = {
    "name": "name",
    "gelar_depan": "gelar_depan",
    "gelar_belakang": "gelar_belakang",
    "golongan": "golongan",
    "jabatan": "jabatan",
    "unit": "unit_id",
    "email": "email",
    "phone": "phone",
    "status": "status",
    "is_frontline": "is_frontline",
    "nik": "nik",
}
MAX_LENGTHS = {
    key: Employee._meta.get_field(name).max_length
    for key, name in FIELDS.items()
    if key in {"name", "gelar_depan", "gelar_belakang", "jabatan", "email", "phone"}
}


@dataclass
class RowResult:
    number: int
    outcome: str  # "new" | "updated" | "unchanged" | "invalid"
    nip: str
    name: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    original: dict[str, str] = field(default_factory=dict)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column, old, new)
    new_values: dict | None = None  # a new row's cleaned values, described only if shown
    unknown_unit: str = ""  # the unit as the file names it, when the directory has no such unit
    unit_error: str = ""  # why that unit refuses the row, in the words of the import's language

    @property
    def all_errors(self) -> list[str]:
        """Every reason the row is refused, the unknown unit's among them."""
        return [*self.errors, self.unit_error] if self.unit_error else self.errors


@dataclass
class ImportReport:
    rows: list[RowResult]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    applied: bool = False  # True when changes were written
    notes: list[str] = field(default_factory=list)
    kept_empty: int = 0  # rows in which an empty cell kept a stored value
    unit_names: dict = field(default_factory=dict)  # unit id -> name, to describe new rows

    @property
    def summary_line(self) -> str:
        return (
            f"created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} invalid={self.invalid}"
        )


@dataclass(frozen=True)
class _NewUnit:
    name: str


@dataclass
class StaffImportPlan:
    """What a staff table would do to the directory: its report and the rows to write."""

    report: ImportReport
    to_create: list[Employee]
    to_update: list[tuple[Employee, tuple[str, ...]]]
    new_units: set[_NewUnit]
    writable: bool  # every row is valid, or the invalid ones are to be skipped


def import_staff(
    table: StaffTable,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    create_units: bool = False,
    clear_empty: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate a staff table and write it to the directory, all or nothing unless skip_invalid.

    The counts always describe what the file would do; ``applied`` says whether it was written.
    """
    plan = plan_staff_import(
        table,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        create_units=create_units,
        clear_empty=clear_empty,
        progress=progress,
    )
    if not dry_run and plan.writable:
        write_staff_plan(plan)
    return plan.report


@collector_paused()
def plan_staff_import(
    table: StaffTable,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    create_units: bool = False,
    clear_empty: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> StaffImportPlan:
    """Validate a staff table against the directory and plan its writes, writing nothing.

    An empty cell keeps the stored value unless clear_empty says empty cells clear it. Each
    updated row's report lists its changes, old and new. progress(done, total) is called every
    PROGRESS_EVERY rows and once at the end.
    """
    today = timezone.localdate()
    total = len(table.rows)
    columns = set(table.columns)
    nips = _read_nips(table, today)
    existing = _existing_employees([nip for nip, _info in nips if nip])
    units, unit_names = unit_lookup()
    new_units: dict[str, _NewUnit] = {}
    duplicates = _duplicates(table, nips)
    row_niks, niks = _read_niks(table, columns, today, nips, existing)
    nik_owners = _nik_owners(niks, existing)

    report = ImportReport(rows=[], unit_names=unit_names)
    to_create, to_update = [], []
    for index, (row, (nip, info)) in enumerate(zip(table.rows, nips, strict=True)):
        errors, warnings = [], []
        clean = _validate_row(
            row.values,
            columns=columns,
            nip=nip,
            info=info,
            nik_checked=row_niks[index],
            today=today,
            duplicate_rows=duplicates.get(row.number),
            rows_with_nik=niks.get(row_niks[index], 0),
            nik_owners=nik_owners,
            employee=existing.get(nip),
            units=units,
            new_units=new_units,
            create_units=create_units,
            clear_empty=clear_empty,
            errors=errors,
            warnings=warnings,
        )
        kept_empty = clean.pop(_KEPT_EMPTY, False)
        unknown_unit = clean.pop(_UNKNOWN_UNIT, "")
        result = RowResult(
            number=row.number,
            outcome="invalid",
            nip=nip or cell_text(row.values.get("nip")).strip(),
            name=clean.get("name") or " ".join(cell_text(row.values.get("name")).split()),
            errors=errors,
            warnings=warnings,
            original=row.original,
            unknown_unit=unknown_unit,
            unit_error=unknown_unit_message(unknown_unit) if unknown_unit else "",
        )
        if errors or unknown_unit:
            report.invalid += 1
        elif nip in existing:
            stored = existing[nip]
            changes = {
                FIELDS[key]: value for key, value in clean.items() if stored[FIELDS[key]] != value
            }
            report.kept_empty += kept_empty
            if changes:
                employee = Employee(pk=stored["id"], nip=nip, user_id=stored["user_id"], **changes)
                to_update.append((employee, tuple(sorted(changes))))
                result.outcome = "updated"
                result.changes = _described_changes(stored, changes, unit_names)
                report.updated += 1
            else:
                result.outcome = "unchanged"
                report.unchanged += 1
        else:
            to_create.append(Employee(nip=nip, **{FIELDS[k]: v for k, v in clean.items()}))
            result.outcome = "new"
            result.new_values = clean  # described (described_values) only for the rows shown
            report.created += 1
        report.rows.append(result)
        if progress and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1, total)

    needed_units = {
        employee.unit_id
        for employee in (*to_create, *(employee for employee, _fields in to_update))
        if isinstance(employee.unit_id, _NewUnit)
    }
    _add_notes(
        report, table, needed_units, dry_run=dry_run, skip_invalid=skip_invalid,
        clear_empty=clear_empty,
    )  # fmt: skip
    if progress:
        progress(total, total)
    return StaffImportPlan(
        report=report,
        to_create=to_create,
        to_update=to_update,
        new_units=needed_units,
        writable=skip_invalid or not report.invalid,
    )


@collector_paused()
def write_staff_plan(plan: StaffImportPlan) -> ImportReport:
    """Write a plan's rows in one transaction (the caller's, if one is open); mark it applied."""
    if not plan.writable:
        raise ValueError("A plan with invalid rows that are not to be skipped cannot be written.")
    if plan.to_create or plan.to_update:
        _write(plan.to_create, plan.to_update, plan.new_units)
    plan.report.applied = True
    return plan.report


def _read_nips(table: StaffTable, today: datetime.date) -> list[tuple[str, NipInfo | None]]:
    """Return (nip, NipInfo) per row, to find the people; ("", None) for an unusable NIP."""
    result = []
    for row in table.rows:
        try:
            info = parse_nip(row.values.get("nip"), today=today)
        except ValidationError as error:
            error.with_traceback(None)  # as identity._read does: no frames left for the collector
            result.append(("", None))  # check_identity says why, with the rest of the row
        else:
            result.append((info.nip, info))
    return result


def _duplicates(table: StaffTable, nips) -> dict[int, list[int]]:
    """Map each row whose NIP appears more than once to all the rows that hold that NIP."""
    rows_by_nip = defaultdict(list)
    for row, (nip, _info) in zip(table.rows, nips, strict=True):
        if nip:
            rows_by_nip[nip].append(row.number)
    return {
        number: numbers
        for numbers in rows_by_nip.values()
        if len(numbers) > 1
        for number in numbers
    }


def _read_niks(
    table: StaffTable, columns, today: datetime.date, nips, existing: dict[str, dict]
) -> tuple[list[str | None], dict[str, int]]:
    """Return each row's NIK, checked (None for none or an unusable one: check_identity says
    why), and how many rows give each NIK.

    A NIK the directory already holds for the row's person was checked when it was stored, and
    is not checked again: re-importing an unchanged export reads no NIK twice.
    """
    if "nik" not in columns:
        return [None] * len(table.rows), {}
    row_niks, rows_per_nik = [], {}
    for row, (nip, _info) in zip(table.rows, nips, strict=True):
        raw = row.values.get("nik")
        if raw is None or raw == "":
            row_niks.append(None)
            continue
        if (stored := existing.get(nip)) is not None and raw == stored["nik"]:
            nik = raw
        else:
            try:
                nik = clean_nik(raw, today=today)
            except ValidationError as error:
                error.with_traceback(None)  # as identity._read does: no frames for the collector
                row_niks.append(None)
                continue
        rows_per_nik[nik] = rows_per_nik.get(nik, 0) + 1
        row_niks.append(nik)
    return row_niks, rows_per_nik


# A file giving more NIKs than this reads every NIK holder in one plain query: binding tens of
# thousands of parameters to "nik IN (…)" costs more than reading the directory's NIKs.
NIK_LIST_LIMIT = 2000


def _nik_owners(niks: dict[str, int], existing: dict[str, dict]) -> dict[str, str | None]:
    """Return who holds each of these NIKs in the directory: NIK -> NIP (None for non-ASN).

    The people the file names were read already, with their NIKs; a NIK is unique, so only the
    NIKs none of them holds are looked up.
    """
    owners = {row["nik"]: nip for nip, row in existing.items() if row["nik"] in niks}
    unknown = [nik for nik in niks if nik not in owners]
    holders = Employee.objects.exclude(nik=None)
    if len(unknown) > NIK_LIST_LIMIT:
        wanted = set(unknown)
        owners.update(
            (nik, nip) for nik, nip in holders.values_list("nik", "nip") if nik in wanted
        )
        return owners
    for chunk in _chunks(unknown):
        owners.update(holders.filter(nik__in=chunk).values_list("nik", "nip"))
    return owners


def _chunks(items: list) -> list[list]:
    # One query for any realistic file: SQLite allows 32766 parameters, PostgreSQL more.
    size = min(connection.features.max_query_params or 30000, 30000) - 1
    return [items[start : start + size] for start in range(0, len(items), size)]


def _existing_employees(nips: list[str]) -> dict[str, dict]:
    """Return the stored values of the employees with these NIPs, by NIP."""
    # Plain dicts: building 20,000 model instances would cost more than all the checks.
    found = {}
    for chunk in _chunks(nips):
        rows = Employee.objects.filter(nip__in=chunk).values(
            "id", "nip", "user_id", *FIELDS.values()
        )
        found.update((row["nip"], row) for row in rows)
    return found


# Columns whose empty cell keeps the stored value unless the import is told to clear it.
CLEARABLE = ("gelar_depan", "gelar_belakang", "jabatan", "email", "phone", "golongan")
_KEPT_EMPTY = "_kept_empty"  # markers _validate_row leaves in its result
_UNKNOWN_UNIT = "_unknown_unit"


def unknown_unit_message(name: str) -> str:
    return _(
        "The unit %(value)s is not in the directory. Check the spelling or add the unit first."
    ) % {"value": _quoted(name)}


def _described_changes(stored: dict, changes: dict, unit_names: dict) -> list:
    """Return (column, old, new) for each changed field, as the preview shows them."""
    keys = {field: key for key, field in FIELDS.items()}
    return [
        (
            FIELD_LABELS[keys[field]],
            _shown(field, stored[field], unit_names),
            _shown(field, value, unit_names),
        )
        for field, value in sorted(changes.items(), key=lambda item: _FIELD_ORDER[item[0]])
    ]


_FIELD_ORDER = {field: index for index, field in enumerate(FIELDS.values())}


def described_values(row: RowResult, unit_names: dict) -> list[tuple[str, str]]:
    """Return (column, value) for each filled field of a new row but its name, as the preview
    shows them; nothing for a row that is not new."""
    clean = row.new_values or {}
    return [
        (FIELD_LABELS[key], _shown(FIELDS[key], value, unit_names))
        for key, value in sorted(clean.items(), key=lambda item: _FIELD_ORDER[FIELDS[item[0]]])
        if key != "name" and value not in ("", None, False)
    ]


def _shown(field: str, value, unit_names: dict) -> str:
    if field == "unit_id":
        return value.name if isinstance(value, _NewUnit) else unit_names.get(value, "")
    if field == "is_frontline":
        return "Ya" if value else "Tidak"
    if field == "status":
        return str(Employee.Status(value).label) if value else ""
    if field == "nik":
        return mask_nik(value) if value else ""
    return value or ""


def _validate_row(
    values, *, columns, nip, info, nik_checked, today, duplicate_rows, rows_with_nik, nik_owners,
    employee, units, new_units, create_units, clear_empty, errors, warnings,
) -> dict:  # fmt: skip
    """Return the cleaned values of the columns present; append problems to errors.

    Absent columns are left out (the stored value is kept). An empty cell keeps the stored
    value too, unless clear_empty (the admin's explicit choice) says it clears it; the result
    then holds _KEPT_EMPTY if that kept something. An empty status or unit always keeps the
    stored one (a new row's status is read from its NIP, and it must name its unit). The
    status, NIP and golongan are checked together by check_identity, as on every other path.
    """
    clean = {}
    stored = employee or {}
    status_cell = values.get("status") if "status" in columns else ""
    status = parse_status(status_cell)
    if "cpns_pns" in columns and status in ("", Employee.Status.PNS):
        # SIASN: JENIS PEGAWAI says PNS DAERAH, STATUS CPNS PNS whether still a candidate.
        stage = parse_cpns_pns(values.get("cpns_pns"))
        if stage is None:
            errors.append(
                _("Write %(column)s as P (PNS) or C (CPNS), not %(value)s.")
                % {"column": FIELD_LABELS["cpns_pns"], "value": _quoted(values.get("cpns_pns"))}
            )
        elif stage:
            status_cell = status = stage
    if status == Employee.Status.NON_ASN:
        errors.append(
            _(
                "Non-ASN staff are identified by NIK, not NIP, and cannot be imported from a "
                "file. Add them with the form on the staff directory page."
            )
        )
        return clean

    name = " ".join(cell_text(values.get("name")).split())
    if not name:
        errors.append(_("The name is empty."))
    clean["name"] = name
    for key in ("gelar_depan", "gelar_belakang", "jabatan"):
        if key in columns:
            clean[key] = " ".join(cell_text(values.get(key)).split())

    golongan = values.get("golongan") if "golongan" in columns else stored.get("golongan", "")
    kept_empty = False
    if employee is not None and not clear_empty and not cell_text(golongan).strip():
        golongan = stored["golongan"]
        kept_empty = bool(golongan)
    try:
        identity = check_identity(
            # An empty status keeps the stored one; a new row's is read from its NIP.
            status=status_cell if status != "" else stored.get("status", ""),
            nip=values.get("nip"),
            nik=values.get("nik") if "nik" in columns else None,
            golongan=golongan,
            today=today,
            nip_info=info,  # each read once, for the whole file, before its rows are checked
            nik_checked=nik_checked,
        )
    except ValidationError as error:
        errors.extend(error.messages)
    else:
        if status or employee is None:
            clean["status"] = identity.status
        if "golongan" in columns:
            clean["golongan"] = identity.golongan
        if identity.nik:
            clean["nik"] = identity.nik
            owner = nik_owners.get(identity.nik, nip)
            if owner != nip or rows_with_nik > 1:
                errors.append(
                    _("The NIK %(nik)s belongs to another person in the directory or the file.")
                    % {"nik": mask_nik(identity.nik)}
                )
    if duplicate_rows:
        errors.append(
            _("The NIP %(nip)s appears more than once in the file (rows %(rows)s).")
            % {"nip": nip, "rows": ", ".join(str(number) for number in duplicate_rows)}
        )
    if info is not None:
        warnings.extend(str(warning) for warning in info.warnings)
        if "gender" in columns:
            gender = parse_gender(values.get("gender"))
            if gender is None:
                warnings.append(
                    _("%(column)s %(value)s was not understood; it is not stored.")
                    % {"column": FIELD_LABELS["gender"], "value": _quoted(values.get("gender"))}
                )
            elif gender and gender != info.gender:
                warnings.append(
                    _("%(column)s says %(gender)s, but the NIP says otherwise.")
                    % {"column": FIELD_LABELS["gender"], "gender": _quoted(values.get("gender"))}
                )

    if "email" in columns:
        email = cell_text(values.get("email")).strip().lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("The email address %(value)s is not valid.") % {"value": email})
        clean["email"] = email

    if "phone" in columns:
        clean["phone"] = clean_phone(values.get("phone"))

    if "is_frontline" in columns and (
        clear_empty or employee is None or cell_text(values.get("is_frontline")).strip()
    ):
        frontline = parse_yes_no(values.get("is_frontline"))
        if frontline is None:
            errors.append(
                _("Write %(column)s as Ya or Tidak, not %(value)s.")
                % {"column": HEADERS["is_frontline"], "value": _quoted(values.get("is_frontline"))}
            )
        else:
            clean["is_frontline"] = frontline

    unit = _unit(values.get("unit") if "unit" in columns else None, units, new_units, create_units)
    if employee is not None and not clear_empty:
        for key in CLEARABLE:
            if key in clean and not clean[key]:
                del clean[key]  # an empty cell keeps what is stored
                kept_empty = kept_empty or bool(stored[FIELDS[key]])
        if "is_frontline" in columns and "is_frontline" not in clean:
            kept_empty = kept_empty or stored["is_frontline"]
        if kept_empty:
            clean[_KEPT_EMPTY] = True
    if unit is None:
        clean[_UNKNOWN_UNIT] = " ".join(cell_text(values.get("unit")).split())
    elif unit:
        clean["unit"] = unit
    elif employee is None:
        errors.append(_("The unit (Unit Kerja) is empty."))

    for key, max_length in MAX_LENGTHS.items():
        if len(clean.get(key, "")) > max_length:
            errors.append(
                _("%(column)s is longer than %(max)d characters.")
                % {"column": HEADERS[key], "max": max_length}
            )
    return clean


def _quoted(value) -> str:
    return f"\u201c{cell_text(value).strip()}\u201d"


def clean_phone(value) -> str:
    """Keep the digits of a phone number and a leading +."""
    text = cell_text(value).strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if text.startswith("+"):
        return "+" + digits
    if not isinstance(value, str) and digits.startswith("8"):
        return "0" + digits  # a number cell dropped the leading 0 of 08xx
    return digits


def _unit(value, units, new_units, create_units):
    """Return a unit id, a _NewUnit to create, "" for no value, or None for an unknown unit."""
    name = " ".join(cell_text(value).split())
    if not name:
        return ""
    key = unit_key(name)
    if key in units:
        return units[key]
    if not create_units or len(name) > Unit._meta.get_field("name").max_length:
        return None
    return new_units.setdefault(key, _NewUnit(name))


def _add_notes(report, table, new_units, *, dry_run, skip_invalid, clear_empty):
    if table.ignored_headers:
        report.notes.append(
            _("These columns were ignored: %(columns)s.")
            % {"columns": ", ".join(table.ignored_headers)}
        )
    if new_units:
        report.notes.append(
            _("New units: %(units)s.")
            % {"units": ", ".join(sorted(unit.name for unit in new_units))}
        )
    if report.kept_empty:
        report.notes.append(
            _(
                "In %(count)d rows an empty cell kept the value stored in the directory. To "
                "clear such values, upload the file again with “Empty cells clear stored "
                "values” ticked."
            )
            % {"count": report.kept_empty}
        )
    elif clear_empty:
        report.notes.append(_("Empty cells clear the values stored in the directory."))
    if report.invalid and not skip_invalid:
        report.notes.append(
            _(
                "Nothing was saved because the file has invalid rows (%(count)d). Correct them, "
                "or import only the valid rows."
            )
            % {"count": report.invalid}
        )
    elif dry_run:
        report.notes.append(_("Trial run: nothing was saved."))


@transaction.atomic
def _write(to_create, to_update, new_units):
    created_units = {
        unit: Unit.objects.create(name=unit.name, kind=Unit.Kind.LAINNYA).pk
        for unit in sorted(new_units, key=lambda unit: unit.name)
    }
    if created_units:
        for employee in (*to_create, *(employee for employee, _fields in to_update)):
            if isinstance(employee.unit_id, _NewUnit):
                employee.unit_id = created_units[employee.unit_id]
    Employee.objects.bulk_create(to_create, batch_size=CREATE_BATCH)
    # bulk_update builds a CASE expression per field and row, so give it only the fields that
    # changed, grouped by which ones; updated_at is the same for all, set in one plain UPDATE.
    groups = defaultdict(list)
    for employee, fields in to_update:
        groups[fields].append(employee)
    for fields, employees in groups.items():
        Employee.objects.bulk_update(employees, fields, batch_size=UPDATE_BATCH)
    now = timezone.now()
    for chunk in _chunks([employee.pk for employee, _fields in to_update]):
        Employee.objects.filter(pk__in=chunk).update(updated_at=now)
    account_emails_follow_directory(
        emails={
            employee.user_id: employee.email
            for employee, fields in to_update
            if "email" in fields and employee.user_id
        }
    )


def rejected_rows_workbook(report: ImportReport, table: StaffTable) -> bytes:
    """Return an XLSX of the invalid rows as the file had them, with an Alasan column."""
    headers = [header for header in table.original_headers if header]
    nip_header = next(
        (h for h in table.original_headers if HEADER_ALIASES.get(header_key(h)) == "nip"), None
    )
    rows = (
        [*(result.original.get(header, "") for header in headers), " ".join(result.all_errors)]
        for result in report.rows
        if result.outcome == "invalid"
    )
    text_columns = [headers.index(nip_header)] if nip_header in headers else []
    return write_xlsx([*headers, _("Reason")], rows, text_columns=text_columns)
