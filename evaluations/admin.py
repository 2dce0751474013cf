"""Evaluation forms in the admin, read-only: changes go through the organiser's pages, whose
services keep anonymity, scale and questions fixed once participants have responded.

Responses and answers are not in the admin at all; receipts show who responded, never what.
"""

from django.contrib import admin

from core.forms import WithoutControlCharactersModelForm
from evaluations.models import EvaluationForm, Question, Receipt


class ReadOnlyAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuestionInline(admin.TabularInline):
    form = WithoutControlCharactersModelForm
    model = Question
    fields = ["section", "position", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvaluationForm)
class EvaluationFormAdmin(ReadOnlyAdmin):
    list_display = [
        "training",
        "is_anonymous",
        "scale_max",
        "opens_at",
        "closes_at",
        "required_for_certificate",
    ]
    list_select_related = ["training"]
    list_filter = ["is_anonymous", "required_for_certificate"]
    search_fields = ["training__code", "training__title"]
    inlines = [QuestionInline]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["form", "enrolment_person", "submitted_at"]
    list_select_related = ["form", "enrolment__employee"]
    search_fields = [
        "form__training__code",
        "enrolment__employee__name",
        "enrolment__employee__nip",
    ]
    fields = ["form", "enrolment", "submitted_at"]  # never the response, even on a named form

    @admin.display(description=Receipt._meta.get_field("enrolment").verbose_name)
    def enrolment_person(self, receipt):
        return receipt.enrolment.employee.full_name
