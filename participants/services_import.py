"""
The admin's staff-list import as a background job.

start_staff_import stores the upload and queues check_staff_import, a dry run that stores the
preview. confirm_staff_import queues apply_staff_import, the real import. Each step claims the
row with a conditional UPDATE on its status, so a double click, a second confirmation or a
re-delivered task never runs a step twice. The steps write their progress to the row every few
hundred rows (participants.importing reports it while it checks rows, before it opens the write
transaction), so a page can poll it. See StaffListImport for the states.
"""

import hashlib
import logging
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .importing import ImportReport, import_staff, rejected_rows_workbook
from .models import StaffListImport
from .staff_files import StaffFileError, StaffTable, read_staff_file

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".xlsx", ".csv")
# The stored report stays small whatever the file: every invalid row up to this many, then the
# first rows with warnings and the first other rows up to OTHER_ROWS_KEPT.
INVALID_ROWS_KEPT = 5000
OTHER_ROWS_KEPT = 1000
Status = StaffListImport.Status


def start_staff_import(
    *, uploaded_file, filename: str, skip_invalid: bool, create_units: bool, user
) -> StaffListImport:
    """Store an uploaded staff list and queue its check; refuse a file too large or of a wrong type.

    Uploading the same file with the same options again while the first copy waits or is being
    checked returns that first import instead of a second one.
    """
    limit = settings.BIMTEK_MAX_UPLOAD_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(
            _("The file is larger than %(size)s MB. Split it into smaller files."),
            code="too_large",
            params={"size": f"{limit / 1024 / 1024:g}"},
        )
    if PurePath(filename).suffix.lower() not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("The file %(name)s is not an .xlsx or .csv file."),
            code="file_type",
            params={"name": filename},
        )
    digest = _sha256(uploaded_file)
    pending = _pending_import(user, digest, skip_invalid, create_units)
    if pending is not None:
        return pending

    staff_import = StaffListImport(
        original_filename=PurePath(filename).name[-255:],
        file_size=uploaded_file.size,
        file_digest=digest,
        skip_invalid=skip_invalid,
        create_units=create_units,
        created_by=user,
    )
    staff_import.file.save(filename, uploaded_file, save=False)
    try:
        with transaction.atomic():
            staff_import.save()
            transaction.on_commit(lambda: _enqueue_check(staff_import.pk))
    except IntegrityError:
        # A second copy of the same submission won the race: keep that one only.
        staff_import.file.delete(save=False)
        pending = _pending_import(user, digest, skip_invalid, create_units)
        if pending is None:
            raise
        return pending
    except BaseException:
        staff_import.file.delete(save=False)
        raise
    return staff_import


def _sha256(uploaded_file) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def _pending_import(user, digest, skip_invalid, create_units) -> StaffListImport | None:
    return StaffListImport.objects.filter(
        created_by=user,
        file_digest=digest,
        skip_invalid=skip_invalid,
        create_units=create_units,
        status__in=[Status.UPLOADED, Status.VALIDATING],
    ).first()


def _enqueue_check(import_id: int) -> None:
    from .tasks import validate_staff_import  # tasks call this module; import at use

    validate_staff_import.enqueue(import_id)


def _enqueue_apply(import_id: int) -> None:
    from .tasks import apply_staff_import

    apply_staff_import.enqueue(import_id)


def confirm_staff_import(*, import_id: int, user) -> StaffListImport:
    """Queue a checked staff list for import, once: confirming it again changes nothing.

    Raise ValidationError (code import_not_ready or import_has_invalid_rows) when the preview
    does not allow it.
    """
    staff_import = StaffListImport.objects.get(pk=import_id)
    if staff_import.status in {Status.IMPORTING, Status.DONE}:
        return staff_import  # already confirmed: a second click or a resubmitted form
    if staff_import.status != Status.VALIDATED:
        raise ValidationError(
            _("This import cannot be confirmed: its status is %(status)s."),
            code="import_not_ready",
            params={"status": staff_import.get_status_display()},
        )
    if staff_import.invalid_rows and not staff_import.skip_invalid:
        raise ValidationError(
            _(
                "This import cannot be confirmed because %(count)d rows are invalid and invalid "
                "rows are not to be skipped."
            ),
            code="import_has_invalid_rows",
            params={"count": staff_import.invalid_rows},
        )
    with transaction.atomic():
        confirmed = StaffListImport.objects.filter(pk=import_id, status=Status.VALIDATED).update(
            status=Status.IMPORTING,
            confirmed_by=user,
            confirmed_at=timezone.now(),
            processed_rows=0,
        )
        if confirmed:
            transaction.on_commit(lambda: _enqueue_apply(import_id))
    staff_import.refresh_from_db()
    return staff_import


def check_staff_import(*, import_id: int) -> None:
    """Read an uploaded staff list and check every row without saving; store the preview."""
    claimed = StaffListImport.objects.filter(pk=import_id, status=Status.UPLOADED).update(
        status=Status.VALIDATING, processed_rows=0, total_rows=0
    )
    if not claimed:
        return  # checked already, or being checked by another delivery of the task
    staff_import = StaffListImport.objects.get(pk=import_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            table = _read_table(staff_import)
            report = import_staff(
                table,
                dry_run=True,
                skip_invalid=staff_import.skip_invalid,
                create_units=staff_import.create_units,
                progress=_progress_writer(import_id),
            )
            rejected = rejected_rows_workbook(report, table) if report.invalid else None
        except StaffFileError as error:
            _fail(staff_import, error.message, delete_file=True)
            return
        except Exception:
            logger.exception("Checking staff list import %s failed", import_id)
            _fail(
                staff_import,
                gettext("An unexpected error stopped the check of the file. Nothing was saved."),
                delete_file=True,
            )
            raise
        staff_import.status = Status.VALIDATED
        staff_import.validated_at = timezone.now()
        _store_report(staff_import, report, table, rejected)
        staff_import.save()


def apply_staff_import(*, import_id: int) -> None:
    """Import a confirmed staff list exactly once; store the result and delete the upload."""
    claimed = StaffListImport.objects.filter(
        pk=import_id, status=Status.IMPORTING, started_at__isnull=True
    ).update(started_at=timezone.now(), processed_rows=0)
    if not claimed:
        return  # not confirmed, or already started by another delivery of the task
    staff_import = StaffListImport.objects.get(pk=import_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            table = _read_table(staff_import)
            report = import_staff(
                table,
                skip_invalid=staff_import.skip_invalid,
                create_units=staff_import.create_units,
                progress=_progress_writer(import_id),
            )
            rejected = rejected_rows_workbook(report, table) if report.invalid else None
        except StaffFileError as error:
            _fail(staff_import, error.message, delete_file=True)
            return
        except Exception:
            logger.exception("Staff list import %s failed", import_id)
            if staff_import.skip_invalid:
                message = gettext(
                    "An unexpected error stopped the import. Upload the file again to finish it: "
                    "rows already saved will show as unchanged."
                )
            else:
                message = gettext("An unexpected error stopped the import. Nothing was saved.")
            _fail(staff_import, message, delete_file=True)
            raise
        staff_import.finished_at = timezone.now()
        _store_report(staff_import, report, table, rejected)
        if report.applied:
            staff_import.status = Status.DONE
        else:
            # The directory changed since the preview and some rows became invalid.
            staff_import.status = Status.FAILED
            staff_import.error = gettext(
                "The directory changed after the preview and %(count)d rows are now invalid, so "
                "nothing was saved. Correct them, or import only the valid rows."
            ) % {"count": report.invalid}
        staff_import.file.delete(save=False)
        staff_import.save()


def _read_table(staff_import: StaffListImport) -> StaffTable:
    if not staff_import.file:
        raise StaffFileError(
            gettext("The uploaded file is no longer stored. Upload it again."), code="file_gone"
        )
    try:
        with staff_import.file.open("rb") as file_obj:
            table = read_staff_file(file_obj, filename=staff_import.original_filename)
    except FileNotFoundError:
        raise StaffFileError(
            gettext("The uploaded file is no longer stored. Upload it again."), code="file_gone"
        ) from None
    if not table.rows:
        raise StaffFileError(
            gettext("The file has no rows below the column names."), code="no_rows"
        )
    StaffListImport.objects.filter(pk=staff_import.pk).update(
        total_rows=len(table.rows), processed_rows=0
    )
    staff_import.total_rows = len(table.rows)
    return table


def _progress_writer(import_id: int):
    def progress(done: int, total: int) -> None:
        StaffListImport.objects.filter(pk=import_id).update(
            processed_rows=min(done, total), total_rows=total
        )

    return progress


def _fail(staff_import: StaffListImport, message: str, *, delete_file: bool) -> None:
    staff_import.status = Status.FAILED
    staff_import.error = str(message)
    staff_import.finished_at = timezone.now()
    if delete_file:
        staff_import.file.delete(save=False)
    staff_import.save()


def _store_report(staff_import, report: ImportReport, table: StaffTable, rejected) -> None:
    staff_import.report = report_as_json(report)
    staff_import.processed_rows = staff_import.total_rows = len(table.rows)
    if staff_import.rejected_file:
        staff_import.rejected_file.delete(save=False)
    if rejected is not None:
        staff_import.rejected_file.save("rejected.xlsx", ContentFile(rejected), save=False)


def report_as_json(report: ImportReport) -> dict:
    """Describe a report for storage: the counts, the notes and a bounded list of rows.

    Invalid rows come first, then rows with warnings, then the others, each by row number.
    """
    invalid = [row for row in report.rows if row.outcome == "invalid"]
    others = sorted(
        (row for row in report.rows if row.outcome != "invalid"),
        key=lambda row: (not row.warnings, row.number),
    )
    kept = invalid[:INVALID_ROWS_KEPT] + others[:OTHER_ROWS_KEPT]
    return {
        "counts": {
            "new": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "invalid": report.invalid,
        },
        "applied": report.applied,
        "summary_line": report.summary_line,
        "notes": [str(note) for note in report.notes],
        "rows": [
            {
                "number": row.number,
                "outcome": row.outcome,
                "nip": row.nip,
                "name": row.name,
                "errors": [str(error) for error in row.errors],
                "warnings": [str(warning) for warning in row.warnings],
            }
            for row in kept
        ],
        "rows_total": len(report.rows),
        "rows_omitted": len(report.rows) - len(kept),
    }
