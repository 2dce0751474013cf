"""
Reads for trainings, their sessions and speakers, with their joins and counts done.

Times: a session's date and clock times are wall-clock times where the training takes place
(the office's time zone, office.selectors.office_zone); session_starts_at, session_ends_at, session_late_at and
session_window turn them into aware datetimes in that zone for the check-in.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.roles import Role
from office.selectors import office_zone
from trainings.models import Attendance, Enrolment, Session, Speaker, Training

ACTIVE_ENROLMENT_STATUSES = (Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED)


# Session times ----------------------------------------------------------------------------------


def _aware(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(date, time, tzinfo=office_zone())


def session_starts_at(session: Session) -> datetime.datetime:
    """Return when a session starts, as an aware datetime in the office's zone."""
    return _aware(session.date, session.start_time)


def session_ends_at(session: Session) -> datetime.datetime:
    """Return when a session ends, as an aware datetime in the office's zone."""
    return _aware(session.date, session.end_time)


def session_late_at(session: Session) -> datetime.datetime:
    """Return the moment after which a check-in counts as late ("Terlambat")."""
    return session_starts_at(session) + datetime.timedelta(minutes=session.late_after)


def session_window(session: Session) -> tuple[datetime.datetime, datetime.datetime]:
    """Return when a session's check-in opens and closes, as aware datetimes in the office's zone."""
    starts = session_starts_at(session)
    return (
        starts - datetime.timedelta(minutes=session.checkin_opens_before),
        starts + datetime.timedelta(minutes=session.checkin_closes_after),
    )


# Trainings --------------------------------------------------------------------------------------


def _sessions_of_training():
    return Session.objects.filter(training=OuterRef("pk")).order_by().values("training")


def _enrolments_of_training(status):
    return (
        Enrolment.objects.filter(training=OuterRef("pk"), status=status)
        .order_by()
        .values("training")
    )


def with_totals(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Annotate trainings with jp_total, session_count, enrolled_count and waitlisted_count.

    Subqueries rather than joins: joining sessions and enrolments at once would multiply the sums.
    """
    zero = IntegerField()
    return queryset.annotate(
        jp_total=Coalesce(
            Subquery(_sessions_of_training().annotate(total=Sum("jp")).values("total")),
            0,
            output_field=zero,
        ),
        session_count=Coalesce(
            Subquery(_sessions_of_training().annotate(total=Count("pk")).values("total")),
            0,
            output_field=zero,
        ),
        enrolled_count=Coalesce(
            Subquery(
                _enrolments_of_training(Enrolment.Status.ENROLLED)
                .annotate(total=Count("pk"))
                .values("total")
            ),
            0,
            output_field=zero,
        ),
        waitlisted_count=Coalesce(
            Subquery(
                _enrolments_of_training(Enrolment.Status.WAITLISTED)
                .annotate(total=Count("pk"))
                .values("total")
            ),
            0,
            output_field=zero,
        ),
    )


def total_jp(training: Training) -> int:
    """Return the JP of a training: the sum of its sessions' (annotated by with_totals or not)."""
    annotated = getattr(training, "jp_total", None)
    if annotated is not None:
        return annotated
    return training.sessions.aggregate(total=Sum("jp"))["total"] or 0


def trainings_visible_to(
    user, *, permissions: tuple[str, ...] = ("trainings.view_training",)
) -> QuerySet[Training]:
    """Return the trainings a user may see on organiser pages that any of permissions opens.

    The one place that decides which trainings an organiser sees: every app's organiser pages
    (lists, a training's pages, its sessions, tests, evaluation and certificates) start here and
    add only their own joins, counts and order. Organising unit joined.

    With settings.BIMTEK_ORGANISERS_SEE_ALL_TRAININGS (the default) every organiser sees every
    training; without it an organiser sees only the trainings whose panitia they are, and only
    superusers see them all.
    """
    if not user.is_authenticated or not any(user.has_perm(name) for name in permissions):
        return Training.objects.none()
    queryset = Training.objects.select_related("organiser_unit")
    if settings.BIMTEK_ORGANISERS_SEE_ALL_TRAININGS or user.is_superuser:
        return queryset
    return queryset.filter(pk__in=user.organised_trainings.values("pk"))


@dataclass
class TrainingGroups:
    """The training list's three groups, each in the order an organiser reads it."""

    running: list[Training] = field(default_factory=list)
    upcoming: list[Training] = field(default_factory=list)
    past: list[Training] = field(default_factory=list)

    def __len__(self):
        return len(self.running) + len(self.upcoming) + len(self.past)


def training_group(training: Training, *, today: datetime.date) -> str:
    """Return "running", "upcoming" or "past" for a training, by its status and dates."""
    Status = Training.Status
    if training.status in (Status.FINISHED, Status.ARCHIVED):
        return "past"
    if training.status == Status.RUNNING:
        return "running"
    if training.end_date < today:
        return "past"
    if training.start_date <= today:
        return "running"
    return "upcoming"


def trainings_for_list(
    *, user, include_archived: bool = False, today: datetime.date | None = None
) -> TrainingGroups:
    """Return the trainings a user may see, with their totals, grouped running/upcoming/past."""
    today = today or timezone.localdate()
    queryset = with_totals(trainings_visible_to(user))
    if not include_archived:
        queryset = queryset.exclude(status=Training.Status.ARCHIVED)
    groups = TrainingGroups()
    for training in queryset.order_by("start_date", "code"):
        getattr(groups, training_group(training, today=today)).append(training)
    groups.past.reverse()  # the most recent first
    return groups


def training_for_dashboard(*, user, pk: int) -> Training:
    """Return one training the user may see, with its totals; raise DoesNotExist otherwise."""
    return with_totals(trainings_visible_to(user)).get(pk=pk)


def sessions_for_training(*, training: Training) -> list[Session]:
    """Return a training's sessions in schedule order, speakers prefetched, has_attendance set."""
    return list(
        training.sessions.annotate(
            has_attendance=Exists(Attendance.objects.filter(session=OuterRef("pk")))
        )
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name", "pk")))
        .order_by("date", "start_time", "pk")
    )


@dataclass
class ScheduleDay:
    date: datetime.date
    sessions: list[Session]

    @property
    def jp(self) -> int:
        return sum(session.jp for session in self.sessions)


def schedule_by_day(sessions: list[Session]) -> list[ScheduleDay]:
    """Group sessions (in schedule order) by their date."""
    days: list[ScheduleDay] = []
    for session in sessions:
        if not days or days[-1].date != session.date:
            days.append(ScheduleDay(date=session.date, sessions=[]))
        days[-1].sessions.append(session)
    return days


@dataclass
class SessionAttendance:
    """A session of today and how many attendance records it has in each status."""

    session: Session
    counts: dict[str, int]
    expected: int

    @property
    def recorded(self) -> int:
        return sum(self.counts.values())

    @property
    def not_recorded(self) -> int:
        return max(0, self.expected - self.recorded)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """Return (status, label, count) for every attendance status, in the usual order."""
        return [
            (value, label, self.counts.get(value, 0))
            for value, label in Attendance.Status.choices
        ]


def attendance_for_day(
    *, sessions: list[Session], day: datetime.date, expected: int
) -> list[SessionAttendance]:
    """Count the attendance records by status for the sessions held on one day (one query)."""
    todays = [session for session in sessions if session.date == day]
    counts: dict[int, dict[str, int]] = {session.pk: {} for session in todays}
    if todays:
        rows = (
            Attendance.objects.filter(session__in=[session.pk for session in todays])
            .order_by()
            .values("session", "status")
            .annotate(total=Count("pk"))
        )
        for row in rows:
            counts[row["session"]][row["status"]] = row["total"]
    return [
        SessionAttendance(session=session, counts=counts[session.pk], expected=expected)
        for session in todays
    ]


def normalize_room(room: str) -> str:
    """Return a room name with its spaces tidied, as it is stored and compared."""
    return " ".join((room or "").split())


def clashing_sessions(
    *,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    room: str,
    exclude_pk: int | None = None,
) -> QuerySet[Session]:
    """Return the sessions, of any training, that use the same room at an overlapping time."""
    room = normalize_room(room)
    if not room:
        return Session.objects.none()
    queryset = Session.objects.filter(
        date=date, room__iexact=room, start_time__lt=end_time, end_time__gt=start_time
    ).select_related("training")
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.order_by("start_time", "pk")


def rooms_in_use() -> list[str]:
    """Return the room names sessions have used, for the session form's suggestions."""
    return sorted(
        {normalize_room(room) for room in Session.objects.exclude(room="").values_list(
            "room", flat=True
        ).distinct()[:200]},
        key=str.casefold,
    )


def organisers_for_choice() -> QuerySet:
    """Return the accounts that may be a training's panitia: active holders of the organiser
    role, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ORGANISER)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def panitia_of(*, training: Training) -> list:
    """Return a training's panitia (its organisers), by name."""
    return list(training.organisers.order_by("first_name", "last_name", "username"))


def speakers_for_choice() -> QuerySet[Speaker]:
    """Return the speakers a session form offers, by name."""
    return Speaker.objects.order_by("name", "pk")


# Copying a batch --------------------------------------------------------------------------------

_BATCH_SUFFIX = re.compile(r"-A(\d+)$", re.IGNORECASE)


def code_is_taken(code: str, *, exclude_pk: int | None = None) -> bool:
    """Tell whether another training already uses a code (in any case)."""
    queryset = Training.objects.filter(code__iexact=code.strip())
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


def suggest_new_batch(*, training: Training) -> tuple[str, int]:
    """Return a free code and the batch number for the next batch of a training.

    BIMTEK-PP-2022 (batch 1) gives BIMTEK-PP-2022-A2, batch 2; BIMTEK-PP-2022-A2 gives -A3.
    If that code is taken (batch 2 was copied already), the next free number is used.
    """
    base = _BATCH_SUFFIX.sub("", training.code)
    batch = training.batch + 1
    max_length = Training._meta.get_field("code").max_length
    while True:
        suffix = f"-A{batch}"
        code = base[: max_length - len(suffix)] + suffix
        if not code_is_taken(code):
            return code, batch
        batch += 1
