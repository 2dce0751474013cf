import pytest

from bimtek.management.commands.seed_demo import seed_demo
from core.roles import Role, user_roles
from participants.models import Employee, Unit, User

# From shared/DOMAIN.md, "Kota Magelang (demo data)".
KELURAHAN = {
    "Kecamatan Magelang Selatan": [
        "Rejowinangun Selatan", "Magersari", "Jurangombo Utara", "Jurangombo Selatan",
        "Tidar Utara", "Tidar Selatan",
    ],
    "Kecamatan Magelang Utara": [
        "Wates", "Potrobangsan", "Kedungsari", "Kramat Utara", "Kramat Selatan",
    ],
    "Kecamatan Magelang Tengah": [
        "Kemirirejo", "Cacaban", "Rejowinangun Utara", "Magelang", "Panjang", "Gelangan",
    ],
}  # fmt: skip
PUSKESMAS = ["Magelang Utara", "Magelang Selatan", "Magelang Tengah", "Jurangombo", "Kerkopan"]
LOGINS = {
    Role.ADMIN: ("admin", "demo-admin-2026"),
    Role.ORGANISER: ("penyelenggara", "demo-penyelenggara-2026"),
    Role.PARTICIPANT: ("198910202016062211", "demo-peserta-2026"),
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data):
    return demo_data


def _snapshot():
    """Return everything seed_demo writes, in a form that compares equal when unchanged."""
    units = Unit.objects.order_by("name").values_list("name", "short_name", "kind", "parent__name")
    memberships = User.groups.through.objects.values_list("user__username", "group__name")
    return {
        "units": list(units),
        "employees": list(Employee.objects.order_by("nip").values()),
        "users": list(User.objects.order_by("username").values()),
        "memberships": sorted(memberships),
    }


def test_units_are_kota_magelangs_with_kelurahan_under_their_kecamatan(seeded):
    kelurahan = {
        kecamatan: sorted(
            Unit.objects.filter(kind=Unit.Kind.KELURAHAN, parent__name=kecamatan).values_list(
                "name", flat=True
            )
        )
        for kecamatan in KELURAHAN
    }

    assert seeded.units.created == Unit.objects.count() == 35
    assert sorted(
        Unit.objects.filter(kind=Unit.Kind.KECAMATAN).values_list("name", flat=True)
    ) == sorted(KELURAHAN)
    assert kelurahan == {
        kecamatan: sorted(f"Kelurahan {name}" for name in names)
        for kecamatan, names in KELURAHAN.items()
    }
    assert Unit.objects.filter(kind=Unit.Kind.KELURAHAN).count() == 17
    assert sorted(
        Unit.objects.filter(kind=Unit.Kind.PUSKESMAS, parent__name="Dinas Kesehatan").values_list(
            "name", flat=True
        )
    ) == sorted(f"Puskesmas {name}" for name in PUSKESMAS)
    bkpsdm = Unit.objects.get(short_name="BKPSDM")
    assert (bkpsdm.name, bkpsdm.kind) == (
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        Unit.Kind.BADAN,
    )


def test_55_frontline_staff_with_valid_nips_are_imported(seeded):
    frontline = list(Employee.objects.filter(is_frontline=True))

    assert (seeded.staff.created, seeded.staff.invalid, seeded.staff.applied) == (55, 0, True)
    assert len(frontline) == 55
    assert all(employee.nip_info is not None for employee in frontline)
    assert all(employee.golongan and employee.jabatan for employee in frontline)
    assert len({employee.unit_id for employee in frontline}) >= 25


def test_pppk_staff_are_recognised_by_their_number(seeded):
    pppk = Employee.objects.filter(status=Employee.Status.PPPK)

    assert 5 <= pppk.count() <= 8
    assert {employee.nip_info.kind for employee in pppk} == {"pppk"}
    assert {employee.golongan for employee in pppk} == {"V", "VII", "IX"}
    assert {
        employee.nip_info.kind
        for employee in Employee.objects.exclude(status=Employee.Status.PPPK)
    } == {"pns"}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ORGANISER, Role.PARTICIPANT])
def test_each_demo_account_logs_in_and_holds_its_role(seeded, client, role):
    username, password = LOGINS[role]
    user = User.objects.get(username=username)

    assert client.login(username=username, password=password)
    assert user_roles(user) == {role}
    assert not user.is_superuser
    assert user.email


def test_the_printed_logins_are_the_demo_accounts(seeded):
    assert {login.role: (login.login, login.password) for login in seeded.logins} == LOGINS


def test_admin_works_in_the_app_not_the_django_admin_and_organiser_has_a_directory_entry(seeded):
    admin = User.objects.get(username="admin")
    organiser = Employee.objects.select_related("unit", "user").get(user__username="penyelenggara")

    assert not admin.is_staff
    assert not Employee.objects.filter(user=admin).exists()
    assert (organiser.unit.short_name, organiser.is_frontline) == ("BKPSDM", False)
    assert organiser.nip_info is not None
    assert Employee.objects.count() == 56


def test_participant_is_a_nurse_at_rsud_tidar_logging_in_with_her_nip(seeded):
    employee = Employee.objects.select_related("unit", "user").get(
        user__username="198910202016062211"
    )

    assert (employee.name, employee.jabatan, employee.unit.name) == (
        "Sri Wahyuningsih",
        "Perawat Terampil",
        "RSUD Tidar",
    )
    assert employee.user.username == employee.nip


def test_running_twice_changes_nothing(seeded):
    before = _snapshot()

    again = seed_demo()

    assert _snapshot() == before
    assert (again.units.created, again.units.updated, again.units.unchanged) == (0, 0, 35)
    assert (again.staff.created, again.staff.updated, again.staff.unchanged) == (0, 0, 55)


def test_a_changed_demo_password_and_unit_are_set_back(seeded):
    user = User.objects.get(username="admin")
    user.set_password("my-own-password-1")
    user.save()
    Unit.objects.filter(name="Kelurahan Wates").update(parent=None, short_name="Wates")

    again = seed_demo()

    user.refresh_from_db()
    assert user.check_password("demo-admin-2026")
    assert (again.units.created, again.units.updated, again.units.unchanged) == (0, 1, 34)
    assert Unit.objects.get(name="Kelurahan Wates").parent.name == "Kecamatan Magelang Utara"


# Demo trainings (trainings/demo.py, fixtures/demo_training_2022.json) ---------------------

import datetime  # noqa: E402

from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from trainings.models import (  # noqa: E402
    Attendance,
    AttendanceChange,
    Enrolment,
    Session,
    Speaker,
    Training,
)


def _training_snapshot():
    """Return every row the demo trainings consist of, comparable between runs."""
    return {
        "trainings": list(Training.objects.order_by("code").values()),
        "sessions": list(Session.objects.order_by("pk").values()),
        "speakers": list(Speaker.objects.order_by("pk").values()),
        "session_speakers": sorted(
            Session.speakers.through.objects.values_list("session_id", "speaker_id")
        ),
        "enrolments": list(Enrolment.objects.order_by("pk").values()),
        "attendance": list(Attendance.objects.order_by("pk").values()),
        "changes": AttendanceChange.objects.count(),
    }


def test_2022_pelayanan_prima_is_a_finished_two_day_training_of_14_jp(seeded):
    training = Training.objects.get(code="BIMTEK-PP-2022")
    sessions = list(training.sessions.order_by("date", "start_time"))

    assert training.status == Training.Status.FINISHED
    assert (training.start_date, training.end_date) == (
        datetime.date(2022, 9, 14), datetime.date(2022, 9, 15),
    )  # fmt: skip
    assert training.venue == "Aula Adipura Kencana, Kantor Wali Kota Magelang"
    assert training.contact_name == "Hening Widyaningrum, S.Psi., M.M."
    assert training.sessions.aggregate(total=Sum("jp"))["total"] == 14
    assert {session.date for session in sessions} == {training.start_date, training.end_date}
    assert min(s.start_time for s in sessions) >= datetime.time(7, 30)
    assert max(s.end_time for s in sessions) <= datetime.time(16, 0)
    assert all(session.speakers.exists() for session in sessions)
    assert {speaker.institution for speaker in Speaker.objects.all()} >= {
        "Ombudsman RI Perwakilan Jawa Tengah", "BPSDMD Provinsi Jawa Tengah",
    }  # fmt: skip


def test_2022_training_has_the_55_demo_staff_enrolled(seeded):
    enrolled = Enrolment.objects.filter(
        training__code="BIMTEK-PP-2022", status=Enrolment.Status.ENROLLED
    )

    assert enrolled.count() == 55
    assert set(enrolled.values_list("employee_id", flat=True)) == set(
        Employee.objects.filter(is_frontline=True).values_list("pk", flat=True)
    )


def test_2022_attendance_is_mostly_present_with_a_few_late_one_sick_one_excused_two_absent(
    seeded,
):
    attendance = Attendance.objects.filter(session__training__code="BIMTEK-PP-2022")
    by_status = dict(
        attendance.values_list("status").annotate(count=Count("pk")).order_by("status")
    )
    absent = attendance.filter(status=Attendance.Status.ALPA)

    assert attendance.count() == 55 * 7  # everyone has a record for every session
    assert by_status == {"hadir": 55 * 7 - 8, "terlambat": 4, "sakit": 1, "izin": 1, "alpa": 2}
    assert absent.values("enrolment").distinct().count() == 2
    assert not attendance.filter(
        enrolment__employee__nip="198910202016062211"
    ).exclude(status=Attendance.Status.HADIR).exists()


def test_late_check_ins_are_after_the_late_mark_and_the_others_before_the_start(seeded):
    zone = datetime.timezone(datetime.timedelta(hours=7))
    for attendance in Attendance.objects.filter(
        session__training__code="BIMTEK-PP-2022", status__in=["hadir", "terlambat"]
    ).select_related("session"):
        session = attendance.session
        starts = datetime.datetime.combine(session.date, session.start_time, tzinfo=zone)
        minutes = (attendance.recorded_at - starts).total_seconds() / 60
        if attendance.status == "terlambat":
            assert session.late_after < minutes <= session.checkin_closes_after
        else:
            assert -session.checkin_opens_before <= minutes <= 0


def test_second_batch_is_open_in_the_coming_weeks_with_the_demo_participant_enrolled(seeded):
    training = Training.objects.get(code="BIMTEK-PP-2026-A2")
    enrolled = training.enrolments.filter(status=Enrolment.Status.ENROLLED)
    today = timezone.localdate()

    assert training.status == Training.Status.OPEN
    assert training.batch == 2
    assert today < training.start_date <= today + datetime.timedelta(weeks=5)
    assert training.sessions.aggregate(total=Sum("jp"))["total"] == 14
    assert 3 <= enrolled.count() <= 10
    assert enrolled.filter(employee__user__username="198910202016062211").exists()
    assert not Attendance.objects.filter(session__training=training).exists()


def test_running_twice_adds_no_training_session_enrolment_or_attendance(seeded):
    before = _training_snapshot()

    seed_demo()

    assert _training_snapshot() == before


def test_the_demo_organiser_is_panitia_of_every_demo_training(seeded):
    organiser = User.objects.get(username=LOGINS[Role.ORGANISER][0])

    assert Training.objects.exists()
    for training in Training.objects.all():
        assert list(training.organisers.all()) == [organiser], training.code
