"""Enrolment services: the quota, the waiting list, cancelling, accounts and invitations."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from trainings.models import Enrolment, Training
from core.roles import Role
from trainings.services.enrolment import (
    MAX_ENROL_AT_ONCE,
    cancel_enrolment,
    enrol,
    resend_invitation,
    send_invitation_email,
)
from trainings.services.trainings import update_training
from participants.models import ActivationCode, User
from tests.factories import (
    EmployeeFactory,
    EnrolmentFactory,
    NonAsnEmployeeFactory,
    TrainingFactory,
    UserFactory,
    organiser_user,
)

pytestmark = pytest.mark.django_db

Status = Enrolment.Status
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


@pytest.fixture
def organiser():
    return organiser_user()


def statuses(training) -> list[tuple[str, str]]:
    """Return (name, status) of a training's enrolments in queue order."""
    return list(
        training.enrolments.order_by("created_at", "pk").values_list("employee__name", "status")
    )


def waiting_names(training) -> list[str]:
    return list(
        training.enrolments.filter(status=Status.WAITLISTED)
        .order_by("created_at", "pk")
        .values_list("employee__name", flat=True)
    )


# enrol ------------------------------------------------------------------------------------------


def test_enrol_fills_the_quota_then_the_waiting_list_in_the_order_given(organiser):
    training = TrainingFactory(quota=2)
    people = [EmployeeFactory(name=name) for name in ["Citra", "Agus", "Budi", "Dewi"]]

    result = enrol(training=training, employees=people, by=organiser, now=NOW)

    assert [e.employee.name for e in result.enrolled] == ["Citra", "Agus"]
    assert [e.employee.name for e in result.waitlisted] == ["Budi", "Dewi"]
    assert statuses(training) == [
        ("Citra", Status.ENROLLED),
        ("Agus", Status.ENROLLED),
        ("Budi", Status.WAITLISTED),
        ("Dewi", Status.WAITLISTED),
    ]
    enrolled = Enrolment.objects.get(employee=people[0])
    assert enrolled.enrolled_at == NOW
    assert enrolled.created_by == organiser
    assert Enrolment.objects.get(employee=people[2]).enrolled_at is None


def test_people_already_enrolled_or_waiting_are_reported_not_duplicated(organiser):
    training = TrainingFactory(quota=1)
    first, second, third = EmployeeFactory.create_batch(3)
    enrol(training=training, employees=[first, second], by=organiser)

    result = enrol(training=training, employees=[first, second, third, third], by=organiser)

    assert [e.employee for e in result.already] == [first, second]
    assert result.enrolled == []
    assert [e.employee for e in result.waitlisted] == [third]
    assert training.enrolments.count() == 3


def test_a_cancelled_enrolment_is_reactivated_at_the_back_of_the_queue(organiser):
    training = TrainingFactory(quota=1)
    anna, budi, citra = (EmployeeFactory(name=name) for name in ["Anna", "Budi", "Citra"])
    enrol(training=training, employees=[anna, budi], by=organiser)
    budi_enrolment = Enrolment.objects.get(employee=budi)
    token = budi_enrolment.badge_token
    cancel_enrolment(enrolment=budi_enrolment, by=organiser)
    enrol(training=training, employees=[citra], by=organiser)

    result = enrol(training=training, employees=[budi], by=organiser)

    assert [e.pk for e in result.waitlisted] == [budi_enrolment.pk]
    budi_enrolment.refresh_from_db()
    assert budi_enrolment.status == Status.WAITLISTED
    assert budi_enrolment.cancelled_at is None
    assert budi_enrolment.badge_token == token
    assert waiting_names(training) == ["Citra", "Budi"]


def test_a_reactivated_enrolment_gets_a_free_place(organiser):
    training = TrainingFactory(quota=2)
    anna = EmployeeFactory()
    enrolment = enrol(training=training, employees=[anna], by=organiser).enrolled[0]
    cancel_enrolment(enrolment=enrolment, by=organiser)

    result = enrol(training=training, employees=[anna], by=organiser, now=NOW)

    assert [e.pk for e in result.enrolled] == [enrolment.pk]
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.enrolled_at) == (Status.ENROLLED, NOW)


def test_newcomers_never_overtake_the_waiting_list(organiser):
    training = TrainingFactory(quota=1)
    anna, budi, citra = EmployeeFactory.create_batch(3)
    enrol(training=training, employees=[anna, budi], by=organiser)
    Training.objects.filter(pk=training.pk).update(quota=2)  # raised in the training form

    result = enrol(training=training, employees=[citra], by=organiser)

    assert Enrolment.objects.get(employee=budi).status == Status.ENROLLED
    assert [e.employee for e in result.waitlisted] == [citra]


def test_people_without_an_account_get_one_as_participant(organiser):
    training = TrainingFactory(quota=1)
    with_account = EmployeeFactory(user=UserFactory(username="lama"))
    without, waiting = EmployeeFactory.create_batch(2)
    honorer = NonAsnEmployeeFactory()

    result = enrol(
        training=training, employees=[with_account, without, waiting, honorer], by=organiser
    )

    assert {e.pk for e in result.accounts_created} == {without.pk, waiting.pk, honorer.pk}
    without.refresh_from_db()
    honorer.refresh_from_db()
    assert without.user.username == without.nip
    assert honorer.user.username == honorer.nik
    assert list(without.user.groups.values_list("name", flat=True)) == [Role.PARTICIPANT]
    assert not without.user.has_usable_password()
    assert User.objects.get(username="lama").groups.count() == 0  # existing accounts untouched


def test_a_username_clash_is_reported_and_does_not_stop_the_enrolment(organiser):
    training = TrainingFactory()
    clash = EmployeeFactory(name="Sari")
    other = EmployeeFactory(user=UserFactory(username=clash.nip))  # noqa: F841 - holds the name
    ok = EmployeeFactory()

    result = enrol(training=training, employees=[clash, ok], by=organiser)

    assert [e.employee for e in result.enrolled] == [clash, ok]
    assert [(employee.pk, message) for employee, message in result.account_errors] == [
        (clash.pk, f"Nama pengguna {clash.nip} sudah dipakai oleh akun orang lain.")
    ]
    assert [e.pk for e in result.accounts_created] == [ok.pk]


@pytest.mark.parametrize("status", [Training.Status.FINISHED, Training.Status.ARCHIVED])
def test_enrolment_is_refused_once_the_training_has_finished(organiser, status):
    training = TrainingFactory(status=status, title="Pelayanan Prima")

    with pytest.raises(ValidationError) as caught:
        enrol(training=training, employees=[EmployeeFactory()], by=organiser)

    assert caught.value.code == "training_closed"
    label = training.get_status_display().lower()
    assert caught.value.messages[0] == (
        f"Pelayanan Prima berstatus {label}: peserta tidak dapat lagi didaftarkan atau dibatalkan."
    )
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    "status", [Training.Status.DRAFT, Training.Status.OPEN, Training.Status.RUNNING]
)
def test_enrolment_is_allowed_while_draft_open_or_running(organiser, status):
    training = TrainingFactory(status=status)

    result = enrol(training=training, employees=[EmployeeFactory()], by=organiser)

    assert len(result.enrolled) == 1


def test_enrolling_more_than_the_limit_at_once_is_refused(organiser):
    training = TrainingFactory()
    people = [EmployeeFactory.build(pk=n) for n in range(1, MAX_ENROL_AT_ONCE + 2)]

    with pytest.raises(ValidationError) as caught:
        enrol(training=training, employees=people, by=organiser)

    assert caught.value.code == "too_many"


def test_enrolling_nobody_changes_nothing(organiser):
    result = enrol(training=TrainingFactory(), employees=[], by=organiser)

    assert (result.enrolled, result.waitlisted, result.already) == ([], [], [])


def test_badge_tokens_are_new_random_secrets(organiser):
    training = TrainingFactory()
    people = EmployeeFactory.create_batch(20)

    result = enrol(training=training, employees=people, by=organiser)

    tokens = [e.badge_token for e in result.enrolled]
    assert len(set(tokens)) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", token) for token in tokens)


# cancel_enrolment -------------------------------------------------------------------------------


def test_cancelling_an_enrolled_person_promotes_the_first_waiting(organiser):
    training = TrainingFactory(quota=2)
    people = [EmployeeFactory(name=name) for name in ["Anna", "Budi", "Citra", "Dodi", "Eka"]]
    enrol(training=training, employees=people, by=organiser)

    budi = Enrolment.objects.get(employee=people[1])
    first = cancel_enrolment(enrolment=budi, by=organiser, now=NOW)
    second = cancel_enrolment(enrolment=Enrolment.objects.get(employee=people[0]), by=organiser)

    assert [e.employee.name for e in first.promoted] == ["Citra"]
    assert [e.employee.name for e in second.promoted] == ["Dodi"]
    assert first.enrolment.status == Status.CANCELLED
    assert first.enrolment.cancelled_at == NOW
    assert statuses(training) == [
        ("Anna", Status.CANCELLED),
        ("Budi", Status.CANCELLED),
        ("Citra", Status.ENROLLED),
        ("Dodi", Status.ENROLLED),
        ("Eka", Status.WAITLISTED),
    ]
    assert Enrolment.objects.get(employee=people[2]).enrolled_at == NOW


def test_cancelling_someone_waiting_promotes_nobody(organiser):
    training = TrainingFactory(quota=1)
    anna, budi, citra = EmployeeFactory.create_batch(3)
    enrol(training=training, employees=[anna, budi, citra], by=organiser)

    cancellation = cancel_enrolment(enrolment=Enrolment.objects.get(employee=budi), by=organiser)

    assert cancellation.promoted == []
    assert Enrolment.objects.get(employee=citra).status == Status.WAITLISTED


def test_cancelling_twice_changes_nothing(organiser):
    enrolment = EnrolmentFactory(status=Status.CANCELLED, enrolled_at=None, cancelled_at=NOW)

    cancellation = cancel_enrolment(enrolment=enrolment, by=organiser)

    assert cancellation.enrolment.cancelled_at == NOW
    assert cancellation.promoted == []


def test_cancelling_after_the_training_finished_is_refused(organiser):
    enrolment = EnrolmentFactory(training=TrainingFactory(status=Training.Status.FINISHED))

    with pytest.raises(ValidationError) as caught:
        cancel_enrolment(enrolment=enrolment, by=organiser)

    assert caught.value.code == "training_closed"
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ENROLLED


# Invitations ------------------------------------------------------------------------------------


def test_enrolled_people_with_email_get_an_invitation_after_commit(
    organiser, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://bimtek.magelangkota.go.id"
    training = TrainingFactory(
        quota=2,
        title="Bimtek Pelayanan Prima",
        start_date=datetime.date(2022, 10, 12),
        end_date=datetime.date(2022, 10, 14),
        venue="Aula BKPSDM Kota Magelang",
    )
    sari = EmployeeFactory(
        gelar_depan="Ns.", name="Sari Wulandari", gelar_belakang="S.Kep.", email="sari@example.org"
    )
    no_email = EmployeeFactory(email="")
    waiting = EmployeeFactory(email="tunggu@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        enrol(training=training, employees=[sari, no_email, waiting], by=organiser)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sari@example.org"]
    assert message.subject == "Undangan: Bimtek Pelayanan Prima"
    body = message.body
    assert body.startswith("Yth. Bapak/Ibu Ns. Sari Wulandari, S.Kep.,\n")
    assert "Tanggal: 12 s.d. 14 Oktober 2022\n" in body
    assert "Tempat: Aula BKPSDM Kota Magelang\n" in body
    # A new account with the person's own address: a code to choose a password.
    code = ActivationCode.objects.get(user__employee=sari)
    link = re.search(r"https://bimtek\.magelangkota\.go\.id/aktivasi/([A-Z0-9-]+)/", body)
    assert link is not None
    assert code.created_by == organiser
    assert "https://bimtek.magelangkota.go.id/pelatihan/saya/" in body
    html = message.alternatives[0].content
    assert "12 s.d. 14 Oktober 2022" in html
    assert f'href="{link.group(0)}"' in html


def test_the_emailed_activation_code_works(organiser, client, django_capture_on_commit_callbacks):
    sari = EmployeeFactory(email="sari@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        enrol(training=TrainingFactory(), employees=[sari], by=organiser)
    code = re.search(r"Kode aktivasi: ([A-Z0-9-]+) ", mail.outbox[0].body).group(1)

    response = client.post(
        "/aktivasi/", {"code": code, "password1": "Melati-Putih-77", "password2": "Melati-Putih-77"}
    )

    assert response.status_code == 302
    sari.refresh_from_db()
    assert sari.user.check_password("Melati-Putih-77")


def test_someone_with_a_password_is_told_to_log_in(organiser, django_capture_on_commit_callbacks):
    user = UserFactory(email="budi@example.org")
    budi = EmployeeFactory(email="budi@example.org", user=user)

    with django_capture_on_commit_callbacks(execute=True):
        enrol(training=TrainingFactory(), employees=[budi], by=organiser)

    body = mail.outbox[0].body
    assert "Masuk dengan NIP dan kata sandi Anda:\nhttp://" in body
    assert "Kode aktivasi" not in body
    assert not ActivationCode.objects.exists()


def test_a_shared_unit_mailbox_never_receives_an_activation_code(
    organiser, django_capture_on_commit_callbacks
):
    UserFactory(email="kelurahan@example.org")  # the mailbox is someone else's login already
    staff = EmployeeFactory(email="kelurahan@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        enrol(training=TrainingFactory(), employees=[staff], by=organiser)

    body = mail.outbox[0].body
    assert "Silakan minta slip aktivasi kepada panitia." in body
    assert not ActivationCode.objects.exists()


def test_promoted_people_get_their_invitation(organiser, django_capture_on_commit_callbacks):
    training = TrainingFactory(quota=1)
    anna = EmployeeFactory(email="")
    budi = EmployeeFactory(email="budi@example.org")
    enrol(training=training, employees=[anna, budi], by=organiser)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_enrolment(enrolment=Enrolment.objects.get(employee=anna), by=organiser)

    assert [message.to for message in mail.outbox] == [["budi@example.org"]]


# a higher quota --------------------------------------------------------------------------------


def test_raising_the_quota_moves_the_first_waiting_into_the_new_places(
    organiser, django_capture_on_commit_callbacks
):
    training = TrainingFactory(quota=2, status=Training.Status.OPEN)
    names = ["Anna", "Budi", "Citra", "Dodi", "Eka"]
    people = [EmployeeFactory(name=name, email=f"{name.lower()}@example.org") for name in names]
    enrol(training=training, employees=people, by=organiser)

    with django_capture_on_commit_callbacks(execute=True):
        update = update_training(training=training, by=organiser, quota=4)
    title_only = update_training(training=training, by=organiser, title="Angkatan II")

    assert [e.employee.name for e in update.promoted] == ["Citra", "Dodi"]
    assert waiting_names(training) == ["Eka"]
    assert [message.to for message in mail.outbox] == [
        ["citra@example.org"], ["dodi@example.org"]
    ]
    assert title_only.promoted == []


def test_a_higher_quota_after_the_training_finished_moves_nobody(organiser):
    training = TrainingFactory(quota=1)
    enrol(training=training, employees=EmployeeFactory.create_batch(2), by=organiser)
    Training.objects.filter(pk=training.pk).update(status=Training.Status.FINISHED)
    training.refresh_from_db()

    update = update_training(training=training, by=organiser, quota=5)

    assert update.promoted == []
    assert len(waiting_names(training)) == 1


def test_nothing_is_sent_for_an_enrolment_no_longer_enrolled():
    enrolment = EnrolmentFactory(
        status=Status.CANCELLED, employee=EmployeeFactory(email="x@example.org")
    )

    assert send_invitation_email(enrolment_id=enrolment.pk) is False
    assert send_invitation_email(enrolment_id=999999) is False
    assert mail.outbox == []


def test_resending_an_invitation(organiser, django_capture_on_commit_callbacks):
    enrolment = EnrolmentFactory(employee=EmployeeFactory(email="x@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        resend_invitation(enrolment=enrolment, by=organiser)

    assert [message.to for message in mail.outbox] == [["x@example.org"]]


@pytest.mark.parametrize(
    ("status", "email", "code"),
    [(Status.WAITLISTED, "x@example.org", "not_enrolled"), (Status.ENROLLED, "", "no_email")],
)
def test_resending_is_refused_when_there_is_nothing_to_send(organiser, status, email, code):
    enrolment = EnrolmentFactory(status=status, employee=EmployeeFactory(email=email))

    with pytest.raises(ValidationError) as caught:
        resend_invitation(enrolment=enrolment, by=organiser)

    assert caught.value.code == code


def test_dates_spanning_two_months_are_written_in_full(
    organiser, django_capture_on_commit_callbacks
):
    training = TrainingFactory(
        start_date=datetime.date(2022, 11, 28), end_date=datetime.date(2022, 12, 2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrol(training=training, employees=[EmployeeFactory(email="a@example.org")], by=organiser)

    assert "Tanggal: 28 November s.d. 2 Desember 2022\n" in mail.outbox[0].body


def test_an_organiser_without_a_password_is_invited_without_a_code(
    organiser, django_capture_on_commit_callbacks
):
    user = UserFactory(email="eko@example.org", roles=[Role.ORGANISER])
    user.set_unusable_password()
    user.save(update_fields=["password"])
    eko = EmployeeFactory(email="eko@example.org", user=user)

    with django_capture_on_commit_callbacks(execute=True):
        enrol(training=TrainingFactory(), employees=[eko], by=organiser)

    assert [message.to for message in mail.outbox] == [["eko@example.org"]]
    assert "Kode aktivasi" not in mail.outbox[0].body
    assert not ActivationCode.objects.exists()
