from django.core.management.base import BaseCommand, CommandError

from bimtek.demo import DemoDataError, login_lines, seed_demo, summary_lines


class Command(BaseCommand):
    help = (
        "Load the demo data from fixtures/ (Kota Magelang's units, 55 frontline staff, a login "
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
