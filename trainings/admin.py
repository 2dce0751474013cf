"""The training models in the Django admin, for superusers who repair data.

Organisers work on the training pages, which go through the services; the admin is the way
around them, so enrolment and attendance records are not created here (their tokens and rules
live in the services) and corrections of attendance are read-only history.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharactersModelForm
from trainings.models import Attendance, AttendanceChange, Enrolment, Session, Speaker, Training
from trainings.selectors.trainings import organisers_for_choice


class SessionInline(admin.TabularInline):
    form = WithoutControlCharactersModelForm
    model = Session
    extra = 0
    fields = ["date", "start_time", "end_time", "topic", "jp", "room", "speakers"]
    autocomplete_fields = ["speakers"]
    show_change_link = True


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["code", "title", "batch", "start_date", "end_date", "status", "organiser_unit"]
    list_filter = ["status", "start_date"]
    list_select_related = ["organiser_unit"]
    search_fields = ["code", "title", "venue"]
    autocomplete_fields = ["organiser_unit"]
    date_hierarchy = "start_date"
    # The audit fields are the record's, not the editor's: shown last, set on creation.
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [SessionInline]
    filter_horizontal = ["organisers"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisers":  # the panitia: only organisers may be
            kwargs["queryset"] = organisers_for_choice()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["name", "gelar_depan", "gelar_belakang", "position", "institution"]
    search_fields = ["name", "position", "institution"]
    autocomplete_fields = ["employee"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["topic", "training", "date", "start_time", "end_time", "jp", "room"]
    list_filter = ["date"]
    list_select_related = ["training"]
    search_fields = ["topic", "room", "training__code", "training__title"]
    autocomplete_fields = ["training", "speakers"]
    date_hierarchy = "date"


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["employee", "training", "status", "enrolled_at", "cancelled_at"]
    list_filter = ["status"]
    list_select_related = ["employee", "training"]
    search_fields = ["employee__name", "employee__nip", "training__code", "training__title"]
    autocomplete_fields = ["training", "employee", "created_by"]
    readonly_fields = ["badge_token", "created_at"]

    def has_add_permission(self, request):
        return False  # enrolment goes through trainings.services.enrolment (quota, badge token)


class AttendanceChangeInline(admin.TabularInline):
    form = WithoutControlCharactersModelForm
    model = AttendanceChange
    extra = 0
    fields = ["changed_at", "previous_status", "new_status", "changed_by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["participant", "session", "status", "method", "recorded_at"]
    list_filter = ["status", "method"]
    list_select_related = ["enrolment__employee", "session__training"]
    search_fields = [
        "enrolment__employee__name", "enrolment__employee__nip", "session__topic",
        "session__training__code",
    ]
    autocomplete_fields = ["session", "enrolment", "recorded_by"]
    readonly_fields = ["updated_at"]
    inlines = [AttendanceChangeInline]

    def has_add_permission(self, request):
        return False  # attendance goes through the check-in services

    @admin.display(description=_("participant"), ordering="enrolment__employee__name")
    def participant(self, obj):
        return obj.enrolment.employee.full_name


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm
    list_display = ["attendance", "previous_status", "new_status", "changed_by", "changed_at"]
    list_filter = ["new_status"]
    list_select_related = ["attendance", "changed_by"]
    search_fields = ["attendance__enrolment__employee__name", "note"]
    autocomplete_fields = ["attendance", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

