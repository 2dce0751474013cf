"""Writes for trainings, sessions and speakers: every way in and every way out."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from trainings.models import Enrolment, Session, Training
from trainings.services.trainings import (
    change_training_status,
    copy_training_as_new_batch,
    create_session,
    create_speaker,
    create_training,
    delete_session,
    update_session,
    update_speaker,
    update_training,
)
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    SpeakerFactory,
    TrainingFactory,
    UnitFactory,
    organiser_user,
)

pytestmark = pytest.mark.django_db

Status = Training.Status
D = datetime.date
T = datetime.time


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


def codes(error: ValidationError) -> dict[str, list[str]]:
    """Return the codes of a ValidationError by field ("__all__" for a plain one)."""
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    return {"__all__": [e.code for e in error.error_list]}


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


@pytest.fixture
def organiser():
    return organiser_user()


@pytest.fixture
def training():
    return TrainingFactory(
        code="BIMTEK-PP-2022",
        start_date=D(2022, 9, 14),
        end_date=D(2022, 9, 16),
        status=Status.DRAFT,
    )


def _session_fields(**overrides):
    fields = {
        "topic": "Pelayanan Prima",
        "date": D(2022, 9, 14),
        "start_time": T(8, 0),
        "end_time": T(9, 30),
        "room": "Aula",
    }
    fields.update(overrides)
    return fields


# create_training / update_training --------------------------------------------------------------


def _training_fields(**overrides):
    fields = {
        "code": " bimtek-pp-2022 ",
        "title": "Bimtek Pelayanan Prima",
        "organiser_unit": UnitFactory(name="BKPSDM"),
        "start_date": D(2022, 9, 14),
        "end_date": D(2022, 9, 16),
    }
    fields.update(overrides)
    return fields


def test_create_training_makes_a_draft_with_a_tidy_code_and_the_defaults(organiser):
    training = create_training(by=organiser, **_training_fields())

    training.refresh_from_db()
    assert training.status == Status.DRAFT
    assert training.code == "BIMTEK-PP-2022"
    assert training.quota == 55
    assert training.batch == 1
    assert training.min_attendance_percent == 100
    assert training.attended_statuses == ["hadir", "terlambat", "dinas_luar"]
    assert training.created_by == organiser


def test_create_training_keeps_attended_statuses_in_the_usual_order(organiser):
    training = create_training(
        by=organiser, attended_statuses=["dinas_luar", "hadir"], **_training_fields()
    )

    assert training.attended_statuses == ["hadir", "dinas_luar"]


@pytest.mark.parametrize(
    ("overrides", "field", "code", "message"),
    [
        (
            {"code": "Bimtek-PP-2021"},
            "code",
            "code_taken",
            "Pelatihan lain sudah memakai kode BIMTEK-PP-2021.",
        ),
        (
            {"end_date": D(2022, 9, 13)},
            "end_date",
            "ends_before_start",
            "Tanggal selesai harus sama dengan atau setelah tanggal mulai.",
        ),
        (
            {"attended_statuses": []},
            "attended_statuses",
            "no_attended_status",
            "Pilih sedikitnya satu status kehadiran yang dihitung hadir.",
        ),
    ],
    ids=["code-taken-any-case", "ends-before-start", "no-attended-status"],
)
def test_create_training_refuses_invalid_details(organiser, overrides, field, code, message):
    TrainingFactory(code="BIMTEK-PP-2021")

    with pytest.raises(ValidationError) as caught:
        create_training(by=organiser, **_training_fields(**overrides))

    assert codes(caught.value) == {field: [code]}
    assert messages(caught.value) == [message]


def test_update_training_saves_the_changes(organiser, training):
    update_training(
        training=training, by=organiser, title="Bimtek Pelayanan Prima Angkatan I", quota=60,
        code="BIMTEK-PP-2022",
    )

    training.refresh_from_db()
    assert (training.title, training.quota) == ("Bimtek Pelayanan Prima Angkatan I", 60)


def test_update_training_may_keep_its_own_code(organiser, training):
    updated = update_training(training=training, by=organiser, code="bimtek-pp-2022")

    assert updated.training.code == "BIMTEK-PP-2022"


def test_update_training_refuses_dates_that_leave_a_session_outside(organiser, training):
    SessionFactory(training=training, topic="Penutupan", date=D(2022, 9, 16))

    with pytest.raises(ValidationError) as caught:
        update_training(training=training, by=organiser, end_date=D(2022, 9, 15))

    assert codes(caught.value) == {"start_date": ["sessions_outside"]}
    assert messages(caught.value) == [
        "Sesi \"Penutupan\" pada Jumat, 16 September 2022 akan berada di luar tanggal pelatihan. "
        "Pindahkan atau hapus sesi itu dahulu."
    ]
    training.refresh_from_db()
    assert training.end_date == D(2022, 9, 16)


def test_update_training_refuses_a_quota_below_the_enrolled(organiser, training):
    EnrolmentFactory.create_batch(3, training=training)
    EnrolmentFactory(training=training, status=Enrolment.Status.WAITLISTED, enrolled_at=None)

    with pytest.raises(ValidationError) as caught:
        update_training(training=training, by=organiser, quota=2)

    assert codes(caught.value) == {"quota": ["quota_below_enrolled"]}


def test_update_training_refuses_to_change_the_status(organiser, training):
    with pytest.raises(TypeError):
        update_training(training=training, by=organiser, status=Status.OPEN)


# change_training_status -------------------------------------------------------------------------

ALLOWED = {
    (Status.DRAFT, Status.OPEN),
    (Status.OPEN, Status.RUNNING),
    (Status.OPEN, Status.DRAFT),
    (Status.RUNNING, Status.FINISHED),
    (Status.FINISHED, Status.RUNNING),
    (Status.FINISHED, Status.ARCHIVED),
}
ALL_MOVES = [(a, b) for a in Status.values for b in Status.values]


@pytest.mark.parametrize(("current", "to"), sorted(ALLOWED))
def test_change_training_status_makes_the_allowed_moves(organiser, current, to):
    training = TrainingFactory(status=current)

    result = change_training_status(training=training, to=to, by=organiser)

    training.refresh_from_db()
    assert result.status == training.status == to


@pytest.mark.parametrize(("current", "to"), [m for m in ALL_MOVES if m not in ALLOWED])
def test_change_training_status_refuses_every_other_move(organiser, current, to):
    training = TrainingFactory(status=current)

    with pytest.raises(ValidationError) as caught:
        change_training_status(training=training, to=to, by=organiser)

    assert codes(caught.value) == {"__all__": ["invalid_transition"]}
    training.refresh_from_db()
    assert training.status == current


def test_the_refusal_names_both_statuses_in_indonesian(organiser):
    training = TrainingFactory(status=Status.DRAFT)

    with pytest.raises(ValidationError) as caught:
        change_training_status(training=training, to=Status.FINISHED, by=organiser)

    assert messages(caught.value) == [
        'Pelatihan tidak dapat berpindah dari "Draf" ke "Selesai".'
    ]


@pytest.mark.parametrize("status", [Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED])
def test_an_open_training_with_enrolments_cannot_go_back_to_draft(organiser, status):
    training = TrainingFactory(status=Status.OPEN)
    EnrolmentFactory(training=training, status=status)

    with pytest.raises(ValidationError) as caught:
        change_training_status(training=training, to=Status.DRAFT, by=organiser)

    assert codes(caught.value) == {"__all__": ["has_enrolments"]}
    training.refresh_from_db()
    assert training.status == Status.OPEN


def test_cancelled_enrolments_do_not_keep_a_training_open(organiser):
    training = TrainingFactory(status=Status.OPEN)
    EnrolmentFactory(training=training, status=Enrolment.Status.CANCELLED, enrolled_at=None)

    change_training_status(training=training, to=Status.DRAFT, by=organiser)

    training.refresh_from_db()
    assert training.status == Status.DRAFT


# Sessions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "jp"),
    [
        (T(8, 0), T(8, 45), 1),
        (T(8, 0), T(9, 30), 2),
        (T(8, 0), T(10, 15), 3),
        (T(8, 0), T(11, 30), 5),  # 210 minutes: 4.67 JP, rounded
        (T(13, 0), T(13, 20), 1),  # a short session is still worth one JP
    ],
)
def test_create_session_derives_jp_from_the_duration(organiser, training, start, end, jp):
    session = create_session(
        training=training, by=organiser, **_session_fields(start_time=start, end_time=end)
    )

    session.refresh_from_db()
    assert session.jp == jp


def test_create_session_keeps_jp_typed_in_and_the_speakers(organiser, training):
    speakers = SpeakerFactory.create_batch(2)

    session = create_session(
        training=training, by=organiser, jp=0, speakers=speakers,
        **_session_fields(topic="  Pembukaan ", room="  Aula   BKPSDM "),
    )

    session.refresh_from_db()
    assert session.jp == 0
    assert session.topic == "Pembukaan"
    assert session.room == "Aula BKPSDM"
    assert set(session.speakers.all()) == set(speakers)
    assert (session.checkin_opens_before, session.checkin_closes_after, session.late_after) == (
        30, 30, 15,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "code", "message"),
    [
        (
            {"start_time": T(10, 0), "end_time": T(9, 30)},
            "end_time",
            "ends_before_start",
            "Sesi harus selesai setelah dimulai.",
        ),
        (
            {"start_time": T(10, 0), "end_time": T(10, 0)},
            "end_time",
            "ends_before_start",
            "Sesi harus selesai setelah dimulai.",
        ),
        (
            {"date": D(2022, 9, 13)},
            "date",
            "outside_training",
            "Tanggal harus berada dalam tanggal pelatihan, Rabu, 14 September 2022 s.d. "
            "Jumat, 16 September 2022.",
        ),
        (
            {"date": D(2022, 9, 17)},
            "date",
            "outside_training",
            "Tanggal harus berada dalam tanggal pelatihan, Rabu, 14 September 2022 s.d. "
            "Jumat, 16 September 2022.",
        ),
        (
            {"late_after": 45, "checkin_closes_after": 30},
            "late_after",
            "late_after_window",
            "Presensi hanya dapat terlambat selama presensi masih dibuka: paling lama 30 menit.",
        ),
    ],
    ids=["ends-before-start", "ends-at-start", "before-training", "after-training", "late-outside"],
)
def test_create_session_refuses_invalid_times(organiser, training, overrides, field, code, message):
    with pytest.raises(ValidationError) as caught:
        create_session(training=training, by=organiser, **_session_fields(**overrides))

    assert codes(caught.value) == {field: [code]}
    assert messages(caught.value) == [message]
    assert not Session.objects.exists()


def test_a_room_cannot_hold_two_sessions_at_once_even_of_another_training(organiser, training):
    other = TrainingFactory(
        code="BIMTEK-SKM-2022", start_date=D(2022, 9, 14), end_date=D(2022, 9, 14)
    )
    SessionFactory(
        training=other, topic="Survei Kepuasan Masyarakat", date=D(2022, 9, 14),
        start_time=T(9, 0), end_time=T(10, 30), room="Aula",
    )

    with pytest.raises(ValidationError) as caught:
        create_session(training=training, by=organiser, **_session_fields(room=" aula "))

    assert codes(caught.value) == {"room": ["room_taken"]}
    assert messages(caught.value) == [
        "Aula sudah dipakai sesi \"Survei Kepuasan Masyarakat\" (BIMTEK-SKM-2022) pada "
        "Rabu, 14 September 2022 pukul 09.00 – 10.30 WIB."
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_time": T(9, 30), "end_time": T(11, 0)},  # starts when the other ends
        {"start_time": T(6, 30), "end_time": T(8, 0)},  # ends when the other starts
        {"room": "Ruang Rapat 1"},
        {"room": ""},
        {"date": D(2022, 9, 15)},
    ],
    ids=["right-after", "right-before", "other-room", "no-room", "other-day"],
)
def test_sessions_that_do_not_overlap_in_a_room_are_fine(organiser, training, overrides):
    SessionFactory(
        training=training, date=D(2022, 9, 14), start_time=T(8, 0), end_time=T(9, 30), room="Aula"
    )

    create_session(training=training, by=organiser, **_session_fields(**overrides))

    assert training.sessions.count() == 2


def test_update_session_does_not_clash_with_itself_and_derives_jp_again(organiser, training):
    session = SessionFactory(training=training, jp=2, room="Aula")
    speaker = SpeakerFactory()

    update_session(
        session=session, by=organiser, start_time=T(8, 0), end_time=T(11, 0), jp=None,
        room="Aula", speakers=[speaker],
    )

    session.refresh_from_db()
    assert session.jp == 4
    assert list(session.speakers.all()) == [speaker]


def test_update_session_refuses_a_clash(organiser, training):
    SessionFactory(training=training, topic="Materi A", start_time=T(8, 0), end_time=T(9, 30))
    session = SessionFactory(training=training, start_time=T(10, 0), end_time=T(11, 30))

    with pytest.raises(ValidationError) as caught:
        update_session(session=session, by=organiser, start_time=T(9, 0))

    assert codes(caught.value) == {"room": ["room_taken"]}
    session.refresh_from_db()
    assert session.start_time == T(10, 0)


def test_delete_session_removes_a_session_without_attendance(organiser, training):
    session = SessionFactory(training=training)

    delete_session(session=session, by=organiser)

    assert not Session.objects.filter(pk=session.pk).exists()


def test_delete_session_refuses_a_session_with_attendance(organiser, training):
    session = SessionFactory(training=training, topic="Pelayanan Prima")
    AttendanceFactory(session=session)

    with pytest.raises(ValidationError) as caught:
        delete_session(session=session, by=organiser)

    assert codes(caught.value) == {"__all__": ["has_attendance"]}
    assert messages(caught.value) == [
        "Kehadiran untuk \"Pelayanan Prima\" sudah tercatat, jadi sesi ini tidak dapat dihapus. "
        "Ubah rinciannya saja."
    ]
    assert Session.objects.filter(pk=session.pk).exists()


# Speakers ---------------------------------------------------------------------------------------


def test_create_speaker_keeps_titles_apart(organiser):
    speaker = create_speaker(
        by=organiser, gelar_depan="Dr. ", name=" Budi  Santoso ", gelar_belakang="S.Sos., M.Si.",
        position="Widyaiswara Ahli Madya", institution="BPSDM Provinsi Jawa Tengah",
    )

    assert speaker.name == "Budi Santoso"
    assert speaker.full_name == "Dr. Budi Santoso, S.Sos., M.Si."


def test_create_speaker_needs_a_name(organiser):
    with pytest.raises(ValidationError) as caught:
        create_speaker(by=organiser, name="  ")

    assert codes(caught.value) == {"name": ["blank"]}


def test_update_speaker_corrects_the_titles(organiser):
    speaker = SpeakerFactory(gelar_belakang="S.Sos")

    update_speaker(speaker=speaker, by=organiser, gelar_belakang="S.Sos., M.Si.")

    speaker.refresh_from_db()
    assert speaker.gelar_belakang == "S.Sos., M.Si."


# copy_training_as_new_batch ---------------------------------------------------------------------


@pytest.fixture
def scheduled(training):
    training.status = Status.FINISHED
    training.quota = 40
    training.venue = "Aula BKPSDM"
    training.min_attendance_percent = 90
    training.attended_statuses = ["hadir", "terlambat"]
    training.save()
    speaker = SpeakerFactory(name="Budi Santoso")
    first = SessionFactory(
        training=training, topic="Pelayanan Prima", date=D(2022, 9, 14),
        start_time=T(8, 0), end_time=T(9, 30), jp=2, room="Aula", late_after=10,
    )
    first.speakers.add(speaker)
    SessionFactory(
        training=training, topic="Budaya Kerja BerAKHLAK", date=D(2022, 9, 16),
        start_time=T(13, 0), end_time=T(15, 15), jp=3, room="Aula",
    )
    EnrolmentFactory.create_batch(2, training=training)
    return training


def test_copy_as_new_batch_shifts_the_schedule_and_keeps_the_rules(organiser, scheduled):
    copy = copy_training_as_new_batch(
        training=scheduled, start_date=D(2022, 10, 12), by=organiser
    )

    copy.refresh_from_db()
    assert copy.pk != scheduled.pk
    assert (copy.code, copy.batch, copy.status) == ("BIMTEK-PP-2022-A2", 2, Status.DRAFT)
    assert (copy.start_date, copy.end_date) == (D(2022, 10, 12), D(2022, 10, 14))
    assert (copy.title, copy.venue, copy.quota) == (scheduled.title, "Aula BKPSDM", 40)
    assert (copy.min_attendance_percent, copy.attended_statuses) == (90, ["hadir", "terlambat"])
    assert copy.created_by == organiser
    assert copy.enrolments.count() == 0
    assert [
        (s.topic, s.date, s.start_time, s.end_time, s.jp, s.room, s.late_after,
         [sp.name for sp in s.speakers.all()])
        for s in copy.sessions.order_by("date")
    ] == [
        ("Pelayanan Prima", D(2022, 10, 12), T(8, 0), T(9, 30), 2, "Aula", 10, ["Budi Santoso"]),
        ("Budaya Kerja BerAKHLAK", D(2022, 10, 14), T(13, 0), T(15, 15), 3, "Aula", 15, []),
    ]
    assert scheduled.sessions.count() == 2  # the source keeps its own


@pytest.mark.parametrize(
    ("source_code", "source_batch", "taken", "expected_code", "expected_batch"),
    [
        ("BIMTEK-PP-2022", 1, [], "BIMTEK-PP-2022-A2", 2),
        ("BIMTEK-PP-2022-A2", 2, [], "BIMTEK-PP-2022-A3", 3),
        ("BIMTEK-PP-2022", 1, ["BIMTEK-PP-2022-A2"], "BIMTEK-PP-2022-A3", 3),
        ("BIMTEK-PP-2022", 1, ["bimtek-pp-2022-a2", "BIMTEK-PP-2022-A3"], "BIMTEK-PP-2022-A4", 4),
    ],
    ids=["first-copy", "copy-of-a-copy", "batch-2-exists", "taken-in-any-case"],
)
def test_copy_as_new_batch_suggests_a_free_code(
    organiser, source_code, source_batch, taken, expected_code, expected_batch
):
    source = TrainingFactory(code=source_code, batch=source_batch)
    for code in taken:
        TrainingFactory(code=code)

    copy = copy_training_as_new_batch(training=source, start_date=D(2027, 1, 4), by=organiser)

    assert (copy.code, copy.batch) == (expected_code, expected_batch)


def test_copy_as_new_batch_takes_a_code_typed_in(organiser, scheduled):
    copy = copy_training_as_new_batch(
        training=scheduled, start_date=D(2022, 10, 12), code="bimtek-pp-2022-ii", by=organiser
    )

    assert copy.code == "BIMTEK-PP-2022-II"


def test_copy_as_new_batch_refuses_a_code_in_use(organiser, scheduled):
    with pytest.raises(ValidationError) as caught:
        copy_training_as_new_batch(
            training=scheduled, start_date=D(2022, 10, 12), code="bimtek-pp-2022", by=organiser
        )

    assert codes(caught.value) == {"code": ["code_taken"]}
    assert Training.objects.count() == 1


def test_copy_as_new_batch_refuses_dates_whose_room_is_taken(organiser, scheduled):
    other = TrainingFactory(start_date=D(2022, 10, 12), end_date=D(2022, 10, 12))
    SessionFactory(
        training=other, date=D(2022, 10, 12), start_time=T(9, 0), end_time=T(10, 0), room="Aula"
    )

    with pytest.raises(ValidationError) as caught:
        copy_training_as_new_batch(training=scheduled, start_date=D(2022, 10, 12), by=organiser)

    assert codes(caught.value) == {"room": ["room_taken"]}
    assert Training.objects.count() == 2  # nothing of the copy is left
    assert Session.objects.count() == 3


# Archived trainings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda t, s, by: update_training(training=t, by=by, title="Baru"),
        lambda t, s, by: create_session(
            training=t, by=by, **_session_fields(start_time=T(13, 0), end_time=T(14, 0))
        ),
        lambda t, s, by: update_session(session=s, by=by, topic="Baru"),
        lambda t, s, by: delete_session(session=s, by=by),
    ],
    ids=["update-training", "create-session", "update-session", "delete-session"],
)
def test_an_archived_training_can_no_longer_be_changed(organiser, training, change):
    session = SessionFactory(training=training)
    training.status = Status.ARCHIVED
    training.save()

    with pytest.raises(ValidationError) as caught:
        change(training, session, organiser)

    assert codes(caught.value) == {"__all__": ["archived"]}
    assert messages(caught.value) == [
        "Pelatihan ini sudah diarsipkan dan tidak dapat diubah lagi. "
        "Salin sebagai angkatan baru."
    ]
    assert Session.objects.filter(pk=session.pk, topic=session.topic).exists()


def test_an_archived_training_can_be_copied(organiser, training):
    training.status = Status.ARCHIVED
    training.save()

    copy = copy_training_as_new_batch(training=training, start_date=D(2023, 9, 13), by=organiser)

    assert copy.status == Status.DRAFT
