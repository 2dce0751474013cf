"""
A training's certificates in bulk: every PDF in a ZIP, all merged into one PDF, and the SIASN
course-history sheet.

The ZIP and the merged PDF are written by a background export (services_export.py) into a file
it gives, from certificates whose PDFs it has made sure of: a thousand certificates take longer
than a request may. The SIASN sheet holds only rows (a thousand in about a tenth of a second), so
the request writes it to a temporary file and returns it rewound, for a FileResponse to stream.
"""

import datetime
import re
import tempfile
import zipfile
from collections.abc import Iterable
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext

from core.spreadsheets import inert_cell, write_xlsx

from certificates.models import Certificate

SIASN_COLUMNS = [
    "NIP", "Nama", "Jenis Kursus", "Nama Kursus", "Lama (JP)", "Tanggal Kursus",
    "Tanggal Selesai", "Nomor Sertifikat", "Instansi", "Penyelenggara",
]  # fmt: skip


def pdf_filename(certificate: Certificate) -> str:
    """Return a file name for a certificate: its number and the person's name, filesystem-safe."""
    number = re.sub(r"[^0-9A-Za-z]+", "-", certificate.number).strip("-")
    name = re.sub(r"[^0-9A-Za-z]+", "-", certificate.snapshot.get("name", "")).strip("-")
    suffix = f"-v{certificate.version}" if certificate.version > 1 else ""
    return f"{number}_{name}{suffix}.pdf"[:150]


def write_zip(certificates: Iterable[Certificate], out: BinaryIO) -> None:
    """Write each certificate's stored PDF into a ZIP in out (PDFs are compressed already)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            with (
                certificate.pdf.open("rb") as pdf,
                archive.open(pdf_filename(certificate), "w") as entry,
            ):
                for chunk in iter(lambda: pdf.read(64 * 1024), b""):
                    entry.write(chunk)


def write_merged_pdf(certificates: Iterable[Certificate], out: BinaryIO) -> None:
    """Merge each certificate's stored PDF, in order, into one PDF written to out."""
    import pypdfium2 as pdfium  # pinned in pyproject.toml; loaded only when merging

    merged = pdfium.PdfDocument.new()
    try:
        for certificate in certificates:
            with certificate.pdf.open("rb") as pdf:
                source = pdfium.PdfDocument(pdf.read())
            try:
                merged.import_pages(source)
            finally:
                source.close()
        merged.save(out)
    finally:
        merged.close()


def siasn_workbook(certificates, *, institution: str):
    """Write the SIASN course-history columns for each valid certificate; return the file rewound."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Riwayat Kursus")
    bold = Font(bold=True)
    header = []
    for title in SIASN_COLUMNS:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for certificate in certificates:
        s = certificate.snapshot
        nip = re.sub(r"\D", "", s.get("nip", ""))
        values = [
            nip,  # a string: Excel would round an 18-digit number
            s["name"],
            s.get("course_kind", ""),
            s["training_title"],
            s["jp"],
            datetime.date.fromisoformat(s["start_date"]),
            datetime.date.fromisoformat(s["end_date"]),
            certificate.number,
            institution or s.get("government", ""),
            s.get("organiser", ""),
        ]
        sheet.append([inert_cell(sheet, value) for value in values])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(out)
    out.seek(0)
    return out


def certificate_list_xlsx(entries: list[dict], *, state_labels: dict) -> bytes:
    """Write the certificate page's rows: person, attendance, eligibility, number and state."""
    with translation.override(settings.LANGUAGE_CODE):
        headers = [
            gettext("No."), gettext("Name"), gettext("NIP / NIK"), gettext("Unit"),
            gettext("Sessions attended"), gettext("Eligible"), gettext("Certificate number"),
            gettext("Status"),
        ]  # fmt: skip
        rows = []
        for index, entry in enumerate(entries, start=1):
            row, employee = entry["row"], entry["row"].enrolment.employee
            if row.meets_rules:
                eligible = gettext("Yes")
            elif row.override:
                eligible = gettext("By exception")
            else:
                eligible = gettext("No")
            rows.append([
                index, employee.full_name, employee.identifier_display, employee.unit.name,
                f"{row.attended} / {row.sessions}", eligible,
                entry["valid"].number if entry["valid"] else "",
                str(state_labels[entry["state"]]),
            ])  # fmt: skip
    return write_xlsx(headers, rows, text_columns=[2])


def certificate_list_filename(training) -> str:
    """Return e.g. "daftar-sertifikat-BIMTEK-PP-2022.xlsx"."""
    code = slugify(training.code).upper() or str(training.pk)
    with translation.override(settings.LANGUAGE_CODE):
        stem = pgettext("file name", "certificate-list")
    return f"{stem}-{code}.xlsx"
