"""Import a staff list (XLSX or CSV) into the directory from the command line."""

import getpass
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core.spreadsheets import SpreadsheetError, header_key
from participants.importing import import_staff
from participants.services_import import record_staff_import
from participants.staff_files import FIELD_LABELS, PRESETS, mapping_errors, read_staff_file


def _preset(preset: str | None, explicit: dict[str, str]) -> dict[str, str] | None:
    """Return the mapping of a preset with the --map entries over it, or None for neither."""
    if not preset and not explicit:
        return None
    return {**(PRESETS[preset] if preset else {}), **explicit}


def _os_user() -> str:
    """Who runs the command, as the operating system knows them."""
    try:
        return getpass.getuser()
    except OSError:  # no user name in the environment or the password database
        return "?"


class Command(BaseCommand):
    help = (
        "Import a staff list. Exit status: 0 imported, 1 rejected because of invalid rows, "
        "2 file unreadable. The last line is created=N updated=N unchanged=N invalid=N."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="An .xlsx or .csv file.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and report the invalid ones.",
        )
        parser.add_argument(
            "--create-units", action="store_true", help="Create units the directory lacks."
        )
        parser.add_argument(
            "--clear-empty",
            action="store_true",
            help="Let empty cells clear stored values; without it they keep them.",
        )
        parser.add_argument(
            "--preset",
            choices=sorted(PRESETS),
            help="Read the columns as a known source writes them (siasn: BKN's SIASN export).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help=(
                "Read the column HEADER as FIELD (one of: %s), or ignore it with HEADER=; "
                "may be given more than once." % ", ".join(FIELD_LABELS)
            ),
        )
        parser.add_argument(
            "--changes", action="store_true", help="List each updated row's old and new values."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        explicit = {}
        for item in options["map"]:
            header, separator, key = item.partition("=")
            if not separator or not header_key(header):
                raise CommandError(
                    _("Write --map as HEADER=FIELD, not %(value)s.") % {"value": item},
                    returncode=2,
                )
            explicit[header_key(header)] = key.strip()
        try:
            with path.open("rb") as file_obj:
                table = read_staff_file(
                    file_obj,
                    filename=path.name,
                    mapping=_preset(options["preset"], explicit),
                )
        except OSError:
            raise CommandError(
                _("The file %(name)s cannot be opened.") % {"name": path}, returncode=2
            ) from None
        except SpreadsheetError as error:
            raise CommandError(error.message, returncode=2) from None
        if table.mapping and (errors := mapping_errors(table.mapping, table.original_headers)):
            raise CommandError(" ".join(errors), returncode=2)

        with transaction.atomic():  # the rows and their audit entry, or neither
            report = import_staff(
                table,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                create_units=options["create_units"],
                clear_empty=options["clear_empty"],
            )
            if report.applied:
                record_staff_import(
                    filename=path.name,
                    report=report,
                    actor_name=f"{_os_user()} (manage.py import_staff)",
                    reference=str(path.resolve()),
                )
        for note in report.notes:
            self.stdout.write(note)
        for row in report.rows:
            if options["changes"]:
                for column, old, new in row.changes:
                    self.stdout.write(
                        _("row %(number)d: %(column)s: %(old)s → %(new)s")
                        % {"number": row.number, "column": column, "old": old, "new": new}
                    )
            for error in row.all_errors:
                self.stdout.write(
                    _("row %(number)d: %(reason)s") % {"number": row.number, "reason": error}
                )
            for warning in row.warnings:
                self.stdout.write(
                    _("row %(number)d (warning): %(reason)s")
                    % {"number": row.number, "reason": warning}
                )
        self.stdout.write(report.summary_line)
        if report.invalid and not options["skip_invalid"]:
            self.stdout.flush()
            sys.exit(1)
