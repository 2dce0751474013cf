"""Reads for trainings: session times, JP totals, the list's groups, batch codes, date ranges."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from office.services import save_office
from trainings.models import Enrolment, Training
from trainings.selectors.trainings import (
    attendance_for_day,
    clashing_sessions,
    schedule_by_day,
    session_ends_at,
    session_late_at,
    session_starts_at,
    session_window,
    sessions_for_training,
    total_jp,
    training_group,
    trainings_for_list,
    trainings_visible_to,
    with_totals,
)
from core.templatetags.tanggal import format_date_range
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
    organiser_user,
    participant_user,
)

D = datetime.date
T = datetime.time
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
Status = Training.Status


# Session times (unsaved sessions; the office profile says the zone) ------------------------------


def _session(**fields):
    fields = {"date": D(2022, 9, 14), "start_time": T(8, 0), "end_time": T(9, 30), **fields}
    return SessionFactory.build(training=TrainingFactory.build(), **fields)


@pytest.mark.django_db
def test_session_times_are_aware_datetimes_in_jakarta():
    session = _session()

    starts, ends = session_starts_at(session), session_ends_at(session)

    assert starts == datetime.datetime(2022, 9, 14, 8, 0, tzinfo=JAKARTA)
    assert ends == datetime.datetime(2022, 9, 14, 9, 30, tzinfo=JAKARTA)
    assert starts.utcoffset() == datetime.timedelta(hours=7)
    assert starts == datetime.datetime(2022, 9, 14, 1, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("fields", "opens", "closes", "late"),
    [
        ({}, T(7, 30), T(8, 30), T(8, 15)),
        (
            {"checkin_opens_before": 60, "checkin_closes_after": 45, "late_after": 5},
            T(7, 0), T(8, 45), T(8, 5),
        ),
        (
            {"checkin_opens_before": 0, "checkin_closes_after": 0, "late_after": 0},
            T(8, 0), T(8, 0), T(8, 0),
        ),
    ],
    ids=["defaults", "configured", "zero"],
)
@pytest.mark.django_db
def test_session_window_opens_before_and_closes_after_the_start(fields, opens, closes, late):
    session = _session(**fields)

    window = session_window(session)

    day = D(2022, 9, 14)
    assert window == (
        datetime.datetime.combine(day, opens, tzinfo=JAKARTA),
        datetime.datetime.combine(day, closes, tzinfo=JAKARTA),
    )
    assert session_late_at(session) == datetime.datetime.combine(day, late, tzinfo=JAKARTA)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "utc_hour"), [("Asia/Jakarta", 0), ("Asia/Makassar", 23), ("Asia/Jayapura", 22)]
)
def test_a_0730_session_opens_at_0700_in_the_offices_zone(zone, utc_hour):
    save_office(values={"time_zone": zone})
    session = _session(start_time=T(7, 30), end_time=T(9, 0))

    opens, closes = session_window(session)

    local = zoneinfo.ZoneInfo(zone)
    assert opens == datetime.datetime(2022, 9, 14, 7, 0, tzinfo=local)
    assert closes == datetime.datetime(2022, 9, 14, 8, 0, tzinfo=local)
    assert opens.astimezone(datetime.UTC).hour == utc_hour  # stored and compared in UTC


@pytest.mark.django_db
def test_a_window_opening_before_midnight_starts_the_day_before():
    session = _session(start_time=T(0, 15), end_time=T(1, 0))

    opens, _closes = session_window(session)

    assert opens == datetime.datetime(2022, 9, 13, 23, 45, tzinfo=JAKARTA)


# Date ranges ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2022, 10, 12), D(2022, 10, 14), "12 s.d. 14 Oktober 2022"),
        (D(2022, 11, 28), D(2022, 12, 2), "28 November s.d. 2 Desember 2022"),
        (D(2022, 12, 30), D(2023, 1, 2), "30 Desember 2022 s.d. 2 Januari 2023"),
        (D(2022, 9, 14), D(2022, 9, 14), "14 September 2022"),
        (D(2022, 9, 14), None, "14 September 2022"),
    ],
)
def test_date_range_reads_as_offices_write_it(start, end, expected):
    with translation.override("id"):
        assert format_date_range(start, end) == expected


def test_date_range_filter_in_a_template():
    template = Template("{% load tanggal %}{{ start|date_range:end }}")

    with translation.override("id"):
        html = template.render(Context({"start": D(2022, 10, 12), "end": D(2022, 10, 14)}))

    assert html == "12 s.d. 14 Oktober 2022"


def test_date_range_of_aware_datetimes_uses_jakarta_dates():
    start = datetime.datetime(2022, 10, 11, 18, 0, tzinfo=datetime.UTC)  # 01.00 WIB on the 12th
    end = datetime.datetime(2022, 10, 14, 3, 0, tzinfo=datetime.UTC)

    with translation.override("id"):
        assert format_date_range(start, end) == "12 s.d. 14 Oktober 2022"


# JP and counts ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_total_jp_sums_the_sessions_with_or_without_the_annotation():
    training = TrainingFactory()
    SessionFactory(training=training, jp=2)
    SessionFactory(training=training, jp=3, start_time=T(10, 0), end_time=T(12, 15))
    empty = TrainingFactory()

    annotated = with_totals(Training.objects.all()).get(pk=training.pk)

    assert total_jp(training) == 5
    assert total_jp(annotated) == 5
    assert total_jp(empty) == 0


@pytest.mark.django_db
def test_with_totals_counts_each_thing_once_despite_the_joins():
    training = TrainingFactory(quota=55)
    SessionFactory.create_batch(3, training=training, jp=2)
    EnrolmentFactory.create_batch(4, training=training)
    EnrolmentFactory.create_batch(
        2, training=training, status=Enrolment.Status.WAITLISTED, enrolled_at=None
    )
    EnrolmentFactory(training=training, status=Enrolment.Status.CANCELLED, enrolled_at=None)

    annotated = with_totals(Training.objects.all()).get(pk=training.pk)

    assert (
        annotated.jp_total, annotated.session_count, annotated.enrolled_count,
        annotated.waitlisted_count,
    ) == (6, 3, 4, 2)


# The list's groups ------------------------------------------------------------------------------

TODAY = D(2022, 9, 15)


@pytest.mark.parametrize(
    ("status", "start", "end", "group"),
    [
        (Status.DRAFT, D(2022, 10, 1), D(2022, 10, 3), "upcoming"),
        (Status.OPEN, D(2022, 9, 16), D(2022, 9, 17), "upcoming"),
        (Status.OPEN, D(2022, 9, 14), D(2022, 9, 16), "running"),  # under way, status not moved
        (Status.RUNNING, D(2022, 9, 20), D(2022, 9, 21), "running"),  # started early
        (Status.RUNNING, D(2022, 9, 1), D(2022, 9, 2), "running"),  # not finished yet
        (Status.OPEN, D(2022, 9, 1), D(2022, 9, 2), "past"),
        (Status.FINISHED, D(2022, 9, 15), D(2022, 9, 16), "past"),
        (Status.ARCHIVED, D(2022, 1, 1), D(2022, 1, 2), "past"),
    ],
)
def test_training_group_follows_status_then_dates(status, start, end, group):
    training = TrainingFactory.build(status=status, start_date=start, end_date=end)

    assert training_group(training, today=TODAY) == group


@pytest.mark.django_db
def test_trainings_for_list_groups_and_orders_and_hides_the_archived():
    user = organiser_user()

    def make(status, start, end):
        return TrainingFactory(status=status, start_date=start, end_date=end)

    later = make(Status.OPEN, D(2022, 11, 1), D(2022, 11, 2))
    sooner = make(Status.DRAFT, D(2022, 10, 1), D(2022, 10, 2))
    running = make(Status.RUNNING, D(2022, 9, 14), D(2022, 9, 16))
    old = make(Status.FINISHED, D(2022, 5, 1), D(2022, 5, 2))
    recent = make(Status.FINISHED, D(2022, 8, 1), D(2022, 8, 2))
    archived = make(Status.ARCHIVED, D(2022, 1, 1), D(2022, 1, 2))

    groups = trainings_for_list(user=user, today=TODAY)
    with_archive = trainings_for_list(user=user, today=TODAY, include_archived=True)

    assert (groups.running, groups.upcoming, groups.past) == (
        [running], [sooner, later], [recent, old],
    )
    assert with_archive.past == [recent, old, archived]


@pytest.mark.django_db
def test_trainings_for_list_shows_nothing_to_a_participant():
    TrainingFactory()

    groups = trainings_for_list(user=participant_user(), today=TODAY)

    assert len(groups) == 0


@pytest.mark.django_db
def test_a_page_opens_the_trainings_to_anyone_holding_one_of_its_permissions():
    from django.contrib.auth.models import Permission

    training = TrainingFactory()
    results_reader = UserFactory()
    results_reader.user_permissions.add(
        Permission.objects.get(content_type__app_label="assessments", codename="view_results")
    )
    tests_pages = ("assessments.manage_tests", "assessments.view_results")

    assert list(trainings_visible_to(results_reader, permissions=tests_pages)) == [training]
    assert list(trainings_visible_to(results_reader)) == []
    assert list(trainings_visible_to(participant_user(), permissions=tests_pages)) == []


# Schedule and today's attendance ----------------------------------------------------------------


@pytest.mark.django_db
def test_schedule_by_day_groups_sessions_in_order():
    training = TrainingFactory(start_date=D(2022, 9, 14), end_date=D(2022, 9, 15))

    def make(date, start, end, jp):
        return SessionFactory(training=training, date=date, start_time=start, end_time=end, jp=jp)

    second_day = make(D(2022, 9, 15), T(8, 0), T(9, 0), 1)
    afternoon = make(D(2022, 9, 14), T(13, 0), T(14, 30), 2)
    morning = make(D(2022, 9, 14), T(8, 0), T(9, 30), 2)

    days = schedule_by_day(sessions_for_training(training=training))

    assert [(day.date, day.sessions, day.jp) for day in days] == [
        (D(2022, 9, 14), [morning, afternoon], 4),
        (D(2022, 9, 15), [second_day], 1),
    ]


@pytest.mark.django_db
def test_attendance_for_day_counts_records_by_status():
    training = TrainingFactory(start_date=D(2022, 9, 14), end_date=D(2022, 9, 15))
    today = SessionFactory(training=training, date=D(2022, 9, 14))
    tomorrow = SessionFactory(training=training, date=D(2022, 9, 15))
    for status in ["hadir", "hadir", "terlambat", "izin"]:
        AttendanceFactory(session=today, status=status)
    AttendanceFactory(session=tomorrow, status="hadir")

    [item] = attendance_for_day(
        sessions=sessions_for_training(training=training), day=D(2022, 9, 14), expected=6
    )

    assert item.session == today
    assert [(status, count) for status, _label, count in item.rows] == [
        ("hadir", 2), ("terlambat", 1), ("izin", 1), ("sakit", 0), ("dinas_luar", 0), ("alpa", 0),
    ]
    assert (item.recorded, item.not_recorded) == (4, 2)


@pytest.mark.django_db
def test_clashing_sessions_ignores_case_spaces_and_the_session_itself():
    session = SessionFactory(room="Ruang Rapat 1", start_time=T(8, 0), end_time=T(9, 30))

    found = clashing_sessions(
        date=session.date, start_time=T(9, 0), end_time=T(10, 0), room=" ruang  rapat 1 "
    )
    excluded = clashing_sessions(
        date=session.date, start_time=T(9, 0), end_time=T(10, 0), room="Ruang Rapat 1",
        exclude_pk=session.pk,
    )

    assert list(found) == [session]
    assert list(excluded) == []
