"""Reads for enrolment: a training's participants and waiting list, and a participant's own view."""

import datetime
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from participants.models import AccountState, Employee
from participants.selectors import employee_for_user, employee_search, employees_for_directory

from trainings.models import Attendance, Enrolment, Session, Training
from trainings.selectors.attendance import CandidateCheckin, TodayCheckin, checkin_window
from trainings.selectors.trainings import session_ends_at, trainings_visible_to


def training_for_enrolment(*, user, pk: int) -> Training:
    """Return a training whose participants the user may see; raise DoesNotExist otherwise."""
    if not user.has_perm("trainings.view_enrolment"):
        return Training.objects.none().get(pk=pk)
    return trainings_visible_to(user).get(pk=pk)


def enrolment_of_training(*, training: Training, pk: int) -> Enrolment:
    """Return one enrolment of this training, person and unit joined; raise DoesNotExist."""
    return (
        training.enrolments.select_related("employee", "employee__unit", "employee__user")
        .get(pk=pk)
    )


@dataclass
class TrainingEnrolments:
    enrolled: list[Enrolment] = field(default_factory=list)
    waitlisted: list[Enrolment] = field(default_factory=list)  # each with .position, from 1
    cancelled: list[Enrolment] = field(default_factory=list)

    @property
    def without_email(self) -> list[Enrolment]:
        """Return the enrolled people with neither email nor password: they need a slip."""
        return [
            enrolment
            for enrolment in self.enrolled
            if not enrolment.employee.email
            and (enrolment.employee.user is None or enrolment.employee.user.awaits_activation)
        ]


def enrolments_for_training(*, training: Training) -> TrainingEnrolments:
    """Return a training's enrolments in three groups, people, units and accounts joined.

    Enrolled and cancelled people are listed by name; the waiting list in its order.
    """
    groups = TrainingEnrolments()
    enrolments = training.enrolments.select_related(
        "employee", "employee__unit", "employee__user"
    ).order_by("created_at", "pk")
    for enrolment in enrolments:
        if enrolment.status == Enrolment.Status.WAITLISTED:
            enrolment.position = len(groups.waitlisted) + 1
            groups.waitlisted.append(enrolment)
        elif enrolment.status == Enrolment.Status.ENROLLED:
            groups.enrolled.append(enrolment)
        else:
            groups.cancelled.append(enrolment)
    by_name = lambda enrolment: (enrolment.employee.name.casefold(), enrolment.pk)  # noqa: E731
    groups.enrolled.sort(key=by_name)
    groups.cancelled.sort(key=by_name)
    return groups


def sessions_of_training(*, training: Training) -> list[Session]:
    """Return a training's sessions in the order they run."""
    return list(training.sessions.order_by("date", "start_time", "pk"))


def first_session(*, training: Training) -> Session | None:
    """Return the session a training opens with, or None before any is scheduled."""
    return training.sessions.order_by("date", "start_time", "pk").first()


def next_session(sessions: list[Session], *, now) -> Session | None:
    """Return the first of these sessions that has not ended by `now` (else the last one)."""
    for session in sessions:
        if session_ends_at(session) > now:
            return session
    return sessions[-1] if sessions else None


def enrolled_for_invitations(*, training: Training) -> list[Enrolment]:
    """Return the enrolled people of a training by name, with their units, for name tags."""
    return list(
        training.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .select_related("employee", "employee__unit")
        .order_by("employee__name", "pk")
    )


# participants.models.account_state, as conditions on an enrolment's person
ACCOUNT_STATES = {
    AccountState.NONE: Q(employee__user__isnull=True),
    AccountState.DEACTIVATED: Q(employee__user__is_active=False),
    AccountState.NOT_ACTIVATED: Q(employee__user__is_active=True)
    & Q(employee__user__password__startswith=UNUSABLE_PASSWORD_PREFIX),
    AccountState.ACTIVE: Q(employee__user__is_active=True)
    & ~Q(employee__user__password__startswith=UNUSABLE_PASSWORD_PREFIX),
}
ATTENDANCE_STATES = {"some": Q(sessions_attended__gt=0), "none": Q(sessions_attended=0)}


def enrolled_participants(*, training: Training, filters: dict | None = None) -> list[Enrolment]:
    """Return a training's enrolled people by name, filtered, each with sessions_attended.

    filters may hold: q (name, NIP or NIK, as the directory's search), unit, account (a key of
    ACCOUNT_STATES) and attendance (a key of ATTENDANCE_STATES). One query whatever the length.
    """
    filters = filters or {}
    attended = Count(
        "attendances", filter=Q(attendances__status__in=training.attended_statuses)
    )
    enrolments = (
        training.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .filter(employee_search(filters.get("q"), prefix="employee__"))
        .select_related("employee", "employee__unit", "employee__user")
        .annotate(sessions_attended=attended)
    )
    if unit := filters.get("unit"):
        enrolments = enrolments.filter(employee__unit=unit)
    if account := ACCOUNT_STATES.get(filters.get("account") or ""):
        enrolments = enrolments.filter(account)
    if attendance := ATTENDANCE_STATES.get(filters.get("attendance") or ""):
        enrolments = enrolments.filter(attendance)
    return list(enrolments.order_by(Lower("employee__name"), "pk"))


def enrolled_among(*, training: Training, employee_ids) -> list[Enrolment]:
    """Return the enrolled people of a training among these directory ids, by name."""
    return list(
        training.enrolments.filter(status=Enrolment.Status.ENROLLED, employee__in=list(employee_ids))
        .select_related("employee", "employee__unit", "employee__user")
        .order_by(Lower("employee__name"), "pk")
    )


def employees_for_enrolment(*, training: Training, filters: dict | None) -> QuerySet[Employee]:
    """Return the directory as filtered, each person annotated with their enrolment_status here.

    enrolment_status is None for people not enrolled in this training.
    """
    status = Enrolment.objects.filter(training=training, employee=OuterRef("pk")).values("status")
    return employees_for_directory(filters=filters).annotate(enrolment_status=Subquery(status[:1]))


# The participant's own view ---------------------------------------------------------------------


@dataclass
class TodaySession:
    session: Session
    attendance: Attendance | None


@dataclass
class MyTraining:
    enrolment: Enrolment
    jp_attended: int = 0
    jp_planned: int = 0

    @property
    def training(self) -> Training:
        return self.enrolment.training


@dataclass
class MyTrainings:
    employee: Employee | None
    trainings: list[MyTraining] = field(default_factory=list)
    today: list[TodaySession] = field(default_factory=list)

    @property
    def jp_attended(self) -> int:
        return sum(entry.jp_attended for entry in self.trainings)


def _waitlist_position():
    ahead = (
        Enrolment.objects.filter(
            training=OuterRef("training"), status=Enrolment.Status.WAITLISTED
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("training")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Subquery(ahead)


def trainings_of_participant(*, user, today: datetime.date | None = None) -> MyTrainings:
    """Return the signed-in person's own trainings, today's sessions, attendance and JP.

    Only the person's own enrolments are read: the query starts from their directory entry.
    """
    today = today or timezone.localdate()
    employee = employee_for_user(user=user)
    if employee is None:
        return MyTrainings(employee=None)
    enrolments = list(
        Enrolment.objects.filter(employee=employee)
        .exclude(status=Enrolment.Status.CANCELLED)
        .exclude(training__status=Training.Status.ARCHIVED)
        .select_related("training")
        .annotate(position=_waitlist_position())
        .order_by("training__start_date", "training__code")
    )
    result = MyTrainings(employee=employee)
    if not enrolments:
        return result
    by_training = {
        enrolment.training_id: MyTraining(enrolment=enrolment) for enrolment in enrolments
    }
    enrolled = [e.pk for e in enrolments if e.status == Enrolment.Status.ENROLLED]

    sessions = list(
        Session.objects.filter(training__in=list(by_training))
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.filter(enrolment__in=enrolled),
                to_attr="own_attendance",
            )
        )
        .order_by("date", "start_time", "pk")
    )
    for session in sessions:
        entry = by_training[session.training_id]
        entry.jp_planned += session.jp
        attendance = session.own_attendance[0] if session.own_attendance else None
        if attendance and attendance.status in entry.training.attended_statuses:
            entry.jp_attended += session.jp
        if session.date == today and entry.enrolment.status == Enrolment.Status.ENROLLED:
            session.training = entry.training
            result.today.append(TodaySession(session=session, attendance=attendance))
    result.trainings = sorted(by_training.values(), key=partial(_reading_order, today=today))
    return result


def open_checkins_of(mine: MyTrainings, *, now: datetime.datetime) -> TodayCheckin:
    """Return today's sessions whose check-in is open now, from what mine has read (no query)."""
    enrolments = {entry.enrolment.training_id: entry.enrolment for entry in mine.trainings}
    return TodayCheckin(
        sessions=[
            CandidateCheckin(item.session, enrolments[item.session.training_id], item.attendance)
            for item in mine.today
            if checkin_window(item.session).is_open(now)
        ]
    )


def _reading_order(entry: MyTraining, *, today: datetime.date):
    """Running trainings first, then the coming ones soonest first, then the past, latest first."""
    training = entry.training
    if training.end_date < today:
        return (2, -training.end_date.toordinal())
    if training.start_date > today:
        return (1, training.start_date.toordinal())
    return (0, training.start_date.toordinal())
