"""python manage.py issue_certificates TRAINING_CODE [--out DIR]."""

import io

import pytest
from django.core.management import CommandError, call_command

from certificates.models import Certificate

from .factories import enrol, finished_training

pytestmark = pytest.mark.django_db


def test_the_command_issues_and_counts_then_writes_the_pdfs(tmp_path):
    training = finished_training(participants=2, code="BIMTEK-PP-2022")
    enrol(training)  # attended nothing
    out = io.StringIO()

    call_command("issue_certificates", "bimtek-pp-2022", stdout=out)
    call_command("issue_certificates", "BIMTEK-PP-2022", "--out", str(tmp_path / "pdf"), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [
        "BIMTEK-PP-2022: issued 2, already valid 0, not eligible 1, errors 0",
        "BIMTEK-PP-2022: issued 0, already valid 2, not eligible 1, errors 0",
        f"2 PDF files written to {tmp_path / 'pdf'}",
    ]
    assert sorted(p.name[:21] for p in (tmp_path / "pdf").iterdir()) == [
        "800-001-BKPSDM-X-2022",
        "800-002-BKPSDM-X-2022",
    ]
    assert Certificate.objects.count() == 2


def test_an_unknown_training_is_an_error():
    with pytest.raises(CommandError):
        call_command("issue_certificates", "NOPE")


def test_a_pdf_missing_from_storage_is_made_again_for_the_folder(tmp_path):
    finished_training(participants=1, code="BIMTEK-PP-2022")
    call_command("issue_certificates", "BIMTEK-PP-2022", stdout=io.StringIO())
    lost = Certificate.objects.get()
    lost.pdf.storage.delete(lost.pdf.name)

    out = tmp_path / "pdf"
    call_command("issue_certificates", "BIMTEK-PP-2022", "--out", str(out), stdout=io.StringIO())

    lost.refresh_from_db()
    assert [p.read_bytes() for p in out.iterdir()] == [lost.pdf.read()]
