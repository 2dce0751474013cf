"""
A training's certificates in bulk: every PDF in a ZIP, all merged into one PDF, and the SIASN
course-history sheet. Each writes to a temporary file (a thousand certificates never sit in
memory at once) and returns it open at the start, for a FileResponse to stream.
"""

import datetime
import re
import tempfile
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font

from participants.staff_files import inert_cell

from .models import Certificate
from .services import generate_pdf

SIASN_COLUMNS = [
    "NIP", "Nama", "Jenis Kursus", "Nama Kursus", "Lama (JP)", "Tanggal Kursus",
    "Tanggal Selesai", "Nomor Sertifikat", "Instansi", "Penyelenggara",
]  # fmt: skip


def _with_pdfs(certificates) -> list[Certificate]:
    """Return the certificates, making any PDF a failed rendering left missing."""
    return [
        certificate if certificate.has_pdf else generate_pdf(certificate_id=certificate.pk)
        for certificate in certificates
    ]


def pdf_filename(certificate: Certificate) -> str:
    """Return a file name for a certificate: its number and the person's name, filesystem-safe."""
    number = re.sub(r"[^0-9A-Za-z]+", "-", certificate.number).strip("-")
    name = re.sub(r"[^0-9A-Za-z]+", "-", certificate.snapshot.get("name", "")).strip("-")
    suffix = f"-v{certificate.version}" if certificate.version > 1 else ""
    return f"{number}_{name}{suffix}.pdf"[:150]


def certificates_zip(certificates):
    """Write every certificate's PDF into a ZIP in a temporary file; return it rewound."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in _with_pdfs(certificates):
            with (
                certificate.pdf.open("rb") as pdf,
                archive.open(pdf_filename(certificate), "w") as entry,
            ):
                for chunk in iter(lambda: pdf.read(64 * 1024), b""):
                    entry.write(chunk)
    out.seek(0)
    return out


def merged_pdf(certificates):
    """Merge every certificate's PDF into one, written to a temporary file; return it rewound."""
    import pypdfium2 as pdfium  # pinned in pyproject.toml; loaded only when merging

    merged = pdfium.PdfDocument.new()
    try:
        for certificate in _with_pdfs(certificates):
            with certificate.pdf.open("rb") as pdf:
                source = pdfium.PdfDocument(pdf.read())
            try:
                merged.import_pages(source)
            finally:
                source.close()
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        merged.save(out)
    finally:
        merged.close()
    out.seek(0)
    return out


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
