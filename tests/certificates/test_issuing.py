"""Issuing: one run issues every eligible participant once; corrections and revoking."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from trainings.models import Enrolment
from certificates import services
from certificates.models import Certificate, CertificateEmail, IssueRun

from .factories import CertificateSettingsFactory, enrol, finished_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a run and let its tasks run, as they do once the request's transaction commits."""

    def start_run(service, training):
        with django_capture_on_commit_callbacks(execute=True):
            return service(training=training, by=None)

    return start_run


@pytest.fixture
def training():
    CertificateSettingsFactory()
    return finished_training(participants=3)


def test_a_run_issues_every_eligible_participant_with_consecutive_numbers(training, start):
    run = start(services.start_issue_run, training)

    run.refresh_from_db()
    assert (run.status, run.done, run.total, run.errors) == ("done", 3, 3, 0)
    numbers = list(Certificate.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == [
        "800/001/BKPSDM/X/2022",
        "800/002/BKPSDM/X/2022",
        "800/003/BKPSDM/X/2022",
    ]
    assert all(c.has_pdf and len(c.sha256) == 64 for c in Certificate.objects.all())


def test_a_second_run_issues_nothing_again(training, start):
    start(services.start_issue_run, training)

    second = start(services.start_issue_run, training)

    assert (second.status, second.total) == ("done", 0)
    assert Certificate.objects.count() == 3


def test_saving_settings_issues_nothing(training):
    services.save_certificate_settings(training=training, by=None, qualification="BAIK")

    assert Certificate.objects.count() == 0


def test_not_eligible_people_are_left_out(training, start):
    newcomer = enrol(training)  # attended nothing

    start(services.start_issue_run, training)

    assert not Certificate.objects.filter(enrolment=newcomer).exists()
    assert Certificate.objects.count() == 3


def test_a_snapshot_keeps_what_was_printed_when_the_directory_changes(training):
    certificate, _created = services.issue_certificate(enrolment_id=Enrolment.objects.first().pk)
    employee = certificate.enrolment.employee
    printed = certificate.snapshot["print_name"]

    employee.name = "Nama Baru"
    employee.save()
    certificate.refresh_from_db()

    assert certificate.snapshot["print_name"] == printed


def test_a_correction_keeps_the_number_and_replaces_the_old_version(training):
    old, _created = services.issue_certificate(enrolment_id=Enrolment.objects.first().pk)
    employee = old.enrolment.employee
    employee.gelar_belakang = "S.Sos."
    employee.save()

    new = services.reissue_certificate(certificate=old, by=None, note="Gelar ditambahkan")

    old.refresh_from_db()
    assert (old.status, old.replaced_by) == ("replaced", new)
    assert (new.status, new.version, new.number, new.replaces) == ("valid", 2, old.number, old)
    assert new.snapshot["print_name"].endswith(", S.Sos.")
    assert new.has_pdf and new.code != old.code


def test_only_a_valid_certificate_can_be_corrected_or_revoked(training):
    certificate, _created = services.issue_certificate(enrolment_id=Enrolment.objects.first().pk)
    services.revoke_certificate(certificate=certificate, by=None, reason="Data palsu")

    with pytest.raises(ValidationError) as error:
        services.reissue_certificate(certificate=certificate, by=None, note="x")
    assert error.value.code == "not_valid"
    with pytest.raises(ValidationError) as error:
        services.revoke_certificate(certificate=certificate, by=None, reason="x")
    assert error.value.code == "not_valid"


def test_revoking_records_when_and_why(training):
    certificate, _created = services.issue_certificate(enrolment_id=Enrolment.objects.first().pk)

    revoked = services.revoke_certificate(certificate=certificate, by=None, reason="Tidak hadir")

    assert (revoked.status, revoked.revoked_reason) == ("revoked", "Tidak hadir")
    assert revoked.revoked_at is not None


def test_issuing_refuses_a_participant_whose_certificate_was_revoked(training):
    enrolment = Enrolment.objects.first()
    first, _created = services.issue_certificate(enrolment_id=enrolment.pk)
    services.revoke_certificate(certificate=first, by=None, reason="Salah")

    with pytest.raises(ValidationError) as error:
        services.issue_certificate(enrolment_id=enrolment.pk)

    assert error.value.code == "revoked"
    assert error.value.messages == [
        f"Sertifikat {enrolment.employee.full_name} telah dicabut. Sertifikat baru hanya "
        "diterbitkan melalui “Terbitkan ulang” dengan alasan."
    ]
    assert list(Certificate.objects.values_list("pk", flat=True)) == [first.pk]


def test_after_revoking_a_re_issue_with_a_reason_takes_a_new_number(training):
    enrolment = Enrolment.objects.first()
    first, _created = services.issue_certificate(enrolment_id=enrolment.pk)
    services.revoke_certificate(certificate=first, by=None, reason="Salah")

    second = services.reissue_after_revocation(enrolment=enrolment, by=None, reason="Banding")

    assert second.sequence == first.sequence + 1


def test_a_run_refuses_a_participant_revoked_after_it_started(training, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    enrolment = Enrolment.objects.first()
    unrendered, _created = services.issue_certificate(enrolment_id=enrolment.pk)  # no PDF yet
    run = services.start_issue_run(training=training, by=None)
    assert run.total == 3
    services.revoke_certificate(certificate=unrendered, by=None, reason="Data palsu")

    services.work_on_run(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.done, run.errors) == ("done", 2, 1)
    assert run.error_log == [
        {
            "item": enrolment.pk,
            "error": f"Sertifikat {enrolment.employee.full_name} telah dicabut. Sertifikat baru "
            "hanya diterbitkan melalui “Terbitkan ulang” dengan alasan.",
        }
    ]
    assert not Certificate.objects.filter(enrolment=enrolment, status="valid").exists()


def test_a_failed_pdf_leaves_the_certificate_and_its_number_for_a_retry(
    training, monkeypatch, start
):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "render_certificate", broken)
    run = start(services.start_issue_run, training)
    run.refresh_from_db()
    assert (run.done, run.errors) == (0, 3)
    assert len(run.error_log) == 3
    monkeypatch.undo()

    retry = start(services.start_issue_run, training)

    retry.refresh_from_db()
    assert (retry.done, retry.errors) == (3, 0)
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def test_a_double_click_joins_the_active_run(training, settings, start):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    first = start(services.start_issue_run, training)
    second = start(services.start_issue_run, training)

    assert first == second
    assert IssueRun.objects.count() == 1


def test_workers_sharing_a_run_handle_each_item_once(training, settings, start):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    run = start(services.start_issue_run, training)

    services.work_on_run(run_id=run.pk)
    services.work_on_run(run_id=run.pk)  # a re-delivered task finds nothing left

    run.refresh_from_db()
    assert (run.status, run.done, run.errors, run.next_item) == ("done", 3, 0, 3)
    assert Certificate.objects.count() == 3


def test_emails_go_once_to_everyone_with_an_address(training, start):
    start(services.start_issue_run, training)
    no_address = Certificate.objects.first().enrolment.employee
    no_address.email = ""
    no_address.save()
    for certificate in Certificate.objects.exclude(enrolment__employee=no_address):
        employee = certificate.enrolment.employee
        employee.email = f"{employee.nip}@example.org"
        employee.save()

    run = start(services.start_email_run, training)
    again = start(services.start_email_run, training)

    run.refresh_from_db()
    assert (run.total, run.done) == (2, 2)
    assert again.total == 0
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Sertifikat Anda: Bimbingan Teknis Pelayanan Prima"
    assert "/sertifikat/saya/" in mail.outbox[0].body
    assert CertificateEmail.objects.filter(status="sent").count() == 2


def test_a_failed_email_is_recorded_and_tried_again_next_time(training, monkeypatch, start):
    start(services.start_issue_run, training)
    certificate = Certificate.objects.first()
    employee = certificate.enrolment.employee
    employee.email = "orang@example.org"
    employee.save()

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert services.send_certificate_email(certificate_id=certificate.pk) == "failed"
    assert CertificateEmail.objects.get().status == "failed"
    monkeypatch.undo()

    assert services.send_certificate_email(certificate_id=certificate.pk) == "sent"
    assert services.send_certificate_email(certificate_id=certificate.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_revoked_certificate_is_not_issued_again_by_the_next_run(training, start):
    start(services.start_issue_run, training)
    revoked = Certificate.objects.order_by("sequence").first()
    services.revoke_certificate(certificate=revoked, by=None, reason="Data palsu")

    run = start(services.start_issue_run, training)
    summary = services.issue_for_training(training=training)

    assert run.total == 0
    assert (summary.issued, summary.revoked) == (0, 1)
    assert not Certificate.objects.filter(
        enrolment=revoked.enrolment, status=Certificate.Status.VALID
    ).exists()


def test_an_organiser_re_issues_after_revoking_only_with_a_reason(training, caplog):
    first, _created = services.issue_certificate(enrolment_id=Enrolment.objects.first().pk)
    services.revoke_certificate(certificate=first, by=None, reason="Salah orang")

    with pytest.raises(ValidationError) as error:
        services.reissue_after_revocation(enrolment=first.enrolment, by=None, reason="  ")
    assert error.value.code == "reason_required"
    again = services.reissue_after_revocation(
        enrolment=first.enrolment, by=None, reason="Banding diterima"
    )

    assert (again.status, again.correction_note) == ("valid", "Banding diterima")
    assert again.number != first.number and again.has_pdf
    assert f"re-issued after revocation of {first.number}" in caplog.text


def test_re_issuing_is_only_for_a_revoked_certificate(training):
    certificate, _created = services.issue_certificate(enrolment_id=Enrolment.objects.first().pk)

    with pytest.raises(ValidationError) as error:
        services.reissue_after_revocation(
            enrolment=certificate.enrolment, by=None, reason="Banding"
        )
    assert error.value.code == "not_revoked"
