"""
The staff-list import, a page of the app for the Admin kepegawaian: upload, progress, preview,
import (everything, or only the valid rows), result, the rejected rows and a template file.

The pages read the StaffListImport row and call participants.services_import; the work runs in
participants.tasks, so no request waits for a file to be read or written.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.spreadsheets import header_key
from participants.exporting import staff_import_template
from participants.forms_import import (
    StaffImportForm,
    UnitDecisionFormSet,
    accepted_columns,
    megabytes,
    unit_choices,
)
from participants.models import ColumnMapping, StaffListImport
from participants.nip import format_nip
from participants.services_import import (
    IMPORT_PERMISSION,
    confirm_staff_import,
    forget_column_mapping,
    remap_staff_import,
    resolve_unknown_units,
    restart_staff_import,
    start_staff_import,
    upload_is_stored,
)
from participants.staff_files import FIELD_LABELS, IGNORE, PRESET_LABELS, PRESETS, preset_mapping

ROWS_PER_PAGE = 100
RECENT_IMPORTS = 10
OUTCOME_LABELS = {
    "new": _("New"),
    "updated": _("Updated"),
    "unchanged": _("Unchanged"),
    "invalid": _("Invalid"),
}
OUTCOME_FILTERS = ("new", "updated", "unchanged", "invalid")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

may_import = permission_required(IMPORT_PERMISSION, raise_exception=True)


@login_required
@may_import
def upload(request):
    """Show the upload form and the recent imports; start an import from an upload."""
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            staff_import = start_staff_import(
                uploaded_file=uploaded,
                filename=uploaded.name,
                skip_invalid=False,  # chosen after the preview, with the counts in sight
                create_units=form.cleaned_data["create_units"],
                clear_empty=form.cleaned_data["clear_empty"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("participants:import_status", staff_import.pk)
    recent = StaffListImport.objects.select_related("created_by").defer("report")[
        :RECENT_IMPORTS
    ]
    return render(
        request,
        "participants/import/upload.html",
        {
            "form": form,
            "columns": accepted_columns(),
            "recent_imports": recent,
            "remembered_mappings": ColumnMapping.objects.select_related("updated_by")[
                :RECENT_IMPORTS
            ],
            "max_upload_mb": megabytes(settings.BIMTEK_MAX_UPLOAD_BYTES),
        },
    )


@login_required
@may_import
def status(request, import_id):
    """Show the progress of a running step, the preview, or why the import failed."""
    # The page reloads every two seconds while a step runs: leave the report out until then.
    staff_import = get_object_or_404(StaffListImport.objects.defer("report"), pk=import_id)
    if staff_import.status == StaffListImport.Status.DONE:
        return redirect("participants:import_result", staff_import.pk)
    report_context = (
        {} if staff_import.is_active else _report_context(request, staff_import)
    )
    stopped = staff_import.has_stopped
    return render(
        request,
        "participants/import/status.html",
        {
            "staff_import": staff_import,
            "stopped": stopped,
            "can_restart": stopped and upload_is_stored(staff_import),
            "can_import": staff_import.status == StaffListImport.Status.VALIDATED,
            **report_context,
        },
    )


@require_POST
@login_required
@may_import
def confirm(request, import_id):
    """Queue the import of a checked file; a second click only shows its progress.

    "only_valid" imports the valid rows and leaves the invalid ones, which stay downloadable.
    """
    get_object_or_404(StaffListImport, pk=import_id)
    try:
        confirm_staff_import(
            import_id=import_id,
            user=request.user,
            only_valid=request.POST.get("rows") == "valid",
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("participants:import_status", import_id)


@require_POST
@login_required
@may_import
def restart(request, import_id):
    """Check or import again a file whose worker stopped; a second click only shows it."""
    get_object_or_404(StaffListImport, pk=import_id)
    try:
        restart_staff_import(import_id=import_id, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("participants:import_status", import_id)


@require_POST
@login_required
@may_import
def columns(request, import_id):
    """Map the file's columns (by hand or from a preset), remember it if asked, check again."""
    staff_import = get_object_or_404(
        StaffListImport.objects.defer("rejected_file"), pk=import_id
    )
    report = staff_import.report if isinstance(staff_import.report, dict) else {}
    file_columns = report.get("columns", [])
    preset = request.POST.get("preset", "")
    if "apply_preset" in request.POST and preset in PRESETS:
        known = preset_mapping(preset, [column["header"] for column in file_columns])
        mapping = {
            header_key(c["header"]): known.get(header_key(c["header"]), c["key"])
            for c in file_columns
        }
    else:
        mapping = {
            header_key(column["header"]): request.POST.get(f"column-{index}", IGNORE)
            for index, column in enumerate(file_columns)
        }
    try:
        remap_staff_import(
            import_id=import_id,
            mapping=mapping,
            remember=bool(request.POST.get("remember")),
            user=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("The columns were mapped; the file is checked again."))
    return redirect("participants:import_status", import_id)


@require_POST
@login_required
@may_import
def forget_mapping(request, mapping_id):
    """Forget a remembered column mapping; forgetting one already gone changes nothing."""
    forget_column_mapping(mapping_id=mapping_id, user=request.user)
    messages.success(request, gettext("The column mapping is forgotten."))
    return redirect("participants:import")


@require_POST
@login_required
@may_import
def units(request, import_id):
    """Create or name the units a preview found unknown, then check the file again."""
    get_object_or_404(StaffListImport, pk=import_id)
    formset = UnitDecisionFormSet(
        request.POST, prefix="units", form_kwargs={"unit_choices": unit_choices()}
    )
    if not formset.is_valid():
        for form in formset:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"{form['name'].value()}: {error}")
        return redirect("participants:import_status", import_id)
    decisions = [form.decision() for form in formset if form.cleaned_data.get("name")]
    try:
        resolve_unknown_units(import_id=import_id, decisions=decisions, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if any(decision.action != "leave" for decision in decisions):
            messages.success(request, gettext("The units were saved; the file is checked again."))
    return redirect("participants:import_status", import_id)


@login_required
@may_import
def rejected_rows(request, import_id):
    """Send the invalid rows as an XLSX, as the file had them, with a reason column."""
    staff_import = get_object_or_404(StaffListImport, pk=import_id)
    if not staff_import.rejected_file:
        raise Http404
    stem = staff_import.original_filename.rsplit(".", 1)[0]
    try:
        rejected = staff_import.rejected_file.open("rb")
    except OSError:  # gone from storage (a restored backup, a cleaned disk): not a 500
        raise Http404 from None
    return FileResponse(
        rejected,
        as_attachment=True,
        filename=gettext("rejected-rows-%(name)s.xlsx") % {"name": stem},
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@may_import
def result(request, import_id):
    """Show the summary of a finished import."""
    staff_import = get_object_or_404(
        StaffListImport.objects.select_related("created_by", "confirmed_by"), pk=import_id
    )
    if staff_import.status != StaffListImport.Status.DONE:
        return redirect("participants:import_status", staff_import.pk)
    return render(
        request,
        "participants/import/result.html",
        {"staff_import": staff_import, **_report_context(request, staff_import)},
    )


@login_required
@may_import
def template_file(request):
    """Send an empty staff list with the columns the import reads and a sheet of guidance."""
    response = HttpResponse(staff_import_template(), content_type=XLSX_CONTENT_TYPE)
    filename = gettext("staff-list-template.xlsx")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report_context(request, staff_import: StaffListImport) -> dict:
    report = staff_import.report if isinstance(staff_import.report, dict) else {}
    shown = request.GET.get("outcome", "")
    rows = [
        _display_row(row)
        for row in report.get("rows", [])
        if shown not in OUTCOME_FILTERS or row.get("outcome") == shown
    ]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    unknown_units = report.get("unknown_units", [])
    counts = report.get("counts", {})
    unit_forms = None
    if unknown_units and staff_import.status == StaffListImport.Status.VALIDATED:
        unit_forms = UnitDecisionFormSet(
            prefix="units",
            initial=[{"name": u["name"], "new_name": u["name"]} for u in unknown_units],
            form_kwargs={"unit_choices": unit_choices()},
        )
        for form, unit in zip(unit_forms, unknown_units, strict=True):
            form.unknown = unit
    return {
        "report": report,
        "file_columns": [
            {**column, "index": index} for index, column in enumerate(report.get("columns", []))
        ],
        "field_choices": [(IGNORE, gettext("— ignore this column —")), *FIELD_LABELS.items()],
        "presets": list(PRESET_LABELS.items()),
        # The column table opens by itself when a column was not recognised or a row refused.
        "columns_need_a_look": bool(counts.get("invalid"))
        or any(column.get("how") == "ignored" for column in report.get("columns", [])),
        "unknown_units": unknown_units,
        "unit_forms": unit_forms,
        "counts": counts,
        "valid_rows": sum(counts.get(outcome, 0) for outcome in ("new", "updated", "unchanged")),
        "outcome_filters": [
            (outcome, OUTCOME_LABELS[outcome], counts.get(outcome, 0))
            for outcome in OUTCOME_FILTERS
        ],
        "shown_outcome": shown if shown in OUTCOME_FILTERS else "",
        "rows_page": page,
        "rows_omitted": report.get("rows_omitted", 0),
    }


def _display_row(row: dict) -> dict:
    nip = row.get("nip", "")
    return {
        **row,
        "nip_display": format_nip(nip) if len(nip) == 18 and nip.isdigit() else nip,
        "outcome_label": OUTCOME_LABELS.get(row.get("outcome"), row.get("outcome")),
    }

