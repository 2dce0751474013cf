"""A control character in stored text never breaks an export: it is left out of the file.

Old rows may hold one (typed before the forms cleaned them, or put straight into the
database); an anonymous evaluation answer cannot even be traced to be corrected. Excel's file
format has no place for these characters, so openpyxl refuses them and the export was a 500.
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
from evaluations.models import Answer
from participants.exporting import export_staff
from participants.models import Employee
from tests.assessments.factories import make_question, take_test
from tests.certificates.factories import CertificateSettingsFactory, finished_training
from tests.evaluations.factories import evaluation_form, participant, respond
from tests.factories import EmployeeFactory, EnrolmentFactory, TrainingFactory, organiser_user
from tests.trainings.test_reports_support import enrol, make_session, make_training
from trainings.reports.recap import build_recap, recap_xlsx

pytestmark = pytest.mark.django_db

ESCAPED = "Budi\x1b Santoso\x07"
CLEAN = "Budi Santoso"


@pytest.fixture
def organiser(client):
    client.force_login(organiser_user())


def _texts(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def _stored_with_control_characters(employee) -> None:
    # As legacy data: straight into the table, past every form.
    Employee.objects.filter(pk=employee.pk).update(name=ESCAPED)


def test_an_anonymous_evaluation_answer_with_an_escape_character_exports(client, organiser):
    form = evaluation_form(training=TrainingFactory(), is_anonymous=True, open_questions=["Saran?"])
    question = form.questions.get(text="Saran?")
    respond(form, participant(form.training), open_answers={question.pk: "Ruang\x1b dingin"})
    form.questions.filter(pk=question.pk).update(text="Saran\x0b?")
    Answer.objects.filter(question=question).update(text="Ruang\x1b dingin")

    response = client.get(reverse("evaluations:results_export", args=[form.training.pk]))

    assert response.status_code == 200
    texts = _texts(response.content)
    assert "Ruang dingin" in texts
    assert "Saran?" in texts


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_staff_export_leaves_out_control_characters_of_a_stored_name(file_format):
    _stored_with_control_characters(EmployeeFactory())

    data = export_staff(Employee.objects.all(), file_format=file_format)

    if file_format == "xlsx":
        assert CLEAN in _texts(data)
    else:
        assert CLEAN in data.decode("utf-8-sig")
        assert b"\x1b" not in data


def test_the_attendance_recap_leaves_out_control_characters_of_a_stored_name():
    training = make_training()
    make_session(training, topic="Pelayanan\x1b publik")
    enrol(training, name="Budi")
    Employee.objects.filter(name="Budi").update(name=ESCAPED)

    texts = _texts(recap_xlsx(build_recap(training, now=timezone.now())))

    assert CLEAN in texts
    assert "Pelayanan publik" in texts


def test_the_siasn_export_leaves_out_control_characters_of_a_stored_name(client, organiser):
    CertificateSettingsFactory()
    training = finished_training(participants=1)
    _stored_with_control_characters(training.enrolments.get().employee)
    certificate_services.issue_for_training(training=training)

    response = client.get(reverse("certificates:export_siasn", args=[training.pk]))

    assert CLEAN in _texts(b"".join(response.streaming_content))


def test_the_test_results_export_leaves_out_control_characters_of_a_stored_name(
    client, organiser
):
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
    enrolment = EnrolmentFactory(training=training, employee=EmployeeFactory())
    take_test(assessment, enrolment, right=2, wrong=1)
    _stored_with_control_characters(enrolment.employee)

    response = client.get(reverse("assessments:results_xlsx", args=[training.pk]))

    assert response.status_code == 200
    assert CLEAN in _texts(response.content)


def test_the_characters_left_out_are_exactly_those_openpyxl_refuses():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from core.text import without_control_characters

    for code in range(0x80):
        char = chr(code)
        refused = bool(ILLEGAL_CHARACTERS_RE.search(char))
        assert (without_control_characters(char) == "") == refused, repr(char)
