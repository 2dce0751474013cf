"""
The admin pages of the staff-list import: upload, progress, preview, confirm, result, and
starting again a check or import whose background worker stopped.

EmployeeAdmin.get_urls mounts them under /admin/participants/employee/import/. The pages only
read the StaffListImport row and call participants.services_import; the work runs in
participants.tasks, so no request waits for a file to be read or written.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from participants.models import Employee, StaffListImport, Unit
from participants.nip import format_nip
from participants.services_import import (
    UnitDecision,
    confirm_staff_import,
    remap_staff_import,
    resolve_unknown_units,
    restart_staff_import,
    start_staff_import,
    upload_is_stored,
)
from core.spreadsheets import header_key
from participants.staff_files import (
    FIELD_LABELS,
    HEADERS,
    IGNORE,
    PRESET_LABELS,
    PRESETS,
    REQUIRED_KEYS,
    preset_mapping,
)

IMPORT_PERMISSION = "participants.import_employees"
ROWS_PER_PAGE = 100
RECENT_IMPORTS = 10
OUTCOME_LABELS = {
    "new": _("New"),
    "updated": _("Updated"),
    "unchanged": _("Unchanged"),
    "invalid": _("Invalid"),
}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StaffImportForm(WithoutControlCharacters, forms.Form):
    file = forms.FileField(
        label=_("Staff list file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, at most %(size)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"),
        required=False,
        help_text=_(
            "Import the valid rows and list the others. Without this, one invalid row stops "
            "the whole import and nothing is saved."
        ),
    )
    create_units = forms.BooleanField(
        label=_("Create missing units"),
        required=False,
        help_text=_(
            "Add units the directory does not have yet, with the name in the file. Without "
            "this, a row naming an unknown unit is invalid."
        ),
    )

    clear_empty = forms.BooleanField(
        label=_("Empty cells clear stored values"),
        required=False,
        help_text=_(
            "Without this, an empty cell keeps the value stored in the directory (email, "
            "phone, titles, position, rank, frontline). The preview lists every change, old "
            "and new."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = settings.BIMTEK_MAX_UPLOAD_BYTES
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "size": _megabytes(self.max_bytes)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files."),
                code="too_large",
                params={"size": _megabytes(self.max_bytes)},
            )
        return upload


class UnitDecisionForm(WithoutControlCharacters, forms.Form):
    """One unit the file names and the directory lacks: create it, or say which unit it is."""

    ACTIONS = [
        ("create", _("Create it")),
        ("same_as", _("It is the same as")),
        ("leave", _("Leave it (the rows stay invalid)")),
    ]

    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    action = forms.ChoiceField(
        label=_("What is this unit?"), choices=ACTIONS, initial="create", widget=forms.RadioSelect
    )
    new_name = forms.CharField(label=_("Name of the new unit"), max_length=200, required=False)
    parent = forms.TypedChoiceField(label=_("under"), coerce=int, empty_value=None, required=False)
    unit = forms.TypedChoiceField(
        label=_("Existing unit"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One read of the units for the whole formset, not one per field.
        self.fields["parent"].choices = [("", _("(no parent unit)")), *unit_choices]
        self.fields["unit"].choices = [("", _("(choose a unit)")), *unit_choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "same_as" and not cleaned.get("unit"):
            self.add_error("unit", _("Choose the unit this name stands for."))
        return cleaned

    def decision(self) -> UnitDecision:
        data = self.cleaned_data
        units = Unit.objects.in_bulk([pk for pk in (data["parent"], data["unit"]) if pk])
        return UnitDecision(
            name=data["name"],
            action=data["action"],
            new_name=data["new_name"] or data["name"],
            parent=units.get(data["parent"]) if data["action"] == "create" else None,
            unit=units.get(data["unit"]),
        )


UnitDecisionFormSet = forms.formset_factory(UnitDecisionForm, extra=0)


def _unit_choices() -> list[tuple[int, str]]:
    return list(Unit.objects.order_by("name").values_list("pk", "name"))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


def accepted_columns() -> list[dict]:
    """Return the columns an import reads, the required ones first."""
    return [
        {"header": header, "required": key in REQUIRED_KEYS}
        for key, header in sorted(HEADERS.items(), key=lambda item: item[0] not in REQUIRED_KEYS)
    ]


class StaffImportViews:
    """The import pages of an EmployeeAdmin, with the admin's look and permission checks."""

    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.upload), name="participants_employee_import"),
            path(
                "import/<int:import_id>/",
                wrap(self.status),
                name="participants_employee_import_status",
            ),
            path(
                "import/<int:import_id>/confirm/",
                wrap(self.confirm),
                name="participants_employee_import_confirm",
            ),
            path(
                "import/<int:import_id>/restart/",
                wrap(self.restart),
                name="participants_employee_import_restart",
            ),
            path(
                "import/<int:import_id>/columns/",
                wrap(self.columns),
                name="participants_employee_import_columns",
            ),
            path(
                "import/<int:import_id>/units/",
                wrap(self.units),
                name="participants_employee_import_units",
            ),
            path(
                "import/<int:import_id>/rejected/",
                wrap(self.rejected_rows),
                name="participants_employee_import_rejected",
            ),
            path(
                "import/<int:import_id>/result/",
                wrap(self.result),
                name="participants_employee_import_result",
            ),
        ]

    # Views ---------------------------------------------------------------------------------

    def upload(self, request):
        """Show the upload form and the recent imports; start an import from an upload."""
        self._check_permission(request)
        form = StaffImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                staff_import = start_staff_import(
                    uploaded_file=upload,
                    filename=upload.name,
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    create_units=form.cleaned_data["create_units"],
                    clear_empty=form.cleaned_data["clear_empty"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect(_url("status", staff_import))
        recent = StaffListImport.objects.select_related("created_by").defer("report")[
            :RECENT_IMPORTS
        ]
        return self._render(
            request,
            "participants/admin/import_upload.html",
            title=gettext("Import staff list"),
            form=form,
            columns=accepted_columns(),
            recent_imports=recent,
        )

    def status(self, request, import_id):
        """Show the progress of a running step, the preview, or why the import failed."""
        self._check_permission(request)
        # The page polls every two seconds while a step runs: leave the report out until then.
        staff_import = get_object_or_404(StaffListImport.objects.defer("report"), pk=import_id)
        if staff_import.status == StaffListImport.Status.DONE:
            return redirect(_url("result", staff_import))
        report_context = {} if staff_import.is_active else self._report_context(
            request, staff_import
        )
        stopped = staff_import.has_stopped
        return self._render(
            request,
            "participants/admin/import_status.html",
            title=gettext("Import %(name)s") % {"name": staff_import.original_filename},
            staff_import=staff_import,
            stopped=stopped,
            can_restart=stopped and upload_is_stored(staff_import),
            can_confirm=(
                staff_import.status == StaffListImport.Status.VALIDATED
                and (staff_import.skip_invalid or not staff_import.invalid_rows)
            ),
            **report_context,
        )

    def confirm(self, request, import_id):
        """Queue the import of a checked file; a second confirmation only shows its progress."""
        self._check_permission(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        get_object_or_404(StaffListImport, pk=import_id)
        try:
            confirm_staff_import(import_id=import_id, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(reverse("admin:participants_employee_import_status", args=[import_id]))

    def restart(self, request, import_id):
        """Check or import again a file whose worker stopped; a second click only shows it."""
        self._check_permission(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        get_object_or_404(StaffListImport, pk=import_id)
        try:
            restart_staff_import(import_id=import_id, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(reverse("admin:participants_employee_import_status", args=[import_id]))

    def columns(self, request, import_id):
        """Map the file's columns (by hand or from a preset), remember it if asked, check again."""
        self._check_permission(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        staff_import = get_object_or_404(StaffListImport.objects.defer("rejected_file"), pk=import_id)
        columns = staff_import.report.get("columns", []) if isinstance(staff_import.report, dict) else []
        preset = request.POST.get("preset", "")
        if "apply_preset" in request.POST and preset in PRESETS:
            known = preset_mapping(preset, [column["header"] for column in columns])
            mapping = {
                header_key(c["header"]): known.get(header_key(c["header"]), c["key"])
                for c in columns
            }
        else:
            mapping = {
                header_key(column["header"]): request.POST.get(f"column-{index}", IGNORE)
                for index, column in enumerate(columns)
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
        return redirect(_url("status", staff_import))

    def units(self, request, import_id):
        """Create or name the units a preview found unknown, then check the file again."""
        self._check_permission(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        staff_import = get_object_or_404(StaffListImport, pk=import_id)
        formset = UnitDecisionFormSet(
            request.POST, prefix="units", form_kwargs={"unit_choices": _unit_choices()}
        )
        if not formset.is_valid():
            for form in formset:
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, f"{form['name'].value()}: {error}")
            return redirect(_url("status", staff_import))
        decisions = [form.decision() for form in formset if form.cleaned_data.get("name")]
        try:
            resolve_unknown_units(import_id=import_id, decisions=decisions, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if any(decision.action != "leave" for decision in decisions):
                messages.success(request, gettext("The units were saved; the file is checked again."))
        return redirect(_url("status", staff_import))

    def rejected_rows(self, request, import_id):
        """Send the invalid rows as an XLSX with a reason column."""
        self._check_permission(request)
        staff_import = get_object_or_404(StaffListImport, pk=import_id)
        if not staff_import.rejected_file:
            raise Http404
        stem = staff_import.original_filename.rsplit(".", 1)[0]
        return FileResponse(
            staff_import.rejected_file.open("rb"),
            as_attachment=True,
            filename=gettext("rejected-rows-%(name)s.xlsx") % {"name": stem},
            content_type=XLSX_CONTENT_TYPE,
        )

    def result(self, request, import_id):
        """Show the summary of a finished import."""
        self._check_permission(request)
        staff_import = get_object_or_404(
            StaffListImport.objects.select_related("created_by", "confirmed_by"), pk=import_id
        )
        if staff_import.status != StaffListImport.Status.DONE:
            return redirect(_url("status", staff_import))
        return self._render(
            request,
            "participants/admin/import_result.html",
            title=gettext("Import %(name)s") % {"name": staff_import.original_filename},
            staff_import=staff_import,
            **self._report_context(request, staff_import),
        )

    # Helpers -------------------------------------------------------------------------------

    def _check_permission(self, request):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied

    def _render(self, request, template, **context):
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": Employee._meta,
                "max_upload_mb": _megabytes(settings.BIMTEK_MAX_UPLOAD_BYTES),
                **context,
            },
        )

    def _report_context(self, request, staff_import):
        report = staff_import.report if isinstance(staff_import.report, dict) else {}
        rows = [_display_row(row) for row in report.get("rows", [])]
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        unknown_units = report.get("unknown_units", [])
        unit_forms = None
        if unknown_units and staff_import.status == StaffListImport.Status.VALIDATED:
            unit_forms = UnitDecisionFormSet(
                prefix="units",
                initial=[{"name": u["name"], "new_name": u["name"]} for u in unknown_units],
                form_kwargs={"unit_choices": _unit_choices()},
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
            "unknown_units": unknown_units,
            "unit_forms": unit_forms,
            "counts": report.get("counts", {}),
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


def _url(step: str, staff_import: StaffListImport) -> str:
    return reverse(f"admin:participants_employee_import_{step}", args=[staff_import.pk])
