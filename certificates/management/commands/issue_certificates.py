"""Issue a training's certificates now, as the issuing page does in the background."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from office.services import require_complete_office
from office.zone import office_time
from trainings.models import Training
from certificates import selectors, services
from certificates.exports import pdf_filename


class Command(BaseCommand):
    help = (
        "Issue the certificates of every eligible participant of a training who has no valid "
        "one yet; print issued / already valid / not eligible. With --out, write every valid "
        "certificate's PDF into that folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The training's code, e.g. BIMTEK-PP-2022.")
        parser.add_argument("--out", type=Path, help="Folder to write the PDFs into.")

    def handle(self, *args, **options):
        try:
            require_complete_office()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with office_time():
            self.issue(**options)

    def issue(self, *, code, out=None, **options):
        training = Training.objects.filter(code__iexact=code).first()
        if training is None:
            raise CommandError(f"No training with the code {code}.")
        summary = services.issue_for_training(training=training)
        self.stdout.write(
            f"{training.code}: issued {summary.issued}, already valid {summary.already_valid}, "
            f"not eligible {summary.not_eligible}, errors {summary.errors}"
            + (f", left revoked {summary.revoked}" if summary.revoked else "")
        )
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            written = 0
            for certificate in selectors.valid_certificates(training=training):
                certificate = services.certificate_with_pdf(certificate=certificate)
                with certificate.pdf.open("rb") as pdf:
                    (out / pdf_filename(certificate)).write_bytes(pdf.read())
                written += 1
            self.stdout.write(f"{written} PDF files written to {out}")
        if summary.errors:
            raise CommandError(f"{summary.errors} certificates could not be issued; see the log.")
