"""Admin for the question bank and tests; attempts are read-only records."""

from django.contrib import admin

from core.forms import WithoutControlCharactersModelForm
from assessments.models import Answer, Assessment, Attempt, Option, Question


class OptionInline(admin.TabularInline):
    form = WithoutControlCharactersModelForm
    model = Option
    extra = 0
    max_num = 6


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["text", "training", "topic", "position"]
    list_select_related = ["training", "topic"]
    list_filter = ["training"]
    search_fields = ["text", "training__code", "training__title"]
    autocomplete_fields = ["training"]
    raw_id_fields = ["topic"]
    # The audit fields are the record's, not the editor's: shown last, set on creation.
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [OptionInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = [
        "training",
        "kind",
        "opens_at",
        "closes_at",
        "time_limit_minutes",
        "results_released_at",
    ]
    list_select_related = ["training"]
    list_filter = ["kind"]
    search_fields = ["training__code", "training__title"]
    autocomplete_fields = ["training"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    filter_horizontal = ["questions"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AnswerInline(admin.TabularInline):
    form = WithoutControlCharactersModelForm
    model = Answer
    extra = 0
    can_delete = False
    fields = ["position", "question", "chosen", "answered_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["enrolment", "assessment", "started_at", "submitted_at", "score", "reset_at"]
    list_select_related = ["enrolment__employee", "assessment__training"]
    list_filter = ["assessment__kind"]
    search_fields = [
        "enrolment__employee__name",
        "enrolment__employee__nip",
        "assessment__training__code",
    ]
    readonly_fields = [
        "assessment",
        "enrolment",
        "started_at",
        "deadline",
        "submitted_at",
        "submitted_how",
        "question_count",
        "correct_count",
        "score",
        "reset_at",
        "reset_by",
        "reset_reason",
    ]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
