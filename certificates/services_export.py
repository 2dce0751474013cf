"""
Writes for the bulk downloads: one ZIP or one merged PDF of a training's valid certificates,
made by a background task and kept in media storage.

start_export() runs in the organiser's request and only decides: it joins the export of the same
kind already being made for the same certificates, hands back a finished one that still matches
them, or queues a new one (cancelling one still being made for certificates since changed).
build_export() runs in the worker: it renders any PDF a failed rendering left missing, writes the
file, reports how many certificates it has put in, and stores the result. A finished export
replaces the older ones of its kind; any export older than CERTIFICATES_EXPORT_KEEP_DAYS goes.
"""

import datetime
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from trainings.models import Training

from certificates import exports, selectors
from certificates.models import Certificate, CertificateExport
from certificates.services import certificate_with_pdf

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two progress writes while certificates fly by
CHUNK = 200  # certificates fetched at a time

WRITERS = {
    CertificateExport.Kind.ZIP: exports.write_zip,
    CertificateExport.Kind.MERGED: exports.write_merged_pdf,
}

ACTIVE = CertificateExport.ACTIVE_STATUSES


class ExportFailed(Exception):
    """The export cannot be finished; code is one of CertificateExport.Error."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code, self.detail = code, detail


class ExportCancelled(Exception):
    """A newer export took this one's place while it was being made."""


def export_filename(export: CertificateExport) -> str:
    """Return the name the file is stored and downloaded under: sertifikat-CODE.zip or .pdf."""
    return f"sertifikat-{export.training.code}.{export.kind}"


def _keep_days() -> int:
    return max(1, settings.CERTIFICATES_EXPORT_KEEP_DAYS)


# In the request ---------------------------------------------------------------------------------


def _active_export(training: Training, kind: str) -> CertificateExport | None:
    export = CertificateExport.objects.filter(
        training=training, kind=kind, status__in=ACTIVE
    ).first()
    if export is None:
        return None
    if export.has_stopped:
        # The worker died part-way: close the export so a new one can be made.
        CertificateExport.objects.filter(
            pk=export.pk, status=CertificateExport.Status.RUNNING
        ).update(
            status=CertificateExport.Status.FAILED,
            error=CertificateExport.Error.INTERRUPTED,
            finished_at=timezone.now(),
        )
        return None
    return export


def start_export(*, training: Training, kind: str, by) -> CertificateExport:
    """Start (or join, or hand back) the export of a training's valid certificates as one file.

    An export being made for the same certificates is joined; a finished one for the same
    certificates is returned as it is; one being made for certificates that have changed since is
    cancelled and a new one queued. Raise ValidationError when there is nothing to put in it.
    """
    if kind not in CertificateExport.Kind.values:
        raise ValueError(f"Unknown export kind {kind}")
    certificate_ids, set_key = selectors.valid_certificate_set(training=training)
    if not certificate_ids:
        raise ValidationError(
            _("There are no valid certificates to put in the file yet."), code="nothing_to_export"
        )
    active = _active_export(training, kind)
    if active is not None:
        if active.set_key == set_key:
            return active  # a second click joins the export being made
        CertificateExport.objects.filter(pk=active.pk, status__in=ACTIVE).update(
            status=CertificateExport.Status.CANCELLED, finished_at=timezone.now()
        )
        logger.info("Certificate export %s cancelled: the certificates changed", active.pk)
    ready = (
        CertificateExport.objects.filter(
            training=training, kind=kind, set_key=set_key, status=CertificateExport.Status.DONE
        )
        .exclude(file="")
        .first()
    )
    if ready is not None:
        if ready.file.storage.exists(ready.file.name):
            return ready
        delete_exports([ready])  # its file is gone (a restored backup leaves exports out)
    try:
        with transaction.atomic():
            export = CertificateExport.objects.create(
                training=training,
                kind=kind,
                set_key=set_key,
                certificate_ids=certificate_ids,
                total=len(certificate_ids),
                created_by=by,
            )
            transaction.on_commit(partial(_enqueue_export, export.pk))
    except IntegrityError:
        # Another request queued one between our look and our insert: join it.
        active = _active_export(training, kind)
        if active is None:
            raise
        return active
    logger.info(
        "Certificate export %s (%s, %s certificates) queued", export.pk, kind, len(certificate_ids)
    )
    return export


def _enqueue_export(export_id: int) -> None:
    from certificates.tasks import build_certificate_export  # tasks call this module; import at use

    build_certificate_export.enqueue(export_id)


# In the worker ----------------------------------------------------------------------------------


def build_export(*, export_id: int) -> None:
    """Make an export's file: render the missing PDFs, write the file, store it, report progress.

    Only the worker that moves the export from queued to running makes it, so a re-delivered
    task does nothing. A failure is recorded on the export with a code the page explains.
    """
    claimed = CertificateExport.objects.filter(
        pk=export_id, status=CertificateExport.Status.QUEUED
    ).update(status=CertificateExport.Status.RUNNING, heartbeat_at=timezone.now())
    if not claimed:
        return
    export = CertificateExport.objects.select_related("training").get(pk=export_id)
    try:
        with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryFile() as out:
            WRITERS[export.kind](_certificates_with_pdfs(export), out)
            _store(export, out)
    except ExportCancelled:
        logger.info("Certificate export %s stopped: a newer one took its place", export_id)
    except ExportFailed as failure:
        logger.warning(
            "Certificate export %s failed: %s %s", export_id, failure.code, failure.detail
        )
        _fail(export_id, failure.code, failure.detail)
    except Exception:
        logger.exception("Certificate export %s failed", export_id)
        _fail(export_id, CertificateExport.Error.WRITE, "")
    _clean_up(export)


def _certificates_with_pdfs(export: CertificateExport) -> Iterator[Certificate]:
    """Yield the export's certificates in order, each with its PDF, writing progress as they go."""
    ids = export.certificate_ids
    reported_at = time.monotonic()
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = Certificate.objects.in_bulk(chunk)
        for pk in chunk:
            certificate = found.get(pk)
            if certificate is None:
                raise ExportFailed(CertificateExport.Error.CHANGED, str(pk))
            try:
                certificate = certificate_with_pdf(certificate=certificate)
            except Exception as error:
                logger.exception("Export %s: the PDF of certificate %s failed", export.pk, pk)
                raise ExportFailed(CertificateExport.Error.PDF, certificate.number) from error
            yield certificate
            done += 1
            if done == len(ids) or time.monotonic() - reported_at >= PROGRESS_EVERY:
                _report(export.pk, done)
                reported_at = time.monotonic()


def _report(export_id: int, done: int) -> None:
    still_running = CertificateExport.objects.filter(
        pk=export_id, status=CertificateExport.Status.RUNNING
    ).update(done=done, heartbeat_at=timezone.now())
    if not still_running:
        raise ExportCancelled


def _store(export: CertificateExport, out) -> None:
    size = out.seek(0, os.SEEK_END)
    out.seek(0)
    name = export_filename(export)
    export.file.save(name, File(out, name=name), save=False)
    finished = CertificateExport.objects.filter(
        pk=export.pk, status=CertificateExport.Status.RUNNING
    ).update(
        status=CertificateExport.Status.DONE,
        file=export.file.name,
        file_size=size,
        done=export.total,
        finished_at=timezone.now(),
    )
    if not finished:  # cancelled while the file was being stored
        export.file.delete(save=False)
        raise ExportCancelled
    logger.info("Certificate export %s ready (%s bytes)", export.pk, size)


def _fail(export_id: int, code: str, detail: str) -> None:
    CertificateExport.objects.filter(pk=export_id, status=CertificateExport.Status.RUNNING).update(
        status=CertificateExport.Status.FAILED,
        error=code,
        error_detail=detail[:200],
        finished_at=timezone.now(),
    )


def _clean_up(export: CertificateExport) -> None:
    """Delete the exports this one replaces, and every finished export past its keeping time."""
    replaced = Q(training_id=export.training_id, kind=export.kind, created_at__lt=export.created_at)
    expired = Q(finished_at__lt=timezone.now() - datetime.timedelta(days=_keep_days()))
    delete_exports(CertificateExport.objects.exclude(status__in=ACTIVE).filter(replaced | expired))


def delete_exports(exports_to_delete) -> int:
    """Delete exports with their files; return how many went."""
    deleted = 0
    for export in exports_to_delete:
        if export.file:
            export.file.delete(save=False)
        CertificateExport.objects.filter(pk=export.pk).delete()
        deleted += 1
    return deleted
