"""The hand-written reads of every request (core.rows): the same objects the ORM gives."""

import datetime

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session as LoginSession
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test import RequestFactory
from django.utils import timezone

from trainings.models import Attendance, Enrolment, Session, Training
from core.rows import Columns, fetch_one, insert
from trainings.selectors.attendance import checkin_target
from core.sessions import SessionStore
from participants.backends import AuthenticationBackend
from participants.models import User
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    UserFactory,
    participant_user,
)

pytestmark = pytest.mark.django_db


def field_values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def read_with_columns(model, pk):
    columns = Columns(model, "x")
    alias = model.objects.db
    row = fetch_one(
        alias,
        f"SELECT {columns.select(alias)} FROM {columns.table(alias)} "
        f"WHERE {columns.column(alias, 'id')} = %s",
        [pk],
    )
    return columns.instance(alias, row)


def new_attendance() -> Attendance:
    session = SessionFactory()
    return Attendance(
        session=session,
        enrolment=EnrolmentFactory(training=session.training),
        status=Attendance.Status.HADIR,
        method=Attendance.Method.SELF,
        recorded_at=timezone.now(),
    )


def test_a_row_becomes_the_instance_the_orm_gives_every_value_converted():
    training = SessionFactory(
        training__attended_statuses=["hadir", "terlambat", "dinas_luar"],
        training__requires_signature=True,
    ).training

    read = read_with_columns(Training, training.pk)

    assert field_values(read) == field_values(Training.objects.get(pk=training.pk))
    assert read.attended_statuses == ["hadir", "terlambat", "dinas_luar"]  # JSON decoded
    assert read.requires_signature is True
    assert timezone.is_aware(read.created_at)  # SQLite's text datetimes become aware
    assert read._state.adding is False and read._state.db == "default"


def test_times_and_dates_come_back_as_python_values():
    session = SessionFactory(start_time=datetime.time(7, 45), end_time=datetime.time(9, 15))

    read = read_with_columns(Session, session.pk)

    assert field_values(read) == field_values(Session.objects.get(pk=session.pk))
    assert read.start_time == datetime.time(7, 45)
    assert read.date == session.training.start_date


def test_a_missed_left_join_gives_none():
    assert Columns(User, "u").instance("default", [None] * len(Columns(User, "u"))) is None


# The login session ------------------------------------------------------------------------------


def test_a_saved_session_reads_back():
    store = SessionStore()
    store["bimtek"] = "pelayanan prima"
    store.create()

    again = SessionStore(store.session_key)

    assert again["bimtek"] == "pelayanan prima"
    assert again.session_key == store.session_key


def test_an_expired_session_is_empty_and_forgets_its_key():
    store = SessionStore()
    store["bimtek"] = "x"
    store.create()
    LoginSession.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    again = SessionStore(store.session_key)

    assert again.get("bimtek") is None
    assert again.session_key is None  # a new key on the next save, never the old one


def test_an_unknown_session_key_is_empty():
    assert dict(SessionStore("x" * 32).items()) == {}


def test_the_app_uses_this_store(client):
    user = participant_user()
    client.force_login(user)

    assert client.session.__class__.__module__ == "core.sessions"
    assert client.get("/").wsgi_request.user == user


# The signed-in user ------------------------------------------------------------------------------


def test_the_user_comes_with_their_directory_entry_in_one_query(django_assert_num_queries):
    user = participant_user()

    with django_assert_num_queries(1):
        loaded = AuthenticationBackend().get_user(user.pk)
        name = loaded.employee.full_name
        assert loaded.employee.user is loaded

    assert field_values(loaded) == field_values(User.objects.get(pk=user.pk))
    assert name == user.employee.full_name


def test_a_user_without_a_directory_entry_has_none_and_asking_costs_nothing(
    django_assert_num_queries,
):
    user = UserFactory()

    with django_assert_num_queries(1):
        loaded = AuthenticationBackend().get_user(user.pk)
        assert not hasattr(loaded, "employee")

    assert loaded == user


def test_an_inactive_or_missing_user_is_nobody():
    inactive = UserFactory(is_active=False)

    assert AuthenticationBackend().get_user(inactive.pk) is None
    assert AuthenticationBackend().get_user(inactive.pk + 1000) is None


def test_a_changed_password_signs_the_session_out(client):
    user = participant_user()
    client.force_login(user)
    user.set_password("kata-sandi-baru-2026")
    user.save()

    request = RequestFactory().get("/")
    request.session = client.session

    assert not get_user(request).is_authenticated


# The check-in's lookup ---------------------------------------------------------------------------


def test_the_checkin_target_is_the_session_its_training_and_my_enrolment(
    django_assert_num_queries,
):
    session = SessionFactory()
    user = participant_user()
    mine = EnrolmentFactory(training=session.training, employee=user.employee)
    EnrolmentFactory(training=session.training)  # someone else's
    EnrolmentFactory(employee=user.employee)  # mine, in another training

    with django_assert_num_queries(1):
        found, enrolment = checkin_target(session_id=session.pk, user=user)
        assert found.training.title == session.training.title

    assert field_values(found) == field_values(session)
    assert field_values(found.training) == field_values(
        Training.objects.get(pk=session.training_id)
    )
    assert (enrolment.pk, enrolment.status, enrolment.training, enrolment.employee) == (
        mine.pk,
        Enrolment.Status.ENROLLED,
        found.training,
        user.employee,
    )


def test_the_checkin_target_keeps_a_cancelled_enrolment_with_its_status():
    session = SessionFactory()
    user = participant_user()
    EnrolmentFactory(
        training=session.training, employee=user.employee, status=Enrolment.Status.CANCELLED
    )

    _found, enrolment = checkin_target(session_id=session.pk, user=user)

    assert enrolment.status == Enrolment.Status.CANCELLED


def test_the_checkin_target_of_someone_not_enrolled_or_without_an_entry_has_no_enrolment():
    session = SessionFactory()

    assert checkin_target(session_id=session.pk, user=participant_user())[1] is None
    found, enrolment = checkin_target(session_id=session.pk, user=UserFactory())
    assert (found, enrolment) == (session, None)


def test_an_unknown_session_is_no_target():
    assert checkin_target(session_id=999_999, user=participant_user()) == (None, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_statements_of_every_request_are_prepared_once_per_connection():
    user = participant_user()
    session = SessionFactory()
    store = SessionStore()
    store.create()
    backend = AuthenticationBackend()

    for _ in range(6):
        backend.get_user(user.pk)
        checkin_target(session_id=session.pk, user=user)
        SessionStore(store.session_key).load()
        insert(new_attendance())

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("participants_user" in statement for statement in prepared)
    assert any("trainings_session" in statement for statement in prepared)
    assert any("django_session" in statement for statement in prepared)
    assert any('INSERT INTO "trainings_attendance"' in statement for statement in prepared)


# The check-in's INSERT ---------------------------------------------------------------------------


def test_an_insert_stores_what_save_would_and_gives_the_instance_its_key():
    session = SessionFactory()
    enrolment = EnrolmentFactory(training=session.training)
    moment = timezone.now()
    attendance = Attendance(
        session=session,
        enrolment=enrolment,
        status=Attendance.Status.TERLAMBAT,
        method=Attendance.Method.SELF,
        recorded_at=moment,
        ip_address="10.0.0.7",
        note="",
    )

    insert(attendance)

    stored = Attendance.objects.get(pk=attendance.pk)
    assert field_values(stored) == field_values(attendance)
    assert (stored.status, stored.recorded_at, stored.ip_address) == (
        Attendance.Status.TERLAMBAT,
        moment,
        "10.0.0.7",
    )
    assert stored.updated_at is not None  # auto_now, as save() sets it
    assert attendance._state.adding is False and attendance._state.db == "default"


def test_a_second_insert_for_the_same_person_and_session_is_an_integrity_error():
    first = AttendanceFactory()
    again = Attendance(
        session=first.session,
        enrolment=first.enrolment,
        status=Attendance.Status.HADIR,
        method=Attendance.Method.SELF,
        recorded_at=timezone.now(),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        insert(again)

    assert Attendance.objects.filter(session=first.session).count() == 1


@pytest.mark.parametrize(
    ("signal", "name"), [(pre_save, "pre_save"), (post_save, "post_save")], ids=["pre", "post"]
)
@pytest.mark.parametrize("for_every_model", [False, True], ids=["for_attendance", "for_all"])
def test_an_insert_is_refused_while_a_receiver_waits_for_the_save_it_skips(
    signal, name, for_every_model
):
    attendance = new_attendance()
    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    sender = None if for_every_model else Attendance
    signal.connect(receiver, sender=sender)
    try:
        with pytest.raises(TypeError, match=f"skip the {name} receivers of Attendance"):
            insert(attendance)
    finally:
        signal.disconnect(receiver, sender=sender)

    assert not Attendance.objects.exists()
    insert(attendance)  # with the receiver gone, the insert goes through again
    assert Attendance.objects.get().pk == attendance.pk
    assert heard == []


def test_an_insert_is_refused_for_a_model_with_a_save_of_its_own():
    # Django's users have one: it tells the password validators a new password was set.
    with pytest.raises(TypeError, match=r"skip User.save\(\)"):
        insert(User(username="budi"))

    assert not User.objects.filter(username="budi").exists()
