"""The list of a training's enrolled participants as an XLSX file, as the page filters it."""

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext

from core.spreadsheets import write_xlsx
from participants.models import account_state

from trainings.models import Enrolment, Training


def enrolled_xlsx(enrolments: list[Enrolment], *, sessions: int) -> bytes:
    """Write one row per enrolled person: name, NIP (NIK masked), unit, email, account, attendance."""
    with translation.override(settings.LANGUAGE_CODE):
        headers = [
            gettext("No."),
            gettext("Name"),
            gettext("NIP / NIK"),
            gettext("Position"),
            gettext("Unit"),
            gettext("Email"),
            gettext("Account"),
            gettext("Sessions attended"),
        ]
        rows = [
            [
                index,
                enrolment.employee.full_name,
                enrolment.employee.identifier_display,
                enrolment.employee.jabatan,
                enrolment.employee.unit.name,
                enrolment.employee.email,
                str(account_state(enrolment.employee.user).label),
                f"{enrolment.sessions_attended} / {sessions}",
            ]
            for index, enrolment in enumerate(enrolments, start=1)
        ]
    return write_xlsx(headers, rows, text_columns=[2])


def enrolled_filename(training: Training) -> str:
    """Return e.g. "peserta-BIMTEK-PP-2022.xlsx"."""
    code = slugify(training.code).upper() or str(training.pk)
    with translation.override(settings.LANGUAGE_CODE):
        stem = pgettext("file name", "participants")
    return f"{stem}-{code}.xlsx"
