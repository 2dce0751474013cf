import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from core.roles import Role
from participants.models import Employee, Unit, User
from workers.models import Worker


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("rahasia-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=role) for role in extracted))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kelurahan Contoh {n}")
    kind = Unit.Kind.KELURAHAN


def nip_for(n: int, *, birth="19860926", tmt="201505", gender="1") -> str:
    """Build a valid PNS NIP whose sequence is n (1-999)."""
    return f"{birth}{tmt}{gender}{n % 999 + 1:03d}"


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.Sequence(
        lambda n: nip_for(n, birth=f"19{70 + n // 999 % 25:02d}0926")
    )
    name = factory.Sequence(lambda n: f"Pegawai {n}")
    status = Employee.Status.PNS
    golongan = "III/a"
    jabatan = "Pengadministrasi Umum"
    unit = factory.SubFactory(UnitFactory)
    is_frontline = True


def admin_user(**kwargs):
    return UserFactory(roles=[Role.ADMIN], **kwargs)


def organiser_user(**kwargs):
    return UserFactory(roles=[Role.ORGANISER], **kwargs)


def participant_user(**kwargs):
    """Return a Peserta account linked to its own directory entry."""
    employee = EmployeeFactory()
    user = UserFactory(roles=[Role.PARTICIPANT], username=employee.nip, **kwargs)
    employee.user = user
    employee.save(update_fields=["user"])
    return user


def nik_for(n: int, *, region="337101", birth="260986") -> str:
    """Build a valid NIK (Kota Magelang by default) whose sequence is n (1-9999)."""
    return f"{region}{birth}{n % 9999 + 1:04d}"


def pppk_nip_for(n: int, *, birth="19900101", year="2022", gender="1") -> str:
    """Build a valid NI PPPK (code 2, first contract) whose sequence is n (1-999)."""
    return f"{birth}{year}21{gender}{n % 999 + 1:03d}"


class NonAsnEmployeeFactory(EmployeeFactory):
    """Honorary staff: identified by NIK, no NIP, no golongan."""

    nip = None
    nik = factory.Sequence(lambda n: nik_for(n))
    status = Employee.Status.NON_ASN
    golongan = ""


# Trainings (bimtek) ---------------------------------------------------------------------------

import datetime as _datetime  # noqa: E402
import secrets as _secrets  # noqa: E402

from django.utils import timezone as _timezone  # noqa: E402

from trainings.models import Attendance, Enrolment, Session, Speaker, Training  # noqa: E402


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    code = factory.Sequence(lambda n: f"BIMTEK-T-{n:03d}")
    title = factory.Sequence(lambda n: f"Bimtek Contoh {n}")
    organiser_unit = factory.SubFactory(UnitFactory, name="BKPSDM", kind=Unit.Kind.BADAN)
    venue = "Aula BKPSDM"
    start_date = _datetime.date(2026, 12, 7)
    end_date = _datetime.date(2026, 12, 8)
    status = Training.Status.OPEN


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Narasumber {n}")
    gelar_belakang = "S.Sos., M.Si."
    position = "Widyaiswara Ahli Madya"
    institution = "BPSDM Provinsi Jawa Tengah"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    training = factory.SubFactory(TrainingFactory)
    topic = factory.Sequence(lambda n: f"Materi {n}")
    date = factory.LazyAttribute(lambda session: session.training.start_date)
    start_time = _datetime.time(8, 0)
    end_time = _datetime.time(9, 30)
    jp = 2
    room = "Aula"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    training = factory.SubFactory(TrainingFactory)
    employee = factory.SubFactory(EmployeeFactory)
    status = Enrolment.Status.ENROLLED
    badge_token = factory.LazyFunction(lambda: _secrets.token_urlsafe(18))
    enrolled_at = factory.LazyFunction(_timezone.now)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    enrolment = factory.SubFactory(
        EnrolmentFactory, training=factory.SelfAttribute("..session.training")
    )
    status = Attendance.Status.HADIR
    method = Attendance.Method.MANUAL
    recorded_at = factory.LazyFunction(_timezone.now)


class WorkerFactory(factory.django.DjangoModelFactory):
    """A task worker that beat just now; give task_started_at to have it inside a task."""

    class Meta:
        model = Worker

    worker_id = factory.Sequence(lambda n: f"worker-{n}")
    host = "bimtek-1"
    pid = factory.Sequence(lambda n: 4000 + n)
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    beat_at = factory.LazyFunction(timezone.now)
    task_id = factory.Maybe("task_started_at", yes_declaration="a-task", no_declaration="")
    task_name = factory.Maybe(
        "task_started_at", yes_declaration="participants.tasks.validate_staff_import",
        no_declaration="",
    )
    task_started_at = None
