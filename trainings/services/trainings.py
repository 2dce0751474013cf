"""
Writes for trainings, their sessions and speakers.

A training's lifecycle, through change_training_status only:

    draft → open (enrolment open) → running → finished → archived

with two ways back: open → draft while nobody is enrolled (enrolment was opened by mistake), and
finished → running ("reopen", for a session that has to be added or corrected). Archived is
final. create_training and update_training never change the status. An archived training and its
sessions can no longer be changed (copy it as a new batch instead).

Sessions are checked by _check_session: the end after the start, the date inside the training's
dates, the late mark inside the check-in window, and no other session — of any training, since a
room is a room — in the same room at an overlapping time on the same date. The room check holds
the room and date until the save commits (trainings.locks), so two organisers saving at once cannot
both get the room. JP left empty is derived from the duration (45 minutes a JP).
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from audit.services import Action, record
from office.selectors import zone_label
from trainings.locks import lock_rooms
from trainings.models import Attendance, Enrolment, Session, Speaker, Training, jp_for_minutes
from trainings.selectors.trainings import (
    ACTIVE_ENROLMENT_STATUSES,
    clashing_sessions,
    code_is_taken,
    normalize_room,
    organisers_for_choice,
    suggest_new_batch,
)
from trainings.services.enrolment import promote_waiting

logger = logging.getLogger(__name__)

Status = Training.Status

# The status a training may go to from each status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.OPEN,),
    Status.OPEN: (Status.RUNNING, Status.DRAFT),
    Status.RUNNING: (Status.FINISHED,),
    Status.FINISHED: (Status.ARCHIVED, Status.RUNNING),
    Status.ARCHIVED: (),
}

TRAINING_FIELDS = (
    "code",
    "title",
    "description",
    "organiser_unit",
    "venue",
    "batch",
    "start_date",
    "end_date",
    "quota",
    "contact_name",
    "contact_phone",
    "min_attendance_percent",
    "attended_statuses",
    "requires_signature",
)

SESSION_FIELDS = (
    "topic",
    "date",
    "start_time",
    "end_time",
    "jp",
    "room",
    "checkin_opens_before",
    "checkin_closes_after",
    "late_after",
)

SPEAKER_FIELDS = ("gelar_depan", "name", "gelar_belakang", "position", "institution")


def _day(date: datetime.date) -> str:
    return formats.date_format(date, "l, j F Y")


def _clock(time: datetime.time) -> str:
    return formats.time_format(time, "H.i")


def _refuse_if_archived(training: Training) -> None:
    if training.status == Status.ARCHIVED:
        raise ValidationError(
            _("This training is archived and can no longer be changed. Copy it as a new batch."),
            code="archived",
        )


def _errors(errors: dict[str, list[ValidationError]]) -> None:
    if errors:
        raise ValidationError(errors)


# Trainings --------------------------------------------------------------------------------------


def _set_panitia(training: Training, organisers) -> None:
    """Make exactly these accounts the training's panitia; only organisers may be."""
    organisers = list(organisers)
    allowed = set(
        organisers_for_choice().filter(pk__in=[user.pk for user in organisers]).values_list(
            "pk", flat=True
        )
    )
    refused = [user for user in organisers if user.pk not in allowed]
    if refused:
        raise ValidationError({"organisers": [ValidationError(
            _("Only organisers can be the panitia of a training; %(names)s is not one."),
            code="not_an_organiser",
            params={"names": ", ".join(user.get_username() for user in refused)},
        )]})
    before = set(training.organisers.values_list("username", flat=True))
    training.organisers.set(organisers)
    after = {user.get_username() for user in organisers}
    if before != after:
        record(
            Action.PANITIA_CHANGED,
            target=f"{training.code} · {training.title}",
            target_ref=training.code,
            details={
                "training": training.code,
                "added": sorted(after - before),
                "removed": sorted(before - after),
                "panitia": sorted(after),
            },
        )


def _check_training(training: Training) -> None:
    """Tidy a training's text and check what full_clean would only report as a constraint."""
    training.code = (training.code or "").strip().upper()
    training.title = (training.title or "").strip()
    training.attended_statuses = [
        status for status, _label in Attendance.Status.choices
        if status in set(training.attended_statuses or [])
    ]
    errors: dict[str, list[ValidationError]] = {}
    if training.code and code_is_taken(training.code, exclude_pk=training.pk):
        errors["code"] = [ValidationError(
            _("Another training already has the code %(code)s."),
            code="code_taken",
            params={"code": training.code},
        )]
    if training.start_date and training.end_date and training.end_date < training.start_date:
        errors["end_date"] = [ValidationError(
            _("The end date must be on or after the start date."), code="ends_before_start"
        )]
    if not training.attended_statuses:
        errors["attended_statuses"] = [ValidationError(
            _("Choose at least one attendance status that counts as attended."),
            code="no_attended_status",
        )]
    _errors(errors)


@transaction.atomic
def create_training(
    *,
    by,
    code: str,
    title: str,
    organiser_unit,
    start_date: datetime.date,
    end_date: datetime.date,
    description: str = "",
    venue: str = "",
    batch: int = 1,
    quota: int = 55,
    contact_name: str = "",
    contact_phone: str = "",
    min_attendance_percent: int = 100,
    attended_statuses: Iterable[str] | None = None,
    requires_signature: bool = False,
    organisers: Iterable | None = None,
) -> Training:
    """Create a training in draft; whoever creates it is among its panitia (organisers)."""
    training = Training(
        code=code,
        title=title,
        description=description,
        organiser_unit=organiser_unit,
        venue=venue,
        batch=batch,
        start_date=start_date,
        end_date=end_date,
        quota=quota,
        contact_name=contact_name,
        contact_phone=contact_phone,
        min_attendance_percent=min_attendance_percent,
        requires_signature=requires_signature,
        status=Status.DRAFT,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if attended_statuses is not None:
        training.attended_statuses = list(attended_statuses)
    _check_training(training)
    training.full_clean()
    training.save()
    if organisers is not None:
        _set_panitia(training, organisers)
    if training.created_by is not None:
        training.organisers.add(training.created_by)
    logger.info("Training %s created by %s", training.code, by)
    return training


@dataclass
class TrainingUpdate:
    """What update_training did."""

    training: Training
    promoted: list[Enrolment]  # from the waiting list, invited


@transaction.atomic
def update_training(*, training: Training, by, **fields) -> TrainingUpdate:
    """Change a training's details and, when organisers is given, its panitia; its sessions
    must still fall inside its dates. A higher quota moves the first people waiting into the
    new places while enrolment is open, as a cancellation does."""
    organisers = fields.pop("organisers", None)
    unknown = set(fields) - set(TRAINING_FIELDS)
    if unknown:
        raise TypeError(f"update_training() got unexpected fields: {sorted(unknown)}")
    training = Training.objects.select_for_update().get(pk=training.pk)
    _refuse_if_archived(training)
    for name, value in fields.items():
        setattr(training, name, list(value) if name == "attended_statuses" else value)
    _check_training(training)
    outside = training.sessions.exclude(
        date__gte=training.start_date, date__lte=training.end_date
    ).order_by("date", "start_time")
    if training.start_date and training.end_date and (first := outside.first()):
        raise ValidationError({"start_date": [ValidationError(
            _(
                "The session \"%(topic)s\" on %(date)s would fall outside the training's dates. "
                "Move or delete it first."
            ),
            code="sessions_outside",
            params={"topic": first.topic, "date": _day(first.date)},
        )]})
    enrolled = training.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    if training.quota and training.quota < enrolled:
        raise ValidationError({"quota": [ValidationError(
            _("%(count)d people are already enrolled; the quota cannot be lower than that."),
            code="quota_below_enrolled",
            params={"count": enrolled},
        )]})
    training.full_clean()
    training.save()
    if organisers is not None:
        _set_panitia(training, organisers)
    promoted = promote_waiting(training) if "quota" in fields else []
    logger.info("Training %s changed by %s: %s", training.code, by, sorted(fields))
    return TrainingUpdate(training=training, promoted=promoted)


def next_statuses(training: Training) -> tuple[str, ...]:
    """Return the statuses a training may move to from its current one."""
    return TRANSITIONS.get(training.status, ())


@transaction.atomic
def change_training_status(*, training: Training, to: str, by) -> Training:
    """Move a training along its lifecycle; refuse any other move with code invalid_transition."""
    training = Training.objects.select_for_update().get(pk=training.pk)
    if to not in next_statuses(training):
        labels = dict(Status.choices)
        raise ValidationError(
            _("A training cannot go from \"%(current)s\" to \"%(to)s\"."),
            code="invalid_transition",
            params={"current": training.get_status_display(), "to": labels.get(to, to)},
        )
    if (
        training.status == Status.OPEN
        and to == Status.DRAFT
        and training.enrolments.filter(status__in=ACTIVE_ENROLMENT_STATUSES).exists()
    ):
        raise ValidationError(
            _(
                "People have already enrolled in this training, so it cannot go back to draft. "
                "Cancel their enrolments first."
            ),
            code="has_enrolments",
        )
    previous = training.status
    training.status = to
    training.save(update_fields=["status", "updated_at"])
    logger.info("Training %s: %s → %s by %s", training.code, previous, to, by)
    return training


@transaction.atomic
def copy_training_as_new_batch(
    *, training: Training, start_date: datetime.date, code: str | None = None, by
) -> Training:
    """Copy a training and its schedule as its next batch (angkatan), starting on start_date.

    The copy is a draft with the same details and rules, the next batch number and a free code
    (suggested when none is given); every session moves by the same number of days, with its
    speakers. Nobody's enrolment is copied.
    """
    # Two copies of one training queue here for their batch numbers. NO KEY: a session being
    # added to the source meanwhile (which holds its room and only needs the training to exist)
    # is not kept waiting, so it cannot deadlock with this copy waiting for that room.
    source = Training.objects.select_for_update(no_key=True).get(pk=training.pk)
    suggested_code, batch = suggest_new_batch(training=source)
    offset = start_date - source.start_date
    copy = create_training(
        by=by,
        code=(code or "").strip() or suggested_code,
        title=source.title,
        description=source.description,
        organiser_unit=source.organiser_unit,
        venue=source.venue,
        batch=batch,
        start_date=start_date,
        end_date=source.end_date + offset,
        quota=source.quota,
        contact_name=source.contact_name,
        contact_phone=source.contact_phone,
        min_attendance_percent=source.min_attendance_percent,
        attended_statuses=source.attended_statuses,
        requires_signature=source.requires_signature,
    )
    copy.organisers.add(*source.organisers.all())
    sessions = list(source.sessions.prefetch_related("speakers").order_by("date", "start_time"))
    # Every room the copy will use, first and in lock_rooms' fixed order: taken one by one in
    # schedule order, two copies at once could each wait for a room the other holds.
    lock_rooms([(session.date + offset, session.room) for session in sessions])
    for session in sessions:
        create_session(
            training=copy,
            by=by,
            speakers=list(session.speakers.all()),
            **{name: getattr(session, name) for name in SESSION_FIELDS if name != "date"},
            date=session.date + offset,
        )
    logger.info("Training %s copied as %s by %s", source.code, copy.code, by)
    return copy


# Sessions ---------------------------------------------------------------------------------------


def _check_session(session: Session) -> None:
    """Check a session against its training's dates, its own times and the room's other use."""
    session.topic = (session.topic or "").strip()
    session.room = normalize_room(session.room)
    training = session.training
    _refuse_if_archived(training)
    errors: dict[str, list[ValidationError]] = {}
    times_given = session.start_time is not None and session.end_time is not None
    if times_given and session.end_time <= session.start_time:
        errors.setdefault("end_time", []).append(ValidationError(
            _("The session must end after it starts."), code="ends_before_start"
        ))
    if session.date and not training.start_date <= session.date <= training.end_date:
        errors.setdefault("date", []).append(ValidationError(
            _("The date must be within the training's dates, %(start)s to %(end)s."),
            code="outside_training",
            params={"start": _day(training.start_date), "end": _day(training.end_date)},
        ))
    if (
        session.late_after is not None
        and session.checkin_closes_after is not None
        and session.late_after > session.checkin_closes_after
    ):
        errors.setdefault("late_after", []).append(ValidationError(
            _("A check-in can only be late while check-in is open: at most %(minutes)d minutes."),
            code="late_after_window",
            params={"minutes": session.checkin_closes_after},
        ))
    if times_given and session.date and not errors:
        # Whoever saves this room on this date after us waits here until we commit.
        lock_rooms([(session.date, session.room)])
        clash = (
            clashing_sessions(
                date=session.date,
                start_time=session.start_time,
                end_time=session.end_time,
                room=session.room,
                exclude_pk=session.pk,
            )
            .first()
        )
        if clash is not None:
            errors.setdefault("room", []).append(ValidationError(
                _(
                    "%(room)s is already taken by the session \"%(topic)s\" (%(training)s) on "
                    "%(date)s, %(start)s – %(end)s %(zone)s."
                ),
                code="room_taken",
                params={
                    "room": clash.room,
                    "topic": clash.topic,
                    "training": clash.training.code,
                    "date": _day(clash.date),
                    "start": _clock(clash.start_time),
                    "end": _clock(clash.end_time),
                    "zone": zone_label(),
                },
            ))
    _errors(errors)
    if session.jp is None:
        session.jp = jp_for_minutes(session.duration_minutes)


@transaction.atomic
def create_session(
    *,
    training: Training,
    by,
    topic: str,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    jp: int | None = None,
    room: str = "",
    speakers: Iterable[Speaker] = (),
    checkin_opens_before: int = 30,
    checkin_closes_after: int = 30,
    late_after: int = 15,
) -> Session:
    """Add a session to a training's schedule; JP left as None is derived from the duration."""
    session = Session(
        training=training,
        topic=topic,
        date=date,
        start_time=start_time,
        end_time=end_time,
        jp=jp,
        room=room,
        checkin_opens_before=checkin_opens_before,
        checkin_closes_after=checkin_closes_after,
        late_after=late_after,
    )
    _check_session(session)
    session.full_clean()
    session.save()
    session.speakers.set(speakers)
    logger.info("Session %s added to %s by %s", session.pk, training.code, by)
    return session


@transaction.atomic
def update_session(
    *, session: Session, by, speakers: Iterable[Speaker] | None = None, **fields
) -> Session:
    """Change a session; JP given as None is derived again from the (new) duration."""
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"update_session() got unexpected fields: {sorted(unknown)}")
    session = Session.objects.select_for_update().select_related("training").get(pk=session.pk)
    for name, value in fields.items():
        setattr(session, name, value)
    _check_session(session)
    session.full_clean()
    session.save()
    if speakers is not None:
        session.speakers.set(speakers)
    logger.info("Session %s changed by %s: %s", session.pk, by, sorted(fields))
    return session


@transaction.atomic
def delete_session(*, session: Session, by) -> None:
    """Delete a session that has no attendance records yet."""
    session = Session.objects.select_for_update().select_related("training").get(pk=session.pk)
    _refuse_if_archived(session.training)
    if session.attendances.exists():
        raise ValidationError(
            _(
                "Attendance has already been recorded for \"%(topic)s\", so it cannot be "
                "deleted. Change its details instead."
            ),
            code="has_attendance",
            params={"topic": session.topic},
        )
    logger.info("Session %s (%s) of %s deleted by %s", session.pk, session.topic,
                session.training.code, by)
    session.delete()


# Speakers ---------------------------------------------------------------------------------------


def create_speaker(
    *,
    by,
    name: str,
    gelar_depan: str = "",
    gelar_belakang: str = "",
    position: str = "",
    institution: str = "",
) -> Speaker:
    """Add a speaker (narasumber), with their titles kept apart from their name."""
    speaker = Speaker(
        gelar_depan=gelar_depan.strip(),
        name=" ".join(name.split()),
        gelar_belakang=gelar_belakang.strip(),
        position=position.strip(),
        institution=institution.strip(),
    )
    speaker.full_clean()
    speaker.save()
    logger.info("Speaker %s added by %s", speaker.pk, by)
    return speaker


def update_speaker(*, speaker: Speaker, by, **fields) -> Speaker:
    """Change a speaker's name, titles, position or institution."""
    unknown = set(fields) - set(SPEAKER_FIELDS)
    if unknown:
        raise TypeError(f"update_speaker() got unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(speaker, name, " ".join(value.split()) if name == "name" else value.strip())
    speaker.full_clean()
    speaker.save()
    logger.info("Speaker %s changed by %s", speaker.pk, by)
    return speaker
