from django.contrib import admin
from django.db import transaction

from core.forms import WithoutControlCharactersModelForm
from office.models import Office
from office.selectors import forget_office


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = WithoutControlCharactersModelForm

    def has_add_permission(self, request):
        return not Office.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(forget_office)
