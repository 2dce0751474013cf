"""Every upload refuses what it cannot safely read, says why in Indonesian, and writes nothing.

The staff import has its own tests (tests/participants/test_staff_files.py, test_views_import.py),
the certificate images theirs (tests/certificates/test_images.py), the verification page's PDF
check its own (tests/certificates/test_views.py). Here: the NIP list of the enrolment page and
the question file of the question bank, through their pages.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Question
from trainings.models import Enrolment
from tests.factories import EmployeeFactory, TrainingFactory, nip_for, organiser_user
from tests.participants.test_staff_files import csv_bytes

pytestmark = pytest.mark.django_db

NOT_XLSX = "Berkas ini bukan buku kerja Excel (.xlsx) yang valid"
ZIP_BOMB = "Buku kerja ini berisi data yang jauh lebih besar"
TOO_LARGE = "Berkas lebih besar dari 1 MB"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(2000)


def _zip_bomb() -> bytes:
    """A small .xlsx whose one sheet unpacks to 300 MB of zeros."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            for _ in range(300):
                entry.write(bytes(1024 * 1024))
    return output.getvalue()


@pytest.fixture
def organiser(client):
    client.force_login(organiser_user())


@pytest.fixture
def training():
    return TrainingFactory()


def _enrol_from(client, training, name, data):
    return client.post(
        reverse("trainings:enrol_from_file", args=[training.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def _import_questions(client, training, name, data):
    return client.post(
        reverse("assessments:question_import", args=[training.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


CASES = [
    pytest.param("daftar.xlsx", EXE, NOT_XLSX, id="exe-renamed-xlsx"),
    pytest.param("daftar.xlsx", None, ZIP_BOMB, id="zip-bomb"),
]


@pytest.mark.parametrize(("name", "data", "message"), CASES)
def test_the_nip_list_refuses_a_file_it_cannot_safely_read(
    client, organiser, training, name, data, message
):
    response = _enrol_from(client, training, name, data or _zip_bomb())

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(("name", "data", "message"), CASES)
def test_the_question_file_refuses_a_file_it_cannot_safely_read(
    client, organiser, training, name, data, message
):
    response = _import_questions(client, training, name, data or _zip_bomb())

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_the_nip_list_refuses_a_file_over_the_size_limit(client, organiser, training, settings):
    settings.BIMTEK_MAX_UPLOAD_BYTES = 1024 * 1024
    data = csv_bytes([["NIP"], *[[nip_for(n)] for n in range(1, 999)]] * 60)

    response = _enrol_from(client, training, "daftar.csv", data)

    assert TOO_LARGE in response.content.decode()
    assert not Enrolment.objects.exists()


def test_the_question_file_refuses_a_file_over_the_size_limit(
    client, organiser, training, settings
):
    settings.BIMTEK_MAX_UPLOAD_BYTES = 1024 * 1024
    data = b"Pertanyaan;A;B;Kunci\n" + b"Apa?;ya;tidak;A\n" * 80000

    response = _import_questions(client, training, "soal.csv", data)

    assert TOO_LARGE in response.content.decode()
    assert not Question.objects.exists()


def test_a_nip_list_of_200_columns_reads_only_the_nip_column(client, organiser, training):
    employee = EmployeeFactory(nip=nip_for(7))
    header = ["NIP", *[f"Kolom {n}" for n in range(199)]]
    row = [employee.nip, *['=HYPERLINK("http://evil","x")'] * 199]

    response = _enrol_from(client, training, "daftar.csv", csv_bytes([header, row]))

    assert response.status_code == 302
    assert list(Enrolment.objects.values_list("employee", flat=True)) == [employee.pk]


def test_a_question_file_of_200_columns_reads_only_the_question_columns(
    client, organiser, training
):
    header = ["Pertanyaan", "A", "B", "Kunci", *[f"Kolom {n}" for n in range(196)]]
    row = ["Apa itu SKM?", "Survei", "Sistem", "A", *["x" * 50] * 196]

    response = _import_questions(client, training, "soal.csv", csv_bytes([header, row]))

    assert response.status_code == 302
    assert list(Question.objects.values_list("text", flat=True)) == ["Apa itu SKM?"]
