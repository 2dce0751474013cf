"""Reads for check-in and attendance: a session's check-in window, who may check in where, the
organiser's grid and the projector's live count."""

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from trainings.models import Attendance, Enrolment, Session, Training
from core.rows import Columns, checkin_target_sql, fetch_one
from trainings.selectors.trainings import (
    session_late_at,
    session_starts_at,
    session_window,
    trainings_visible_to,
)

PRESENT_STATUSES = (Attendance.Status.HADIR, Attendance.Status.TERLAMBAT)
LATEST_NAMES = 8


# What the organiser may run ---------------------------------------------------------------------


def trainings_for_attendance(user) -> QuerySet[Training]:
    """Return the trainings whose check-in and attendance a user may run."""
    return trainings_visible_to(user, permissions=("trainings.run_attendance",))


def sessions_for_attendance(user) -> QuerySet[Session]:
    """Return the sessions, training joined, whose check-in and attendance a user may run."""
    return Session.objects.select_related("training").filter(
        training__in=trainings_for_attendance(user)
    )


# The check-in window -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinWindow:
    """When a session's check-in opens, when it starts, from when it is late, when it closes."""

    opens: datetime.datetime
    starts: datetime.datetime
    late_from: datetime.datetime
    closes: datetime.datetime

    def state(self, now: datetime.datetime) -> str:
        """Return "not_open", "open" or "closed"."""
        if now < self.opens:
            return "not_open"
        if now >= self.closes:
            return "closed"
        return "open"

    def is_open(self, now: datetime.datetime) -> bool:
        return self.opens <= now < self.closes

    def is_late(self, now: datetime.datetime) -> bool:
        return now > self.late_from


def checkin_window(session: Session) -> CheckinWindow:
    """Return a session's check-in window, from the session-time helpers of the trainings area."""
    opens, closes = session_window(session)
    return CheckinWindow(
        opens=opens,
        starts=session_starts_at(session),
        late_from=session_late_at(session),
        closes=closes,
    )


def _candidate_dates(now: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    # A window reaches at most a day either side of its session's date (the fields hold minutes
    # and nobody opens check-in days ahead): looking at three dates keeps the query indexed.
    today = timezone.localdate(now)
    return today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)


def open_sessions(*, training: Training, now: datetime.datetime) -> list[Session]:
    """Return the sessions of a training whose check-in window is open now."""
    sessions = training.sessions.filter(date__range=_candidate_dates(now)).select_related(
        "training"
    )
    return [session for session in sessions if checkin_window(session).is_open(now)]


# Participants --------------------------------------------------------------------------------


def checkin_target(*, session_id: int, user) -> tuple[Session | None, Enrolment | None]:
    """Return a session with its training and the user's own enrolment there (any status).

    One query instead of two, and written once (core.rows): 55 phones send their check-ins
    in the same minute, and the ORM would spend more compiling this join than the database
    spends running it. The enrolment comes with only its id, training, person and status
    loaded; any other field loads on first use, as with .only().
    """
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    alias = Session.objects.db
    sessions, trainings, enrolments = _checkin_columns()
    row = fetch_one(
        alias,
        checkin_target_sql(alias, sessions, trainings, enrolments),
        [employee.pk if employee else None, session_id],
    )
    if row is None:
        return None, None
    session = sessions.instance(alias, row[: len(sessions)])
    session.training = trainings.instance(alias, row[len(sessions) : -2])
    enrolment_id, enrolment_status = row[-2:]
    if enrolment_id is None:
        return session, None
    enrolment = Enrolment.from_db(
        alias,
        ["id", "training_id", "employee_id", "status"],
        [enrolment_id, session.training_id, employee.pk, enrolment_status],
    )
    enrolment.training = session.training
    enrolment.employee = employee
    return session, enrolment


@functools.cache
def _checkin_columns() -> tuple[Columns, Columns, Columns]:
    return Columns(Session, "s"), Columns(Training, "t"), Columns(Enrolment, "e")


def attendance_of(*, session: Session, enrolment: Enrolment) -> Attendance | None:
    """Return the attendance record of an enrolment for a session, or None."""
    return Attendance.objects.filter(session=session, enrolment=enrolment).first()


@dataclass
class CandidateCheckin:
    """A session around today in a training the participant is enrolled in."""

    session: Session
    enrolment: Enrolment
    attendance: Attendance | None

    @property
    def window(self) -> CheckinWindow:
        return checkin_window(self.session)


def checkins_for(*, user, now: datetime.datetime) -> list[CandidateCheckin]:
    """Return the sessions of yesterday, today and tomorrow in the user's enrolled trainings,
    with the user's own enrolment and record, in three queries."""
    if not user.is_authenticated:
        return []
    enrolments = {
        enrolment.training_id: enrolment
        for enrolment in Enrolment.objects.select_related("employee").filter(
            employee__user=user, status=Enrolment.Status.ENROLLED
        )
    }
    if not enrolments:
        return []
    sessions = list(
        Session.objects.select_related("training")
        .filter(training_id__in=list(enrolments), date__range=_candidate_dates(now))
        .order_by("date", "start_time", "pk")
    )
    if not sessions:
        return []
    records = {
        (record.session_id, record.enrolment_id): record
        for record in Attendance.objects.filter(
            session__in=sessions, enrolment__in=list(enrolments.values())
        )
    }
    result = []
    for session in sessions:
        enrolment = enrolments[session.training_id]
        result.append(CandidateCheckin(session, enrolment, records.get((session.pk, enrolment.pk))))
    return result


@dataclass
class TodayCheckin:
    """The participant's sessions whose check-in is open now, for the card at the top."""

    sessions: list[CandidateCheckin] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        """Whether a code would still record something (one of the sessions has no record)."""
        return any(candidate.attendance is None for candidate in self.sessions)

    @property
    def needs_signature(self) -> bool:
        return any(
            candidate.session.training.requires_signature and candidate.attendance is None
            for candidate in self.sessions
        )


def checkin_today(*, user, now: datetime.datetime) -> TodayCheckin:
    """Return the user's own sessions open for check-in now, with their records."""
    return TodayCheckin(
        sessions=[c for c in checkins_for(user=user, now=now) if c.window.is_open(now)]
    )


def attendance_history_for(*, user, limit: int = 10) -> QuerySet[Attendance]:
    """Return the user's own latest attendance records, sessions and trainings joined."""
    return (
        Attendance.objects.filter(enrolment__employee__user=user)
        .select_related("session__training")
        .order_by("-session__date", "-session__start_time", "-pk")[:limit]
    )


# Organisers ----------------------------------------------------------------------------------


@dataclass
class ProjectorSummary:
    present: int
    enrolled: int
    latest: list[Attendance]


def projector_summary(*, session: Session) -> ProjectorSummary:
    """Return how many are present out of how many enrolled, and the latest names."""
    present = Attendance.objects.filter(session=session, status__in=PRESENT_STATUSES)
    enrolled = Enrolment.objects.filter(
        training_id=session.training_id, status=Enrolment.Status.ENROLLED
    ).count()
    latest = list(
        present.select_related("enrolment__employee").order_by("-recorded_at", "-pk")[:LATEST_NAMES]
    )
    return ProjectorSummary(present=present.count(), enrolled=enrolled, latest=latest)


@dataclass
class GridCell:
    session: Session
    enrolment: Enrolment
    attendance: Attendance | None

    @property
    def dom_id(self) -> str:
        return f"cell-{self.session.pk}-{self.enrolment.pk}"

    @property
    def status_label(self) -> str:
        """The record's status as people read it ("" when there is none). Faster than
        get_status_display(), which hashes every choice on each call: a grid has hundreds."""
        return Attendance.Status(self.attendance.status).label if self.attendance else ""


@dataclass
class GridRow:
    enrolment: Enrolment
    cells: list[GridCell]
    attended: int


@dataclass
class GridColumn:
    session: Session
    window: CheckinWindow
    recorded: int = 0
    present: int = 0


@dataclass
class AttendanceGrid:
    training: Training
    columns: list[GridColumn]
    rows: list[GridRow] = field(default_factory=list)


def enrolled_for_grid(*, training: Training) -> QuerySet[Enrolment]:
    """Return a training's enrolled participants with person and unit, by name."""
    return (
        training.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .select_related("employee__unit")
        .order_by("employee__name", "pk")
    )


def attendance_grid(*, training: Training) -> AttendanceGrid:
    """Return the participants × sessions grid of a training in three queries."""
    sessions = list(training.sessions.order_by("date", "start_time", "pk"))
    enrolments = list(enrolled_for_grid(training=training))
    records = {
        (record.session_id, record.enrolment_id): record
        for record in Attendance.objects.filter(session__training=training)
    }
    attended_statuses = set(training.attended_statuses or [])
    columns = [GridColumn(session=s, window=checkin_window(s)) for s in sessions]
    grid = AttendanceGrid(training=training, columns=columns)
    for enrolment in enrolments:
        cells, attended = [], 0
        for column in columns:
            record = records.get((column.session.pk, enrolment.pk))
            cells.append(GridCell(column.session, enrolment, record))
            if record is not None:
                column.recorded += 1
                if record.status in PRESENT_STATUSES:
                    column.present += 1
                if record.status in attended_statuses:
                    attended += 1
        grid.rows.append(GridRow(enrolment=enrolment, cells=cells, attended=attended))
    return grid


def grid_cell(*, session: Session, enrolment: Enrolment) -> GridCell:
    """Return one cell of the grid, as it is now."""
    return GridCell(session, enrolment, attendance_of(session=session, enrolment=enrolment))


def unrecorded_enrolments(*, session: Session) -> QuerySet[Enrolment]:
    """Return the enrolled participants of a session's training who have no record for it."""
    return Enrolment.objects.filter(
        training_id=session.training_id, status=Enrolment.Status.ENROLLED
    ).exclude(attendances__session=session)
