import sys

import pytest
from django.core.management import CommandError, call_command

from participants.models import Employee, Unit
from tests.factories import UnitFactory, nip_for
from tests.participants.test_staff_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja"]


@pytest.fixture
def unit():
    return UnitFactory(name="Kelurahan Cacaban")


def run(*args) -> int:
    """Run import_staff; return the exit status manage.py would give and print its errors.

    (run_from_argv itself would close the test database connection.)
    """
    try:
        call_command("import_staff", *map(str, args))
    except SystemExit as exit_:
        return exit_.code
    except CommandError as error:
        print(f"CommandError: {error}", file=sys.stderr)
        return error.returncode
    return 0


def lines(capsys):
    captured = capsys.readouterr()
    return captured.out.splitlines(), captured.err


@pytest.fixture
def mixed_file(tmp_path, unit):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(
        csv_bytes(
            [HEADER, [nip_for(1), "Budi", "III/a", unit.name], [nip_for(2), "", "III/a", unit.name]]
        )
    )
    return path


def test_a_valid_file_imports_and_exits_0(tmp_path, unit, capsys):
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, [nip_for(1), "Budi", "III/a", unit.name]]))

    status = run(path)

    out, err = lines(capsys)
    assert (status, out, err) == (0, ["created=1 updated=0 unchanged=0 invalid=0"], "")
    assert Employee.objects.count() == 1


def test_an_invalid_row_rejects_the_file_and_exits_1(mixed_file, capsys):
    status = run(mixed_file)

    out, _err = lines(capsys)
    assert status == 1
    assert out == [
        "Tidak ada yang disimpan karena berkas memuat baris yang tidak valid (1). Perbaiki baris "
        "tersebut, atau impor hanya baris yang valid.",
        "baris 3: Nama kosong.",
        "created=1 updated=0 unchanged=0 invalid=1",
    ]
    assert Employee.objects.count() == 0


def test_skip_invalid_imports_the_rest_and_exits_0(mixed_file, capsys):
    status = run(mixed_file, "--skip-invalid")

    out, _err = lines(capsys)
    assert (status, out) == (
        0,
        ["baris 3: Nama kosong.", "created=1 updated=0 unchanged=0 invalid=1"],
    )
    assert Employee.objects.count() == 1


def test_dry_run_writes_nothing(mixed_file, capsys):
    status = run(mixed_file, "--dry-run", "--skip-invalid")

    out, _err = lines(capsys)
    assert (status, out[-1]) == (0, "created=1 updated=0 unchanged=0 invalid=1")
    assert "Uji coba: tidak ada yang disimpan." in out
    assert Employee.objects.count() == 0


def test_create_units_and_warnings_are_printed(tmp_path, capsys):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([HEADER, ["19700101 201501 1 001", "Budi", "III/a", "RSUD Tidar"]]))

    status = run(path, "--create-units")

    out, _err = lines(capsys)
    assert status == 0
    assert out[0] == "Unit kerja baru: RSUD Tidar."
    assert out[1].startswith("baris 2 (peringatan): ")
    assert out[-1] == "created=1 updated=0 unchanged=0 invalid=0"
    assert Unit.objects.get().name == "RSUD Tidar"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pegawai.csv", csv_bytes([["Nama"], ["Budi"]]),
         "Berkas tidak memiliki kolom NIP. Baris pertama harus berisi nama kolom, misalnya NIP dan Nama."),
        ("pegawai.xlsx", b"MZ not a workbook",
         "Berkas ini bukan buku kerja Excel (.xlsx) yang valid. Buka di Excel lalu simpan ulang."),
        ("pegawai.pdf", b"%PDF", "Berkas pegawai.pdf bukan berkas .xlsx atau .csv."),
    ],
)  # fmt: skip
def test_an_unreadable_file_exits_2_with_a_message(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)

    status = run(path)

    out, err = lines(capsys)
    assert (status, out, err.strip()) == (2, [], f"CommandError: {message}")


def test_a_missing_file_exits_2(tmp_path, capsys):
    status = run(tmp_path / "tidak-ada.csv")

    _out, err = lines(capsys)
    assert status == 2
    assert err.strip() == f"CommandError: Berkas {tmp_path / 'tidak-ada.csv'} tidak dapat dibuka."


def test_an_import_from_the_command_line_appears_in_the_audit_log(tmp_path, unit, monkeypatch):
    from audit.models import AuditEntry

    monkeypatch.setattr("getpass.getuser", lambda: "operator")
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([HEADER, [nip_for(1), "Budi", "III/a", unit.name]]))

    assert run(path, "--dry-run") == 0
    assert not AuditEntry.objects.exists()  # a check writes nothing, so nothing is logged
    assert run(path) == 0

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.actor_name, entry.target) == (
        "staff_imported", None, "operator (manage.py import_staff)", "pegawai.csv"
    )
    assert entry.details == {"file": "pegawai.csv", "created": 1, "updated": 0}


def test_a_refused_file_leaves_no_audit_entry(mixed_file):
    from audit.models import AuditEntry

    assert run(mixed_file) == 1
    assert not AuditEntry.objects.exists()
