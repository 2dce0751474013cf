"""The Django admin of the staff directory, with export and the staff-list import pages."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from core.forms import WithoutControlCharacters, WithoutControlCharactersModelForm
from participants.admin_import import admin_import_urls
from participants.services_import import IMPORT_PERMISSION
from participants.exporting import export_staff
from participants.forms import IdentityChecks, IdentityNumberField
from participants.models import (
    ActivationCode,
    ColumnMapping,
    Employee,
    StaffListImport,
    Unit,
    UnitAlias,
    User,
)
from participants.nip import Gender, normalize_nip
from participants.resources import EmployeeResource
from participants.services import check_unit_alias

GENDER_LABELS = {Gender.MALE: _("Male"), Gender.FEMALE: _("Female")}


class UnitAliasForm(WithoutControlCharactersModelForm):
    """Another name of a unit; its match key is one name, one unit."""

    class Meta:
        model = UnitAlias
        fields = ["name"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        unit = self.instance.unit if self.instance.unit_id else None
        self.instance.key = check_unit_alias(name, unit=unit, alias_pk=self.instance.pk)
        return name


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    form = UnitAliasForm
    fields = ["name", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    extra = 0


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    """The column mappings remembered by the import page: read them, or forget one."""

    form = WithoutControlCharactersModelForm
    list_display = ["__str__", "updated_by", "updated_at"]
    list_select_related = ["updated_by"]
    readonly_fields = ["headers", "mapping", "updated_by", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["name", "short_name", "kind", "parent", "employee_count"]
    list_select_related = ["parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "aliases__name"]
    autocomplete_fields = ["parent"]
    inlines = [UnitAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(employee_count=Count("employees"))

    @admin.display(description=_("employees"), ordering="employee_count")
    def employee_count(self, unit):
        return unit.employee_count


class EmployeeAdminForm(WithoutControlCharacters, IdentityChecks, forms.ModelForm):
    """The admin's form, checking the NIP, NIK and golongan as the directory's forms do."""

    # Wider than the stored digits: a NIP may be typed in groups or with its "NIP." prefix.
    nip = IdentityNumberField(label="NIP", required=False)
    nik = IdentityNumberField(label="NIK", required=False)

    class Meta:
        model = Employee
        fields = "__all__"


@admin.register(Employee)
class EmployeeAdmin(ExportMixin, admin.ModelAdmin):
    form = EmployeeAdminForm
    list_display = [
        "full_name_column",
        "identifier_column",
        "status",
        "golongan",
        "unit",
        "is_frontline",
    ]
    list_select_related = ["unit"]
    list_filter = [
        "status",
        "golongan",
        "unit__kind",
        "is_frontline",
        ("unit", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "nip", "=nik"]
    search_help_text = _("Search by name, or by NIP typed with or without spaces.")
    autocomplete_fields = ["unit", "user"]
    readonly_fields = ["birth_date_column", "gender_column", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "gelar_depan",
                    "name",
                    "gelar_belakang",
                    "status",
                    "nip",
                    "nik",
                    "birth_date_column",
                    "gender_column",
                ]
            },
        ),
        (_("Position"), {"fields": ["golongan", "jabatan", "unit", "is_frontline"]}),
        (_("Contact and account"), {"fields": ["email", "phone", "user"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    # Export through participants.exporting, so the admin's file is the directory's file.
    import_export_change_list_template = "admin/participants/employee/change_list.html"
    resource_classes = [EmployeeResource]
    export_formats = [XLSX, CSV]
    export_form_class = ExportForm  # the field picker needs inline script, which CSP forbids
    export_template_name = "admin/participants/employee/export.html"

    @admin.display(description=_("name"), ordering="name")
    def full_name_column(self, employee):
        return employee.full_name

    @admin.display(description=_("NIP / NIK"), ordering="nip")
    def identifier_column(self, employee):
        return employee.identifier_display

    @admin.display(description=_("birth date (from the NIP or NIK)"))
    def birth_date_column(self, employee):
        birth_date = employee.birth_date
        return formats.date_format(birth_date, "j F Y") if birth_date else "–"

    @admin.display(description=_("gender (from the NIP or NIK)"))
    def gender_column(self, employee):
        return GENDER_LABELS.get(employee.gender, "–")

    def get_search_results(self, request, queryset, search_term):
        digits = normalize_nip(search_term)
        if digits.isdigit() and len(digits) >= 4:
            search_term = digits  # "NIP. 19860926 201505 1 001" finds 198609262015051001
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        return admin_import_urls(self.admin_site) + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": request.user.has_perm(IMPORT_PERMISSION),
        }
        return super().changelist_view(request, extra_context)

    def has_export_permission(self, request):
        return request.user.has_perm("participants.export_employees")

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        return export_staff(queryset, file_format=file_format.get_extension())

    def get_export_filename(self, request, queryset, file_format):
        return gettext("staff-list-%(date)s.%(extension)s") % {
            "date": timezone.localdate().isoformat(),
            "extension": file_format.get_extension(),
        }


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name_column", "email", "employee", "is_staff", "is_active"]
    list_select_related = ["employee"]
    search_fields = ["username", "first_name", "last_name", "email", "employee__name"]

    @admin.display(description=_("name"))
    def full_name_column(self, user):
        return user.get_full_name()

    @admin.display(description=_("employee"))
    def employee(self, user):
        try:
            return user.employee
        except Employee.DoesNotExist:
            return "–"


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    """Codes as a record only: the code itself is never stored and its hash never shown."""
    form = WithoutControlCharactersModelForm

    list_display = ["__str__", "user", "created_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["user", "created_by"]
    list_filter = ["created_at", "used_at"]
    search_fields = ["user__username", "user__employee__name"]
    fields = ["user", "created_by", "created_at", "expires_at", "used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StaffListImport)
class StaffListImportAdmin(admin.ModelAdmin):
    """Past staff-list imports, read only; the import itself runs from the staff page."""
    form = WithoutControlCharactersModelForm

    list_display = [
        "file_column",
        "status_column",
        "summary_column",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_select_related = ["created_by"]
    list_filter = ["status", "created_at"]
    search_fields = ["original_filename"]
    fields = [
        "original_filename",
        "status_column",
        "summary_column",
        "error",
        "skip_invalid",
        "create_units",
        "file_size",
        "created_by",
        "created_at",
        "validated_at",
        "confirmed_by",
        "confirmed_at",
        "started_at",
        "heartbeat_at",
        "attempt",
        "finished_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # A report can hold thousands of rows; the list needs only its counts.
        return (
            super().get_queryset(request).defer("report").annotate(report_counts=F("report__counts"))
        )

    @admin.display(description=_("file name"), ordering="original_filename")
    def file_column(self, staff_import):
        url = reverse("participants:import_status", args=[staff_import.pk])
        return format_html('<a href="{}">{}</a>', url, staff_import.original_filename)

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, staff_import):
        return staff_import.status_label  # "Stopped" when the worker stopped part-way

    @admin.display(description=_("rows"))
    def summary_column(self, staff_import):
        counts = staff_import.report_counts
        if not isinstance(counts, dict):
            return "–"
        return gettext(
            "%(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(invalid)s invalid"
        ) % {
            key: formats.number_format(counts.get(key, 0), force_grouping=True)
            for key in ("new", "updated", "unchanged", "invalid")
        }

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
