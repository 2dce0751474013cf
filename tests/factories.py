import factory
from django.contrib.auth.models import Group

from bimtek.roles import Role
from participants.models import Employee, Unit, User


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
    return UserFactory(roles=[Role.ADMIN], is_staff=True, **kwargs)


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
