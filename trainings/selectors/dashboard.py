"""Reads for the organiser's home page: the trainings in hand, this week's sessions with their
live check-in counts, and what the enrolment still needs. A fixed number of queries each."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from core.todo import Todo

from trainings.models import Attendance, Enrolment, Session, Training
from trainings.selectors.attendance import PRESENT_STATUSES
from trainings.selectors.trainings import session_ends_at, session_starts_at, trainings_visible_to

WEEK_DAYS = 7
RECENT_DAYS = 45  # a finished training stays on the home page this long, for its paperwork
CLOSING_SOON_DAYS = 7
MAX_TRAININGS = 30
IN_HAND = Q(status__in=[Training.Status.OPEN, Training.Status.RUNNING])


def _count(queryset, field="pk"):
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _enrolled_in(training_ref: str):
    return _count(
        Enrolment.objects.filter(training=OuterRef(training_ref), status=Enrolment.Status.ENROLLED),
        "training",
    )


def trainings_in_hand(*, user, today: datetime.date) -> list[Training]:
    """Return the trainings an organiser is busy with, soonest first, each with enrolled_count:
    open or running, or finished in the last RECENT_DAYS days."""
    recent = Q(status=Training.Status.FINISHED, end_date__gte=today - datetime.timedelta(RECENT_DAYS))
    return list(
        trainings_visible_to(user)
        .filter(IN_HAND | recent)
        .annotate(enrolled_count=_enrolled_in("pk"))
        .order_by("start_date", "code")[:MAX_TRAININGS]
    )


def sessions_this_week(*, user, today: datetime.date, now=None) -> list[Session]:
    """Return the sessions of the next seven days from today, with present and enrolled counts
    and, for today's, whether they run now; training joined."""
    now = now or timezone.now()
    present = _count(
        Attendance.objects.filter(session=OuterRef("pk"), status__in=PRESENT_STATUSES), "session"
    )
    sessions = list(
        Session.objects.filter(
            training__in=trainings_visible_to(user).exclude(
                status__in=[Training.Status.DRAFT, Training.Status.ARCHIVED]
            ),
            date__gte=today,
            date__lt=today + datetime.timedelta(WEEK_DAYS),
        )
        .select_related("training")
        .annotate(present=present, enrolled=_enrolled_in("training"))
        .order_by("date", "start_time", "pk")
    )
    for session in sessions:
        session.is_today = session.date == today
        session.is_now = session_starts_at(session) <= now < session_ends_at(session)
        session.is_over = session_ends_at(session) <= now
    return sessions


def enrolment_todos(*, trainings: list[Training], today: datetime.date) -> dict[int, list[Todo]]:
    """Return per training what the enrolment needs: a start close while it is still open, and
    places left. Reads only the trainings' own fields and enrolled_count."""
    todos: dict[int, list[Todo]] = {}
    for training in trainings:
        if training.status != Training.Status.OPEN:
            continue
        items = todos.setdefault(training.pk, [])
        days = (training.start_date - today).days
        if 0 <= days <= CLOSING_SOON_DAYS:
            items.append(
                Todo(
                    text=ngettext(
                        "Enrolment closes soon: the training starts in %(days)d day.",
                        "Enrolment closes soon: the training starts in %(days)d days.",
                        days,
                    )
                    % {"days": days}
                    if days
                    else gettext("The training starts today and is still open for enrolment."),
                    action=gettext("Set the status"),
                    url=reverse("trainings:training_detail", args=[training.pk]),
                    urgent=True,
                )
            )
        free = training.quota - training.enrolled_count
        if free > 0:
            items.append(
                Todo(
                    text=gettext("Quota not filled: %(enrolled)d of %(quota)d places taken.")
                    % {"enrolled": training.enrolled_count, "quota": training.quota},
                    action=gettext("Enrol participants"),
                    url=reverse("trainings:enrol_from_directory", args=[training.pk]),
                )
            )
    return todos
