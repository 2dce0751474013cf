"""
seed_demo: load the demo data of the demo city, each app its own part, and print the logins.

The parts run in one transaction, bottom layer first: the office profile (office.demo), the
staff directory (participants.demo),
the trainings with their attendance (trainings.demo), the tests (assessments.demo), the
evaluation (evaluations.demo) and the certificates (certificates.demo). Every part is
idempotent, so running the command again changes nothing; it refuses to run on a production
installation unless forced, since the demo passwords are public.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.demo import demo_training as demo_tests_training
from assessments.demo import seed_demo_tests
from certificates.demo import issue_demo_certificates
from core.demo import DemoDataError, fixtures_dir
from core.roles import ROLE_LABELS
from evaluations.demo import demo_training as demo_evaluation_training
from evaluations.demo import seed_demo_evaluation
from office.demo import seed_office
from participants.demo import (
    ACCOUNTS_FILE,
    STAFF_FILE,
    UNITS_FILE,
    DemoLogin,
    UnitCounts,
    ensure_accounts,
    load_staff,
    load_units,
)
from participants.importing import ImportReport
from trainings.demo import TRAININGS_FILE, load_demo_trainings

logger = logging.getLogger(__name__)


@dataclass
class SeedResult:
    units: UnitCounts
    staff: ImportReport
    logins: list[DemoLogin] = field(default_factory=list)


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
        seed_office()
        units = load_units(directory / UNITS_FILE)
        staff = load_staff(directory / STAFF_FILE)
        logins = ensure_accounts(directory / ACCOUNTS_FILE)
        load_demo_trainings(directory / TRAININGS_FILE)
        seed_demo_evaluation(training=demo_evaluation_training())
        seed_demo_tests(training=demo_tests_training())
        issue_demo_certificates()
    logger.info("Demo data loaded from %s", directory)
    return SeedResult(units=units, staff=staff, logins=logins)


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


class Command(BaseCommand):
    help = (
        "Load the demo data from fixtures/ (the demo city's office profile and units, 55 frontline staff, a login "
        "for each role) and print the demo logins. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even on a production installation (the demo passwords are public).",
        )

    def handle(self, *args, force=False, **options):
        try:
            result = seed_demo(force=force)
        except DemoDataError as error:
            raise CommandError(error.message) from error
        for line in summary_lines(result):
            self.stdout.write(line)
        self.stdout.write("")
        for line in login_lines(result):
            self.stdout.write(line)
