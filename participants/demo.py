"""
The staff directory's part of the demo: the units of Kota Magelang, 55 frontline civil servants
and a login for each role, all read from ``fixtures/``.

It is idempotent: units are matched by name, staff by NIP (through the staff importer,
so the demo also proves the importer) and accounts by username or NIP. Running it again changes
nothing, except that a demo password someone changed is set back to the documented one, so the
logins the command prints always work. It refuses to run on a production installation unless
forced: the demo passwords are public.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from core.demo import DemoDataError
from participants.staff_files import read_staff_file
from participants.importing import ImportReport, import_staff
from participants.models import Employee, Unit, User
from participants.services import create_account, create_employee, update_employee

UNITS_FILE = "units.csv"
STAFF_FILE = "demo_staff.csv"
ACCOUNTS_FILE = "demo_accounts.json"


@dataclass
class UnitCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class DemoLogin:
    role: str  # the role's group name, see core.roles.Role
    login: str  # what to type into the login form: a username or a NIP
    password: str
    name: str  # whose account it is, as the directory shows them


# Units ------------------------------------------------------------------------------------------


def read_units(path: Path) -> list[dict]:
    """Read units.csv (name, short_name, kind, parent) and check kinds and parents."""
    with path.open(encoding="utf-8-sig", newline="") as csv_file:
        rows = [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(csv_file)
        ]
    names = [row["name"] for row in rows]
    kinds = set(Unit.Kind.values)
    for number, row in enumerate(rows, start=2):
        problem = None
        if not row["name"]:
            problem = "no name"
        elif row["name"] in names[: number - 2]:
            problem = f"{row['name']} is listed twice"
        elif row["kind"] not in kinds:
            problem = f"unknown kind {row['kind']!r}"
        elif row["parent"] and row["parent"] not in names:
            problem = f"parent {row['parent']!r} is not in the file"
        elif row["parent"] == row["name"]:
            problem = "a unit cannot be its own parent"
        if problem:
            raise DemoDataError(f"{path.name}, row {number}: {problem}", code="units_file")
    return rows


@transaction.atomic
def load_units(path: Path) -> UnitCounts:
    """Create or update the units in a units.csv by name, then link each to its parent."""
    rows = read_units(path)
    existing = {unit.name: unit for unit in Unit.objects.filter(name__in=[r["name"] for r in rows])}
    created: set[str] = set()
    changed: set[str] = set()
    for row in rows:
        unit = existing.get(row["name"])
        if unit is None:
            existing[row["name"]] = Unit.objects.create(
                name=row["name"], short_name=row["short_name"], kind=row["kind"]
            )
            created.add(row["name"])
        elif (unit.short_name, unit.kind) != (row["short_name"], row["kind"]):
            unit.short_name, unit.kind = row["short_name"], row["kind"]
            unit.save(update_fields=["short_name", "kind"])
            changed.add(unit.name)
    for row in rows:
        unit = existing[row["name"]]
        parent = existing[row["parent"]] if row["parent"] else None
        if unit.parent_id != (parent.pk if parent else None):
            unit.parent = parent
            unit.save(update_fields=["parent"])
            changed.add(unit.name)
    updated = len(changed - created)
    return UnitCounts(
        created=len(created), updated=updated, unchanged=len(rows) - len(created) - updated
    )


# Staff ------------------------------------------------------------------------------------------


def load_staff(path: Path) -> ImportReport:
    """Import the demo staff list through the staff importer; every row must be valid."""
    with path.open("rb") as staff_file:
        table = read_staff_file(staff_file, filename=path.name)
    report = import_staff(table, dry_run=False, skip_invalid=False, create_units=False)
    if report.invalid:
        problems = "; ".join(
            _("%(file)s, row %(row)d: %(errors)s")
            % {"file": path.name, "row": row.number, "errors": " ".join(row.errors)}
            for row in report.rows
            if row.outcome == "invalid"
        )
        raise DemoDataError(problems, code="staff_file")
    return report


# Accounts ---------------------------------------------------------------------------------------


def read_accounts(path: Path) -> list[dict]:
    """Read demo_accounts.json: one entry per demo login."""
    with path.open(encoding="utf-8") as json_file:
        return json.load(json_file)["accounts"]


@transaction.atomic
def ensure_accounts(path: Path) -> list[DemoLogin]:
    """Create or update the demo accounts and set their documented passwords."""
    logins = []
    for spec in read_accounts(path):
        if "nip" in spec:
            user, name = _staff_account(spec)
        else:
            user, name = _named_account(spec)
        if not user.check_password(spec["password"]):
            # A demo password someone changed is set back, so the printed logins always work.
            user.set_password(spec["password"])
            user.save(update_fields=["password"])
        logins.append(
            DemoLogin(role=spec["role"], login=user.username, password=spec["password"], name=name)
        )
    return logins


def _staff_account(spec: dict) -> tuple[User, str]:
    """Give a demo staff member their account, username = NIP, as any participant gets one."""
    employee = Employee.objects.filter(nip=spec["nip"]).first()
    if employee is None:
        raise DemoDataError(
            f"{ACCOUNTS_FILE}: no employee has the NIP {spec['nip']}", code="accounts_file"
        )
    user = create_account(employee=employee, role=spec["role"], password=spec["password"])
    return user, employee.full_name


def _named_account(spec: dict) -> tuple[User, str]:
    """Create or update an account with a plain username, and its directory entry if any."""
    user = User.objects.filter(username=spec["username"]).first()
    if user is None:
        user = User(username=spec["username"])
        user.set_unusable_password()  # ensure_accounts sets the demo password
    wanted = {
        "email": spec.get("email", ""),
        "first_name": spec.get("first_name", ""),
        "last_name": spec.get("last_name", ""),
        "is_staff": bool(spec.get("is_staff", False)),
        "is_active": True,
    }
    if user.pk is None or any(getattr(user, key) != value for key, value in wanted.items()):
        for key, value in wanted.items():
            setattr(user, key, value)
        user.full_clean(exclude=["password"])
        user.save()
    user.groups.add(Group.objects.get(name=spec["role"]))
    name = user.get_full_name() or user.username
    if "employee" in spec:
        employee = _ensure_employee(spec["employee"])
        if employee.user_id != user.pk:
            employee.user = user
            employee.save(update_fields=["user", "updated_at"])
        name = employee.full_name
    return user, name


def _ensure_employee(data: dict) -> Employee:
    """Create or update a directory entry by NIP through the directory services."""
    values = {**data, "unit": Unit.objects.get(name=data["unit"])}
    employee = Employee.objects.filter(nip=data["nip"]).first()
    if employee is None:
        return create_employee(**values)
    changes = {key: value for key, value in values.items() if getattr(employee, key) != value}
    if changes:
        update_employee(employee=employee, **changes)
    return employee
