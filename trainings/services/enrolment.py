"""
Enrolment: people into a training up to its quota, a waiting list behind it, cancellations.

An Enrolment is one row per person and training. enrol() makes it ENROLLED while places are
free and WAITLISTED after that; the waiting list is served in created_at order. cancel_enrolment()
makes it CANCELLED and, when that frees a place, promotes the first people waiting. Enrolling a
cancelled person again re-activates the same row, at the back of the queue.

The quota holds under concurrency because every write here first locks the training row
(select_for_update) and only then counts: two organisers enrolling at once queue on that lock
on PostgreSQL; on SQLite the IMMEDIATE transaction mode serialises all writers anyway.

Enrolled people with an email address get an invitation (trainings.tasks.send_invitation), queued
once the transaction has committed.
"""

import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from core.spreadsheets import HEADER_SEARCH_ROWS, SpreadsheetError, cell_text, header_key
from participants.models import Employee
from participants.nip import normalize_nip, parse_nip
from participants.services import create_account, issue_activation_code
from participants.staff_files import HEADER_ALIASES, StaffRow, StaffTable, read_staff_file

from trainings.badges import new_badge_token
from trainings.calendar import CONTENT_TYPE, calendar_filename, training_calendar
from trainings.models import Enrolment, Training
from trainings.selectors.trainings import session_starts_at

logger = logging.getLogger(__name__)

ENROLLABLE_STATUSES = frozenset(
    {Training.Status.DRAFT, Training.Status.OPEN, Training.Status.RUNNING}
)
# The most people one call may enrol: "everyone matching this filter" stays a deliberate act.
MAX_ENROL_AT_ONCE = 500


@dataclass
class EnrolmentResult:
    """What enrol() did, person by person, in the order the people were given."""

    enrolled: list[Enrolment] = field(default_factory=list)
    waitlisted: list[Enrolment] = field(default_factory=list)
    already: list[Enrolment] = field(default_factory=list)  # enrolled or waiting before
    accounts_created: list[Employee] = field(default_factory=list)
    account_errors: list[tuple[Employee, str]] = field(default_factory=list)


@dataclass
class Cancellation:
    enrolment: Enrolment
    promoted: list[Enrolment] = field(default_factory=list)


@dataclass
class RowError:
    """A bad row of an uploaded NIP list: its spreadsheet row number, the NIP as typed, why."""

    number: int
    nip: str
    message: str


def _check_enrolment_open(training: Training) -> None:
    if training.status not in ENROLLABLE_STATUSES:
        raise ValidationError(
            _(
                "%(training)s is %(status)s: participants can no longer be enrolled or "
                "cancelled."
            ),
            code="training_closed",
            params={"training": training.title, "status": training.get_status_display().lower()},
        )


def _lock_training(training: Training) -> Training:
    return Training.objects.select_for_update().get(pk=training.pk)


def _invite_on_commit(enrolments: Iterable[Enrolment]) -> None:
    for enrolment in enrolments:
        if enrolment.employee.email:
            transaction.on_commit(partial(_enqueue_invitation, enrolment.pk), robust=True)


def _enqueue_invitation(enrolment_id: int) -> None:
    from trainings.tasks import send_invitation  # the task calls this module; import at use

    send_invitation.enqueue(enrolment_id)


@transaction.atomic
def enrol(*, training: Training, employees: Iterable[Employee], by, now=None) -> EnrolmentResult:
    """Enrol people up to the quota and put the rest on the waiting list, in the order given.

    People already enrolled or waiting are reported in ``already``, not enrolled twice; a
    cancelled enrolment is re-activated. Everyone enrolled or waiting who has no account gets
    one (role Peserta); an account that cannot be made (its username is taken) is reported in
    ``account_errors`` and does not stop the enrolment. Raise ValidationError with code
    training_closed or too_many.
    """
    now = now or timezone.now()
    ids = list(dict.fromkeys(employee.pk for employee in employees))
    if len(ids) > MAX_ENROL_AT_ONCE:
        raise ValidationError(
            _("Enrol at most %(max)d people at a time; %(count)d were chosen."),
            code="too_many",
            params={"max": MAX_ENROL_AT_ONCE, "count": len(ids)},
        )
    training = _lock_training(training)
    _check_enrolment_open(training)
    result = EnrolmentResult()
    if not ids:
        return result

    people = Employee.objects.select_related("user", "unit").in_bulk(ids)
    existing = {
        enrolment.employee_id: enrolment
        for enrolment in Enrolment.objects.filter(training=training, employee_id__in=ids)
    }
    # People already waiting go first: a newcomer never overtakes the waiting list.
    promoted = _fill_free_places(training, now=now)
    free = _free_places(training)

    to_create, to_reactivate, placed = [], [], []
    for pk in ids:
        employee = people.get(pk)
        if employee is None:
            continue  # deleted meanwhile
        enrolment = existing.get(pk)
        if enrolment is not None and enrolment.status != Enrolment.Status.CANCELLED:
            enrolment.employee = employee
            result.already.append(enrolment)
            continue
        if free > 0:
            status = Enrolment.Status.ENROLLED
            free -= 1
        else:
            status = Enrolment.Status.WAITLISTED
        if enrolment is None:
            enrolment = Enrolment(
                training=training, employee=employee, badge_token=new_badge_token()
            )
            to_create.append(enrolment)
        else:
            # Back of the queue: created_at orders the waiting list, so it restarts now. The
            # real clock, as for new rows (auto_now_add), keeps one order for both.
            enrolment.created_at = timezone.now()
            enrolment.cancelled_at = None
            to_reactivate.append(enrolment)
        enrolment.employee = employee
        enrolment.status = status
        enrolment.enrolled_at = now if status == Enrolment.Status.ENROLLED else None
        enrolment.created_by = by
        placed.append(enrolment)

    Enrolment.objects.bulk_create(to_create)
    Enrolment.objects.bulk_update(
        to_reactivate, ["status", "created_at", "enrolled_at", "cancelled_at", "created_by"]
    )
    for enrolment in placed:
        if enrolment.status == Enrolment.Status.ENROLLED:
            result.enrolled.append(enrolment)
        else:
            result.waitlisted.append(enrolment)
    _give_accounts(placed, result)
    _invite_on_commit([*promoted, *result.enrolled])
    logger.info(
        "Training %s: %d enrolled, %d waitlisted, %d already there, by %s",
        training.pk,
        len(result.enrolled),
        len(result.waitlisted),
        len(result.already),
        getattr(by, "pk", None),
    )
    return result


def _free_places(training: Training) -> int:
    enrolled = Enrolment.objects.filter(training=training, status=Enrolment.Status.ENROLLED)
    return max(0, training.quota - enrolled.count())


def _fill_free_places(training: Training, *, now) -> list[Enrolment]:
    """Promote the first people waiting into the free places; the training must be locked."""
    free = _free_places(training)
    if free <= 0:
        return []
    waiting = list(
        Enrolment.objects.select_related("employee")
        .filter(training=training, status=Enrolment.Status.WAITLISTED)
        .order_by("created_at", "pk")[:free]
    )
    for enrolment in waiting:
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.enrolled_at = now
    Enrolment.objects.bulk_update(waiting, ["status", "enrolled_at"])
    if waiting:
        logger.info(
            "Training %s: promoted enrolments %s from the waiting list",
            training.pk,
            ", ".join(str(enrolment.pk) for enrolment in waiting),
        )
    return waiting


def promote_waiting(training: Training, *, now=None) -> list[Enrolment]:
    """Move the first people waiting into the places that are free (after a cancellation, or
    a higher quota) and invite them; the caller's transaction must hold the training locked.
    Nobody moves once enrolment has closed."""
    if training.status not in ENROLLABLE_STATUSES:
        return []
    promoted = _fill_free_places(training, now=now or timezone.now())
    _invite_on_commit(promoted)
    return promoted


def _give_accounts(enrolments: list[Enrolment], result: EnrolmentResult) -> None:
    for enrolment in enrolments:
        employee = enrolment.employee
        if employee.user_id is not None:
            continue
        try:
            create_account(employee=employee)
        except ValidationError as error:
            result.account_errors.append((employee, " ".join(error.messages)))
        else:
            employee.refresh_from_db(fields=["user"])
            result.accounts_created.append(employee)


@transaction.atomic
def cancel_enrolment(*, enrolment: Enrolment, by, now=None) -> Cancellation:
    """Cancel an enrolment; if that frees a place, promote the first person waiting.

    Cancelling a cancelled enrolment changes nothing. Raise ValidationError (training_closed)
    once the training has finished.
    """
    now = now or timezone.now()
    training = _lock_training(enrolment.training)
    _check_enrolment_open(training)
    enrolment = (
        Enrolment.objects.select_for_update().select_related("employee").get(pk=enrolment.pk)
    )
    if enrolment.status == Enrolment.Status.CANCELLED:
        return Cancellation(enrolment=enrolment)
    was_enrolled = enrolment.status == Enrolment.Status.ENROLLED
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.cancelled_at = now
    enrolment.save(update_fields=["status", "cancelled_at"])
    logger.info(
        "Enrolment %s in training %s cancelled by %s",
        enrolment.pk,
        training.pk,
        getattr(by, "pk", None),
    )
    promoted = promote_waiting(training, now=now) if was_enrolled else []
    return Cancellation(enrolment=enrolment, promoted=promoted)


# Enrolling from an uploaded list of NIPs --------------------------------------------------------


def enrol_from_nip_file(
    *, training: Training, file_obj, filename: str, by, now=None
) -> tuple[EnrolmentResult | None, list[RowError]]:
    """Enrol the people a CSV or XLSX list of NIPs names, all or nobody.

    Every row is checked first: a NIP that is invalid, not in the staff directory, or repeated
    is reported with its spreadsheet row, and then nobody is enrolled. Raise ValidationError
    when the file cannot be read (its SpreadsheetError code) or enrolment is closed. The file is
    read before the transaction that enrols begins, so however long it takes, it holds no lock.
    """
    _check_enrolment_open(training)
    try:
        table = read_nip_list(file_obj, filename=filename)
    except SpreadsheetError as error:
        raise ValidationError(error.message, code=error.code) from None
    if not table.rows:
        raise ValidationError(_("The file lists no NIPs."), code="no_rows")
    with transaction.atomic():
        employees, errors = _employees_for_rows(table)
        if errors:
            return None, errors
        return enrol(training=training, employees=employees, by=by, now=now), []


def read_nip_list(file_obj, *, filename: str) -> StaffTable:
    """Read the NIP column of an uploaded XLSX or CSV file; raise SpreadsheetError if unusable.

    participants.staff_files.read_staff_file insists on a name column, which a list of NIPs
    does not need, so this reads the same way (the same size, type and zip-bomb checks, the same
    CSV decoding) but looks only for the NIP. A file without any header, just NIPs down the
    first column, is read as well.
    """
    data = spreadsheets.read_upload(file_obj)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        grid = spreadsheets.xlsx_grid(data)
    elif extension in {"csv", "txt"}:
        grid = spreadsheets.csv_grid(data, known_headers=HEADER_ALIASES)
    else:
        read_staff_file(io.BytesIO(data), filename=filename)  # raises its own message
        raise SpreadsheetError(
            gettext("The file %(name)s is not an .xlsx or .csv file.") % {"name": filename},
            code="file_type",
        )

    rows = iter(grid)
    column, header_text, table = None, "NIP", None
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        texts = [cell_text(cell).strip() for cell in cells]
        if not any(texts):
            continue
        keys = [HEADER_ALIASES.get(header_key(text)) for text in texts]
        if "nip" in keys:
            column = keys.index("nip")
            header_text = texts[column]
            table = StaffTable(columns=["nip"], original_headers=[header_text])
            break
        first = next(index for index, text in enumerate(texts) if text)
        if _looks_like_nip(cells[first]):
            column = first  # no header: NIPs from this row on
            table = StaffTable(columns=["nip"], original_headers=[header_text])
            table.rows.append(_nip_row(number, cells, column, header_text))
            break
    if table is None:
        raise SpreadsheetError(
            gettext(
                "The file has no NIP column. The first row must hold the column name NIP, with "
                "one NIP in each row below it."
            ),
            code="missing_columns",
        )
    for number, cells in enumerate(rows, start=number + 1):
        if not any(cell_text(cell).strip() for cell in cells):
            continue  # empty rows are skipped silently, as in staff lists
        table.rows.append(_nip_row(number, cells, column, header_text))
        if len(table.rows) > MAX_ENROL_AT_ONCE:  # no need to read on: enrol() would refuse it
            raise SpreadsheetError(
                gettext(
                    "The file lists more than %(max)d NIPs; enrol at most %(max)d people at a "
                    "time. Split it into smaller files."
                )
                % {"max": MAX_ENROL_AT_ONCE},
                code="too_many",
            )
    return table


def _looks_like_nip(cell) -> bool:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return True
    digits = normalize_nip(cell_text(cell))
    return digits.isdigit() and len(digits) >= 15


def _nip_row(number: int, cells: list, column: int, header_text: str) -> StaffRow:
    cell = cells[column] if column < len(cells) else None
    return StaffRow(number=number, values={"nip": cell}, original={header_text: cell_text(cell)})


def _employees_for_rows(table: StaffTable) -> tuple[list[Employee], list[RowError]]:
    nips: list[tuple[int, str, str]] = []  # (row number, NIP as typed, clean NIP or "")
    errors: list[RowError] = []
    for row in table.rows:
        raw = row.values.get("nip")
        typed = cell_text(raw).strip()
        try:
            nips.append((row.number, typed, parse_nip(raw).nip))
        except ValidationError as error:
            errors.append(RowError(row.number, typed, error.messages[0]))

    found = Employee.objects.in_bulk([nip for _n, _t, nip in nips], field_name="nip")
    first_row: dict[str, int] = {}
    employees = []
    for number, typed, nip in nips:
        if nip in first_row:
            errors.append(
                RowError(
                    number,
                    typed,
                    gettext("The NIP %(nip)s is already listed in row %(row)d.")
                    % {"nip": nip, "row": first_row[nip]},
                )
            )
            continue
        first_row[nip] = number
        if nip not in found:
            errors.append(
                RowError(
                    number,
                    typed,
                    gettext("Nobody with NIP %(nip)s is in the staff directory.") % {"nip": nip},
                )
            )
            continue
        employees.append(found[nip])
    errors.sort(key=lambda error: error.number)
    return employees, errors


# Invitations ------------------------------------------------------------------------------------


def send_invitation_email(*, enrolment_id: int) -> bool:
    """Email an enrolled person their invitation; return False when there is nothing to send.

    Someone whose account has no password yet and whose address is their own login address gets
    a fresh activation code with it (an earlier unused code stops working). A shared unit
    mailbox never receives a code: those people are told to ask the organiser for a slip.
    """
    enrolment = (
        Enrolment.objects.select_related(
            "training", "training__organiser_unit", "employee", "employee__user", "created_by"
        )
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None or enrolment.status != Enrolment.Status.ENROLLED:
        return False
    if enrolment.training.status in {Training.Status.FINISHED, Training.Status.ARCHIVED}:
        return False  # e.g. a past training entered afterwards: nothing to invite to
    employee, training = enrolment.employee, enrolment.training
    if not employee.email:
        return False
    user = employee.user
    activation = code = None
    own_address = user is not None and user.email.lower() == employee.email.lower()
    if user is not None and user.awaits_activation and own_address:
        try:
            activation, code = issue_activation_code(user=user, created_by=enrolment.created_by)
        except ValidationError as refused:
            # The account got a password (or a role) since it was read: no code then, and the
            # invitation goes out without one.
            logger.info("No activation code in invitation %s: %s", enrolment.pk, refused.code)

    sessions = list(training.sessions.order_by("date", "start_time", "pk"))
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "enrolment": enrolment,
            "employee": employee,
            "training": training,
            "sessions": [
                {"session": session, "starts": timezone.localtime(session_starts_at(session))}
                for session in sessions
            ],
            "needs_activation": user is None or user.awaits_activation,
            "code": code,
            "code_expires_at": timezone.localtime(activation.expires_at) if activation else None,
            "activation_link": (
                settings.SITE_URL + reverse("activate_with_code", kwargs={"code": code})
                if code
                else ""
            ),
            "login_link": settings.SITE_URL + reverse("account_login"),
            "my_trainings_link": settings.SITE_URL + reverse("trainings:my_trainings"),
        }
        subject = gettext("Invitation: %(training)s") % {"training": training.title}
        text = render_to_string("emails/invitation.txt", context)
        html = render_to_string("emails/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[employee.email]
    )
    message.attach_alternative(html, "text/html")
    if sessions:
        message.attach(
            calendar_filename(training), training_calendar(training, sessions), CONTENT_TYPE
        )
    message.send()
    logger.info("Invitation for enrolment %s sent", enrolment.pk)
    return True


def resend_invitation(*, enrolment: Enrolment, by) -> None:
    """Queue the invitation email again; raise ValidationError if it cannot be sent."""
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise ValidationError(
            _("Only enrolled participants get an invitation."), code="not_enrolled"
        )
    if not enrolment.employee.email:
        raise ValidationError(
            _("%(name)s has no email address in the staff directory."),
            code="no_email",
            params={"name": enrolment.employee.full_name},
        )
    transaction.on_commit(partial(_enqueue_invitation, enrolment.pk))
    logger.info(
        "Invitation for enrolment %s queued again by %s", enrolment.pk, getattr(by, "pk", None)
    )


@dataclass
class InvitationBatch:
    queued: list[Enrolment] = field(default_factory=list)
    without_email: list[Enrolment] = field(default_factory=list)


def resend_invitations(*, enrolments: Iterable[Enrolment], by) -> InvitationBatch:
    """Queue the invitation email again for each enrolled person with an address.

    People without an address are returned apart; each queued one is what resend_invitation
    queues for a single person.
    """
    batch = InvitationBatch()
    for enrolment in enrolments:
        try:
            resend_invitation(enrolment=enrolment, by=by)
        except ValidationError as error:
            if error.code != "no_email":
                raise
            batch.without_email.append(enrolment)
        else:
            batch.queued.append(enrolment)
    return batch
