"""Organiser reports: the attendance recap (page and XLSX) and the daftar hadir PDF of a session."""

import logging
import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.permissions import require_permissions
from office.services import require_complete_office

from trainings.reports.chart import attendance_chart
from trainings.reports.daftar_hadir import build_daftar_hadir, render_daftar_hadir_pdf
from trainings.reports.recap import XLSX_CONTENT_TYPE, build_recap, recap_filename, recap_xlsx
from trainings.selectors.reports import session_for_reports, training_for_reports

logger = logging.getLogger(__name__)

VIEW_ATTENDANCE = "trainings.view_attendance"


def _download(content: bytes, *, content_type: str, filename: str, inline: bool) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition_header(not inline, filename),
            "X-Content-Type-Options": "nosniff",
        },
    )


@require_GET
@never_cache
@require_permissions(VIEW_ATTENDANCE)
def attendance_recap(request, pk):
    """Show a training's attendance: chart, per session, per participant, absentees."""
    training = training_for_reports(user=request.user, pk=pk)
    recap = build_recap(training)
    return render(
        request,
        "trainings/reports/attendance_recap.html",
        {"training": training, "recap": recap, "chart": attendance_chart(recap)},
    )


@require_GET
@never_cache
@require_permissions(VIEW_ATTENDANCE)
def attendance_recap_xlsx(request, pk):
    """Download a training's attendance recap as XLSX."""
    training = training_for_reports(user=request.user, pk=pk)
    content = recap_xlsx(build_recap(training))
    return _download(
        content, content_type=XLSX_CONTENT_TYPE, filename=recap_filename(training), inline=False
    )


@require_GET
@never_cache
@require_permissions(VIEW_ATTENDANCE)
def daftar_hadir_pdf(request, pk):
    """Show a session's daftar hadir as a PDF in the browser, ready to print."""
    session = session_for_reports(user=request.user, pk=pk)
    try:
        require_complete_office()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("trainings:attendance_recap", pk=session.training_id)
    started = time.perf_counter()
    sheet = build_daftar_hadir(session)
    content = render_daftar_hadir_pdf(sheet)
    logger.info(
        "Daftar hadir of session %s: %d people, %d bytes, %.2f s",
        session.pk,
        len(sheet.rows),
        len(content),
        time.perf_counter() - started,
    )
    return _download(content, content_type="application/pdf", filename=sheet.filename, inline=True)
