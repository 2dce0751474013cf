"""The organiser's training pages: who may open them, what they show, what they save."""

import datetime
import html as html_lib
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from trainings.models import Enrolment, Session, Speaker, Training
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    SpeakerFactory,
    TrainingFactory,
    EmployeeFactory,
    UnitFactory,
    UserFactory,
    admin_user,
    organiser_user,
    participant_user,
)

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.time
Status = Training.Status
LIST_URL = reverse("trainings:training_list")


def _text(response) -> str:
    """Return the page's text with tags dropped and white space squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _pages(training, session, speaker):
    return [
        ("get", LIST_URL),
        ("get", reverse("trainings:training_create")),
        ("post", reverse("trainings:training_create")),
        ("get", reverse("trainings:training_detail", args=[training.pk])),
        ("get", reverse("trainings:training_edit", args=[training.pk])),
        ("post", reverse("trainings:training_status", args=[training.pk])),
        ("get", reverse("trainings:training_copy", args=[training.pk])),
        ("get", reverse("trainings:training_schedule", args=[training.pk])),
        ("get", reverse("trainings:session_create", args=[training.pk])),
        ("get", reverse("trainings:session_edit", args=[session.pk])),
        ("get", reverse("trainings:session_delete", args=[session.pk])),
        ("post", reverse("trainings:session_delete", args=[session.pk])),
        ("get", reverse("trainings:speaker_edit", args=[speaker.pk])),
    ]


@pytest.fixture
def training():
    return TrainingFactory(
        code="BIMTEK-PP-2022", title="Bimtek Pelayanan Prima", status=Status.DRAFT,
        start_date=D(2022, 9, 14), end_date=D(2022, 9, 16), venue="Aula BKPSDM",
    )


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


# Who may open which page ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, training):
    session = SessionFactory(training=training)
    speaker = SpeakerFactory()

    for method, url in _pages(training, session, speaker):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login") + "?next="), url


@pytest.mark.parametrize(
    "make_user",
    [participant_user, UserFactory, admin_user],
    ids=["participant", "no-role", "admin"],
)
def test_users_who_are_not_organisers_get_403_everywhere(client, training, make_user):
    session = SessionFactory(training=training)
    speaker = SpeakerFactory()
    client.force_login(make_user())

    for method, url in _pages(training, session, speaker):
        response = getattr(client, method)(url)

        assert response.status_code == 403, url
    assert Session.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize(
    ("url_name", "kind"),
    [
        ("training_create", None),
        ("training_edit", "training"),
        ("training_copy", "training"),
        ("session_create", "training"),
        ("session_edit", "session"),
        ("session_delete", "session"),
    ],
)
def test_viewing_trainings_is_not_enough_to_change_them(client, training, url_name, kind):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_training"))
    client.force_login(user)
    session = SessionFactory(training=training)
    args = {None: [], "training": [training.pk], "session": [session.pk]}[kind]

    response = client.get(reverse(f"trainings:{url_name}", args=args))

    assert response.status_code == 403


def test_a_missing_training_is_404(client, organiser):
    response = client.get(reverse("trainings:training_detail", args=[999999]))

    assert response.status_code == 404


# The list ---------------------------------------------------------------------------------------


def test_the_list_groups_trainings_with_their_counts(client, organiser):
    today = timezone.localdate()
    running = TrainingFactory(
        code="BIMTEK-PP-2022", title="Bimtek Pelayanan Prima", status=Status.RUNNING,
        start_date=today, end_date=today + datetime.timedelta(days=2), quota=55,
    )
    SessionFactory(training=running, jp=2)
    SessionFactory(training=running, jp=3, start_time=T(10, 0), end_time=T(12, 15))
    EnrolmentFactory.create_batch(3, training=running)
    upcoming = TrainingFactory(
        title="Bimtek SKM", status=Status.OPEN, start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=30),
    )
    past = TrainingFactory(
        title="Bimtek Arsip Digital", status=Status.FINISHED,
        start_date=today - datetime.timedelta(days=30),
        end_date=today - datetime.timedelta(days=29),
    )
    TrainingFactory(title="Bimtek Lama", status=Status.ARCHIVED)

    response = client.get(LIST_URL)

    text = _text(response)
    assert response.status_code == 200
    assert [t.pk for _key, _label, ts in response.context["groups"] for t in ts] == [
        running.pk, upcoming.pk, past.pk,
    ]
    assert "Berlangsung sekarang (1)" in text
    assert "Akan datang (1)" in text
    assert "Sudah lewat (1)" in text
    assert "Bimtek Pelayanan Prima BIMTEK-PP-2022 · angkatan 1" in text
    assert "3 / 55 2 5" in text  # enrolled / quota, sessions, JP
    assert "Bimtek Lama" not in text


def test_the_list_shows_archived_trainings_on_request(client, organiser):
    TrainingFactory(title="Bimtek Lama", status=Status.ARCHIVED)

    response = client.get(LIST_URL, {"arsip": "1"})

    assert "Bimtek Lama" in _text(response)
    assert "Diarsipkan" in _text(response)


def test_the_list_says_when_there_are_no_trainings(client, organiser):
    response = client.get(LIST_URL)

    assert "Belum ada pelatihan." in _text(response)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_runs_the_same_number_of_queries_for_1_or_30_trainings(
    client, django_assert_num_queries, rows
):
    unit = UnitFactory(name="BKPSDM")
    for n in range(rows):
        status = [Status.OPEN, Status.RUNNING, Status.FINISHED][n % 3]
        training = TrainingFactory(organiser_unit=unit, status=status)
        SessionFactory(training=training)
        EnrolmentFactory(training=training)
    client.force_login(organiser_user())

    # session, user, the user's and their groups' permissions, the trainings with their counts,
    # roles for the menu, the person's own entry for the menu.
    with django_assert_num_queries(6):
        response = client.get(LIST_URL)

    assert sum(len(ts) for _key, _label, ts in response.context["groups"]) == rows


# The dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_shows_details_schedule_and_enrolment(client, organiser, training):
    speaker = SpeakerFactory(
        gelar_depan="Dr.", name="Budi Santoso", gelar_belakang="S.Sos., M.Si.",
        position="Kepala BKPSDM", institution="Pemerintah Kota Magelang",
    )
    session = SessionFactory(
        training=training, topic="Pelayanan Prima", date=D(2022, 9, 14), start_time=T(8, 0),
        end_time=T(9, 30), jp=2, room="Aula",
    )
    session.speakers.add(speaker)
    SessionFactory(
        training=training, topic="Budaya Kerja BerAKHLAK", date=D(2022, 9, 15),
        start_time=T(13, 0), end_time=T(15, 15), jp=3, room="Ruang Rapat 1",
    )
    EnrolmentFactory.create_batch(2, training=training)
    EnrolmentFactory(training=training, status=Enrolment.Status.WAITLISTED, enrolled_at=None)

    response = client.get(reverse("trainings:training_detail", args=[training.pk]))

    text = _text(response)
    assert response.status_code == 200
    assert "BIMTEK-PP-2022 · angkatan 1 · Draf" in text
    assert "Tanggal 14 s.d. 16 September 2022" in text
    assert "Tempat Aula BKPSDM" in text
    assert "Jumlah JP 5 JP" in text
    assert "2 / 55 2 peserta terdaftar · 1 dalam daftar tunggu" in text
    assert (
        "Rabu, 14 September 2022 08.00 – 09.30 WIB Pelayanan Prima "
        "Dr. Budi Santoso, S.Sos., M.Si. Kepala BKPSDM, Pemerintah Kota Magelang Aula 2"
    ) in text
    assert (
        "Kamis, 15 September 2022 13.00 – 15.15 WIB Budaya Kerja BerAKHLAK — Ruang Rapat 1 3"
    ) in text
    assert "Tidak ada sesi hari ini." in text


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (Status.DRAFT, ["Buka pendaftaran"]),
        (Status.OPEN, ["Mulai pelatihan", "Kembalikan ke draf"]),
        (Status.RUNNING, ["Selesaikan pelatihan"]),
        (Status.FINISHED, ["Arsipkan", "Buka kembali"]),
        (Status.ARCHIVED, []),
    ],
)
def test_the_dashboard_offers_the_next_steps(client, organiser, status, buttons):
    training = TrainingFactory(status=status)

    response = client.get(reverse("trainings:training_detail", args=[training.pk]))

    assert [label for _to, label, _main in response.context["status_actions"]] == buttons


def test_an_open_training_with_enrolments_offers_no_way_back_to_draft(client, organiser):
    training = TrainingFactory(status=Status.OPEN)
    EnrolmentFactory(training=training)

    response = client.get(reverse("trainings:training_detail", args=[training.pk]))

    assert [to for to, _label, _main in response.context["status_actions"]] == [Status.RUNNING]


def test_the_today_panel_counts_attendance_by_status(client, organiser):
    today = timezone.localdate()
    training = TrainingFactory(start_date=today, end_date=today, status=Status.RUNNING)
    session = SessionFactory(
        training=training, topic="Pelayanan Prima", start_time=T(8, 0), end_time=T(11, 30)
    )
    SessionFactory(
        training=training, date=today, topic="Penutupan", start_time=T(13, 0), end_time=T(14, 0),
    )
    enrolments = EnrolmentFactory.create_batch(5, training=training)
    statuses = ["hadir", "hadir", "terlambat", "sakit"]  # the fifth person has no record yet
    for enrolment, status in zip(enrolments, statuses, strict=False):
        AttendanceFactory(session=session, enrolment=enrolment, status=status)

    response = client.get(reverse("trainings:training_detail", args=[training.pk]))

    text = _text(response)
    assert (
        "08.00 – 11.30 WIB · Pelayanan Prima 2 Hadir 1 Terlambat 0 Izin 1 Sakit 0 Dinas Luar "
        "0 Alpa 1 Belum tercatat"
    ) in text
    assert "13.00 – 14.00 WIB · Penutupan 0 Hadir" in text


@pytest.mark.parametrize("rows", [1, 30])
def test_the_dashboard_runs_the_same_number_of_queries_for_1_or_30_rows(
    client, django_assert_num_queries, rows
):
    today = timezone.localdate()
    training = TrainingFactory(start_date=today, end_date=today + datetime.timedelta(days=30))
    speaker = SpeakerFactory()
    for n in range(rows):
        session = SessionFactory(training=training, date=today + datetime.timedelta(days=n))
        session.speakers.add(speaker, SpeakerFactory())
        enrolment = EnrolmentFactory(training=training)
        AttendanceFactory(session=session, enrolment=enrolment)
    client.force_login(organiser_user())

    # session, user, permissions (user, groups), the training with its counts, its panitia, the
    # sessions, their speakers, today's attendance counts, roles and own entry for the menu.
    with django_assert_num_queries(10):
        response = client.get(reverse("trainings:training_detail", args=[training.pk]))

    assert sum(len(day.sessions) for day in response.context["days"]) == rows


def test_the_dashboard_links_every_area_of_the_training(client, organiser, training):
    session = SessionFactory(training=training, date=timezone.localdate())
    training.start_date = training.end_date = timezone.localdate()
    training.save()

    response = client.get(reverse("trainings:training_detail", args=[training.pk]))

    assert [label for _url, label in response.context["area_links"]] == [
        "Peserta dan pendaftaran",
        "Tabel kehadiran",
        "Presensi di layar proyektor",
        "Rekap kehadiran",
        "Pre-test dan post-test",
        "Formulir evaluasi",
        "Sertifikat",
    ]
    assert f'href="/pelatihan/sesi/{session.pk}/daftar-hadir.pdf"' in response.content.decode()


def test_the_dashboard_links_only_the_areas_the_user_may_open(client, training):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_training"))
    client.force_login(user)

    response = client.get(reverse("trainings:training_detail", args=[training.pk]))

    assert response.context["area_links"] == []


# Status -----------------------------------------------------------------------------------------


def test_a_status_button_moves_the_training(client, organiser, training):
    response = client.post(
        reverse("trainings:training_status", args=[training.pk]), {"to": Status.OPEN}, follow=True
    )

    training.refresh_from_db()
    assert training.status == Status.OPEN
    assert "Status pelatihan sekarang: Pendaftaran dibuka." in _text(response)


def test_a_status_move_that_is_not_allowed_shows_why(client, organiser, training):
    response = client.post(
        reverse("trainings:training_status", args=[training.pk]), {"to": Status.ARCHIVED}, follow=True
    )

    training.refresh_from_db()
    assert training.status == Status.DRAFT
    assert 'Pelatihan tidak dapat berpindah dari "Draf" ke "Diarsipkan".' in _text(response)


def test_the_status_page_takes_only_post(client, organiser, training):
    response = client.get(reverse("trainings:training_status", args=[training.pk]))

    assert response.status_code == 405


# Training forms ---------------------------------------------------------------------------------


def _training_post(**overrides):
    data = {
        "code": "bimtek-pp-2022",
        "title": "Bimtek Pelayanan Prima",
        "description": "",
        "organiser_unit": UnitFactory(name="BKPSDM").pk,
        "venue": "Aula BKPSDM",
        "batch": "1",
        "start_date": "2022-09-14",
        "end_date": "2022-09-16",
        "quota": "55",
        "contact_name": "",
        "contact_phone": "",
        "min_attendance_percent": "100",
        "attended_statuses": ["hadir", "terlambat", "dinas_luar"],
    }
    data.update(overrides)
    return data


def test_the_create_form_shows_the_defaults(client, organiser):
    response = client.get(reverse("trainings:training_create"))

    form = response.context["form"]
    assert response.status_code == 200
    assert (form["quota"].value(), form["batch"].value()) == (55, 1)
    assert "Kuota" in _text(response)


def test_a_new_training_is_preset_to_the_organisers_own_office(client, organiser):
    bkpsdm = UnitFactory(name="BKPSDM")
    UnitFactory(name="Dinas Kesehatan")
    EmployeeFactory(user=organiser, unit=bkpsdm)

    response = client.get(reverse("trainings:training_create"))

    assert response.context["form"]["organiser_unit"].value() == bkpsdm.pk
    assert re.search(rf'<option value="{bkpsdm.pk}" selected>BKPSDM</option>', response.text)


def test_an_organiser_outside_the_directory_chooses_the_office(client, organiser):
    response = client.get(reverse("trainings:training_create"))

    assert response.context["form"]["organiser_unit"].value() is None


def test_creating_a_training_goes_to_its_dashboard(client, organiser):
    response = client.post(reverse("trainings:training_create"), _training_post())

    training = Training.objects.get()
    assert response.status_code == 302
    assert response["Location"] == training.get_absolute_url()
    assert (training.code, training.status, training.created_by) == (
        "BIMTEK-PP-2022", Status.DRAFT, organiser,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"end_date": "2022-09-13"},
            "end_date",
            "Tanggal selesai harus sama dengan atau setelah tanggal mulai.",
        ),
        ({"code": "BIMTEK-LAMA"}, "code", "Pelatihan lain sudah memakai kode BIMTEK-LAMA."),
        ({"quota": "0"}, "quota", "Pastikan nilai ini lebih besar dari atau sama dengan 1."),
    ],
    ids=["ends-before-start", "code-taken", "quota-zero"],
)
def test_the_training_form_explains_what_is_wrong(client, organiser, overrides, field, message):
    TrainingFactory(code="BIMTEK-LAMA")

    response = client.post(reverse("trainings:training_create"), _training_post(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in _text(response)


def test_editing_a_training_saves_the_changes(client, organiser, training):
    response = client.get(reverse("trainings:training_edit", args=[training.pk]))
    assert response.context["form"]["code"].value() == "BIMTEK-PP-2022"

    response = client.post(
        reverse("trainings:training_edit", args=[training.pk]),
        _training_post(code="BIMTEK-PP-2022", title="Bimtek Pelayanan Prima 2022", quota="60"),
    )

    training.refresh_from_db()
    assert response.status_code == 302
    assert (training.title, training.quota) == ("Bimtek Pelayanan Prima 2022", 60)


def test_a_higher_quota_says_who_moved_from_the_waiting_list(client, organiser, training):
    training.quota = 1
    training.save()
    EnrolmentFactory(training=training)
    EnrolmentFactory.create_batch(
        3, training=training, status=Enrolment.Status.WAITLISTED, enrolled_at=None
    )

    response = client.post(
        reverse("trainings:training_edit", args=[training.pk]),
        _training_post(code="BIMTEK-PP-2022", quota="3"),
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Perubahan telah disimpan.",
        "2 orang dipindahkan dari daftar tunggu ke tempat yang baru dan diundang.",
    ]
    assert training.enrolments.filter(status=Enrolment.Status.WAITLISTED).count() == 1


def test_editing_dates_that_would_strand_a_session_is_refused(client, organiser, training):
    SessionFactory(training=training, topic="Penutupan", date=D(2022, 9, 16))

    response = client.post(
        reverse("trainings:training_edit", args=[training.pk]),
        _training_post(code="BIMTEK-PP-2022", end_date="2022-09-15"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [
        'Sesi "Penutupan" pada Jumat, 16 September 2022 akan berada di luar tanggal pelatihan. '
        "Pindahkan atau hapus sesi itu dahulu."
    ]


# Copy as a new batch ----------------------------------------------------------------------------


def test_the_copy_form_suggests_the_next_code(client, organiser, training):
    response = client.get(reverse("trainings:training_copy", args=[training.pk]))

    assert response.context["form"]["code"].value() == "BIMTEK-PP-2022-A2"


def test_copying_a_batch_goes_to_the_new_draft(client, organiser, training):
    SessionFactory(training=training, date=D(2022, 9, 15), topic="Pelayanan Prima")

    response = client.post(
        reverse("trainings:training_copy", args=[training.pk]),
        {"start_date": "2022-10-12", "code": "BIMTEK-PP-2022-A2"},
        follow=True,
    )

    copy = Training.objects.get(code="BIMTEK-PP-2022-A2")
    assert response.redirect_chain[-1][0] == copy.get_absolute_url()
    assert [(s.topic, s.date) for s in copy.sessions.all()] == [
        ("Pelayanan Prima", D(2022, 10, 13))
    ]
    assert (
        "Angkatan 2 dibuat sebagai BIMTEK-PP-2022-A2, sebuah draf lengkap dengan sesinya."
        in _text(response)
    )


def test_copying_onto_a_taken_room_names_the_clash(client, organiser, training):
    SessionFactory(training=training, date=D(2022, 9, 14), room="Aula")
    other = TrainingFactory(
        code="BIMTEK-SKM-2022", start_date=D(2022, 10, 12), end_date=D(2022, 10, 12)
    )
    SessionFactory(
        training=other, topic="Survei Kepuasan Masyarakat", date=D(2022, 10, 12), room="Aula"
    )

    response = client.post(
        reverse("trainings:training_copy", args=[training.pk]),
        {"start_date": "2022-10-12", "code": "BIMTEK-PP-2022-A2"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        'Aula sudah dipakai sesi "Survei Kepuasan Masyarakat" (BIMTEK-SKM-2022) pada '
        "Rabu, 12 Oktober 2022 pukul 08.00 – 09.30 WIB."
    ]


# Printable schedule -----------------------------------------------------------------------------


def test_the_printable_schedule_has_a_header_and_a_table_per_day(client, organiser, training):
    speaker = SpeakerFactory(
        name="Budi Santoso", gelar_belakang="S.Sos., M.Si.", position="", institution=""
    )
    first = SessionFactory(training=training, topic="Pelayanan Prima", date=D(2022, 9, 14), jp=2)
    first.speakers.add(speaker)
    SessionFactory(
        training=training, topic="Penutupan", date=D(2022, 9, 16), start_time=T(13, 0),
        end_time=T(13, 45), jp=1, room="",
    )

    response = client.get(reverse("trainings:training_schedule", args=[training.pk]))

    text = _text(response)
    assert response.status_code == 200
    assert "JADWAL Bimtek Pelayanan Prima 14 s.d. 16 September 2022 · Aula BKPSDM" in text
    assert (
        "Rabu, 14 September 2022 Waktu Materi Narasumber Ruang JP "
        "08.00 – 09.30 WIB Pelayanan Prima Budi Santoso, S.Sos., M.Si. Aula 2"
    ) in text
    assert (
        "Jumat, 16 September 2022 Waktu Materi Narasumber Ruang JP "
        "13.00 – 13.45 WIB Penutupan — — 1"
    ) in text
    assert "Jumlah: 3 JP" in text


# Sessions ---------------------------------------------------------------------------------------


def _session_post(**overrides):
    data = {
        "topic": "Pelayanan Prima",
        "date": "2022-09-14",
        "start_time": "08:00",
        "end_time": "09:30",
        "jp": "",
        "room": "Aula",
        "checkin_opens_before": "30",
        "checkin_closes_after": "30",
        "late_after": "15",
    }
    data.update(overrides)
    return data


def test_the_session_form_starts_on_the_first_day_with_the_usual_window(
    client, organiser, training
):
    response = client.get(reverse("trainings:session_create", args=[training.pk]))

    form = response.context["form"]
    assert form["date"].value() == D(2022, 9, 14)
    assert (form["checkin_opens_before"].value(), form["checkin_closes_after"].value(),
            form["late_after"].value()) == (30, 30, 15)
    assert 'min="2022-09-14"' in response.content.decode()


def test_adding_a_session_with_a_chosen_and_a_new_speaker(client, organiser, training):
    known = SpeakerFactory(name="Sri Wahyuni")

    response = client.post(
        reverse("trainings:session_create", args=[training.pk]),
        _session_post(
            speakers=[known.pk],
            new_speaker_gelar_depan="Dr.",
            new_speaker_name="Budi Santoso",
            new_speaker_gelar_belakang="S.Sos., M.Si.",
            new_speaker_position="Widyaiswara Ahli Madya",
            new_speaker_institution="BPSDM Provinsi Jawa Tengah",
        ),
        follow=True,
    )

    session = Session.objects.get()
    assert response.redirect_chain[-1][0] == training.get_absolute_url()
    assert session.jp == 2
    assert sorted(s.full_name for s in session.speakers.all()) == [
        "Dr. Budi Santoso, S.Sos., M.Si.", "Sri Wahyuni, S.Sos., M.Si.",
    ]
    assert 'Sesi "Pelayanan Prima" ditambahkan.' in _text(response)


def test_a_refused_session_does_not_leave_its_new_speaker_behind(client, organiser, training):
    SessionFactory(training=training, topic="Materi A", room="Aula")

    response = client.post(
        reverse("trainings:session_create", args=[training.pk]),
        _session_post(new_speaker_name="Budi Santoso"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["room"] == [
        'Aula sudah dipakai sesi "Materi A" (BIMTEK-PP-2022) pada Rabu, 14 September 2022 '
        "pukul 08.00 – 09.30 WIB."
    ]
    assert not Speaker.objects.filter(name="Budi Santoso").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "07:30"}, "end_time", "Sesi harus selesai setelah dimulai."),
        (
            {"date": "2022-09-20"},
            "date",
            "Tanggal harus berada dalam tanggal pelatihan, Rabu, 14 September 2022 s.d. "
            "Jumat, 16 September 2022.",
        ),
        (
            {"new_speaker_position": "Widyaiswara"},
            "new_speaker_name",
            "Isi nama narasumber baru.",
        ),
    ],
    ids=["ends-before-start", "outside-training", "speaker-without-name"],
)
def test_the_session_form_explains_what_is_wrong(
    client, organiser, training, overrides, field, message
):
    response = client.post(
        reverse("trainings:session_create", args=[training.pk]), _session_post(**overrides)
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not Session.objects.exists()


def test_editing_a_session_keeps_it_in_place(client, organiser, training):
    speaker = SpeakerFactory()
    session = SessionFactory(training=training, room="Aula")
    session.speakers.add(speaker)

    response = client.get(reverse("trainings:session_edit", args=[session.pk]))
    assert response.context["form"]["speakers"].value() == [speaker.pk]

    response = client.post(
        reverse("trainings:session_edit", args=[session.pk]),
        _session_post(topic="Pelayanan Prima (lanjutan)", end_time="11:30", jp=""),
    )

    session.refresh_from_db()
    assert response.status_code == 302
    assert (session.topic, session.end_time, session.jp) == (
        "Pelayanan Prima (lanjutan)", T(11, 30), 5,
    )
    assert list(session.speakers.all()) == []


def test_deleting_a_session_asks_first(client, organiser, training):
    session = SessionFactory(training=training, topic="Pelayanan Prima")

    response = client.get(reverse("trainings:session_delete", args=[session.pk]))

    assert (
        "Hapus sesi “Pelayanan Prima” pada Rabu, 14 September 2022, 08.00 – 09.30 WIB, dari jadwal?"
    ) in _text(response)
    assert Session.objects.filter(pk=session.pk).exists()


def test_the_delete_page_of_a_session_with_attendance_explains_instead(
    client, organiser, training
):
    session = SessionFactory(training=training, topic="Pelayanan Prima")
    AttendanceFactory(session=session)

    response = client.get(reverse("trainings:session_delete", args=[session.pk]))

    assert (
        "Kehadiran untuk sesi ini sudah tercatat, jadi sesi ini tidak dapat dihapus. "
        "Ubah rinciannya saja."
    ) in _text(response)
    assert 'class="button-danger"' not in response.content.decode()


def test_the_schedule_offers_delete_only_for_sessions_without_attendance(
    client, organiser, training
):
    kept = SessionFactory(training=training, start_time=T(8, 0), end_time=T(9, 0))
    free = SessionFactory(training=training, start_time=T(10, 0), end_time=T(11, 0))
    AttendanceFactory(session=kept)

    html = client.get(reverse("trainings:training_detail", args=[training.pk])).content.decode()

    assert reverse("trainings:session_delete", args=[free.pk]) in html
    assert reverse("trainings:session_delete", args=[kept.pk]) not in html


def test_deleting_a_session(client, organiser, training):
    session = SessionFactory(training=training, topic="Pelayanan Prima")

    response = client.post(reverse("trainings:session_delete", args=[session.pk]), follow=True)

    assert not Session.objects.filter(pk=session.pk).exists()
    assert 'Sesi "Pelayanan Prima" dihapus.' in _text(response)


def test_a_session_with_attendance_is_not_deleted(client, organiser, training):
    session = SessionFactory(training=training, topic="Pelayanan Prima")
    AttendanceFactory(session=session)

    response = client.post(reverse("trainings:session_delete", args=[session.pk]), follow=True)

    assert Session.objects.filter(pk=session.pk).exists()
    assert 'Kehadiran untuk "Pelayanan Prima" sudah tercatat' in _text(response)


# Speakers ---------------------------------------------------------------------------------------


def test_correcting_a_speaker_returns_to_the_page_it_came_from(client, organiser, training):
    speaker = SpeakerFactory(gelar_belakang="S.Sos")
    back = training.get_absolute_url()

    response = client.post(
        reverse("trainings:speaker_edit", args=[speaker.pk]),
        {"name": speaker.name, "gelar_belakang": "S.Sos., M.Si.", "next": back},
    )

    speaker.refresh_from_db()
    assert response["Location"] == back
    assert speaker.gelar_belakang == "S.Sos., M.Si."


def test_correcting_a_speaker_never_returns_to_another_site(client, organiser):
    speaker = SpeakerFactory()

    response = client.post(
        reverse("trainings:speaker_edit", args=[speaker.pk]),
        {"name": speaker.name, "next": "https://example.com/"},
    )

    assert response["Location"] == LIST_URL


# Navigation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_user", "shown"),
    [(organiser_user, True), (participant_user, False), (admin_user, False)],
    ids=["organiser", "participant", "admin"],
)
def test_the_menu_and_home_link_to_the_trainings_for_organisers(client, make_user, shown):
    client.force_login(make_user())

    response = client.get(reverse("home"))

    assert (f'href="{LIST_URL}"' in response.content.decode()) is shown


def test_an_archived_training_offers_no_changes_but_a_copy(client, organiser):
    training = TrainingFactory(status=Status.ARCHIVED)
    session = SessionFactory(training=training)

    html = client.get(reverse("trainings:training_detail", args=[training.pk])).content.decode()

    assert reverse("trainings:training_edit", args=[training.pk]) not in html
    assert reverse("trainings:session_create", args=[training.pk]) not in html
    assert reverse("trainings:session_edit", args=[session.pk]) not in html
    assert reverse("trainings:training_copy", args=[training.pk]) in html
