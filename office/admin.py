from django.contrib import admin
from django.db import transaction

from core.forms import WithoutControlCharactersModelForm
from office.models import Office
from office.selectors import current_office, forget_office


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm

    def has_add_permission(self, request):
        # Only until the one profile exists (read from the cache: no query on each admin page).
        return current_office().updated_at is None and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(forget_office)
