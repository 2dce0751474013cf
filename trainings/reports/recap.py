"""
The attendance recap of a training: per session, per participant, and who missed what.

A participant attended a session when its status is one of the training's attended_statuses
(by default Hadir, Terlambat and Dinas Luar). The share attended is over all the sessions of the
training, as the certificate rule counts it; JP attended is the sum of the JP of the sessions
attended. A session with no record for someone counts as missed only once it has ended: before
that it is simply not recorded yet. A status recorded ahead (Izin for tomorrow) counts at once.
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import pgettext

from core.spreadsheets import cell_text
from office.selectors import zone_label

from trainings.models import Enrolment, Session, Training
from trainings.selectors.reports import (
    AttendanceMark,
    attendance_marks,
    enrolled_participants,
    sessions_of_training,
)
from trainings.selectors.trainings import session_ends_at
from trainings.reports.labels import NOT_RECORDED, STATUS_CODES, STATUS_ORDER, STATUS_WORDS

ALL_STATUSES = [*STATUS_ORDER, NOT_RECORDED]
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def session_has_ended(session: Session, *, now: datetime.datetime) -> bool:
    """Return whether a session's end (wall-clock time where it takes place) has passed."""
    return session_ends_at(session) <= now


@dataclass
class SessionSummary:
    session: Session
    number: int
    has_ended: bool
    counts: dict[str, int]  # every status of ALL_STATUSES, NOT_RECORDED included
    attended: int

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """Return (status, words, count) for every status, in report order."""
        return [(status, str(STATUS_WORDS[status]), self.counts[status]) for status in ALL_STATUSES]

    @property
    def enrolled(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Mark:
    """One participant's status for one session."""

    session: SessionSummary
    status: str  # an Attendance.Status value, or NOT_RECORDED
    note: str
    attended: bool
    missed: bool

    @property
    def code(self) -> str:
        return str(STATUS_CODES[self.status])

    @property
    def words(self) -> str:
        return str(STATUS_WORDS[self.status])


@dataclass
class ParticipantSummary:
    number: int
    enrolment: Enrolment
    marks: list[Mark]
    attended_sessions: int
    attended_jp: int
    percent: Decimal  # of all the training's sessions, one decimal

    @property
    def employee(self):
        return self.enrolment.employee

    @property
    def missed(self) -> list[Mark]:
        return [mark for mark in self.marks if mark.missed]


@dataclass
class AttendanceRecap:
    training: Training
    sessions: list[SessionSummary]
    participants: list[ParticipantSummary]
    attended_statuses: list[str]
    total_jp: int
    totals: dict[str, int] = field(default_factory=dict)  # over all sessions

    @property
    def absentees(self) -> list[ParticipantSummary]:
        """Return the participants who missed at least one session."""
        return [participant for participant in self.participants if participant.missed]

    @property
    def attended_words(self) -> str:
        return ", ".join(
            str(STATUS_WORDS[status]) for status in STATUS_ORDER if status in self.attended_statuses
        )

    @property
    def code_legend(self) -> list[tuple[str, str]]:
        return [(str(STATUS_CODES[status]), str(STATUS_WORDS[status])) for status in ALL_STATUSES]

    @property
    def status_totals(self) -> list[tuple[str, str, int]]:
        return [(status, str(STATUS_WORDS[status]), self.totals[status]) for status in ALL_STATUSES]


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def build_recap(training: Training, *, now: datetime.datetime | None = None) -> AttendanceRecap:
    """Count a training's attendance per session and per participant (four queries)."""
    now = now or timezone.now()
    attended_statuses = list(training.attended_statuses or [])
    sessions = sessions_of_training(training=training)
    participants = enrolled_participants(training=training)
    marks_by_key: dict[tuple[int, int], AttendanceMark] = attendance_marks(training=training)

    summaries = [
        SessionSummary(
            session=session,
            number=number,
            has_ended=session_has_ended(session, now=now),
            counts=dict.fromkeys(ALL_STATUSES, 0),
            attended=0,
        )
        for number, session in enumerate(sessions, start=1)
    ]
    rows = []
    for number, enrolment in enumerate(participants, start=1):
        marks = []
        for summary in summaries:
            recorded = marks_by_key.get((enrolment.pk, summary.session.pk))
            status = recorded.status if recorded else NOT_RECORDED
            attended = status in attended_statuses
            missed = not attended and (recorded is not None or summary.has_ended)
            summary.counts[status] += 1
            summary.attended += attended
            marks.append(
                Mark(
                    session=summary,
                    status=status,
                    note=recorded.note if recorded else "",
                    attended=attended,
                    missed=missed,
                )
            )
        attended_marks = [mark for mark in marks if mark.attended]
        rows.append(
            ParticipantSummary(
                number=number,
                enrolment=enrolment,
                marks=marks,
                attended_sessions=len(attended_marks),
                attended_jp=sum(mark.session.session.jp for mark in attended_marks),
                percent=_percent(len(attended_marks), len(summaries)),
            )
        )
    totals = {
        status: sum(summary.counts[status] for summary in summaries) for status in ALL_STATUSES
    }
    return AttendanceRecap(
        training=training,
        sessions=summaries,
        participants=rows,
        attended_statuses=attended_statuses,
        total_jp=sum(session.jp for session in sessions),
        totals=totals,
    )


# XLSX -------------------------------------------------------------------------------------------


def recap_filename(training: Training) -> str:
    """Return e.g. "rekap-kehadiran-BIMTEK-PP-2022.xlsx"."""
    code = slugify(training.code).upper() or str(training.pk)
    with translation.override(settings.LANGUAGE_CODE):
        stem = pgettext("file name", "attendance-recap")
    return f"{stem}-{code}.xlsx"


def _sheet_writer(workbook, title: str, headers: list[str], widths: list[int]):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, *, text=False, number_format=None, header=False):
        written = WriteOnlyCell(sheet)
        if value is None or value == "":
            pass
        elif text or isinstance(value, str):
            # Always a string cell: a name or note starting with "=" stays text, never a formula.
            written.value = cell_text(value)
            written.data_type = "s"
        else:
            written.value = value
        if number_format:
            written.number_format = number_format
        if header:
            written.font = bold
        return written

    sheet.append([cell(header, header=True) for header in headers])
    return sheet, cell


def recap_xlsx(recap: AttendanceRecap) -> bytes:
    """Write the recap as a workbook: per session, per participant, absentees. NIP as text."""
    import openpyxl

    with translation.override(settings.LANGUAGE_CODE):
        workbook = openpyxl.Workbook(write_only=True)
        _session_sheet(workbook, recap)
        _participant_sheet(workbook, recap)
        _absentee_sheet(workbook, recap)
        output = io.BytesIO()
        workbook.save(output)
    return output.getvalue()


def _session_sheet(workbook, recap: AttendanceRecap) -> None:
    headers = [
        pgettext("table column: row number", "No"),
        pgettext("attendance recap", "Date"),
        # Session times are the office's local times: the header names its zone.
        "{} ({})".format(pgettext("attendance recap", "Time"), zone_label()),
        pgettext("attendance recap", "Topic"),
        "JP",
        *[str(STATUS_WORDS[status]) for status in ALL_STATUSES],
        pgettext("attendance recap", "Attended"),
        pgettext("attendance recap", "Enrolled"),
    ]
    widths = [5, 12, 14, 48, 5, *[11] * len(ALL_STATUSES), 10, 10]
    sheet, cell = _sheet_writer(
        workbook, pgettext("attendance recap", "Per session"), headers, widths
    )
    for summary in recap.sessions:
        session = summary.session
        sheet.append(
            [
                cell(summary.number),
                cell(session.date, number_format="DD/MM/YYYY"),
                cell(
                    "{}–{}".format(
                        formats.time_format(session.start_time, "H.i"),
                        formats.time_format(session.end_time, "H.i"),
                    )
                ),
                cell(session.topic),
                cell(session.jp),
                *[cell(summary.counts[status]) for status in ALL_STATUSES],
                cell(summary.attended),
                cell(summary.enrolled),
            ]
        )


def _participant_sheet(workbook, recap: AttendanceRecap) -> None:
    session_headers = [
        pgettext("short for session number", "S%(number)d") % {"number": summary.number}
        for summary in recap.sessions
    ]
    headers = [
        pgettext("table column: row number", "No"),
        pgettext("attendance recap", "Name"),
        "NIP",
        pgettext("attendance recap", "Position"),
        pgettext("attendance recap", "Unit"),
        *session_headers,
        pgettext("attendance recap", "Sessions attended"),
        pgettext("attendance recap", "Attendance rate"),
        pgettext("attendance recap", "JP attended"),
    ]
    widths = [5, 36, 22, 30, 34, *[6] * len(session_headers), 10, 10, 10]
    sheet, cell = _sheet_writer(
        workbook, pgettext("attendance recap", "Per participant"), headers, widths
    )
    for participant in recap.participants:
        employee = participant.employee
        sheet.append(
            [
                cell(participant.number),
                cell(employee.full_name),
                cell(employee.nip or "", text=True, number_format="@"),
                cell(employee.jabatan),
                cell(employee.unit.name),
                *[cell(mark.code) for mark in participant.marks],
                cell(participant.attended_sessions),
                cell(float(participant.percent), number_format="0.0"),
                cell(participant.attended_jp),
            ]
        )


def _absentee_sheet(workbook, recap: AttendanceRecap) -> None:
    headers = [
        pgettext("table column: row number", "No"),
        pgettext("attendance recap", "Name"),
        "NIP",
        pgettext("attendance recap", "Unit"),
        pgettext("attendance recap", "Session"),
        pgettext("attendance recap", "Date"),
        pgettext("attendance recap", "Topic"),
        pgettext("attendance recap", "Status"),
        pgettext("attendance recap", "Note"),
    ]
    widths = [5, 36, 22, 34, 8, 12, 48, 14, 30]
    sheet, cell = _sheet_writer(
        workbook, pgettext("attendance recap", "Absentees"), headers, widths
    )
    for participant in recap.absentees:
        employee = participant.employee
        for mark in participant.missed:
            sheet.append(
                [
                    cell(participant.number),
                    cell(employee.full_name),
                    cell(employee.nip or "", text=True, number_format="@"),
                    cell(employee.unit.name),
                    cell(mark.session.number),
                    cell(mark.session.session.date, number_format="DD/MM/YYYY"),
                    cell(mark.session.session.topic),
                    cell(mark.words),
                    cell(mark.note),
                ]
            )
