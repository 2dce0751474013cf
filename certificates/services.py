"""
Writes for certificates: settings, overrides, issuing, the PDF, corrections, revoking, runs and
emails.

Issuing happens in two steps for each participant. issue_certificate() locks the enrolment,
takes the next running number (locking the scope's Counter) and stores the certificate with a
frozen snapshot of what it prints, all in one transaction: if anything fails the number goes
back, so numbers never repeat and never skip. generate_pdf() then renders the snapshot once,
outside that transaction (so the counter is not held while WeasyPrint works and two workers
render side by side), and stores the file with its SHA-256; a failed rendering is recorded
and retried by the next run or download, the certificate and its number stay as they are.

A run (IssueRun) issues or emails a list of items in the background; its workers claim items
one at a time with a conditional UPDATE, so re-delivered or parallel tasks never handle an item
twice. Nothing here is triggered by saving settings: issuing is always an explicit action.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import Action, record
from core.files import store_whole
from office.services import require_complete_office
from trainings.models import Enrolment, Training

from certificates import numbering, selectors
from certificates.eligibility import eligibility_for_training
from certificates.models import (
    Certificate,
    CertificateEmail,
    CertificateSettings,
    EligibilityOverride,
    IssueRun,
)
from certificates.pdf import build_snapshot, render_certificate
from certificates.signing import signing_backend

logger = logging.getLogger(__name__)

ERROR_LOG_KEPT = 200


# Settings ---------------------------------------------------------------------------------------


SETTINGS_FIELDS = (
    "government", "issuer", "unit_code", "number_pattern", "numbering_scope", "orientation",
    "course_kind", "qualification", "place", "back_page", "logo", "background", "signer_name",
    "signer_position", "signer_pangkat", "signer_nip", "signature_image",
)  # fmt: skip


@transaction.atomic
def save_certificate_settings(*, training: Training | None, by, **fields) -> CertificateSettings:
    """Store a training's own certificate settings (or the default with training=None).

    Saving settings never issues or changes a certificate: issued ones keep their snapshot.
    """
    instance = CertificateSettings.objects.select_for_update().filter(training=training).first()
    if instance is None:
        base = selectors.certificate_settings_for(training=training) if training else None
        instance = CertificateSettings(training=training)
        if base is not None:
            for name in SETTINGS_FIELDS:
                setattr(instance, name, getattr(base, name))
    uploads = {}
    for name, value in fields.items():
        if name not in SETTINGS_FIELDS:
            raise TypeError(f"Unknown certificate setting {name}")
        if name in {"logo", "background", "signature_image"}:
            if value:
                uploads[name] = value
            continue  # no new upload: keep the file
        setattr(instance, name, value)
    numbering.validate_pattern(instance.number_pattern, scope=instance.numbering_scope)
    instance.full_clean(exclude=["training"])
    stored = []
    try:
        for name, upload in uploads.items():
            try:
                stored.append((name, store_whole(instance, name, upload.name, upload)))
            except ValidationError as error:
                raise ValidationError({name: error.error_list}) from error
        instance.save()
    except BaseException:
        for name, file_name in stored:  # the settings are not saved: nothing points to these
            CertificateSettings._meta.get_field(name).storage.delete(file_name)
        raise
    logger.info("Certificate settings %s saved by %s", instance.pk, getattr(by, "pk", None))
    return instance


# Overrides --------------------------------------------------------------------------------------


@transaction.atomic
def override_eligibility(*, enrolment: Enrolment, reason: str, by) -> EligibilityOverride:
    """Record that a participant receives a certificate despite the rules, and why."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError(_("Give a reason for the exception."), code="reason_required")
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise ValidationError(
            _("Only enrolled participants can receive a certificate."), code="not_enrolled"
        )
    override, _created = EligibilityOverride.objects.update_or_create(
        enrolment=enrolment, defaults={"reason": reason[:300], "created_by": by}
    )
    logger.info(
        "Eligibility override for enrolment %s by %s", enrolment.pk, getattr(by, "pk", None)
    )
    return override


@transaction.atomic
def remove_override(*, enrolment: Enrolment, by) -> None:
    """Withdraw an override; certificates already issued stay valid until revoked."""
    EligibilityOverride.objects.filter(enrolment=enrolment).delete()
    logger.info(
        "Eligibility override for enrolment %s removed by %s", enrolment.pk, getattr(by, "pk", None)
    )


# Issuing ----------------------------------------------------------------------------------------


def signing_date(training: Training) -> datetime.date:
    """Return the date a training's certificates are signed: its last day."""
    return training.end_date


def issue_certificate(
    *, enrolment_id: int, by=None, run: IssueRun | None = None, now=None
) -> tuple[Certificate, bool]:
    """Issue a participant's certificate; return it and whether it is new.

    A participant who already holds a valid certificate keeps it (returned with False); one
    whose certificate was revoked is refused: only reissue_after_revocation(), with a reason,
    gives them a new one. The caller decides eligibility (see eligibility.py); this only
    refuses non-enrolled people.
    """
    return _issue_certificate(enrolment_id=enrolment_id, by=by, run=run, now=now)


def revoked_refusal(enrolment: Enrolment) -> ValidationError:
    """Return the error of issuing to a participant whose certificate was revoked."""
    return ValidationError(
        _(
            "The certificate of %(name)s was revoked. A new one is issued only with "
            "“Re-issue” and a reason."
        ),
        code="revoked",
        params={"name": enrolment.employee.full_name},
    )


@transaction.atomic
def _issue_certificate(
    *, enrolment_id: int, by=None, run: IssueRun | None = None, now=None, reissue_reason=""
) -> tuple[Certificate, bool]:
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("training__organiser_unit", "employee__unit")
        .get(pk=enrolment_id)
    )
    held = list(
        Certificate.objects.filter(enrolment=enrolment).order_by("sequence", "version")
    )
    existing = next((c for c in held if c.status == Certificate.Status.VALID), None)
    if existing is not None:
        return existing, False
    if not reissue_reason and selectors.revoked_for_good(held):
        raise revoked_refusal(enrolment)
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise ValidationError(
            _("Only enrolled participants can receive a certificate."), code="not_enrolled"
        )
    require_complete_office()
    training = enrolment.training
    certificate_settings = selectors.certificate_settings_for(training=training)
    numbering.validate_pattern(
        certificate_settings.number_pattern, scope=certificate_settings.numbering_scope
    )
    signed_on = signing_date(training)
    snapshot = build_snapshot(
        enrolment=enrolment,
        certificate_settings=certificate_settings,
        sessions=selectors.sessions_for_certificate(training=training),
        signed_on=signed_on,
    )
    scope = numbering.scope_key(
        scope=certificate_settings.numbering_scope, training_id=training.pk, date=signed_on
    )
    sequence = numbering.take_number(scope=scope)
    number = numbering.format_number(
        certificate_settings.number_pattern,
        seq=sequence,
        code=training.code,
        unit=certificate_settings.unit_code,
        date=signed_on,
    )
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        number=number,
        scope=scope,
        sequence=sequence,
        snapshot=snapshot,
        issued_at=now or timezone.now(),
        issued_by=by,
        run=run,
        correction_note=reissue_reason[:300],
    )
    logger.info("Certificate %s issued for enrolment %s", number, enrolment.pk)
    return certificate, True


def generate_pdf(*, certificate_id: int) -> Certificate:
    """Render and store a certificate's PDF once, with its SHA-256; return the certificate."""
    return _generate_pdf(Certificate.objects.get(pk=certificate_id))


def certificate_with_pdf(*, certificate: Certificate) -> Certificate:
    """Return a certificate whose PDF is in storage: made now if never made or lost since.

    Every download and bulk file goes through here, so a PDF missing from storage (a backup
    restored without the media folder) is rendered again from the certificate's record instead
    of failing.
    """
    if certificate.has_pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        return certificate
    return generate_pdf(certificate_id=certificate.pk)


def _generate_pdf(certificate: Certificate) -> Certificate:
    """Render and store the PDF unless it is stored; a PDF lost from storage is made again."""
    recorded = ""
    if certificate.has_pdf:
        if certificate.pdf.storage.exists(certificate.pdf.name):
            return certificate
        recorded = certificate.sha256
        logger.warning(
            "PDF of certificate %s was missing from storage (%s); it is made again from its record",
            certificate.number,
            certificate.pdf.name,
        )
    backend = signing_backend()
    content = render_certificate(
        snapshot=certificate.snapshot,
        number=certificate.number,
        code=certificate.code,
        bsre=backend.is_bsre,
    )
    content = backend.sign(content, certificate=certificate)
    digest = hashlib.sha256(content).hexdigest()  # of the signed bytes the participant gets
    store_whole(certificate, "pdf", "certificate.pdf", ContentFile(content))
    stored = Certificate.objects.filter(pk=certificate.pk, sha256=recorded).update(
        pdf=certificate.pdf.name, sha256=digest, pdf_size=len(content)
    )
    if not stored:  # another worker stored it first: keep theirs
        certificate.pdf.delete(save=False)
        return Certificate.objects.get(pk=certificate.pk)
    if recorded:
        logger.warning(
            "PDF of certificate %s stored again as %s (SHA-256 %s, was %s)",
            certificate.number,
            certificate.pdf.name,
            digest,
            recorded,
        )
    certificate.sha256, certificate.pdf_size = digest, len(content)
    return certificate


def preview_certificate(*, enrolment: Enrolment) -> bytes:
    """Render what a participant's certificate would look like, issuing and storing nothing."""
    require_complete_office()
    training = enrolment.training
    certificate_settings = selectors.certificate_settings_for(training=training)
    signed_on = signing_date(training)
    snapshot = build_snapshot(
        enrolment=enrolment,
        certificate_settings=certificate_settings,
        sessions=selectors.sessions_for_certificate(training=training),
        signed_on=signed_on,
    )
    try:
        number = numbering.format_number(
            certificate_settings.number_pattern,
            seq=0,
            code=training.code,
            unit=certificate_settings.unit_code,
            date=signed_on,
        )
    except (KeyError, ValueError):
        number = "…"
    return render_certificate(snapshot=snapshot, number=number, code="PREVIEW00000", preview=True)


@dataclass
class IssueSummary:
    issued: int = 0
    already_valid: int = 0
    not_eligible: int = 0
    revoked: int = 0
    errors: int = 0


def issue_for_training(*, training: Training, by=None, render: bool = True) -> IssueSummary:
    """Issue every eligible participant's certificate now, one by one (the command and the demo).

    With render=False only the certificates are stored; their PDFs are made by a background
    task queued on commit (or on first download).
    """
    summary = IssueSummary()
    revoked = selectors.revoked_for_good(selectors.certificates_of_training(training=training))
    for row in eligibility_for_training(training=training):
        if not row.eligible:
            summary.not_eligible += 1
            continue
        if row.enrolment.pk in revoked:
            summary.revoked += 1
            continue
        try:
            certificate, created = issue_certificate(enrolment_id=row.enrolment.pk, by=by)
            if render:
                generate_pdf(certificate_id=certificate.pk)
        except Exception:
            logger.exception("Issuing the certificate of enrolment %s failed", row.enrolment.pk)
            summary.errors += 1
            continue
        if created:
            summary.issued += 1
        else:
            summary.already_valid += 1
    if not render:
        transaction.on_commit(partial(_enqueue_missing_pdfs, training.pk))
    return summary


def _enqueue_missing_pdfs(training_id: int) -> None:
    from certificates.tasks import make_missing_pdfs

    make_missing_pdfs.enqueue(training_id)


def make_missing_pdfs(*, training_id: int) -> int:
    """Render the PDFs a training's valid certificates lack; return how many were made."""
    made = 0
    for certificate_id in Certificate.objects.filter(
        enrolment__training_id=training_id, status=Certificate.Status.VALID, sha256=""
    ).values_list("pk", flat=True):
        generate_pdf(certificate_id=certificate_id)
        made += 1
    return made


# Corrections and revoking -----------------------------------------------------------------------


def reissue_certificate(*, certificate: Certificate, by, note: str) -> Certificate:
    """Replace a valid certificate by a corrected version with the same number; return the new one.

    The new version prints the current directory and training data; the old one stays on the
    verification page as replaced, with a link to the new one.
    """
    note = " ".join(str(note or "").split())
    if not note:
        raise ValidationError(_("Say what was corrected."), code="note_required")
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != Certificate.Status.VALID:
            raise ValidationError(_("Only a valid certificate can be corrected."), code="not_valid")
        enrolment = Enrolment.objects.select_related(
            "training__organiser_unit", "employee__unit"
        ).get(pk=old.enrolment_id)
        training = enrolment.training
        signed_on = datetime.date.fromisoformat(old.snapshot["signed_on"])
        snapshot = build_snapshot(
            enrolment=enrolment,
            certificate_settings=selectors.certificate_settings_for(training=training),
            sessions=selectors.sessions_for_certificate(training=training),
            signed_on=signed_on,
        )
        old.status = Certificate.Status.REPLACED
        old.save(update_fields=["status"])
        new = Certificate.objects.create(
            enrolment=enrolment,
            number=old.number,
            scope=old.scope,
            sequence=old.sequence,
            version=old.version + 1,
            replaces=old,
            correction_note=note[:300],
            snapshot=snapshot,
            issued_at=timezone.now(),
            issued_by=by,
        )
    logger.info("Certificate %s v%s replaced by v%s", old.number, old.version, new.version)
    try:
        return generate_pdf(certificate_id=new.pk)
    except Exception:
        logger.exception("PDF of certificate %s failed; it will be made on download", new.pk)
        return new


def reissue_after_revocation(*, enrolment: Enrolment, by, reason: str) -> Certificate:
    """Issue a new certificate (a new number) to a participant whose certificate was revoked.

    The one deliberate way back after a revocation: batch issuing leaves such participants out.
    The reason is kept on the new certificate as its note and logged.
    """
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError(_("Give a reason for re-issuing."), code="reason_required")
    with transaction.atomic():
        Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
        revoked = selectors.revoked_for_good(
            Certificate.objects.filter(enrolment_id=enrolment.pk).order_by("sequence", "version")
        ).get(enrolment.pk)
        if revoked is None:
            raise ValidationError(
                _("Only a participant whose certificate was revoked can be re-issued one."),
                code="not_revoked",
            )
        certificate, _created = _issue_certificate(
            enrolment_id=enrolment.pk, by=by, reissue_reason=reason
        )
        record(
            Action.CERTIFICATE_REISSUED,
            actor=by,
            target=f"{certificate.number} · {certificate.snapshot.get('name', '')}",
            target_ref=certificate.code,
            details={
                "number": revoked.number,
                "new_number": certificate.number,
                "training": certificate.snapshot.get("training_code", ""),
                "reason": certificate.correction_note,
            },
        )
    logger.info(
        "Certificate %s re-issued after revocation of %s by %s: %s",
        certificate.number,
        revoked.number,
        getattr(by, "pk", None),
        reason,
    )
    try:
        return generate_pdf(certificate_id=certificate.pk)
    except Exception:
        logger.exception(
            "PDF of certificate %s failed; it will be made on download", certificate.pk
        )
        return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a valid certificate with a reason shown on the verification page."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError(_("Give a reason for revoking."), code="reason_required")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status != Certificate.Status.VALID:
        raise ValidationError(_("Only a valid certificate can be revoked."), code="not_valid")
    locked.status = Certificate.Status.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason[:300]
    locked.revoked_by = by
    locked.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
    logger.info(
        "Certificate %s v%s revoked by %s", locked.number, locked.version, getattr(by, "pk", None)
    )
    record(
        Action.CERTIFICATE_REVOKED,
        actor=by,
        target=f"{locked.number} · {locked.snapshot.get('name', '')}",
        target_ref=locked.code,
        details={
            "number": locked.number,
            "training": locked.snapshot.get("training_code", ""),
            "reason": locked.revoked_reason,
        },
    )
    return locked


# Runs -------------------------------------------------------------------------------------------


def _workers() -> int:
    return max(1, settings.CERTIFICATES_ISSUE_WORKERS)


def _enqueue_run(run_id: int, attempt: int, workers: int) -> None:
    from certificates.tasks import work_on_run  # tasks call this module; import at use

    for _worker in range(workers):
        work_on_run.enqueue(run_id, attempt)


def _active_run(training: Training, kind: str) -> IssueRun | None:
    run = IssueRun.objects.filter(
        training=training, kind=kind, status__in=IssueRun.ACTIVE_STATUSES
    ).first()
    if run is None:
        return None
    if run.has_stopped:
        return resume_run(run_id=run.pk)  # a worker died part-way: carry on where it stopped
    return run


def _items_done(run: IssueRun) -> set[int]:
    """Return the items of a run whose work is in the database: issued with a PDF, or emailed."""
    if run.kind == IssueRun.Kind.ISSUE:
        done = Certificate.objects.filter(
            enrolment_id__in=run.item_ids, status=Certificate.Status.VALID, sha256__gt=""
        ).values_list("enrolment_id", flat=True)
    else:
        done = CertificateEmail.objects.filter(
            certificate_id__in=run.item_ids, status=CertificateEmail.Status.SENT
        ).values_list("certificate_id", flat=True)
    return set(done)


def resume_run(*, run_id: int) -> IssueRun:
    """Carry on a run whose worker stopped, as a new attempt, counting every item exactly once.

    The items whose work is in the database count as done, whichever worker did them (the one
    in flight when the worker died among them, if it got that far); the rest, the failed ones
    included, are worked on again. Issuing is idempotent per participant, so nobody gets a
    second number. A worker of an earlier attempt that wakes up claims and counts nothing.
    """
    with transaction.atomic():
        run = IssueRun.objects.select_for_update().get(pk=run_id)
        if not (run.is_active and run.has_stopped):
            return run  # resumed already (a second click), or not stopped
        done = _items_done(run)
        left = [item for item in run.item_ids if item not in done]
        if run.kind == IssueRun.Kind.EMAIL:
            # An email the dead worker was sending may or may not have gone: send it again
            # rather than never (send_certificate_email retries a failed one).
            CertificateEmail.objects.filter(
                certificate_id__in=left, status=CertificateEmail.Status.SENDING
            ).update(status=CertificateEmail.Status.FAILED, error="worker stopped while sending")
        run.item_ids = [item for item in run.item_ids if item in done] + left
        run.next_item = run.done = len(run.item_ids) - len(left)
        run.errors, run.error_log = 0, []
        run.attempt += 1
        run.heartbeat_at = timezone.now()
        if left:
            run.status = IssueRun.Status.QUEUED
            workers = min(_workers(), len(left))
            transaction.on_commit(partial(_enqueue_run, run.pk, run.attempt, workers))
        else:
            run.status, run.finished_at = IssueRun.Status.DONE, timezone.now()
        run.save(
            update_fields=[
                "item_ids", "next_item", "done", "errors", "error_log", "attempt",
                "heartbeat_at", "status", "finished_at",
            ]
        )  # fmt: skip
    logger.warning(
        "Certificate run %s resumed as attempt %s: %s of %s items done, %s left",
        run.pk,
        run.attempt,
        run.done,
        run.total,
        len(left),
    )
    return run


def _start_run(*, training: Training, kind: str, item_ids: list[int], by) -> IssueRun:
    active = _active_run(training, kind)
    if active is not None:
        return active  # a second click joins the run in progress
    workers = min(_workers(), max(1, len(item_ids)))
    try:
        with transaction.atomic():
            run = IssueRun.objects.create(
                training=training,
                kind=kind,
                item_ids=item_ids,
                total=len(item_ids),
                workers=workers,
                created_by=by,
                status=IssueRun.Status.QUEUED if item_ids else IssueRun.Status.DONE,
                finished_at=None if item_ids else timezone.now(),
            )
            if item_ids:
                transaction.on_commit(partial(_enqueue_run, run.pk, run.attempt, workers))
    except IntegrityError:
        active = _active_run(training, kind)
        if active is None:
            raise
        return active
    logger.info("Certificate run %s (%s, %s items) started", run.pk, kind, len(item_ids))
    return run


def start_issue_run(*, training: Training, by) -> IssueRun:
    """Queue the issuing of every eligible participant's certificate who has no valid one yet.

    A participant whose certificate was revoked is left out: see reissue_after_revocation().
    """
    require_complete_office()
    holders = set(
        Certificate.objects.filter(
            enrolment__training=training, status=Certificate.Status.VALID, sha256__gt=""
        ).values_list("enrolment_id", flat=True)
    )
    revoked = selectors.revoked_for_good(selectors.certificates_of_training(training=training))
    holders |= revoked.keys()
    item_ids = [
        row.enrolment.pk
        for row in eligibility_for_training(training=training)
        if row.eligible and row.enrolment.pk not in holders
    ]
    return _start_run(training=training, kind=IssueRun.Kind.ISSUE, item_ids=item_ids, by=by)


def start_email_run(*, training: Training, by, enrolment_ids=None) -> IssueRun:
    """Queue one email to each holder of a valid certificate with an address, not yet sent;
    only to those of enrolment_ids when given (the people ticked on the list)."""
    certificates = Certificate.objects.filter(
        enrolment__training=training, status=Certificate.Status.VALID
    )
    if enrolment_ids is not None:
        certificates = certificates.filter(enrolment__in=list(enrolment_ids))
    item_ids = list(
        certificates.exclude(enrolment__employee__email="")
        .exclude(email__status=CertificateEmail.Status.SENT)
        .order_by("sequence")
        .values_list("pk", flat=True)
    )
    return _start_run(training=training, kind=IssueRun.Kind.EMAIL, item_ids=item_ids, by=by)


def _claim_item(run_id: int, attempt: int) -> int | None:
    """Claim the next item of a run for this worker; None when every item is claimed."""
    while True:
        run = (
            IssueRun.objects.filter(pk=run_id, attempt=attempt)
            .values("next_item", "total", "status")
            .first()
        )
        if run is None or run["status"] in {IssueRun.Status.DONE, IssueRun.Status.FAILED}:
            return None  # gone, finished, or carried on by a later attempt
        index = run["next_item"]
        if index >= run["total"]:
            return None
        claimed = IssueRun.objects.filter(pk=run_id, attempt=attempt, next_item=index).update(
            next_item=index + 1,
            status=IssueRun.Status.RUNNING,
            heartbeat_at=timezone.now(),
        )
        if claimed:
            return index


def work_on_run(*, run_id: int, attempt: int = 1) -> None:
    """Work through a run's items until none is left; any number of workers may share a run.

    Only while the run holds this attempt: one resumed since (resume_run) is not ours to count.
    """
    run = IssueRun.objects.filter(pk=run_id, attempt=attempt).first()
    if run is None:
        return
    items = run.item_ids
    with translation.override(settings.LANGUAGE_CODE):
        index = _claim_item(run_id, attempt)
        while index is not None:
            item = items[index]
            try:
                if run.kind == IssueRun.Kind.ISSUE:
                    certificate, _created = issue_certificate(
                        enrolment_id=item, by=run.created_by, run=run
                    )
                    _generate_pdf(certificate)
                    ok = True
                else:
                    ok = send_certificate_email(certificate_id=item) != "failed"
            except Exception as error:
                logger.exception("Run %s: item %s failed", run_id, item)
                ok = False
                _log_error(run_id, item, error)
            # The progress and the next claim in one commit: one wait for the disk, not two.
            with transaction.atomic():
                counter = "done" if ok else "errors"
                IssueRun.objects.filter(pk=run_id, attempt=attempt).update(
                    **{counter: F(counter) + 1}, heartbeat_at=timezone.now()
                )
                index = _claim_item(run_id, attempt)
    _finish_if_complete(run_id, attempt)


def _log_error(run_id: int, item: int, error: Exception) -> None:
    message = error.messages[0] if isinstance(error, ValidationError) else type(error).__name__
    with transaction.atomic():
        run = IssueRun.objects.select_for_update().get(pk=run_id)
        if len(run.error_log) < ERROR_LOG_KEPT:
            run.error_log = [*run.error_log, {"item": item, "error": str(message)}]
            run.save(update_fields=["error_log"])


def _finish_if_complete(run_id: int, attempt: int) -> None:
    IssueRun.objects.filter(
        pk=run_id,
        attempt=attempt,
        status__in=IssueRun.ACTIVE_STATUSES,
        total__lte=F("done") + F("errors"),
    ).update(status=IssueRun.Status.DONE, finished_at=timezone.now())


# Emails -----------------------------------------------------------------------------------------


def certificate_links(certificate: Certificate) -> dict[str, str]:
    """Return the addresses a holder is sent: their download, their trainings, the public check."""
    return {
        "download_link": settings.SITE_URL
        + reverse("certificates:mine_download", args=[certificate.pk]),
        "my_trainings_link": settings.SITE_URL + reverse("trainings:my_trainings"),
        "verify_link": settings.SITE_URL + reverse("verify:certificate", args=[certificate.code]),
    }


def send_certificate_email(*, certificate_id: int) -> str:
    """Email a participant the link to their certificate, once; return sent, failed or skipped.

    The CertificateEmail row is the claim: a second call (a re-delivered task, a second run)
    finds it and sends nothing, unless the earlier attempt failed.
    """
    certificate = (
        Certificate.objects.select_related("enrolment__employee", "enrolment__training")
        .filter(pk=certificate_id, status=Certificate.Status.VALID)
        .first()
    )
    if certificate is None or not certificate.enrolment.employee.email:
        return "skipped"
    employee = certificate.enrolment.employee
    now = timezone.now()
    try:
        with transaction.atomic():
            CertificateEmail.objects.create(
                certificate=certificate, address=employee.email, attempted_at=now
            )
    except IntegrityError:
        retried = CertificateEmail.objects.filter(
            certificate=certificate, status=CertificateEmail.Status.FAILED
        ).update(status=CertificateEmail.Status.SENDING, attempted_at=now, error="")
        if not retried:
            return "skipped"  # sent already, or being sent by another worker
    context = {
        "certificate": certificate,
        "employee": employee,
        "training": certificate.enrolment.training,
        **certificate_links(certificate),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Your certificate: %(training)s") % {
            "training": certificate.enrolment.training.title
        }
        text = render_to_string("certificates/emails/certificate_ready.txt", context)
        html = render_to_string("certificates/emails/certificate_ready.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[employee.email]
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - the outside world: record and carry on
        logger.warning("Certificate email %s failed: %s", certificate.pk, error)
        CertificateEmail.objects.filter(certificate=certificate).update(
            status=CertificateEmail.Status.FAILED, error=str(error)[:300]
        )
        return "failed"
    CertificateEmail.objects.filter(certificate=certificate).update(
        status=CertificateEmail.Status.SENT, sent_at=timezone.now()
    )
    return "sent"
