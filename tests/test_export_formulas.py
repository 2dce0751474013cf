"""A formula typed into a name or an answer never runs when an export is opened in Excel.

Every XLSX export is checked here that is not already checked next to its own app (the staff
export, the import's rejected rows and the attendance recap are, in tests/participants and
tests/bimtek).
"""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Assessment
from assessments.services import configure_assessment
from certificates import services as certificate_services
from tests.assessments.factories import make_question, take_test
from tests.certificates.factories import CertificateSettingsFactory, finished_training
from tests.evaluations.factories import evaluation_form, participant, respond
from tests.factories import EmployeeFactory, EnrolmentFactory, TrainingFactory, organiser_user

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil","x")'


@pytest.fixture
def organiser(client):
    client.force_login(organiser_user())


def _cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_inert(content: bytes):
    cells = list(_cells(content))
    evil = [cell for cell in cells if isinstance(cell.value, str) and EVIL in cell.value]
    assert evil, "the formula-like text should be in the export, as text"
    assert all(cell.data_type == "s" for cell in evil)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


def test_the_siasn_export_keeps_a_formula_like_name_as_text(client, organiser):
    CertificateSettingsFactory()
    training = finished_training(participants=1)
    employee = training.enrolments.get().employee
    employee.name = EVIL
    employee.save(update_fields=["name"])
    certificate_services.issue_for_training(training=training)

    response = client.get(reverse("certificates:export_siasn", args=[training.pk]))

    _assert_inert(b"".join(response.streaming_content))


def test_the_evaluation_export_keeps_a_formula_typed_as_an_answer_as_text(client, organiser):
    form = evaluation_form(
        training=TrainingFactory(), is_anonymous=False, open_questions=["Saran?"]
    )
    enrolment = participant(form.training)
    enrolment.employee.name = EVIL
    enrolment.employee.save(update_fields=["name"])
    question = form.questions.get(text="Saran?")
    respond(form, enrolment, open_answers={question.pk: EVIL})

    response = client.get(reverse("evaluations:results_export", args=[form.training.pk]))

    _assert_inert(response.content)


def test_the_test_results_export_keeps_a_formula_like_name_as_text(client, organiser):
    training = TrainingFactory()
    for _ in range(3):
        make_question(training=training)
    now = timezone.now()
    assessment = configure_assessment(
        training=training,
        kind=Assessment.Kind.PRE,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=1),
        time_limit_minutes=20,
    )
    enrolment = EnrolmentFactory(training=training, employee=EmployeeFactory(name=EVIL))
    take_test(assessment, enrolment, right=2, wrong=1)

    response = client.get(reverse("assessments:results_xlsx", args=[training.pk]))

    _assert_inert(response.content)
