"""The enrolled list's tools: search, filters, the XLSX export and the bulk actions on the ticked."""

import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from core.submissions import submission_token
from participants.models import ActivationCode
from tests.factories import (
    AttendanceFactory,
    EmployeeFactory,
    EnrolmentFactory,
    NonAsnEmployeeFactory,
    SessionFactory,
    TrainingFactory,
    UnitFactory,
    UserFactory,
    organiser_user,
    participant_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


@pytest.fixture
def training():
    """A training of three: Anna (active account, attended), Budi (no email, slip needed), Citra."""
    training = TrainingFactory(quota=100)
    session = SessionFactory(training=training)
    rsud, dinkes = UnitFactory(name="RSUD Tidar"), UnitFactory(name="Dinas Kesehatan")
    anna = EnrolmentFactory(
        training=training,
        employee=EmployeeFactory(name="Anna Lestari", unit=rsud, email="anna@example.org",
                                 nip="198609262015051001", user=UserFactory()),
    )
    EnrolmentFactory(
        training=training,
        employee=EmployeeFactory(name="Budi Santoso", unit=dinkes, email="",
                                 nip="198701012010011002"),
    )
    EnrolmentFactory(
        training=training,
        employee=EmployeeFactory(name="Citra Dewi", unit=rsud, email="citra@example.org",
                                 nip="199001012015052003", user=UserFactory(password=None)),
    )
    AttendanceFactory(session=session, enrolment=anna)
    return training


def list_url(training, **query):
    url = reverse("trainings:enrolment_list", args=[training.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def enrolled_names(response) -> list[str]:
    return [e.employee.name for e in response.context["enrolled"]]


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Anna Lestari", "Budi Santoso", "Citra Dewi"]),
        ({"q": "budi"}, ["Budi Santoso"]),
        ({"q": "19860926+201505"}, ["Anna Lestari"]),
        ({"q": "dewi+citra"}, ["Citra Dewi"]),
        ({"unit": "RSUD"}, ["Anna Lestari", "Citra Dewi"]),
        ({"account": "active"}, ["Anna Lestari"]),
        ({"account": "not_activated"}, ["Citra Dewi"]),
        ({"account": "none"}, ["Budi Santoso"]),
        ({"attendance": "some"}, ["Anna Lestari"]),
        ({"attendance": "none"}, ["Budi Santoso", "Citra Dewi"]),
        ({"unit": "RSUD", "attendance": "none"}, ["Citra Dewi"]),
    ],
)
def test_the_organiser_searches_and_filters_the_enrolled(client, organiser, training, query, expected):
    if query.get("unit") == "RSUD":
        query["unit"] = training.enrolments.get(employee__name="Anna Lestari").employee.unit_id

    response = client.get(list_url(training, **query))

    assert response.status_code == 200
    assert enrolled_names(response) == expected


def test_a_search_without_match_says_so(client, organiser, training):
    response = client.get(list_url(training, q="Zainal"))

    assert "Tidak ada peserta terdaftar yang cocok dengan pencarian." in response.content.decode()
    assert "0 peserta terdaftar ditemukan" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_the_filtered_list_and_its_export_run_a_fixed_number_of_queries(
    client, organiser, django_assert_num_queries, rows
):
    training = TrainingFactory(quota=100)
    sessions = [SessionFactory(training=training) for _ in range(2)]
    unit = UnitFactory(name="Kelurahan Cacaban")
    for _ in range(rows):
        enrolment = EnrolmentFactory(
            training=training, employee=EmployeeFactory(unit=unit, user=UserFactory())
        )
        AttendanceFactory(session=sessions[0], enrolment=enrolment)
    client.get(list_url(training))  # warm the session and the office profile's cache

    # the unfiltered list's eleven (see test_enrolment_views) and the chosen unit checked.
    with django_assert_num_queries(12):
        page = client.get(list_url(training, q="Pegawai", unit=unit.pk, attendance="some"))
    # session, user, permissions (user, groups), the training, the list, the sessions counted.
    with django_assert_num_queries(7):
        export = client.get(reverse("trainings:enrolment_export", args=[training.pk]))

    assert len(page.context["enrolled"]) == rows
    assert openpyxl.load_workbook(io.BytesIO(export.content)).active.max_row == rows + 1


def test_the_export_holds_the_filtered_rows_with_nip_as_text(client, organiser, training):
    response = client.get(
        reverse("trainings:enrolment_export", args=[training.pk]) + "?account=active"
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert response["Content-Disposition"] == f'attachment; filename="peserta-{training.code}.xlsx"'
    assert rows == [
        ["No.", "Nama", "NIP / NIK", "Jabatan", "Unit kerja", "Email", "Akun", "Sesi dihadiri"],
        ["1", "Anna Lestari", "19860926 201505 1 001", "Pengadministrasi Umum", "RSUD Tidar",
         "anna@example.org", "aktif", "1 / 1"],
    ]


def test_the_export_masks_a_nik(client, organiser):
    training = TrainingFactory()
    EnrolmentFactory(training=training, employee=NonAsnEmployeeFactory(nik="3371012609860001"))

    response = client.get(reverse("trainings:enrolment_export", args=[training.pk]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["C2"].value == "3371**********01"


def test_a_participant_may_neither_list_nor_export_nor_act(client, training):
    client.force_login(participant_user())
    anna = training.enrolments.get(employee__name="Anna Lestari")

    listing = client.get(list_url(training))
    export = client.get(reverse("trainings:enrolment_export", args=[training.pk]))
    invite = client.post(
        reverse("trainings:enrolment_bulk_invite", args=[training.pk]),
        {"employees": [anna.employee_id], "submission": submission_token()},
    )

    assert (listing.status_code, export.status_code, invite.status_code) == (403, 403, 403)


# Bulk actions -----------------------------------------------------------------------------------


def bulk(client, name, training, names, token, **extra):
    ids = list(
        training.enrolments.filter(employee__name__in=names).values_list("employee_id", flat=True)
    )
    return client.post(
        reverse(name, args=[training.pk]),
        {"employees": ids, "submission": token, "next": list_url(training), **extra},
    )


def test_resending_invitations_to_the_ticked_emails_each_once_even_when_submitted_twice(
    client, organiser, training, django_capture_on_commit_callbacks
):
    token = submission_token()
    ticked = ["Anna Lestari", "Budi Santoso", "Citra Dewi"]

    with django_capture_on_commit_callbacks(execute=True):
        first = bulk(client, "trainings:enrolment_bulk_invite", training, ticked, token)
    client.get(first["Location"])  # the list shows the summary
    with django_capture_on_commit_callbacks(execute=True):
        second = bulk(client, "trainings:enrolment_bulk_invite", training, ticked, token)

    assert first.status_code == 302 and first["Location"] == list_url(training)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.org", "citra@example.org"
    ]
    assert texts(first) == [
        "Undangan sedang dikirim ulang kepada 2 peserta.",
        "1 peserta tidak punya alamat email dan tidak dikirimi apa pun: Budi Santoso. "
        "Cetak slip aktivasi atau tanda nama sebagai gantinya.",
    ]
    assert texts(second) == ["Permintaan ini sudah dijalankan; tidak ada yang dikirim ulang."]


def test_a_bulk_action_with_nobody_ticked_says_what_to_do(client, organiser, training):
    response = client.post(
        reverse("trainings:enrolment_bulk_invite", args=[training.pk]),
        {"submission": submission_token()},
    )

    assert texts(response) == ["Centang dulu minimal satu orang."]
    assert mail.outbox == []


def test_people_of_another_training_are_not_invited(client, organiser, training):
    stranger = EnrolmentFactory(employee=EmployeeFactory(email="x@example.org"))

    response = client.post(
        reverse("trainings:enrolment_bulk_invite", args=[training.pk]),
        {"employees": [stranger.employee_id], "submission": submission_token()},
    )

    assert texts(response) == ["Tidak satu pun orang yang dicentang terdaftar di pelatihan ini."]
    assert mail.outbox == []


def test_name_tags_print_for_the_ticked_only(client, organiser, training):
    response = bulk(
        client, "trainings:invitation_sheet", training, ["Citra Dewi", "Anna Lestari"],
        submission_token(),
    )

    names = [tag["enrolment"].employee.name for tag in response.context["tags"]]
    assert names == ["Anna Lestari", "Citra Dewi"]


def test_activation_slips_from_the_list_are_issued_once_per_submitted_form(
    client, organiser, training
):
    token = submission_token()
    url = "participants:activation_slips"
    budi = training.enrolments.get(employee__name="Budi Santoso").employee_id

    first = client.post(reverse(url), {"employees": [budi], "submission": token, "next": list_url(training)})
    second = client.post(reverse(url), {"employees": [budi], "submission": token, "next": list_url(training)})

    assert first.status_code == 200
    assert ActivationCode.objects.count() == 1
    assert second.status_code == 302
    assert texts(second) == [
        "Slip ini sudah dicetak dari halaman ini; muat ulang halaman untuk mencetak slip baru."
    ]


def test_the_page_offers_the_bulk_actions_with_a_token_and_a_box_per_person(
    client, organiser, training
):
    html = client.get(list_url(training)).content.decode()

    assert re.search(r'name="submission" value="[0-9a-f]{32}"', html)
    assert len(re.findall(r'type="checkbox" name="employees"', html)) == 3
    assert "Kirim ulang undangan" in html
    assert "Cetak tanda nama" in html
