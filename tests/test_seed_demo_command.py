"""seed_demo on an empty database: what it refuses, what it reports, what it prints."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from bimtek.management.commands.seed_demo import seed_demo
from core.demo import DemoDataError, fixtures_dir
from participants.demo import read_units
from core.roles import Role, user_roles
from participants.models import Employee, Unit, User

pytestmark = pytest.mark.django_db


def test_a_user_holding_a_demo_username_gets_the_demo_role_and_password():
    User.objects.create_user(username="penyelenggara", password="x-x-x-x-x-1")

    seed_demo()

    user = User.objects.get(username="penyelenggara")
    assert user.check_password("demo-penyelenggara-2026")
    assert user_roles(user) == {Role.ORGANISER}
    assert user.employee.nip == "198803142012032017"


def test_production_is_refused_unless_forced(settings):
    settings.PRODUCTION = True

    with pytest.raises(DemoDataError) as refused:
        seed_demo()

    assert refused.value.code == "production"
    assert not Unit.objects.exists()
    assert seed_demo(force=True).staff.created == 55


def test_an_invalid_staff_file_loads_nothing(tmp_path):
    shutil.copytree(fixtures_dir(), tmp_path, dirs_exist_ok=True)
    staff = tmp_path / "demo_staff.csv"
    text = staff.read_bytes()
    staff.write_bytes(text.replace(b";II/d;Perawat Terampil;", b";II/z;Perawat Terampil;", 1))

    with translation.override("en"), pytest.raises(DemoDataError) as error:
        seed_demo(directory=tmp_path)

    assert error.value.code == "staff_file"
    assert "demo_staff.csv, row 2" in error.value.message
    assert not Unit.objects.exists()
    assert not Employee.objects.exists()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("Kelurahan Baru,,kelurahan,Kecamatan Tidak Ada", "is not in the file"),
        ("Kelurahan Baru,,desa,", "unknown kind 'desa'"),
        ("Dinas Sosial,Dinsos,dinas,", "Dinas Sosial is listed twice"),
        ("Kelurahan Baru,,kelurahan,Kelurahan Baru", "own parent"),
    ],
)
def test_a_broken_units_file_is_reported_with_its_row(tmp_path, row, problem):
    path = tmp_path / "units.csv"
    path.write_text("name,short_name,kind,parent\nDinas Sosial,Dinsos,dinas,\n" + row + "\n")

    with pytest.raises(DemoDataError) as error:
        read_units(path)

    assert error.value.message.startswith("units.csv, row 3: ")
    assert problem in error.value.message


def test_command_prints_what_it_loaded_and_the_demo_logins():
    out = io.StringIO()

    with translation.override("en"):
        call_command("seed_demo", stdout=out)

    assert out.getvalue().splitlines() == [
        "Units: 35 new, 0 updated, 0 unchanged.",
        "Staff: 55 new, 0 updated, 0 unchanged.",
        "",
        "Demo logins for http://127.0.0.1:8000:",
        "",
        "Role                 Login (username or NIP)  Password",
        "-------------------  -----------------------  -----------------------",
        "Staff administrator  admin                    demo-admin-2026          "
        "(Admin Kepegawaian)",
        "Organiser            penyelenggara            demo-penyelenggara-2026  "
        "(Hening Widyaningrum, S.Psi., M.M.)",
        "Participant          198910202016062211       demo-peserta-2026        "
        "(Sri Wahyuningsih, A.Md.Kep.)",
        "",
        "These passwords are public and are set back to these values each time seed_demo runs.",
    ]


def test_command_refuses_production_without_force(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
