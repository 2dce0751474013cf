"""A run whose worker died part-way shows as stopped within a minute; carrying it on counts every
participant exactly once, whatever the worker had done of the item it was on."""

import datetime
import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from certificates import numbering, services
from certificates.models import Certificate, CertificateEmail, IssueRun
from tests.factories import WorkerFactory, organiser_user

from .factories import CertificateSettingsFactory, finished_training

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """The worker process dies here: none of its own code runs on (no except, no finally)."""


@pytest.fixture
def training(settings):
    settings.CERTIFICATES_ISSUE_WORKERS = 1  # one worker, which dies
    CertificateSettingsFactory()
    return finished_training(participants=3)


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def die_on_second(monkeypatch, module, name):
    """Let the worker die during the second call of module.name, after the real call."""
    real, calls = getattr(module, name), []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2 and name == "take_number":
            raise WorkerKilled  # before the certificate is stored: its transaction rolls back
        result = real(*args, **kwargs)
        if len(calls) == 2:
            raise WorkerKilled  # after it is stored, before the run counts it
        return result

    monkeypatch.setattr(module, name, dying)


def start_dying_run(training, monkeypatch, module, name, capture):
    die_on_second(monkeypatch, module, name)
    with capture(execute=True):  # the task backend records the task as failed
        services.start_issue_run(training=training, by=None)
    monkeypatch.undo()
    return IssueRun.objects.get(training=training)


def seconds_pass(run, seconds):
    IssueRun.objects.filter(pk=run.pk).update(
        created_at=run.created_at - datetime.timedelta(seconds=seconds),
        heartbeat_at=run.heartbeat_at - datetime.timedelta(seconds=seconds),
    )


@pytest.mark.parametrize(
    "module, dies_in",
    [(services, "_generate_pdf"), (numbering, "take_number")],
    ids=["after-the-pdf-was-stored", "before-the-certificate-was-stored"],
)
def test_carrying_on_counts_the_item_in_flight_once_and_gives_no_second_number(
    module, dies_in, training, monkeypatch, django_capture_on_commit_callbacks
):
    run = start_dying_run(training, monkeypatch, module, dies_in, django_capture_on_commit_callbacks)
    assert (run.status, run.done, run.next_item) == ("running", 1, 2)
    seconds_pass(run, 61)

    with django_capture_on_commit_callbacks(execute=True):
        resumed = services.start_issue_run(training=training, by=None)

    run.refresh_from_db()
    assert resumed.pk == run.pk
    assert (run.status, run.done, run.errors, run.total, run.attempt) == ("done", 3, 0, 3, 2)
    certificates = Certificate.objects.order_by("sequence")
    assert list(certificates.values_list("sequence", flat=True)) == [1, 2, 3]
    assert sorted(certificates.values_list("enrolment_id", flat=True)) == sorted(run.item_ids)
    assert all(certificate.sha256 for certificate in certificates)


def test_a_worker_of_the_earlier_attempt_that_wakes_up_counts_nothing(
    training, monkeypatch, django_capture_on_commit_callbacks
):
    run = start_dying_run(
        training, monkeypatch, services, "_generate_pdf", django_capture_on_commit_callbacks
    )
    seconds_pass(run, 61)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_issue_run(training=training, by=None)

    services.work_on_run(run_id=run.pk, attempt=1)

    run.refresh_from_db()
    assert (run.status, run.done, run.attempt, run.next_item) == ("done", 3, 2, 3)
    assert Certificate.objects.count() == 3


def test_the_run_page_shows_progress_while_a_live_worker_is_on_it(
    training, organiser, client, monkeypatch, django_capture_on_commit_callbacks
):
    run = start_dying_run(
        training, monkeypatch, services, "_generate_pdf", django_capture_on_commit_callbacks
    )
    WorkerFactory(task_started_at=timezone.now() - datetime.timedelta(minutes=5))
    seconds_pass(run, 120)  # one certificate takes its time, the worker still beats

    page = client.get(reverse("certificates:run", args=[training.pk, run.pk]))

    assert "Berlangsung 33% 1 / 3" in page_text(page)
    assert "Terhenti" not in page_text(page)
    assert '<meta http-equiv="refresh" content="2">' in page.content.decode()


def test_the_run_page_says_the_run_stopped_once_its_worker_is_silent_and_offers_to_carry_on(
    training, organiser, client, monkeypatch, django_capture_on_commit_callbacks
):
    run = start_dying_run(
        training, monkeypatch, services, "_generate_pdf", django_capture_on_commit_callbacks
    )
    WorkerFactory(
        task_started_at=timezone.now() - datetime.timedelta(minutes=5),
        beat_at=timezone.now() - datetime.timedelta(seconds=61),
    )
    url = reverse("certificates:run", args=[training.pk, run.pk])
    moving = client.get(url)
    seconds_pass(run, 61)

    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        carried_on = client.post(reverse("certificates:issue", args=[training.pk]))

    assert "Terhenti" not in page_text(moving)
    assert "Terhenti" in page_text(page)
    assert (
        "Proses latar belakang terhenti: worker tugasnya tidak memberi tanda hidup selama lebih "
        "dari satu menit, atau tidak ada kemajuan selama lebih dari 10 menit."
    ) in page_text(page)
    assert "Lanjutkan" in page_text(page)
    assert '<meta http-equiv="refresh" content="2">' not in page.content.decode()
    assert carried_on.url == url
    assert "3 / 3" in page_text(client.get(url))


def test_an_email_the_dead_worker_was_sending_goes_again_when_the_run_carries_on(
    training, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.start_issue_run(training=training, by=None)
    for certificate in Certificate.objects.select_related("enrolment__employee"):
        employee = certificate.enrolment.employee
        employee.email = f"peserta{employee.pk}@magelangkota.go.id"
        employee.save(update_fields=["email"])
    real_send, sent = EmailMultiAlternatives.send, []

    def dying_send(message, *args, **kwargs):
        sent.append(message.to)
        if len(sent) == 2:
            raise WorkerKilled  # whether the mail server got it, nobody knows
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", dying_send)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_email_run(training=training, by=None)
    monkeypatch.undo()
    run.refresh_from_db()
    assert (run.status, run.done) == ("running", 1)
    seconds_pass(run, 61)

    with django_capture_on_commit_callbacks(execute=True):
        services.start_email_run(training=training, by=None)

    run.refresh_from_db()
    assert (run.status, run.done, run.errors, run.attempt) == ("done", 3, 0, 2)
    assert len(mail.outbox) == 3  # the first, the one cut short (again), the third
    assert set(CertificateEmail.objects.values_list("status", flat=True)) == {"sent"}
