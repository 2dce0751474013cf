"""A non-ASN person's NIK (the national identity number) is shown in full only where it is edited.

Lists, attendance, test results, certificates and every export show it masked or not at all;
the staff administrator sees it in full on the person's page, which is where it is corrected.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    NonAsnEmployeeFactory,
    SessionFactory,
    TrainingFactory,
    admin_user,
    organiser_user,
)

pytestmark = pytest.mark.django_db

NIK = "3371012609860007"


@pytest.fixture
def honorer():
    return NonAsnEmployeeFactory(nik=NIK, name="Rina Honorer")


@pytest.fixture
def training(honorer):
    training = TrainingFactory()
    session = SessionFactory(training=training)
    enrolment = EnrolmentFactory(training=training, employee=honorer)
    AttendanceFactory(session=session, enrolment=enrolment)
    return training


def _text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content))
        return " ".join(
            str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
        )
    return response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "trainings:enrolment_list",
        "trainings:attendance_grid",
        "trainings:attendance_recap",
        "trainings:attendance_recap_xlsx",
        "assessments:results",
        "assessments:results_xlsx",
        "certificates:training",
    ],
)
def test_the_organisers_pages_and_exports_never_show_the_full_nik(client, training, name):
    client.force_login(organiser_user())
    kwarg = "training_pk" if name == "trainings:enrolment_list" else "pk"

    response = client.get(reverse(name, kwargs={kwarg: training.pk}))

    assert response.status_code == 200
    assert NIK not in _text(response)


def test_the_directory_shows_the_nik_masked_to_the_organiser(client, honorer):
    client.force_login(organiser_user())

    listing = client.get(reverse("participants:employee_list")).content.decode()
    detail = client.get(reverse("participants:employee_detail", args=[honorer.pk]))

    assert "Rina Honorer" in listing and NIK not in listing
    assert NIK not in detail.content.decode()
    assert honorer.nik_masked in detail.content.decode()


def test_the_staff_administrator_sees_the_full_nik_where_it_is_corrected(client, honorer):
    client.force_login(admin_user())

    detail = client.get(reverse("participants:employee_detail", args=[honorer.pk]))

    assert NIK in detail.content.decode()


def test_the_staff_export_leaves_non_asn_staff_out(client, honorer):
    client.force_login(organiser_user())

    response = client.get(reverse("participants:employee_export") + "?format=xlsx")

    assert response.status_code == 200
    assert NIK not in _text(response)
