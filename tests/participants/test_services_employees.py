"""Creating and changing directory entries: NIP, NIK, golongan and status must agree."""

import pytest
from django.core.exceptions import ValidationError

from participants import services
from participants.nip import normalize_nip
from participants.models import Employee
from tests.factories import EmployeeFactory, UnitFactory, nik_for, pppk_nip_for

pytestmark = pytest.mark.django_db

PNS_NIP = "198609262015051001"
PPPK_NIP = pppk_nip_for(1)
NIK = nik_for(1)


def _codes(error: ValidationError) -> dict:
    return {field: {e.code for e in errors} for field, errors in error.error_dict.items()}


@pytest.mark.parametrize(
    ("status", "nip", "nik", "golongan"),
    [
        (Employee.Status.PNS, "NIP. 19860926 201505 1 001", None, "III/b"),
        (Employee.Status.CPNS, "19860926.201505.1.001", None, ""),
        (Employee.Status.PPPK, PPPK_NIP, None, "IX"),
        (Employee.Status.NON_ASN, None, "3371 0126 0986 0001", ""),
    ],
    ids=["pns", "cpns", "pppk", "non-asn"],
)
def test_create_employee_accepts_consistent_data_and_normalises_numbers(status, nip, nik, golongan):
    unit = UnitFactory()

    employee = services.create_employee(
        name=" Budi Santoso ", unit=unit, status=status, nip=nip, nik=nik, golongan=golongan
    )

    employee.refresh_from_db()
    assert employee.name == "Budi Santoso"
    assert employee.nip == (None if nip is None else normalize_nip(nip))
    assert employee.nik == (None if nik is None else "3371012609860001")


@pytest.mark.parametrize(
    ("status", "nip", "nik", "golongan", "expected"),
    [
        (Employee.Status.PNS, None, None, "", {"nip": {"nip_required"}}),
        (Employee.Status.NON_ASN, None, None, "", {"nik": {"nik_required"}}),
        (Employee.Status.NON_ASN, PNS_NIP, NIK, "", {"nip": {"nip_for_non_asn"}}),
        (Employee.Status.PPPK, PNS_NIP, None, "", {"nip": {"nip_kind_mismatch"}}),
        (Employee.Status.PNS, PPPK_NIP, None, "", {"nip": {"nip_kind_mismatch"}}),
        (Employee.Status.PNS, PNS_NIP, None, "IX", {"golongan": {"golongan_status"}}),
        (Employee.Status.PPPK, PPPK_NIP, None, "III/a", {"golongan": {"golongan_status"}}),
        (Employee.Status.NON_ASN, None, NIK, "II/a", {"golongan": {"golongan_status"}}),
        (Employee.Status.PNS, "198609262015051000", None, "", {"nip": {"nip_sequence"}}),
        (Employee.Status.PNS, "1,98609E+17", None, "", {"nip": {"nip_excel_number"}}),
        (Employee.Status.NON_ASN, None, "1234", "", {"nik": {"nik_format"}}),
    ],
    ids=[
        "pns-without-nip",
        "non-asn-without-nik",
        "non-asn-with-nip",
        "pppk-with-pns-nip",
        "pns-with-pppk-nip",
        "pns-with-pppk-golongan",
        "pppk-with-pns-golongan",
        "non-asn-with-golongan",
        "nip-sequence-000",
        "nip-from-excel",
        "short-nik",
    ],
)
def test_create_employee_rejects_inconsistent_data(status, nip, nik, golongan, expected):
    with pytest.raises(ValidationError) as raised:
        services.create_employee(
            name="Budi", unit=UnitFactory(), status=status, nip=nip, nik=nik, golongan=golongan
        )

    assert _codes(raised.value) == expected
    assert not Employee.objects.exists()


def test_create_employee_rejects_a_nip_already_in_the_directory():
    EmployeeFactory(nip=PNS_NIP)

    with pytest.raises(ValidationError) as raised:
        services.create_employee(name="Budi", unit=UnitFactory(), nip=PNS_NIP)

    assert _codes(raised.value) == {"nip": {"unique"}}


def test_update_employee_changes_fields():
    employee = EmployeeFactory(golongan="III/a")

    services.update_employee(employee=employee, golongan="III/b", jabatan=" Pengolah Data ")

    employee.refresh_from_db()
    assert (employee.golongan, employee.jabatan) == ("III/b", "Pengolah Data")


def test_update_employee_checks_like_create():
    employee = EmployeeFactory()

    with pytest.raises(ValidationError) as raised:
        services.update_employee(employee=employee, status=Employee.Status.PPPK, golongan="")

    assert _codes(raised.value) == {"nip": {"nip_kind_mismatch"}}
    employee.refresh_from_db()
    assert employee.status == Employee.Status.PNS


def test_update_employee_refuses_unknown_fields():
    with pytest.raises(TypeError):
        services.update_employee(employee=EmployeeFactory(), user=None)
