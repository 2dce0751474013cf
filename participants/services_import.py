"""
The admin's staff-list import as a background job.

start_staff_import stores the upload and queues check_staff_import, a dry run that stores the
preview. confirm_staff_import queues apply_staff_import, the real import. Each step claims the
row with a conditional UPDATE on its status and attempt, so a double click, a second
confirmation or a re-delivered task never runs a step twice. The steps write their progress and
a heartbeat to the row every few hundred rows (participants.importing reports it while it checks
rows, before the write transaction), so a page can poll it. See StaffListImport for the states.

A worker can die part-way (out of memory on a huge file, a deploy, a power cut) and leave its
step running for ever. restart_staff_import starts such a step again from the stored file under
a new attempt number. Every write a worker makes is conditional on its attempt and step, and
its last one (the result, and for the import the rows themselves) is one transaction that
begins by locking the import row: a worker that wakes up after the restart writes nothing.
"""

import contextlib
import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participants.importing import (
    ImportReport,
    described_values,
    import_staff,
    plan_staff_import,
    rejected_rows_workbook,
    write_staff_plan,
)
from participants.models import ColumnMapping, StaffListImport
from audit.services import Action, record
from core.files import store_whole
from core.spreadsheets import SpreadsheetError
from participants.services import add_unit_alias, create_unit
from participants.staff_files import (
    StaffTable,
    header_signature,
    mapping_errors,
    read_staff_file,
)
from participants.units import unit_key

logger = logging.getLogger(__name__)

IMPORT_PERMISSION = "participants.import_employees"  # who may import a staff list
ALLOWED_EXTENSIONS = (".xlsx", ".csv")
# The stored report stays small whatever the file: every invalid row up to this many, then the
# first rows with warnings and the first other rows up to OTHER_ROWS_KEPT.
INVALID_ROWS_KEPT = 5000
OTHER_ROWS_KEPT = 1000  # of the new and unchanged rows; every updated row is kept
Status = StaffListImport.Status


def start_staff_import(
    *, uploaded_file, filename: str, skip_invalid: bool, create_units: bool,
    clear_empty: bool = False, user,
) -> StaffListImport:  # fmt: skip
    """Store an uploaded staff list and queue its check; refuse a file too large or of a wrong type.

    Uploading the same file with the same options again while the first copy waits or is being
    checked returns that first import instead of a second one; if that copy's check has
    stopped, it is closed as failed and the new upload is checked instead.
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
    options = {
        "skip_invalid": skip_invalid, "create_units": create_units, "clear_empty": clear_empty
    }  # fmt: skip
    pending = _pending_import(user, digest, options)
    if pending is not None and not (pending.has_stopped and _close_if_stopped(pending.pk)):
        return pending

    staff_import = StaffListImport(
        original_filename=PurePath(filename).name[-255:],
        file_size=uploaded_file.size,
        file_digest=digest,
        **options,
        created_by=user,
    )
    store_whole(staff_import, "file", filename, uploaded_file)  # a full disk: a message
    try:
        with transaction.atomic():
            staff_import.save()
            transaction.on_commit(lambda: _enqueue_check(staff_import.pk, staff_import.attempt))
    except IntegrityError:
        # A second copy of the same submission won the race: keep that one only.
        staff_import.file.delete(save=False)
        pending = _pending_import(user, digest, options)
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


def _pending_import(user, digest, options: dict) -> StaffListImport | None:
    return StaffListImport.objects.filter(
        created_by=user,
        file_digest=digest,
        **options,
        status__in=[Status.UPLOADED, Status.VALIDATING],
    ).first()


def _enqueue_check(import_id: int, attempt: int) -> None:
    from participants.tasks import validate_staff_import  # tasks call this module; import at use

    validate_staff_import.enqueue(import_id, attempt)


def _enqueue_apply(import_id: int, attempt: int) -> None:
    from participants.tasks import apply_staff_import

    apply_staff_import.enqueue(import_id, attempt)


def confirm_staff_import(*, import_id: int, user, only_valid: bool = False) -> StaffListImport:
    """Queue a checked staff list for import, once: confirming it again changes nothing.

    With only_valid the invalid rows are skipped (and so are rows that turn invalid before the
    import runs); without it, one invalid row stops the import unless the upload said to skip.
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
    skip_invalid = staff_import.skip_invalid or only_valid
    if staff_import.invalid_rows and not skip_invalid:
        raise ValidationError(
            _(
                "This import cannot run because %(count)d rows are invalid. Import only the "
                "valid rows, or correct the file and upload it again."
            ),
            code="import_has_invalid_rows",
            params={"count": staff_import.invalid_rows},
        )
    attempt = staff_import.attempt
    with transaction.atomic():
        confirmed = StaffListImport.objects.filter(
            pk=import_id, status=Status.VALIDATED, attempt=attempt
        ).update(
            status=Status.IMPORTING,
            skip_invalid=skip_invalid,
            confirmed_by=user,
            confirmed_at=timezone.now(),
            done=0,
        )
        if confirmed:
            transaction.on_commit(lambda: _enqueue_apply(import_id, attempt))
    staff_import.refresh_from_db()
    return staff_import


def restart_staff_import(*, import_id: int, user) -> StaffListImport:
    """Start a stopped check or import again from the stored file; a second click changes nothing.

    Only a step whose worker has stopped (StaffListImport.has_stopped) starts again, under a new
    attempt number. Raise ValidationError (code file_gone) when the upload is no longer stored:
    the import is then closed as failed.
    """
    with transaction.atomic():
        staff_import = StaffListImport.objects.select_for_update().get(pk=import_id)
        if not staff_import.has_stopped:
            return staff_import  # started again already (a second click), or not stopped
        if not upload_is_stored(staff_import):
            with translation.override(settings.LANGUAGE_CODE):
                error = f"{staff_import.stopped_message} {_file_gone_message()}"
            StaffListImport.objects.filter(pk=import_id).update(
                status=Status.FAILED, error=error, finished_at=timezone.now(), file=""
            )
            file_gone = True
        else:
            file_gone = False
            attempt = staff_import.attempt + 1
            fields = {"attempt": attempt, "heartbeat_at": timezone.now(), "done": 0}
            if staff_import.status == Status.VALIDATING:
                fields |= {"status": Status.UPLOADED, "total": 0}
                transaction.on_commit(lambda: _enqueue_check(import_id, attempt))
            else:
                fields |= {"started_at": None}
                transaction.on_commit(lambda: _enqueue_apply(import_id, attempt))
            StaffListImport.objects.filter(pk=import_id).update(**fields)
    if file_gone:
        raise ValidationError(_file_gone_message(), code="file_gone")
    logger.info(
        "Staff list import %s (%s) started again as attempt %s by user %s",
        import_id,
        staff_import.status,
        attempt,
        getattr(user, "pk", None),
    )
    staff_import.refresh_from_db()
    return staff_import


@dataclass(frozen=True)
class UnitDecision:
    """What the admin says a unit named in the file is: a new unit, or another name of one."""

    name: str  # as the file writes it
    action: str  # "create" | "same_as" | "leave"
    new_name: str = ""
    parent: object = None  # Unit or None, for "create"
    unit: object = None  # Unit, for "same_as"


def resolve_unknown_units(
    *, import_id: int, decisions: list[UnitDecision], user
) -> StaffListImport:
    """Create the units or aliases the admin chose for a preview's unknown units; check it again.

    Raise ValidationError (code import_not_ready) unless the import is at its preview.
    """
    with _one_pending_copy(), transaction.atomic():
        staff_import = _lock_preview(import_id)
        for decision in decisions:
            if decision.action == "create":
                unit = create_unit(name=decision.new_name or decision.name, parent=decision.parent)
                if unit_key(unit.name) != unit_key(decision.name):
                    # Named anew by the admin: the file's spelling becomes another name of it.
                    add_unit_alias(name=decision.name, unit=unit, user=user)
            elif decision.action == "same_as":
                add_unit_alias(name=decision.name, unit=decision.unit, user=user)
        _check_again(staff_import)
    logger.info(
        "Staff list import %s: units resolved by user %s (%s)",
        import_id,
        getattr(user, "pk", None),
        ", ".join(f"{d.name}: {d.action}" for d in decisions),
    )
    staff_import.refresh_from_db()
    return staff_import


@contextlib.contextmanager
def _one_pending_copy():
    """Refuse to check a preview again while another upload of the same file waits (its rule)."""
    try:
        yield
    except IntegrityError:
        raise ValidationError(
            _("The same file is waiting to be checked in another import. Use that one."),
            code="import_pending",
        ) from None


def _lock_preview(import_id: int) -> StaffListImport:
    staff_import = StaffListImport.objects.select_for_update().get(pk=import_id)
    if staff_import.status != Status.VALIDATED or not upload_is_stored(staff_import):
        raise ValidationError(
            _("This import cannot be changed: its status is %(status)s."),
            code="import_not_ready",
            params={"status": staff_import.get_status_display()},
        )
    return staff_import


def _check_again(staff_import: StaffListImport, **fields) -> None:
    """Queue a new check of a preview's stored file, under a new attempt (in the caller's atomic)."""
    attempt = staff_import.attempt + 1
    StaffListImport.objects.filter(pk=staff_import.pk).update(
        status=Status.UPLOADED, attempt=attempt, done=0, total=0, heartbeat_at=timezone.now(),
        validated_at=None, **fields,
    )  # fmt: skip
    import_id = staff_import.pk
    transaction.on_commit(lambda: _enqueue_check(import_id, attempt))


def upload_is_stored(staff_import: StaffListImport) -> bool:
    """Return whether the uploaded file of an import is still in storage."""
    return bool(staff_import.file) and staff_import.file.storage.exists(staff_import.file.name)


def _close_if_stopped(import_id: int) -> bool:
    """Close a check whose worker stopped, as failed, so the same file can be uploaded again."""
    with transaction.atomic():
        staff_import = StaffListImport.objects.select_for_update().get(pk=import_id)
        if not staff_import.has_stopped:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            error = str(staff_import.stopped_message)
        StaffListImport.objects.filter(pk=import_id).update(
            status=Status.FAILED, error=error, finished_at=timezone.now(), file=""
        )
    if staff_import.file:
        staff_import.file.delete(save=False)
    logger.info("Staff list import %s closed: its check stopped, the file came again", import_id)
    return True


# In the worker ----------------------------------------------------------------------------------


class Superseded(Exception):
    """The step was started again, or closed, while this worker was on it."""


@dataclass(frozen=True)
class _Run:
    """One worker's run of one step of an import; everything it writes is conditional on it."""

    import_id: int
    attempt: int
    status: str  # the step: validating or importing

    def _rows(self):
        return StaffListImport.objects.filter(
            pk=self.import_id, attempt=self.attempt, status=self.status
        )

    def progress(self, done: int, total: int) -> None:
        """Record progress and a heartbeat; raise Superseded if the import moved on without us."""
        if not self._rows().update(
            done=min(done, total), total=total, heartbeat_at=timezone.now()
        ):
            raise Superseded

    def lock(self) -> StaffListImport:
        """Lock the import row for the last write; raise Superseded if it moved on without us."""
        staff_import = self._rows().select_for_update().first()
        if staff_import is None:
            raise Superseded
        return staff_import

    def fail(self, staff_import: StaffListImport, message) -> None:
        """Record why the step failed and delete the upload, if the step is still ours."""
        failed = self._rows().update(
            status=Status.FAILED, error=str(message), finished_at=timezone.now(), file=""
        )
        if failed and staff_import.file:
            staff_import.file.delete(save=False)


def check_staff_import(*, import_id: int, attempt: int = 1) -> None:
    """Read an uploaded staff list and check every row without saving; store the preview."""
    claimed = StaffListImport.objects.filter(
        pk=import_id, status=Status.UPLOADED, attempt=attempt
    ).update(
        status=Status.VALIDATING, done=0, total=0, heartbeat_at=timezone.now()
    )
    if not claimed:
        return  # checked already, being checked by another delivery, or started again since
    run = _Run(import_id, attempt, Status.VALIDATING)
    staff_import = StaffListImport.objects.get(pk=import_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            table = _read_table(staff_import, run)
            report = import_staff(
                table,
                dry_run=True,
                skip_invalid=staff_import.skip_invalid,
                create_units=staff_import.create_units,
                clear_empty=staff_import.clear_empty,
                progress=run.progress,
            )
            rejected = rejected_rows_workbook(report, table) if report.invalid else None
            _store_result(run, report, table, rejected, status=Status.VALIDATED)
        except Superseded:
            logger.info("Check of staff list import %s (attempt %s) superseded", import_id, attempt)
        except SpreadsheetError as error:
            run.fail(staff_import, error.message)
        except Exception:
            logger.exception("Checking staff list import %s failed", import_id)
            run.fail(
                staff_import,
                gettext("An unexpected error stopped the check of the file. Nothing was saved."),
            )
            raise


def apply_staff_import(*, import_id: int, attempt: int = 1) -> None:
    """Import a confirmed staff list exactly once; store the result and delete the upload.

    The rows, the result and the done status are saved in one transaction: an import that
    stops part-way, or is started again, has written nothing.
    """
    claimed = StaffListImport.objects.filter(
        pk=import_id, status=Status.IMPORTING, started_at__isnull=True, attempt=attempt
    ).update(started_at=timezone.now(), heartbeat_at=timezone.now(), done=0)
    if not claimed:
        return  # not confirmed, already started by another delivery, or started again since
    run = _Run(import_id, attempt, Status.IMPORTING)
    staff_import = StaffListImport.objects.get(pk=import_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            table = _read_table(staff_import, run)
            plan = plan_staff_import(
                table,
                skip_invalid=staff_import.skip_invalid,
                create_units=staff_import.create_units,
                clear_empty=staff_import.clear_empty,
                progress=run.progress,
            )
            rejected = rejected_rows_workbook(plan.report, table) if plan.report.invalid else None
            run.progress(len(table.rows), len(table.rows))  # alive, about to save
            if plan.writable:
                outcome = {"status": Status.DONE, "write": lambda: write_staff_plan(plan)}
            else:
                # The directory changed since the preview and some rows became invalid.
                outcome = {
                    "status": Status.FAILED,
                    "error": gettext(
                        "The directory changed after the preview and %(count)d rows are now "
                        "invalid, so nothing was saved. Correct them, or import only the valid "
                        "rows."
                    ) % {"count": plan.report.invalid},
                }
            _store_result(run, plan.report, table, rejected, **outcome)
        except Superseded:
            logger.info("Staff list import %s (attempt %s) superseded", import_id, attempt)
        except SpreadsheetError as error:
            run.fail(staff_import, error.message)
        except Exception:
            logger.exception("Staff list import %s failed", import_id)
            run.fail(
                staff_import,
                gettext("An unexpected error stopped the import. Nothing was saved."),
            )
            raise


def _store_result(
    run: _Run, report: ImportReport, table: StaffTable, rejected: bytes | None, *,
    status: str, error: str = "", write=None,
) -> None:  # fmt: skip
    """Save a step's outcome, after write() if given, in one transaction with the row locked.

    Raise Superseded, having saved nothing, if the import moved on without this run. The upload
    is deleted once the import has run (done or failed); the check keeps it for the import.
    """
    rejected_field = StaffListImport._meta.get_field("rejected_file")
    rejected_name = ""
    if rejected is not None:  # stored before the lock; deleted again if nothing is saved
        rejected_name = rejected_field.storage.save(
            rejected_field.generate_filename(None, "rejected.xlsx"), ContentFile(rejected)
        )
    try:
        with transaction.atomic():
            staff_import = run.lock()
            if write is not None:
                write()
                _record_import(staff_import, report)
            replaced = [staff_import.rejected_file.name]
            if status != Status.VALIDATED:
                replaced.append(staff_import.file.name)
                staff_import.file = ""
            now = timezone.now()
            staff_import.status = status
            staff_import.error = error
            staff_import.report = {**report_as_json(report), **columns_as_json(table)}
            staff_import.mapping = table.mapping
            staff_import.done = staff_import.total = len(table.rows)
            staff_import.rejected_file = rejected_name
            staff_import.heartbeat_at = now
            if status == Status.VALIDATED:
                staff_import.validated_at = now
            else:
                staff_import.finished_at = now
            staff_import.save()
    except BaseException:
        if rejected_name:
            rejected_field.storage.delete(rejected_name)
        raise
    storage = StaffListImport._meta.get_field("file").storage
    for name in replaced:
        if name:
            storage.delete(name)


def _record_import(staff_import: StaffListImport, report: ImportReport) -> None:
    """Put the import that is being saved in the audit log, as done by whoever confirmed it."""
    record_staff_import(
        filename=staff_import.original_filename,
        report=report,
        actor=staff_import.confirmed_by,
        reference=staff_import.pk,
    )


def record_staff_import(
    *, filename: str, report: ImportReport, actor=None, actor_name: str = "", reference=""
) -> None:
    """Put a staff file written to the directory in the audit log: from the import page, or
    from the command line (actor_name then names who ran it)."""
    record(
        Action.STAFF_IMPORTED,
        actor=actor,
        actor_name=actor_name,
        target=filename,
        target_ref=reference,
        details={"file": filename, "created": report.created, "updated": report.updated},
    )


def remembered_mapping(headers: list[str]) -> dict[str, str] | None:
    """Return the column mapping remembered for files with these headers, if any."""
    return (
        ColumnMapping.objects.filter(signature=header_signature(headers))
        .values_list("mapping", flat=True)
        .first()
    )


def forget_column_mapping(*, mapping_id: int, user) -> None:
    """Forget a remembered column mapping: the next file with its headers is matched afresh."""
    deleted, _by_model = ColumnMapping.objects.filter(pk=mapping_id).delete()
    if deleted:
        logger.info("Column mapping %s forgotten by user %s", mapping_id, getattr(user, "pk", None))


def columns_as_json(table: StaffTable) -> dict:
    """Describe the file's columns for the mapping step: each header, its field, how, a sample."""
    notes = []
    if table.mapping_remembered:
        notes.append(gettext("The column mapping remembered for files with these columns was used."))
    return {
        "columns": [
            {"header": c.header, "key": c.key, "how": c.how, "sample": c.sample}
            for c in table.file_columns
        ],
        "mapping_notes": notes,
    }


def remap_staff_import(
    *, import_id: int, mapping: dict[str, str], remember: bool, user
) -> StaffListImport:
    """Map a preview's columns as the admin says, remember it if asked, and check the file again.

    mapping is header_key -> field key ("" to ignore). Raise ValidationError (code
    bad_mapping) naming what is wrong, or import_not_ready unless the import is at its preview.
    """
    with _one_pending_copy(), transaction.atomic():
        staff_import = _lock_preview(import_id)
        headers = [column["header"] for column in staff_import.report.get("columns", [])]
        if errors := mapping_errors(mapping, headers):
            raise ValidationError(errors, code="bad_mapping")
        if remember:
            ColumnMapping.objects.update_or_create(
                signature=header_signature(headers),
                defaults={"headers": headers, "mapping": mapping, "updated_by": user},
            )
        _check_again(staff_import, mapping=mapping)
    logger.info(
        "Staff list import %s: columns mapped by user %s%s",
        import_id,
        getattr(user, "pk", None),
        " (remembered)" if remember else "",
    )
    staff_import.refresh_from_db()
    return staff_import


def _file_gone_message() -> str:
    return gettext("The uploaded file is no longer stored. Upload it again.")


def _read_table(staff_import: StaffListImport, run: _Run) -> StaffTable:
    if not staff_import.file:
        raise SpreadsheetError(_file_gone_message(), code="file_gone")
    try:
        with staff_import.file.open("rb") as file_obj:
            table = read_staff_file(
                file_obj,
                filename=staff_import.original_filename,
                mapping=staff_import.mapping or None,
                remembered=remembered_mapping,
            )
    except FileNotFoundError:
        raise SpreadsheetError(_file_gone_message(), code="file_gone") from None
    if not table.rows:
        raise SpreadsheetError(
            gettext("The file has no rows below the column names."), code="no_rows"
        )
    run.progress(0, len(table.rows))
    return table


UNKNOWN_UNIT_ROWS_SHOWN = 20


def _unknown_units(report: ImportReport) -> list[dict]:
    """Group the rows naming a unit the directory lacks: each unit once, with its rows."""
    groups: dict[str, dict] = {}
    for row in report.rows:
        if row.unknown_unit:
            group = groups.setdefault(
                unit_key(row.unknown_unit), {"name": row.unknown_unit, "rows": [], "count": 0}
            )
            group["count"] += 1
            if len(group["rows"]) < UNKNOWN_UNIT_ROWS_SHOWN:
                group["rows"].append(row.number)
    return sorted(groups.values(), key=lambda group: group["name"].casefold())


def report_as_json(report: ImportReport) -> dict:
    """Describe a report for storage: the counts, the notes and a bounded list of rows.

    Invalid rows come first, then rows with warnings, then the others, each by row number.
    Every updated row is kept, with its changes (old and new values), for the admin to read
    before confirming.
    """
    invalid = [row for row in report.rows if row.outcome == "invalid"]
    others = [row for row in report.rows if row.outcome not in ("invalid", "updated")]
    others.sort(key=lambda row: (not row.warnings, row.number))
    kept = invalid[:INVALID_ROWS_KEPT] + sorted(
        [*others[:OTHER_ROWS_KEPT], *(row for row in report.rows if row.outcome == "updated")],
        key=lambda row: (not row.warnings, row.number),
    )
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
                "unknown_unit": row.unknown_unit,
                "warnings": [str(warning) for warning in row.warnings],
                "changes": [list(change) for change in row.changes],
                "values": [list(value) for value in described_values(row, report.unit_names)],
            }
            for row in kept
        ],
        "unknown_units": _unknown_units(report),
        "rows_total": len(report.rows),
        "rows_omitted": len(report.rows) - len(kept),
    }
