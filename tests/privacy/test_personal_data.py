"""A participant downloads everything Bimtek holds about them, and nothing about anyone else."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.services import configure_assessment, release_results, withdraw_results
from trainings.models import Attendance
from certificates.services import issue_certificate
from tests.assessments.factories import make_question, take_test
from tests.certificates.factories import CertificateSettingsFactory
from tests.evaluations.factories import evaluation_form, respond
from tests.factories import (
    AttendanceFactory,
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("privacy:my_data")


def _person(name: str, nip: str):
    employee = EmployeeFactory(name=name, nip=nip, phone="081234567890")
    employee.user = UserFactory(username=nip, roles=["Peserta"])
    employee.save(update_fields=["user"])
    return employee


@pytest.fixture
def training_day():
    """Sari and Budi in one training: present, tested, evaluated (named), certified."""
    CertificateSettingsFactory()
    training = TrainingFactory(title="Bimtek Pelayanan Prima", code="BIMTEK-PP-2026")
    session = SessionFactory(training=training, topic="Standar Pelayanan")
    for _ in range(3):
        make_question(training=training)
    now = timezone.now()
    test = configure_assessment(
        training=training,
        kind=Assessment.Kind.PRE,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=1),
        time_limit_minutes=20,
    )
    form = evaluation_form(training=training, is_anonymous=False, open_questions=["Saran?"])
    question = form.questions.get(text="Saran?")
    people = {}
    for name, nip, advice in [
        ("Sari Wulandari", "199203142019032005", "Ruangan terlalu dingin"),
        ("Budi Santoso", "198609262015051001", "Rahasia milik Budi"),
    ]:
        employee = _person(name, nip)
        enrolment = EnrolmentFactory(training=training, employee=employee)
        AttendanceFactory(
            session=session, enrolment=enrolment, method=Attendance.Method.SELF,
            ip_address="10.0.0.7",
        )
        attempt = take_test(test, enrolment, right=2, wrong=1)
        respond(form, enrolment, open_answers={question.pk: advice})
        certificate, _new = issue_certificate(enrolment_id=enrolment.pk)
        people[name] = {"employee": employee, "attempt": attempt, "certificate": certificate}
    release_results(assessment=test)
    return people


def _download(client, employee) -> dict:
    client.force_login(employee.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="data-saya-bimtek-')
    return json.loads(response.content)


def test_the_profile_page_offers_the_download(client, training_day):
    client.force_login(training_day["Sari Wulandari"]["employee"].user)

    page = client.get(reverse("participants:my_profile")).content.decode()

    assert "Unduh data saya" in page
    assert URL in page


def test_the_download_holds_the_account_record_enrolment_attendance_tests_and_more(
    client, training_day
):
    sari = training_day["Sari Wulandari"]

    data = _download(client, sari["employee"])

    assert data["account"]["username"] == "199203142019032005"
    assert data["account"]["roles"] == ["Peserta"]
    assert data["employee"]["name"] == "Sari Wulandari"
    assert data["employee"]["phone"] == "081234567890"
    [training] = data["trainings"]
    assert training["training"]["code"] == "BIMTEK-PP-2026"
    assert training["enrolment"]["status"] == "enrolled"
    [attendance] = training["attendance"]
    assert attendance["session"] == "Standar Pelayanan"
    assert (attendance["status"], attendance["method"]) == ("hadir", "self")
    assert attendance["recorded_at"] and attendance["ip_address"] == "10.0.0.7"
    [attempt] = training["tests"]
    assert attempt["test"] == "pre"
    assert attempt["correct_answers"] == sari["attempt"].correct_count
    assert len(attempt["answers"]) == 3
    assert all(answer["chosen"] for answer in attempt["answers"])
    [evaluation] = training["evaluations"]
    assert evaluation["anonymous"] is False
    assert "Ruangan terlalu dingin" in [answer["text"] for answer in evaluation["answers"]]
    [certificate] = training["certificates"]
    assert certificate["code"] == sari["certificate"].code
    assert certificate["printed"]["name"] == sari["certificate"].snapshot["name"]


def test_the_download_holds_nothing_of_another_participant(client, training_day):
    budi = training_day["Budi Santoso"]

    text = json.dumps(_download(client, training_day["Sari Wulandari"]["employee"]))

    assert "Budi" not in text
    assert "198609262015051001" not in text
    assert "Rahasia milik Budi" not in text
    assert budi["certificate"].code not in text
    assert budi["certificate"].number not in text


def test_an_anonymous_evaluation_is_listed_without_its_answers(client):
    employee = _person("Sari Wulandari", "199203142019032005")
    form = evaluation_form(training=TrainingFactory(), is_anonymous=True)
    enrolment = EnrolmentFactory(training=form.training, employee=employee)
    respond(form, enrolment)

    data = _download(client, employee)

    [evaluation] = data["trainings"][0]["evaluations"]
    assert evaluation["anonymous"] is True
    assert evaluation["answers"] is None


def test_an_account_without_a_directory_entry_gets_its_account(client):
    user = UserFactory(username="tamu")
    client.force_login(user)

    data = json.loads(client.get(URL).content)

    assert data["account"]["username"] == "tamu"
    assert data["employee"] is None
    assert data["trainings"] == []


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")


def test_a_score_the_organiser_has_not_released_stays_out_of_the_download(client, training_day):
    sari = training_day["Sari Wulandari"]
    withdraw_results(assessment=sari["attempt"].assessment)
    client.force_login(sari["employee"].user)
    result_page = client.get(reverse("assessments:attempt_result", args=[sari["attempt"].pk]))
    assert "Nilai Anda akan tampil di sini" in result_page.content.decode()

    data = _download(client, sari["employee"])

    [attempt] = data["trainings"][0]["tests"]
    assert (attempt["score"], attempt["correct_answers"]) == (None, None)
    assert attempt["score_released"] is False
    assert len(attempt["answers"]) == 3


def test_a_released_score_is_in_the_download_as_on_the_result_page(client, training_day):
    sari = training_day["Sari Wulandari"]

    data = _download(client, sari["employee"])

    [attempt] = data["trainings"][0]["tests"]
    assert attempt["score"] == str(sari["attempt"].score)
    assert attempt["correct_answers"] == 2
    assert attempt["score_released"] is True
