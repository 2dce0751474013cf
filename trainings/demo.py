"""
Demo trainings for seed_demo, read from fixtures/demo_training_2022.json.

BIMTEK-PP-2022 is the 2022 Bimtek Pelayanan Prima as it ended: two days, 14 JP, the 55 demo staff
enrolled and their attendance at each session (most checked in by badge scan before the start, a
few late, one Sakit, one Izin, two Alpa). BIMTEK-PP-2026-A2 is its second batch, open for
enrolment and starting a few weeks after the day the demo is loaded, with a few people enrolled,
the demo participant among them.

Everything goes through the services, as an organiser's clicks would, with the clock set to the
moment each step happened, so the rules (check-in windows, lateness, quota, status changes) are
the ones a real training follows. A training whose code exists is left as it is, so running
seed_demo again changes nothing. Nothing is random: who is late, absent or excused, and every
time, comes from the file.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from participants.models import Employee, Unit, User

from trainings.models import Attendance, Session, Speaker, Training
from trainings.selectors.attendance import checkin_window
from trainings.services.attendance import check_in, mark_absent_as_alpa, set_attendance
from trainings.services.enrolment import enrol
from trainings.services.trainings import (
    change_training_status,
    create_session,
    create_speaker,
    create_training,
)

TRAININGS_FILE = "demo_training_2022.json"
ORGANISER_USERNAME = "penyelenggara"
ORGANISER_UNIT = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"
WEDNESDAY = 2


def read_demo_trainings(path: Path) -> dict:
    """Read demo_training_2022.json: speakers, the two-day schedule and the trainings."""
    with path.open(encoding="utf-8") as json_file:
        return json.load(json_file)


@transaction.atomic
def load_demo_trainings(path: Path, *, today: datetime.date | None = None) -> list[Training]:
    """Create the demo trainings that do not exist yet; return the ones created."""
    data = read_demo_trainings(path)
    today = today or timezone.localdate()
    organiser = User.objects.select_related("employee").get(username=ORGANISER_USERNAME)
    created = []
    for spec in data["trainings"]:
        if Training.objects.filter(code__iexact=spec["code"]).exists():
            continue
        speakers = _speakers(data["speakers"], by=organiser)
        training = _training(spec, data["schedule"], speakers, organiser=organiser, today=today)
        created.append(training)
    return created


# Trainings and their schedule -------------------------------------------------------------------


def _speakers(specs: dict, *, by) -> dict[str, Speaker]:
    """Find each speaker by name and institution, or add them."""
    speakers = {}
    for key, spec in specs.items():
        speaker = Speaker.objects.filter(name=spec["name"], institution=spec["institution"]).first()
        speakers[key] = speaker or create_speaker(by=by, **spec)
    return speakers


def _start_date(spec: dict, today: datetime.date) -> datetime.date:
    if "start_date" in spec:
        return datetime.date.fromisoformat(spec["start_date"])
    # A Wednesday some weeks ahead, so the two days fall mid-week whenever the demo is loaded.
    start = today + datetime.timedelta(weeks=spec["starts_in_weeks"])
    return start + datetime.timedelta(days=(WEDNESDAY - start.weekday()) % 7)


def _training(spec, schedule, speakers, *, organiser, today) -> Training:
    start_date = _start_date(spec, today)
    days = max(item["day"] for item in schedule)
    contact = getattr(organiser, "employee", None)
    training = create_training(
        by=organiser,
        code=spec["code"],
        title=spec["title"],
        description=spec["description"],
        organiser_unit=Unit.objects.get(name=ORGANISER_UNIT),
        venue=spec["venue"],
        batch=spec["batch"],
        start_date=start_date,
        end_date=start_date + datetime.timedelta(days=days - 1),
        contact_name=contact.full_name if contact else "",
        contact_phone=contact.phone if contact else "",
    )
    sessions = [
        create_session(
            training=training,
            by=organiser,
            topic=item["topic"],
            date=start_date + datetime.timedelta(days=item["day"] - 1),
            start_time=datetime.time.fromisoformat(item["start"]),
            end_time=datetime.time.fromisoformat(item["end"]),
            speakers=[speakers[key] for key in item["speakers"]],
        )
        for item in schedule
    ]
    training = change_training_status(training=training, to=Training.Status.OPEN, by=organiser)
    employees = _participants(spec["participants"])
    enrolled_at = (
        datetime.datetime.fromisoformat(spec["enrolled_at"]) if "enrolled_at" in spec else None
    )
    _enrol(training=training, employees=employees, by=organiser, now=enrolled_at)
    if spec["status"] == Training.Status.FINISHED:
        training = change_training_status(
            training=training, to=Training.Status.RUNNING, by=organiser
        )
        for session in sessions:
            session.training = training  # the service reads the status: running now
        _attendance(training, sessions, spec["attendance"], by=organiser)
        training = change_training_status(
            training=training, to=Training.Status.FINISHED, by=organiser
        )
    return training


def _participants(spec) -> list[Employee]:
    """Return the people to enrol: the frontline demo staff, or NIPs in the file's order."""
    if spec == "demo_staff":
        return list(Employee.objects.filter(is_frontline=True).order_by("nip"))
    people = Employee.objects.in_bulk(spec, field_name="nip")
    return [people[nip] for nip in spec]


# Enrolment and attendance -----------------------------------------------------------------------


def _enrol(*, training: Training, employees: list[Employee], by, now) -> None:
    """Enrol people as the organiser did, on the day they were enrolled."""
    result = enrol(training=training, employees=employees, by=by, now=now)
    if result.waitlisted or len(result.enrolled) != len(employees):
        raise ValueError(f"{training.code}: not everyone in the demo file could be enrolled")


def _attendance(training: Training, sessions: list[Session], spec: dict, *, by) -> None:
    """Record each session as it happened: badge scans at the door, then notices, then Alpa.

    The check-in service decides Hadir or Terlambat from the time of the scan, as at a real
    door; the file's late arrivals are scanned after the late mark, everyone else in the half
    hour before the start. Izin and Sakit are set by the organiser during the session, and once
    check-in has closed everyone still without a record is marked Alpa.
    """
    enrolments = sorted(
        training.enrolments.select_related("employee", "training"),
        key=lambda enrolment: enrolment.employee.nip,
    )
    late = {(item["session"], item["nip"]): item["minutes"] for item in spec["late"]}
    absent = {(item["session"], item["nip"]): item for item in spec["absent"]}
    by_nip = {enrolment.employee.nip: enrolment for enrolment in enrolments}
    for number, session in enumerate(sessions, start=1):
        window = checkin_window(session)
        for index, enrolment in enumerate(enrolments):
            key = (number, enrolment.employee.nip)
            if key in absent:
                continue
            if key in late:
                scanned = window.starts + datetime.timedelta(minutes=late[key])
            else:
                # Spread over the half hour before the start, the same way on every run.
                scanned = window.starts - datetime.timedelta(minutes=2 + (index * 7) % 27)
            attendance, _created = check_in(
                session=session,
                enrolment=enrolment,
                method=Attendance.Method.SCAN,
                by=by,
                now=scanned,
            )
            expected = Attendance.Status.TERLAMBAT if key in late else Attendance.Status.HADIR
            if attendance.status != expected:
                raise ValueError(
                    f"{training.code}, session {number}: {key[1]} is {attendance.status}"
                )
        notices = [item for (n, _nip), item in sorted(absent.items()) if n == number]
        for item in notices:
            if item["status"] != Attendance.Status.ALPA:
                set_attendance(
                    session=session,
                    enrolment=by_nip[item["nip"]],
                    status=item["status"],
                    note=item["note"],
                    by=by,
                    now=window.starts + datetime.timedelta(minutes=20),
                )
        marked = mark_absent_as_alpa(session=session, by=by, now=window.closes)
        if marked != sum(item["status"] == Attendance.Status.ALPA for item in notices):
            raise ValueError(f"{training.code}, session {number}: {marked} marked Alpa")
