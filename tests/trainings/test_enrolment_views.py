"""The organiser's enrolment pages: the list, enrolling, uploading, cancelling, name tags."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from trainings import badges
from trainings.models import Enrolment, Training
from participants.models import Unit
from tests.factories import (
    EmployeeFactory,
    EnrolmentFactory,
    TrainingFactory,
    UnitFactory,
    UserFactory,
    admin_user,
    organiser_user,
    participant_user,
)
from tests.participants.test_staff_files import csv_bytes
from tests.participants.test_views_activation import _decode_qr

pytestmark = pytest.mark.django_db

Status = Enrolment.Status


def url(name, training, *args):
    return reverse(f"trainings:{name}", args=[training.pk, *args])


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def names_in(html: str, section: str) -> list[str]:
    """Return the names in the first column after a section heading, as the page shows them."""
    part = html.split(f"<h2>{section}", 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr>\s*(?:<td><input[^>]*></td>\s*)?<td>[^<]*</td>\s*<td>([^<]+)", part)


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


# Who may see what -------------------------------------------------------------------------------


ORGANISER_PAGES = [
    ("get", "enrolment_list", False),
    ("get", "enrol_from_directory", False),
    ("post", "enrol_from_directory", False),
    ("get", "enrol_from_file", False),
    ("post", "enrol_from_file", False),
    ("get", "invitation_sheet", False),
    ("get", "whatsapp_list", False),
    ("get", "enrolment_cancel", True),
    ("post", "enrolment_cancel", True),
    ("post", "enrolment_resend_invitation", True),
]


@pytest.mark.parametrize(("method", "name", "per_enrolment"), ORGANISER_PAGES)
@pytest.mark.parametrize("make_user", [participant_user, admin_user], ids=["participant", "admin"])
def test_participants_and_staff_admins_are_refused(client, method, name, per_enrolment, make_user):
    enrolment = EnrolmentFactory()
    client.force_login(make_user())
    args = [enrolment.pk] if per_enrolment else []

    response = getattr(client, method)(url(name, enrolment.training, *args))

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ENROLLED


@pytest.mark.parametrize(("method", "name", "per_enrolment"), ORGANISER_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, method, name, per_enrolment):
    enrolment = EnrolmentFactory()
    args = [enrolment.pk] if per_enrolment else []

    response = getattr(client, method)(url(name, enrolment.training, *args))

    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")


def test_an_enrolment_of_another_training_is_not_found(client, organiser):
    enrolment = EnrolmentFactory()
    other = TrainingFactory()

    response = client.post(url("enrolment_cancel", other, enrolment.pk))

    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ENROLLED


# The list ---------------------------------------------------------------------------------------


def test_the_list_shows_enrolled_waiting_with_positions_and_cancelled(client, organiser):
    training = TrainingFactory(quota=2)
    for name in ["Citra", "Anna"]:
        EnrolmentFactory(training=training, employee=EmployeeFactory(name=name))
    for name in ["Zaki", "Budi"]:
        EnrolmentFactory(
            training=training, employee=EmployeeFactory(name=name), status=Status.WAITLISTED,
            enrolled_at=None,
        )
    EnrolmentFactory(
        training=training, employee=EmployeeFactory(name="Dewi"), status=Status.CANCELLED
    )

    response = client.get(url("enrolment_list", training))

    html = response.content.decode()
    assert response.status_code == 200
    assert names_in(html, "Terdaftar") == ["Anna", "Citra"]
    waiting = html.split("<h2>Daftar tunggu", 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<td>(\d+)</td>\s*<td>([^<]+)</td>", waiting) == [
        ("1", "Zaki"),
        ("2", "Budi"),
    ]
    assert "Dewi" in html.split("<h2>Dibatalkan", 1)[1]
    assert "terdaftar dari kuota 2" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_runs_the_same_number_of_queries_for_1_or_30_people(
    client, organiser, django_assert_num_queries, rows
):
    training = TrainingFactory(quota=100)
    unit = UnitFactory()
    for n in range(rows):
        EnrolmentFactory(training=training, employee=EmployeeFactory(unit=unit, user=UserFactory()))
        EnrolmentFactory(
            training=training, employee=EmployeeFactory(unit=unit), status=Status.WAITLISTED,
            enrolled_at=None,
        )

    # session, user, permissions (user, groups), the training, the enrolments with people,
    # units and accounts, the enrolled list with attendance, the sessions counted, the units of
    # the filter, the first session (for the WhatsApp invitations), the menu's roles, the menu's
    # own directory entry.
    with django_assert_num_queries(11):
        response = client.get(url("enrolment_list", training))

    assert len(response.context["groups"].enrolled) == rows


# Enrolling from the directory -------------------------------------------------------------------


def test_the_directory_page_filters_and_shows_who_is_already_in(client, organiser):
    training = TrainingFactory()
    puskesmas = UnitFactory(name="Puskesmas Jurangombo", kind=Unit.Kind.PUSKESMAS)
    EnrolmentFactory(training=training, employee=EmployeeFactory(name="Ani", unit=puskesmas))
    EmployeeFactory(name="Bayu", unit=puskesmas)
    EmployeeFactory(name="Candra", unit=UnitFactory(kind=Unit.Kind.KELURAHAN))

    response = client.get(url("enrol_from_directory", training), {"unit_kind": "puskesmas"})

    html = response.content.decode()
    assert [e.name for e in response.context["page"].object_list] == ["Ani", "Bayu"]
    assert "Candra" not in html
    ani, bayu = response.context["page"].object_list
    assert f'value="{bayu.pk}" form="enrol-form"' in html
    assert f'value="{ani.pk}" form="enrol-form"' not in html  # no box to tick twice
    assert '<span class="badge badge-ok">terdaftar</span>' in html


@pytest.mark.parametrize("rows", [1, 30])
def test_the_directory_page_runs_the_same_number_of_queries(
    client, organiser, django_assert_num_queries, rows
):
    training = TrainingFactory()
    unit = UnitFactory()
    for _n in range(rows):
        EnrolmentFactory(training=training, employee=EmployeeFactory(unit=unit))

    # session, user, permissions (user, groups), the training, the count, the page of people
    # with their enrolment here, the units for the filter, the menu's roles, the menu's entry.
    with django_assert_num_queries(9):
        response = client.get(url("enrol_from_directory", training), {"frontline": "ya"})

    assert len(response.context["page"].object_list) == rows


def test_enrol_the_ticked_people(client, organiser):
    training = TrainingFactory(quota=1)
    anna, budi = EmployeeFactory(name="Anna"), EmployeeFactory(name="Budi")
    page = url("enrol_from_directory", training) + "?frontline=ya"

    response = client.post(page, {"action": "ticked", "employees": [anna.pk, budi.pk]})

    assert response.status_code == 302
    assert response["Location"] == page
    assert dict(training.enrolments.values_list("employee__name", "status")) == {
        "Anna": Status.ENROLLED,
        "Budi": Status.WAITLISTED,
    }
    assert texts(response) == [
        "1 orang telah didaftarkan.",
        "Kuota sudah penuh: 1 orang dimasukkan ke daftar tunggu.",
    ]


def test_enrolling_nobody_ticked_says_so(client, organiser):
    training = TrainingFactory()

    response = client.post(url("enrol_from_directory", training), {"action": "ticked"})

    assert texts(response) == ["Centang sedikitnya satu orang untuk didaftarkan."]
    assert not Enrolment.objects.exists()


def test_enrol_everyone_matching_the_filter(client, organiser):
    training = TrainingFactory()
    kelurahan = UnitFactory(name="Kelurahan Cacaban")
    inside = [EmployeeFactory(unit=kelurahan) for _n in range(3)]
    EmployeeFactory(unit=UnitFactory(name="RSUD Tidar"))

    response = client.post(
        url("enrol_from_directory", training) + f"?unit={kelurahan.pk}", {"action": "all"}
    )

    assert response.status_code == 302
    assert set(training.enrolments.values_list("employee", flat=True)) == {e.pk for e in inside}
    assert texts(response) == ["3 orang telah didaftarkan."]


def test_everyone_in_the_whole_directory_cannot_be_enrolled_at_once(client, organiser):
    training = TrainingFactory()
    EmployeeFactory()

    response = client.post(url("enrol_from_directory", training), {"action": "all"})

    assert texts(response) == [
        "Pilih filter terlebih dahulu: seluruh isi direktori tidak dapat didaftarkan sekaligus."
    ]
    assert not Enrolment.objects.exists()


def test_a_filter_matching_too_many_people_is_refused(client, organiser, monkeypatch):
    monkeypatch.setattr("trainings.services.enrolment.MAX_ENROL_AT_ONCE", 2)
    training = TrainingFactory()
    EmployeeFactory.create_batch(3, is_frontline=True)

    response = client.post(
        url("enrol_from_directory", training) + "?frontline=ya", {"action": "all"}
    )

    assert texts(response) == [
        "Lebih dari 2 orang cocok dengan filter ini. Persempit filternya, misalnya per unit kerja, "
        "lalu daftarkan setiap kelompok."
    ]
    assert not Enrolment.objects.exists()


def test_enrolling_into_a_finished_training_shows_why_not(client, organiser):
    training = TrainingFactory(status=Training.Status.FINISHED, title="Pelayanan Prima")
    person = EmployeeFactory()

    response = client.post(
        url("enrol_from_directory", training), {"action": "ticked", "employees": [person.pk]}
    )

    assert len(texts(response)) == 1
    assert texts(response)[0].startswith("Pelayanan Prima berstatus ")
    assert not Enrolment.objects.exists()


def test_enrol_again_from_the_list_returns_to_the_list(client, organiser):
    enrolment = EnrolmentFactory(status=Status.CANCELLED)
    back = url("enrolment_list", enrolment.training)

    response = client.post(
        url("enrol_from_directory", enrolment.training),
        {"action": "ticked", "employees": [enrolment.employee_id], "next": back},
    )

    assert response["Location"] == back
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ENROLLED


# Uploading a list of NIPs -----------------------------------------------------------------------


def test_upload_a_list_of_nips(client, organiser):
    training = TrainingFactory()
    people = EmployeeFactory.create_batch(2)
    data = csv_bytes([["NIP"], *[[person.nip] for person in people]])

    response = client.post(
        url("enrol_from_file", training), {"file": SimpleUploadedFile("nip.csv", data)}
    )

    assert response.status_code == 302
    assert response["Location"] == url("enrolment_list", training)
    assert training.enrolments.count() == 2


def test_an_upload_with_bad_rows_lists_them_and_enrols_nobody(client, organiser):
    training = TrainingFactory()
    known = EmployeeFactory()
    data = csv_bytes([["NIP"], [known.nip], ["12345"]])

    response = client.post(
        url("enrol_from_file", training), {"file": SimpleUploadedFile("nip.csv", data)}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 baris perlu diperbaiki; tidak ada yang didaftarkan" in html
    assert re.findall(r"<tr><td>(\d+)</td><td[^>]*>([^<]*)</td><td>([^<]+)</td></tr>", html) == [
        ("3", "12345", "NIP 12345 terdiri dari 5 digit; NIP harus 18 digit.")
    ]
    assert not Enrolment.objects.exists()


def test_an_unreadable_upload_is_explained_on_the_field(client, organiser):
    training = TrainingFactory()

    response = client.post(
        url("enrol_from_file", training),
        {"file": SimpleUploadedFile("nip.csv", b"Nama\nBudi\n")},
    )

    assert response.context["form"].errors["file"][0].startswith(
        "Berkas ini tidak memiliki kolom NIP."
    )


# Cancelling -------------------------------------------------------------------------------------


def test_cancel_asks_first_then_promotes_the_first_waiting(client, organiser):
    training = TrainingFactory(quota=1)
    leaving = EnrolmentFactory(training=training, employee=EmployeeFactory(name="Anna"))
    waiting = EnrolmentFactory(
        training=training, employee=EmployeeFactory(name="Budi"), status=Status.WAITLISTED,
        enrolled_at=None,
    )
    page = url("enrolment_cancel", training, leaving.pk)

    question = client.get(page)
    response = client.post(page)

    assert "Batalkan pendaftaran <strong>Anna</strong>" in question.content.decode()
    leaving.refresh_from_db()
    assert leaving.status == Status.CANCELLED  # only after the POST
    assert response["Location"] == url("enrolment_list", training)
    assert texts(response) == [
        "Pendaftaran Anna telah dibatalkan.",
        "Budi naik dari daftar tunggu dan kini terdaftar.",
    ]
    waiting.refresh_from_db()
    assert waiting.status == Status.ENROLLED


def test_the_confirmation_page_changes_nothing(client, organiser):
    enrolment = EnrolmentFactory()

    client.get(url("enrolment_cancel", enrolment.training, enrolment.pk))

    enrolment.refresh_from_db()
    assert enrolment.status == Status.ENROLLED


# Invitations ------------------------------------------------------------------------------------


def test_resend_an_invitation(client, organiser, django_capture_on_commit_callbacks):
    enrolment = EnrolmentFactory(employee=EmployeeFactory(name="Sari", email="sari@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("enrolment_resend_invitation", enrolment.training, enrolment.pk)
        )

    assert texts(response) == ["Undangan untuk Sari sedang dikirim ke sari@example.org."]
    assert [message.to for message in mail.outbox] == [["sari@example.org"]]


def test_resending_without_an_address_says_so(client, organiser):
    enrolment = EnrolmentFactory(employee=EmployeeFactory(name="Sari", email=""))

    response = client.post(url("enrolment_resend_invitation", enrolment.training, enrolment.pk))

    assert texts(response) == ["Sari tidak memiliki alamat email di direktori pegawai."]


def test_the_name_tags_carry_each_persons_badge(client, organiser, settings):
    settings.SITE_URL = "https://bimtek.magelangkota.go.id"
    training = TrainingFactory(title="Bimtek Pelayanan Prima", venue="Aula BKPSDM")
    sari = EnrolmentFactory(
        training=training,
        employee=EmployeeFactory(
            gelar_depan="Ns.", name="Sari", gelar_belakang="S.Kep.", nip="198609262015052001"
        ),
    )
    EnrolmentFactory(training=training, status=Status.WAITLISTED, enrolled_at=None)

    response = client.get(url("invitation_sheet", training))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<article class="tag">') == 1  # the enrolled only
    assert "Ns. Sari, S.Kep." in html
    assert "NIP. 19860926 201505 2 001" in html
    assert "7 s.d. 8 Desember 2026 · Aula BKPSDM" in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert _decode_qr(svg) == badges.badge_url(sari)


def test_the_list_offers_activation_slips_for_people_without_email(client, organiser):
    training = TrainingFactory()
    no_email = EnrolmentFactory(training=training, employee=EmployeeFactory(email=""))
    EnrolmentFactory(training=training, employee=EmployeeFactory(email="x@example.org"))
    EnrolmentFactory(
        training=training, employee=EmployeeFactory(email="", user=UserFactory())
    )  # has a password already

    response = client.get(url("enrolment_list", training))

    html = response.content.decode()
    slip_form = html.split('action="/pegawai/kode-aktivasi/"', 1)[1].split("</form>", 1)[0]
    assert re.findall(r'name="employees" value="(\d+)"', slip_form) == [str(no_email.employee_id)]
