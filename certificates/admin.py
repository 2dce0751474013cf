from django.contrib import admin

from core.forms import WithoutControlCharactersModelForm
from certificates.models import (
    Certificate,
    CertificateEmail,
    CertificateSettings,
    Counter,
    EligibilityOverride,
    IssueRun,
)


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["__str__", "training", "number_pattern", "numbering_scope", "orientation"]
    list_select_related = ["training"]
    autocomplete_fields = ["training"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["number", "version", "status", "enrolment", "issued_at"]
    list_filter = ["status"]
    list_select_related = ["enrolment"]
    search_fields = ["number", "code", "enrolment__employee__name", "enrolment__employee__nip"]
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False  # certificates are issued by the issuing pages, never typed in

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssueRun)
class IssueRunAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["__str__", "training", "status", "done", "total", "errors", "created_at"]
    list_select_related = ["training"]
    readonly_fields = [f.name for f in IssueRun._meta.fields]


@admin.register(EligibilityOverride)
class EligibilityOverrideAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["enrolment", "reason", "created_by", "created_at"]
    list_select_related = ["enrolment", "created_by"]
    raw_id_fields = ["enrolment"]


admin.site.register(Counter, form=WithoutControlCharactersModelForm)
admin.site.register(CertificateEmail, form=WithoutControlCharactersModelForm)
