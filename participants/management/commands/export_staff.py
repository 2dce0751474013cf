"""Export the staff directory to an XLSX or CSV file that import_staff reads back unchanged."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from participants.exporting import FORMATS, export_staff
from participants.models import Employee


class Command(BaseCommand):
    help = "Export the civil servants of the directory to FILE.xlsx or FILE.csv."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write; the extension picks the format.")
        parser.add_argument("--unit", help="Only this unit (name or short name).")
        parser.add_argument(
            "--status",
            choices=[Employee.Status.PNS, Employee.Status.CPNS, Employee.Status.PPPK],
            help="Only this employment status.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        file_format = path.suffix.lower().lstrip(".")
        if file_format not in FORMATS:
            raise CommandError(
                _("Name the file .xlsx or .csv, not %(name)s.") % {"name": path.name}
            )
        queryset = Employee.objects.filter(nip__isnull=False)
        if options["unit"]:
            unit = options["unit"].strip()
            queryset = queryset.filter(
                Q(unit__name__iexact=unit) | Q(unit__short_name__iexact=unit)
            )
        if options["status"]:
            queryset = queryset.filter(status=options["status"])
        try:
            path.write_bytes(export_staff(queryset, file_format=file_format))
        except OSError as error:
            raise CommandError(
                _("The file %(name)s cannot be written: %(error)s")
                % {"name": path, "error": error.strerror}
            ) from None
        self.stdout.write(
            _("%(count)d employees exported to %(name)s.")
            % {"count": queryset.count(), "name": path}
        )
