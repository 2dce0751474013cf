"""
The daftar hadir (attendance sheet) of a session, as a PDF.

One document per session, in the form the financial accountability file (SPJ) expects: the
training, day and date, time, venue, topic and speaker; everyone enrolled, by name, with NIP,
position and unit; the signature column zig-zag (odd numbers sign in the left half of the cell,
even numbers in the right half); totals by status; the organiser's signature. Captured signatures
are drawn in; a status with notice (Izin, Sakit, Dinas Luar) or Alpa is written in words; every
other cell is left blank for ink. The document is always in Indonesian, whatever the language of
the person printing it: it is an official document.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import pgettext

from trainings.models import Attendance, Session
from trainings.selectors.reports import (
    attendance_by_enrolment,
    contact_employee,
    enrolled_participants,
    session_position,
)
from office.selectors import current_office, zone_label
from trainings.reports.labels import METHOD_WORDS, NOT_RECORDED, STATUS_ORDER, STATUS_WORDS
from core.pdf import render_pdf

Status = Attendance.Status
TEMPLATE = "trainings/reports/daftar_hadir.html"
# Statuses written in words in the signature cell instead of a signature.
STATUSES_IN_WORDS = {Status.IZIN, Status.SAKIT, Status.DINAS_LUAR, Status.ALPA}
# Statuses whose captured signature is drawn in.
STATUSES_SIGNED = {Status.HADIR, Status.TERLAMBAT}


@dataclass(frozen=True)
class SheetRow:
    number: int
    name: str
    nip: str
    position: str
    unit: str
    status: str  # an Attendance.Status value, or NOT_RECORDED
    status_words: str  # written in the signature cell, or ""
    signature: str  # the media file name of a captured signature to draw in, or ""
    checked_in: str = ""  # "Hadir (QR) 07.31": a digital presence without a drawn signature

    @property
    def signs_left(self) -> bool:
        return self.number % 2 == 1


@dataclass(frozen=True)
class TotalLine:
    label: str
    count: int | None  # None on a sheet printed before anything was recorded: filled in by hand
    is_total: bool = False


@dataclass(frozen=True)
class Signer:
    place_and_date: str
    position: str
    name: str
    nip: str


@dataclass
class DaftarHadir:
    session: Session
    number: int
    session_count: int
    day_and_date: str
    time: str
    venue: str
    speakers: str
    rows: list[SheetRow] = field(default_factory=list)
    totals: list[TotalLine] = field(default_factory=list)
    breakdown: list[TotalLine] = field(default_factory=list)
    signer: Signer | None = None

    @property
    def training(self):
        return self.session.training

    @property
    def filename(self) -> str:
        return daftar_hadir_filename(self.session, number=self.number)


def daftar_hadir_filename(session: Session, *, number: int) -> str:
    """Return e.g. "daftar-hadir-BIMTEK-PP-2022-sesi-1.pdf"."""
    code = slugify(session.training.code) or str(session.training_id)
    return f"daftar-hadir-{code.upper()}-sesi-{number}.pdf"


def time_range(session: Session) -> str:
    """Return "08.00 – 11.30" followed by the office's zone label."""
    text = "{} – {}".format(
        formats.time_format(session.start_time, "H.i"), formats.time_format(session.end_time, "H.i")
    )
    zone = zone_label()
    return f"{text} {zone}" if zone else text


def venue_of(session: Session) -> str:
    """Return the room and the venue, without saying the same thing twice."""
    room, venue = session.room.strip(), session.training.venue.strip()
    if not room or room.casefold() in venue.casefold():
        return venue
    if not venue or venue.casefold() in room.casefold():
        return room
    return f"{room}, {venue}"


def speakers_of(session: Session) -> str:
    """Return the speakers with their titles and institution, "; " between them."""
    names = []
    for speaker in session.speakers.all():
        name = speaker.full_name
        if speaker.institution:
            name = f"{name} ({speaker.institution})"
        names.append(name)
    return "; ".join(names)


def _row(number: int, enrolment, attendance: Attendance | None) -> SheetRow:
    employee = enrolment.employee
    status = attendance.status if attendance else NOT_RECORDED
    signature = checked_in = ""
    if attendance and status in STATUSES_SIGNED and attendance.signature:
        signature = attendance.signature.name
    elif attendance and status in STATUSES_SIGNED:
        checked_in = _checked_in_words(attendance)
    return SheetRow(
        number=number,
        name=employee.full_name,
        nip=employee.nip_display,
        position=employee.jabatan,
        unit=employee.unit.name,
        status=status,
        status_words=str(STATUS_WORDS[status]) if status in STATUSES_IN_WORDS else "",
        signature=signature,
        checked_in=checked_in,
    )


def _checked_in_words(attendance: Attendance) -> str:
    """Say how and when a presence without ink was recorded: "Hadir (QR) 07.31".

    A status the organiser set by hand gets no time: it was often entered after the session,
    and its time would read as an arrival.
    """
    words = f"{STATUS_WORDS[attendance.status]} ({METHOD_WORDS[attendance.method]})"
    if attendance.method == Attendance.Method.MANUAL:
        return words
    return f"{words} {formats.time_format(timezone.localtime(attendance.recorded_at), 'H.i')}"


def _totals(rows: list[SheetRow]) -> tuple[list[TotalLine], list[TotalLine]]:
    counts = {status: 0 for status in [*STATUS_ORDER, NOT_RECORDED]}
    for row in rows:
        counts[row.status] += 1
    recorded = len(rows) - counts[NOT_RECORDED]

    def count(*statuses):
        return sum(counts[status] for status in statuses) if recorded else None

    totals = [
        TotalLine(pgettext("daftar hadir total", "Participants"), len(rows), is_total=True),
        TotalLine(pgettext("daftar hadir total", "Present"), count(Status.HADIR, Status.TERLAMBAT)),
        TotalLine(pgettext("daftar hadir total", "Excused/Sick"), count(Status.IZIN, Status.SAKIT)),
        TotalLine(pgettext("daftar hadir total", "Official duty"), count(Status.DINAS_LUAR)),
        TotalLine(pgettext("daftar hadir total", "Absent"), count(Status.ALPA)),
    ]
    if recorded and counts[NOT_RECORDED]:
        totals.append(TotalLine(str(STATUS_WORDS[NOT_RECORDED]), counts[NOT_RECORDED]))
    breakdown = (
        [TotalLine(str(STATUS_WORDS[status]), counts[status]) for status in STATUS_ORDER]
        if recorded
        else []
    )
    return totals, breakdown


def _signer(session: Session) -> Signer:
    training = session.training
    place = current_office().place
    date = formats.date_format(session.date, "j F Y")
    employee = contact_employee(training=training)
    return Signer(
        place_and_date=f"{place}, {date}" if place else date,
        position=pgettext("daftar hadir", "Committee chair"),
        name=employee.full_name if employee else " ".join(training.contact_name.split()),
        nip=employee.nip_display if employee else "",
    )


def build_daftar_hadir(session: Session) -> DaftarHadir:
    """Gather everything a session's daftar hadir shows, its texts in Indonesian."""
    with translation.override(settings.LANGUAGE_CODE):
        position = session_position(session)
        attendance = attendance_by_enrolment(session=session)
        rows = [
            _row(number, enrolment, attendance.get(enrolment.pk))
            for number, enrolment in enumerate(
                enrolled_participants(training=session.training), start=1
            )
        ]
        totals, breakdown = _totals(rows)
        return DaftarHadir(
            session=session,
            number=position.number,
            session_count=position.count,
            day_and_date=formats.date_format(session.date, "l, j F Y"),
            time=time_range(session),
            venue=venue_of(session),
            speakers=speakers_of(session),
            rows=rows,
            totals=totals,
            breakdown=breakdown,
            signer=_signer(session),
        )


def render_daftar_hadir_pdf(sheet: DaftarHadir) -> bytes:
    """Render a daftar hadir as an A4 PDF."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            TEMPLATE,
            {"sheet": sheet, "training": sheet.training},
            time_limit=settings.PDF_TIME_LIMIT_REPORT,
        )
