"""The certificate list's tools: search, filters, the XLSX export and emailing the ticked."""

import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from core.submissions import submission_token
from tests.factories import UnitFactory, organiser_user, participant_user

from .factories import CertificateSettingsFactory, attend, enrol, finished_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


@pytest.fixture
def training():
    """Anna and Budi attended everything and hold a certificate (Anna's PDF made, Budi's
    pending); Citra attended everything, not issued yet; Dedi attended nothing."""
    CertificateSettingsFactory()
    training = finished_training(participants=0)
    sessions = list(training.sessions.all())
    rsud, dinkes = UnitFactory(name="RSUD Tidar"), UnitFactory(name="Dinas Kesehatan")
    people = {
        "Anna Lestari": enrol(training, name="Anna Lestari", unit=rsud, email="anna@example.org",
                              nip="198609262015051001"),
        "Budi Santoso": enrol(training, name="Budi Santoso", unit=dinkes, email=""),
        "Citra Dewi": enrol(training, name="Citra Dewi", unit=rsud, email="citra@example.org"),
        "Dedi Kurnia": enrol(training, name="Dedi Kurnia", unit=dinkes),
    }
    for name in ("Anna Lestari", "Budi Santoso", "Citra Dewi"):
        for session in sessions:
            attend(people[name], session)
    services.issue_certificate(enrolment_id=people["Budi Santoso"].pk, by=None)
    anna, _created = services.issue_certificate(enrolment_id=people["Anna Lestari"].pk, by=None)
    services.certificate_with_pdf(certificate=anna)
    training.people = people
    return training


def page(client, training, **query):
    return client.get(reverse("certificates:training", args=[training.pk]), query)


def shown(response) -> list[str]:
    return [entry["row"].enrolment.employee.name for entry in response.context["entries"]]


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Anna Lestari", "Budi Santoso", "Citra Dewi", "Dedi Kurnia"]),
        ({"q": "citra"}, ["Citra Dewi"]),
        ({"q": "19860926 201505"}, ["Anna Lestari"]),
        ({"unit": "Dinas Kesehatan"}, ["Budi Santoso", "Dedi Kurnia"]),
        ({"state": "issued"}, ["Anna Lestari"]),
        ({"state": "pdf_pending"}, ["Budi Santoso"]),
        ({"state": "to_issue"}, ["Citra Dewi"]),
        ({"state": "not_eligible"}, ["Dedi Kurnia"]),
        ({"state": "revoked"}, []),
        ({"unit": "RSUD Tidar", "state": "to_issue"}, ["Citra Dewi"]),
    ],
)
def test_the_organiser_searches_and_filters_the_certificate_list(
    client, organiser, training, query, expected
):
    if "unit" in query:
        query["unit"] = UnitFactory(name=query["unit"]).pk

    response = page(client, training, **query)

    assert response.status_code == 200
    assert sorted(shown(response)) == expected


def test_a_filter_says_how_many_of_all_are_shown(client, organiser, training):
    response = page(client, training, state="to_issue")

    assert "1 dari 4 peserta ditampilkan" in response.text


@pytest.mark.parametrize("participants", [1, 30])
def test_the_filtered_list_and_its_export_run_a_fixed_number_of_queries(
    client, organiser, participants, django_assert_num_queries
):
    CertificateSettingsFactory()
    training = finished_training(participants=participants, sessions=2)
    services.issue_for_training(training=training, render=False)
    unit = training.enrolments.first().employee.unit
    client.get(reverse("certificates:training", args=[training.pk]))  # warm the caches

    # the page's 17 (tests/certificates/test_views.py), the search and the chosen unit checked
    with django_assert_num_queries(19):
        response = page(client, training, q="Pegawai", unit=unit.pk, state="pdf_pending")
    with django_assert_num_queries(12):
        export = client.get(
            reverse("certificates:training_xlsx", args=[training.pk]), {"q": "Pegawai"}
        )

    assert len(response.context["entries"]) == training.enrolments.filter(
        employee__unit=unit
    ).count()
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == participants + 1


def test_the_export_holds_the_filtered_rows(client, organiser, training):
    response = client.get(
        reverse("certificates:training_xlsx", args=[training.pk]), {"unit": UnitFactory(name="RSUD Tidar").pk}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    anna_number = Certificate.objects.get(enrolment=training.people["Anna Lestari"]).number
    assert response["Content-Disposition"] == (
        f'attachment; filename="daftar-sertifikat-{training.code}.xlsx"'
    )
    assert rows == [
        ["No.", "Nama", "NIP / NIK", "Unit kerja", "Sesi dihadiri", "Memenuhi syarat",
         "Nomor sertifikat", "Status"],
        ["1", "Anna Lestari", "19860926 201505 1 001", "RSUD Tidar", "3 / 3", "Ya", anna_number,
         "Terbit"],
        ["2", "Citra Dewi", training.people["Citra Dewi"].employee.identifier_display,
         "RSUD Tidar", "3 / 3", "Ya", None, "Memenuhi syarat, belum terbit"],
    ]


def test_emailing_the_ticked_sends_each_holder_one_email_even_when_submitted_twice(
    client, organiser, training, django_capture_on_commit_callbacks
):
    ticked = [training.people[name].pk for name in ("Anna Lestari", "Budi Santoso", "Citra Dewi")]
    data = {"enrolments": ticked, "submission": submission_token()}
    url = reverse("certificates:email_selected", args=[training.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    client.get(first["Location"])  # the progress page shows the summary
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, data)

    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    assert texts(first) == [
        "Tautan sertifikat sedang dikirim lewat email kepada 1 peserta.",
        "2 peserta yang dicentang tidak dikirimi email: belum punya sertifikat, tidak punya "
        "alamat email, atau sudah dikirimi.",
    ]
    assert texts(second) == ["Permintaan ini sudah dijalankan; tidak ada yang dikirim ulang."]


def test_emailing_nobody_ticked_says_what_to_do(client, organiser, training):
    response = client.post(
        reverse("certificates:email_selected", args=[training.pk]),
        {"submission": submission_token()},
    )

    assert texts(response) == ["Centang dulu minimal satu orang."]
    assert mail.outbox == []


def test_a_participant_may_neither_filter_export_nor_email(client, training):
    client.force_login(participant_user())

    listing = page(client, training, q="Anna")
    export = client.get(reverse("certificates:training_xlsx", args=[training.pk]))
    email = client.post(
        reverse("certificates:email_selected", args=[training.pk]),
        {"enrolments": [training.people["Anna Lestari"].pk], "submission": submission_token()},
    )

    assert (listing.status_code, export.status_code, email.status_code) == (403, 403, 403)
    assert mail.outbox == []
