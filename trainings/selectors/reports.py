"""
Reads for the reports: the daftar hadir of a session and the attendance recap of a training.

Each returns plain rows with their joins done, in a fixed number of queries whatever the number
of participants. People are sorted by name in Python (case-folded, then by id), so the order is
the same on SQLite and PostgreSQL whatever the database's collation.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from participants.models import Employee

from trainings.models import Attendance, Enrolment, Session, Training
from trainings.selectors.trainings import trainings_visible_to


def trainings_for_reports(user) -> QuerySet[Training]:
    """Return the trainings whose reports a user may see, organising unit joined."""
    return trainings_visible_to(user, permissions=("trainings.view_attendance",))


def training_for_reports(*, user, pk: int) -> Training:
    """Return a training whose reports the user may see, or raise Http404."""
    return get_object_or_404(trainings_for_reports(user), pk=pk)


def session_for_reports(*, user, pk: int) -> Session:
    """Return a session (training, unit and speakers joined) whose reports the user may see."""
    sessions = (
        Session.objects.filter(training__in=trainings_for_reports(user))
        .select_related("training__organiser_unit")
        .prefetch_related("speakers")
    )
    return get_object_or_404(sessions, pk=pk)


def sessions_of_training(*, training: Training) -> list[Session]:
    """Return a training's sessions in schedule order."""
    return list(training.sessions.order_by("date", "start_time", "pk"))


@dataclass(frozen=True)
class SessionPosition:
    number: int  # 1 for the first session of the training
    count: int  # how many sessions the training has


def session_position(session: Session) -> SessionPosition:
    """Return where a session stands in its training's schedule."""
    ids = list(
        Session.objects.filter(training_id=session.training_id)
        .order_by("date", "start_time", "pk")
        .values_list("pk", flat=True)
    )
    return SessionPosition(number=ids.index(session.pk) + 1, count=len(ids))


def _by_name(enrolment: Enrolment):
    return (enrolment.employee.name.casefold(), enrolment.employee.pk)


def enrolled_participants(*, training: Training) -> list[Enrolment]:
    """Return the enrolled (not waiting, not cancelled) participants, by name, unit joined."""
    enrolments = Enrolment.objects.filter(
        training=training, status=Enrolment.Status.ENROLLED
    ).select_related("employee__unit")
    return sorted(enrolments, key=_by_name)


def attendance_by_enrolment(*, session: Session) -> dict[int, Attendance]:
    """Return a session's attendance records keyed by enrolment id."""
    return {
        attendance.enrolment_id: attendance
        for attendance in Attendance.objects.filter(session=session).only(
            "pk", "enrolment_id", "session_id", "status", "method", "recorded_at", "note", "signature"
        )
    }


@dataclass(frozen=True)
class AttendanceMark:
    """The part of an attendance record a recap needs."""

    status: str
    note: str


def attendance_marks(*, training: Training) -> dict[tuple[int, int], AttendanceMark]:
    """Return every attendance record of a training keyed by (enrolment id, session id)."""
    rows = Attendance.objects.filter(session__training=training).values_list(
        "enrolment_id", "session_id", "status", "note"
    )
    return {
        (enrolment_id, session_id): AttendanceMark(status=status, note=note)
        for enrolment_id, session_id, status, note in rows
    }


def bare_name(name_with_titles: str) -> str:
    """Strip academic titles: "Dr. Hening Widyaningrum, S.Psi., M.M." → "Hening Widyaningrum"."""
    before_comma = name_with_titles.split(",", 1)[0]
    return " ".join(word for word in before_comma.split() if not word.endswith("."))


def contact_employee(*, training: Training) -> Employee | None:
    """Return the directory entry of the training's contact person, if exactly one matches.

    The contact person is stored as free text; they are matched by name (with or without their
    titles) among the staff of the organising unit.
    """
    contact = " ".join(training.contact_name.split())
    name = bare_name(contact)
    if not name:
        return None
    wanted = contact.casefold()
    matches = [
        employee
        for employee in Employee.objects.filter(
            unit_id=training.organiser_unit_id, name__iexact=name
        )
        if wanted in {employee.full_name.casefold(), employee.name.casefold()}
    ]
    return matches[0] if len(matches) == 1 else None
