"""The demo data and sample import files in fixtures/: realistic, valid where meant, current."""

import csv
import importlib.util
import json
import re

import openpyxl
import pytest
from django.core.validators import validate_email
from django.utils import translation

from bimtek.management.commands.seed_demo import seed_demo
from core.demo import fixtures_dir
from participants.demo import read_accounts, read_units
from core.roles import ROLE_PERMISSIONS
from participants.golongan import PNS_GRADES, parse_golongan
from participants.importing import import_staff
from participants.models import Employee, Unit
from participants.nip import parse_nip
from participants.staff_files import HEADERS, read_staff_file

FIXTURES = fixtures_dir()
HEALTH_POSITIONS = ("Perawat", "Bidan", "Perekam Medis", "Dokter")
FRONTLINE_GRADES = [code for code, _pangkat in PNS_GRADES][4:12]  # II/a to III/d


def _make_samples():
    spec = importlib.util.spec_from_file_location("make_samples", FIXTURES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _staff_rows():
    with (FIXTURES / "demo_staff.csv").open(encoding="utf-8-sig", newline="") as staff_file:
        return list(csv.DictReader(staff_file, delimiter=";"))


def _units():
    return {row["name"]: row for row in read_units(FIXTURES / "units.csv")}


def _age(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# The demo staff list --------------------------------------------------------------------------


def test_demo_staff_is_a_csv_as_indonesian_excel_writes_it_with_the_import_headers():
    raw = (FIXTURES / "demo_staff.csv").read_bytes()

    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\r\n")[0].decode("utf-8-sig").split(";") == list(HEADERS.values())
    assert len(_staff_rows()) == 55


def test_every_demo_nip_is_valid_unique_and_plausible():
    rows = _staff_rows()
    infos = [parse_nip(row["NIP"]) for row in rows]

    assert len({info.nip for info in infos}) == 55
    assert all(info.nip == row["NIP"] for info, row in zip(infos, rows, strict=True))
    assert [info.warnings for info in infos] == [[]] * 55
    for info, row in zip(infos, rows, strict=True):
        assert (info.kind == "pppk") == (row["Status Kepegawaian"] == "PPPK"), row["Nama"]
        if info.kind == "pns":
            assert 18 <= _age(info.birth_date, info.appointed) <= 35, row["Nama"]
        if row["Jabatan"].startswith("Bidan"):
            assert info.gender == "P", row["Nama"]


def test_demo_staff_has_a_few_pppk_with_pppk_golongan():
    pppk = [row for row in _staff_rows() if row["Status Kepegawaian"] == "PPPK"]

    assert 5 <= len(pppk) <= 8
    assert {row["Pangkat/Gol"] for row in pppk} == {"V", "VII", "IX"}


def test_pns_golongan_fit_frontline_positions():
    grades = [
        parse_golongan(row["Pangkat/Gol"])
        for row in _staff_rows()
        if row["Status Kepegawaian"] != "PPPK"
    ]

    assert set(grades) <= set(FRONTLINE_GRADES)


def test_demo_staff_work_in_known_units_and_health_workers_in_health_units():
    units = _units()
    rows = _staff_rows()

    assert {row["Unit Kerja"] for row in rows} <= set(units)
    for row in rows:
        if row["Jabatan"].startswith(HEALTH_POSITIONS):
            assert units[row["Unit Kerja"]]["kind"] in {"rumah_sakit", "puskesmas"}, row["Nama"]
    kinds = {units[row["Unit Kerja"]]["kind"] for row in rows}
    assert kinds >= {"rumah_sakit", "puskesmas", "dinas", "kecamatan", "kelurahan", "satuan"}


def test_demo_names_look_like_real_files():
    rows = _staff_rows()
    names = [row["Nama"] for row in rows]

    assert sum("'" in name for name in names) >= 3
    assert sum(" " not in name for name in names) >= 3
    assert sum("," in row["Gelar Belakang"] for row in rows) >= 3
    assert sum(row["Gelar Depan"] == "dr." for row in rows) >= 1
    assert all(row["Pelayanan Langsung"] == "Ya" for row in rows)


def test_demo_contacts_are_fake_and_well_formed():
    rows = _staff_rows()
    emails = [row["Email"] for row in rows if row["Email"]]
    phones = [row["No HP"] for row in rows if row["No HP"]]

    assert 20 <= len(emails) <= 35
    assert len(set(emails)) == len(emails)
    for email in emails:
        validate_email(email)
        # Reserved for examples (RFC 2606): a demo wired to a real mail server reaches nobody.
        assert email.endswith(".example"), email
    assert len(phones) >= 40
    assert all(re.fullmatch(r"08\d{8,11}", phone) for phone in phones)


# Units and accounts ------------------------------------------------------------------------------


def test_units_file_lists_every_unit_with_a_short_name_for_each_agency():
    units = _units()

    assert len(units) == 35
    agencies = [unit for unit in units.values() if unit["kind"] in {"badan", "dinas", "satuan"}]
    assert all(unit["short_name"] for unit in agencies)
    assert {unit["short_name"] for unit in agencies} >= {
        "BKPSDM", "BPKAD", "Disdukcapil", "DPMPTSP", "Satpol PP",
    }  # fmt: skip
    assert {units[name]["parent"] for name in units if name.startswith("Kelurahan ")} == {
        "Kecamatan Magelang Selatan",
        "Kecamatan Magelang Utara",
        "Kecamatan Magelang Tengah",
    }


def test_demo_accounts_refer_to_real_roles_units_and_staff():
    accounts = read_accounts(FIXTURES / "demo_accounts.json")
    staff = {row["NIP"]: row for row in _staff_rows()}
    units = _units()

    assert {account["role"] for account in accounts} == set(ROLE_PERMISSIONS)
    participant = next(account for account in accounts if "nip" in account)
    assert (staff[participant["nip"]]["Jabatan"], staff[participant["nip"]]["Unit Kerja"]) == (
        "Perawat Terampil",
        "RSUD Tidar",
    )
    organiser = next(account for account in accounts if "employee" in account)
    assert organiser["employee"]["unit"] in units
    assert parse_nip(organiser["employee"]["nip"]).kind == "pns"
    assert organiser["employee"]["nip"] not in staff


# Sample import files -----------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["contoh_impor_bersih", "contoh_impor_salah"])
def test_sample_files_match_make_samples(stem):
    samples = _make_samples()
    rows = samples.SAMPLES[stem]
    workbook = openpyxl.load_workbook(FIXTURES / f"{stem}.xlsx")
    sheet = workbook.active
    expected = [
        samples.HEADERS,
        *([value.value if isinstance(value, samples.ExcelNumber) else value for value in row]
          for row in rows),
    ]  # fmt: skip

    assert (FIXTURES / f"{stem}.csv").read_bytes() == samples.csv_bytes(rows)
    assert [[cell.value or "" for cell in row] for row in sheet.iter_rows()] == [
        [value or "" for value in row] for row in expected
    ]
    assert [cell.data_type for (cell,) in sheet.iter_rows(min_row=2, max_col=1)] == [
        "n" if isinstance(row[0], samples.ExcelNumber) else "s" for row in rows
    ]


def test_fixtures_readme_describes_every_file():
    readme = (FIXTURES / "README.md").read_text()
    files = sorted(p.name for p in FIXTURES.iterdir() if p.is_file() and p.name != "README.md")

    assert [name for name in files if f"`{name}`" not in readme] == []


def _import(filename, **options):
    with (FIXTURES / filename).open("rb") as sample:
        table = read_staff_file(sample, filename=filename)
    with translation.override("en"):
        return import_staff(table, **options)


@pytest.mark.django_db
@pytest.mark.parametrize("filename", ["contoh_impor_bersih.csv", "contoh_impor_bersih.xlsx"])
def test_clean_sample_imports_without_errors(filename):
    seed_demo()

    report = _import(filename, dry_run=False, skip_invalid=False)

    assert (report.created, report.updated, report.unchanged, report.invalid) == (7, 2, 1, 0)
    assert report.applied
    assert Employee.objects.get(nip="199201282019122186").golongan == "II/c"
    assert Employee.objects.get(nip="199002182015031002").unit.short_name == "DPMPTSP"


MISTAKES = {
    2: "has 17 digits; a NIP has 18",
    3: "may contain only digits",
    4: "starts with an impossible birth date (19900230)",
    5: "has an impossible TMT CPNS (201313)",
    6: "is 3; it must be 1 (male) or 2 (female)",
    7: None,  # depends on the file type, see below
    8: "ends in 000",
    9: "appears more than once in the file (rows 9, 10)",
    10: "appears more than once in the file (rows 9, 10)",
    11: "Unknown rank \u201cIII/f\u201d",
    12: "The email address novi.andriani@magelangkota.example, novi@mail.example is not valid",
    13: "The name is empty",
    14: "The unit \u201cDinas Pendidikan dan Kebudayaan\u201d is not in the directory",
}
EXCEL_NUMBER = {
    "contoh_impor_salah.csv": "The NIP 1,98609E+17 was stored by Excel as a number",
    "contoh_impor_salah.xlsx": "is a number cell, so Excel may have changed its last digits",
}


@pytest.mark.django_db
@pytest.mark.parametrize("filename", ["contoh_impor_salah.csv", "contoh_impor_salah.xlsx"])
def test_mistakes_sample_shows_one_reason_per_wrong_row(filename):
    seed_demo()
    expected = {**MISTAKES, 7: EXCEL_NUMBER[filename]}

    report = _import(filename, dry_run=True, skip_invalid=True)

    invalid = {row.number: row.all_errors for row in report.rows if row.outcome == "invalid"}
    assert sorted(invalid) == sorted(expected)
    for number, errors in invalid.items():
        assert len(errors) == 1, (number, errors)
        assert expected[number] in errors[0], (number, errors)
    assert [(row.number, row.outcome) for row in report.rows if row.number > 14] == [
        (15, "new"),
        (16, "new"),
        (17, "new"),
    ]


@pytest.mark.django_db
def test_messy_but_valid_rows_of_the_mistakes_sample_are_cleaned():
    seed_demo()

    report = _import("contoh_impor_salah.xlsx", dry_run=False, skip_invalid=True)
    messy = Employee.objects.filter(
        nip__in=["199609172021032002", "199303032018011003", "198906032014041002"]
    ).order_by("nip")

    assert (report.created, report.invalid, report.applied) == (3, 13, True)
    assert list(messy.values_list("nip", "golongan", "unit__name", "status", "phone")) == [
        (
            "198906032014041002",
            "II/d",
            "Dinas Kependudukan dan Pencatatan Sipil",
            "pns",
            "081226347781",
        ),
        ("199303032018011003", "III/b", "Kelurahan Kedungsari", "pns", "082243107785"),
        ("199609172021032002", "III/b", "Kelurahan Magelang", "pns", "081249936170"),
    ]
    assert all(employee.is_frontline for employee in messy)
    assert Unit.objects.count() == 35


def test_demo_logins_are_documented_in_the_readme():
    readme = (FIXTURES / "README.md").read_text()
    accounts = json.loads((FIXTURES / "demo_accounts.json").read_text())["accounts"]

    for account in accounts:
        assert account["password"] in readme
        assert account.get("username", account.get("nip")) in readme
