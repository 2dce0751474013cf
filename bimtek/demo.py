"""
Demo data for trying Bimtek out: the units of Kota Magelang, 55 frontline civil servants and a
login for each role, all read from ``fixtures/``.

seed_demo() is idempotent: units are matched by name, staff by NIP (through the staff importer,
so the demo also proves the importer) and accounts by username or NIP. Running it again changes
nothing, except that a demo password someone changed is set back to the documented one, so the
logins the command prints always work. It refuses to run on a production installation unless
forced: the demo passwords are public.
"""

import csv
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.demo import demo_training as demo_tests_training
from assessments.demo import seed_demo_tests
from certificates.demo import issue_demo_certificates
from evaluations.demo import demo_training as demo_evaluation_training
from evaluations.demo import seed_demo_evaluation
from participants.importing import ImportReport, import_staff
from participants.models import Employee, Unit, User
from participants.services import create_account, create_employee, update_employee
from participants.staff_files import read_staff_file

from .demo_training import TRAININGS_FILE, load_demo_trainings
from .roles import ROLE_LABELS

logger = logging.getLogger(__name__)

UNITS_FILE = "units.csv"
STAFF_FILE = "demo_staff.csv"
ACCOUNTS_FILE = "demo_accounts.json"


class DemoDataError(Exception):
    """Demo data that cannot be loaded; ``message`` is shown to whoever ran the command."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class UnitCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class DemoLogin:
    role: str  # the role's group name, see bimtek.roles.Role
    login: str  # what to type into the login form: a username or a NIP
    password: str
    name: str  # whose account it is, as the directory shows them


@dataclass
class SeedResult:
    units: UnitCounts
    staff: ImportReport
    logins: list[DemoLogin] = field(default_factory=list)


def fixtures_dir() -> Path:
    """Return the folder the demo data and sample import files live in."""
    return Path(settings.BASE_DIR) / "fixtures"


def seed_demo(*, directory: Path | None = None, force: bool = False) -> SeedResult:
    """Load the demo units, staff and accounts; refuse on production unless forced."""
    if settings.PRODUCTION and not force:
        raise DemoDataError(
            _(
                "This is a production installation. The demo accounts have public passwords, "
                "so seed_demo does not run here; use --force if you really mean it."
            ),
            code="production",
        )
    directory = Path(directory or fixtures_dir())
    with transaction.atomic():
        units = load_units(directory / UNITS_FILE)
        staff = load_staff(directory / STAFF_FILE)
        logins = ensure_accounts(directory / ACCOUNTS_FILE)
        load_demo_trainings(directory / TRAININGS_FILE)
        seed_demo_evaluation(training=demo_evaluation_training())
        seed_demo_tests(training=demo_tests_training())
        issue_demo_certificates()
    logger.info("Demo data loaded from %s", directory)
    return SeedResult(units=units, staff=staff, logins=logins)


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


# Output -----------------------------------------------------------------------------------------


def summary_lines(result: SeedResult) -> list[str]:
    """Describe in a few lines what seed_demo loaded."""
    staff = result.staff
    return [
        _("Units: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
        % vars(result.units),
        _("Staff: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": staff.created, "updated": staff.updated, "unchanged": staff.unchanged},
    ]


def login_lines(result: SeedResult) -> list[str]:
    """Lay out the demo logins as a table to print at the end of the command."""
    header = (_("Role"), _("Login (username or NIP)"), _("Password"))
    rows = [(str(ROLE_LABELS.get(x.role, x.role)), x.login, x.password) for x in result.logins]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(3)]
    lines = [
        _("Demo logins for %(url)s:") % {"url": settings.SITE_URL},
        "",
        "  ".join(text.ljust(width) for text, width in zip(header, widths)).rstrip(),
        "  ".join("-" * width for width in widths),
    ]
    for login, row in zip(result.logins, rows):
        line = "  ".join(text.ljust(width) for text, width in zip(row, widths))
        lines.append(f"{line}  ({login.name})")
    lines += [
        "",
        _(
            "These passwords are public and are set back to these values each time seed_demo "
            "runs."
        ),
    ]
    return lines
