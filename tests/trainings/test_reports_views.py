import io

import openpyxl
import pytest
from django.urls import reverse

from tests.trainings.test_reports_support import (
    STATUS,
    enrol,
    make_session,
    make_training,
    pdf_text,
    record,
)
from tests.factories import organiser_user, participant_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def training():
    training = make_training()
    first = make_session(training, topic="UU 25/2009")
    second = make_session(training, topic="Budaya 5S", start_time="13:00", end_time="14:30")
    ani = enrol(training, name="Ani Ma'rifah", nip="198609262015052001")
    budi = enrol(training, name="Budi", nip="198609262015051002")
    record(first, ani, STATUS.HADIR)
    record(first, budi, STATUS.SAKIT, note="Demam")
    record(second, ani, STATUS.HADIR)
    record(second, budi, STATUS.ALPA)
    return training


@pytest.fixture
def organiser(client):
    client.force_login(organiser_user())
    return client


def _urls(training):
    session = training.sessions.order_by("date", "start_time").first()
    return [
        reverse("trainings:attendance_recap", kwargs={"pk": training.pk}),
        reverse("trainings:attendance_recap_xlsx", kwargs={"pk": training.pk}),
        reverse("trainings:daftar_hadir_pdf", kwargs={"pk": session.pk}),
    ]


def test_recap_page_shows_chart_tables_and_absentees(organiser, training):
    response = organiser.get(reverse("trainings:attendance_recap", kwargs={"pk": training.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="attendance-chart"' in content
    assert '<title id="chart-title">Kehadiran per sesi, BIMTEK-PP-2022</title>' in content
    assert "Ani Ma&#x27;rifah" in content
    assert "19860926 201505 1 002" in content
    assert "Rekap kehadiran" in content
    assert "<strong>Sakit</strong> – Demam" in content
    assert "<strong>Alpa</strong>" in content
    for session in training.sessions.all():
        assert reverse("trainings:daftar_hadir_pdf", kwargs={"pk": session.pk}) in content


@pytest.mark.office(None)
def test_a_fresh_install_without_a_profile_gets_no_daftar_hadir_but_the_reason(
    organiser, training
):
    session = training.sessions.order_by("date", "start_time").first()

    response = organiser.get(
        reverse("trainings:daftar_hadir_pdf", kwargs={"pk": session.pk}), follow=True
    )

    assert response.redirect_chain == [
        (reverse("trainings:attendance_recap", kwargs={"pk": training.pk}), 302)
    ]
    [message] = [str(m) for m in response.context["messages"]]
    assert message == (
        "Profil kantor belum lengkap, jadi dokumen belum dapat diterbitkan. Yang belum diisi: "
        "pemerintah (kop surat), instansi, tempat penandatanganan, kepala instansi (nama "
        "dan gelar), jabatan kepala, NIP kepala, zona waktu. Admin kepegawaian mengisinya di "
        "Profil kantor."
    )


def test_recap_page_is_csp_clean(organiser, training):
    response = organiser.get(reverse("trainings:attendance_recap", kwargs={"pk": training.pk}))

    content = response.content.decode()
    assert "<script" not in content
    assert "<style" not in content
    assert " style=" not in content
    assert "Content-Security-Policy" in response.headers


def test_recap_xlsx_downloads_with_its_rows(organiser, training):
    response = organiser.get(reverse("trainings:attendance_recap_xlsx", kwargs={"pk": training.pk}))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Per peserta"].iter_rows(values_only=True))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="rekap-kehadiran-BIMTEK-PP-2022.xlsx"'
    )
    assert [row[1:3] + row[5:] for row in rows[1:]] == [
        ("Ani Ma'rifah", "198609262015052001", "H", "H", 2, 100.0, 8),
        ("Budi", "198609262015051002", "S", "A", 0, 0.0, 0),
    ]


def test_daftar_hadir_pdf_is_inline_with_a_good_filename(organiser, training):
    session = training.sessions.order_by("date", "start_time").first()

    response = organiser.get(reverse("trainings:daftar_hadir_pdf", kwargs={"pk": session.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="daftar-hadir-BIMTEK-PP-2022-sesi-1.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "DAFTAR HADIR PESERTA" in text
    assert "Ani Ma'rifah" in text


def test_second_session_pdf_is_numbered_two(organiser, training):
    session = training.sessions.order_by("date", "start_time").last()

    response = organiser.get(reverse("trainings:daftar_hadir_pdf", kwargs={"pk": session.pk}))

    assert 'filename="daftar-hadir-BIMTEK-PP-2022-sesi-2.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_participants_are_refused(client, training, which):
    client.force_login(participant_user())

    response = client.get(_urls(training)[which])

    assert response.status_code == 403


@pytest.mark.parametrize("which", [0, 1, 2])
def test_anonymous_visitors_are_sent_to_log_in(client, training, which):
    response = client.get(_urls(training)[which])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "pk"),
    [("trainings:attendance_recap", 999999), ("trainings:attendance_recap_xlsx", 999999),
     ("trainings:daftar_hadir_pdf", 999999)],
)  # fmt: skip
def test_unknown_training_or_session_is_404(organiser, name, pk):
    assert organiser.get(reverse(name, kwargs={"pk": pk})).status_code == 404


def _training_with(people: int):
    training = make_training(code=f"BIMTEK-Q-{people}")
    sessions = [
        make_session(training, topic="Pagi", start_time="08:00", end_time="09:30"),
        make_session(training, topic="Siang", start_time="13:00", end_time="14:30"),
    ]
    for number in range(people):
        enrolment = enrol(training, name=f"Peserta {number}")
        for session in sessions:
            record(session, enrolment, STATUS.HADIR if number % 3 else STATUS.IZIN)
    return training


@pytest.mark.parametrize("people", [1, 30])
def test_recap_page_queries_do_not_grow_with_participants(
    client, django_assert_num_queries, people
):
    training = _training_with(people)
    client.force_login(organiser_user())
    url = reverse("trainings:attendance_recap", kwargs={"pk": training.pk})

    with django_assert_num_queries(9):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("people", [1, 30])
def test_recap_xlsx_queries_do_not_grow_with_participants(
    client, django_assert_num_queries, people
):
    training = _training_with(people)
    client.force_login(organiser_user())
    url = reverse("trainings:attendance_recap_xlsx", kwargs={"pk": training.pk})

    with django_assert_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("people", [1, 30])
def test_daftar_hadir_queries_do_not_grow_with_participants(
    client, django_assert_num_queries, people
):
    training = _training_with(people)
    client.force_login(organiser_user())
    session = training.sessions.first()
    url = reverse("trainings:daftar_hadir_pdf", kwargs={"pk": session.pk})

    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.status_code == 200
