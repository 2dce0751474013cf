"""Shared set-up for the reports tests (no tests here): a small Bimtek and PDF text extraction."""

import ctypes
import datetime
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from trainings.models import Attendance, Enrolment
from participants.models import Unit
from tests.factories import (
    AttendanceFactory,
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    UnitFactory,
)

MM = 72 / 25.4  # PDF points per millimetre
PAGE_WIDTH_MM = 210
# The signature column of daftar_hadir.css: the table ends at the 12 mm right margin and the two
# halves of the signature column are 21 mm each.
SIGN_RIGHT_EDGE_MM = PAGE_WIDTH_MM - 12
SIGN_HALF_MM = 21


def make_training(**kwargs):
    """Return BIMTEK-PP-2022 at BKPSDM with its contact person in the directory."""
    bkpsdm = UnitFactory(
        name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", kind=Unit.Kind.BADAN
    )
    EmployeeFactory(
        nip="198803142012032017",
        name="Hening Widyaningrum",
        gelar_belakang="S.Psi., M.M.",
        unit=bkpsdm,
        is_frontline=False,
    )
    defaults = {
        "code": "BIMTEK-PP-2022",
        "title": "Bimtek Pelayanan Prima",
        "organiser_unit": bkpsdm,
        "venue": "Aula Adipura Kencana, Kantor Wali Kota Magelang",
        "start_date": datetime.date(2022, 9, 14),
        "end_date": datetime.date(2022, 9, 15),
        "status": "finished",
        "contact_name": "Hening Widyaningrum, S.Psi., M.M.",
    }
    return TrainingFactory(**{**defaults, **kwargs})


def make_session(training, **kwargs):
    defaults = {
        "training": training,
        "topic": "Standar Pelayanan dan Maklumat Pelayanan",
        "date": datetime.date(2022, 9, 14),
        "start_time": datetime.time(8, 0),
        "end_time": datetime.time(11, 30),
        "jp": 4,
        "room": "",
    }
    return SessionFactory(**{**defaults, **kwargs})


def enrol(training, **employee_fields):
    return EnrolmentFactory(training=training, employee=EmployeeFactory(**employee_fields))


def record(session, enrolment, status, **kwargs):
    return AttendanceFactory(session=session, enrolment=enrolment, status=status, **kwargs)


def not_enrolled(training):
    """Add a person waiting and a person cancelled: neither belongs on any report."""
    EnrolmentFactory(
        training=training,
        employee=EmployeeFactory(name="Zaenal Menunggu"),
        status=Enrolment.Status.WAITLISTED,
        enrolled_at=None,
    )
    cancelled = EnrolmentFactory(
        training=training,
        employee=EmployeeFactory(name="Yusuf Batal"),
        status=Enrolment.Status.CANCELLED,
    )
    return cancelled


def pdf_document(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """Return the text of every page, whitespace collapsed to single spaces."""
    document = pdf_document(data)
    texts = [page.get_textpage().get_text_range() for page in document]
    return " ".join(" ".join(texts).split())


def pdf_text_in_columns(data: bytes, *, left_mm: float, right_mm: float) -> list[str]:
    """Return, page by page, the text between two distances from the left edge of the page."""
    texts = []
    for page in pdf_document(data):
        height = page.get_height()
        textpage = page.get_textpage()
        text = textpage.get_text_bounded(
            left=left_mm * MM, bottom=0, right=right_mm * MM, top=height
        )
        texts.append(" ".join(text.split()))
    return texts


def embedded_font_names(data: bytes) -> dict[str, bool]:
    """Return the base font name of every character's font, and whether it is embedded."""
    fonts = {}
    for page in pdf_document(data):
        textpage = page.get_textpage()
        for index in range(textpage.count_chars()):
            text_object = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
            if not text_object:
                continue
            font = pdfium_c.FPDFTextObj_GetFont(text_object)
            size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
            name = buffer.value.decode()
            fonts[name] = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
    return fonts


STATUS = Attendance.Status
