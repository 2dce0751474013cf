from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read the log; nobody adds, changes or deletes an entry, superusers included."""

    list_display = ("created_at", "action", "actor_name", "target", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_name", "target", "target_ref")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
