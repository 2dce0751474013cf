"""The unit (unit kerja) pages: list, add, edit with other names, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from core.permissions import require_permissions

from participants import selectors, services
from participants.forms import UnitForm, UnitSearchForm
from participants.models import Unit

PAGE_SIZE = 50


@require_GET
@require_permissions("participants.view_unit", "participants.change_unit")
def unit_list(request):
    """List the units with their parent, other names and number of employees, 50 a page."""
    search_form = UnitSearchForm(request.GET)
    units = selectors.units_for_list(query=search_form.query())
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/unit_list.html",
        {
            "search_form": search_form,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("participants.add_unit"),
            "can_change": request.user.has_perm("participants.change_unit"),
        },
    )


def _save_unit(request, form, save):
    """Run save(**fields) and set the unit's other names in one transaction; None on errors."""
    if not form.is_valid():
        return None
    fields = {key: form.cleaned_data[key] for key in ("name", "short_name", "kind", "parent")}
    try:
        with transaction.atomic():
            unit = save(**fields)
            services.set_unit_aliases(unit=unit, names=form.alias_names(), user=request.user)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return unit


@require_http_methods(["GET", "POST"])
@require_permissions("participants.add_unit")
def unit_create(request):
    """Add a unit with its other names."""
    form = UnitForm(request.POST or None)
    if request.method == "POST":
        unit = _save_unit(request, form, services.create_unit)
        if unit is not None:
            messages.success(request, _("The unit %(name)s was added.") % {"name": unit.name})
            return redirect("participants:unit_list")
    return render(request, "participants/unit_form.html", {"form": form, "unit": None})


@require_http_methods(["GET", "POST"])
@require_permissions("participants.change_unit")
def unit_edit(request, pk):
    """Change a unit's name, short name, kind, parent unit or other names."""
    unit = get_object_or_404(Unit.objects.prefetch_related("aliases"), pk=pk)
    if request.method == "POST":
        form = UnitForm(request.POST, unit=unit)
        saved = _save_unit(
            request, form, lambda **fields: services.update_unit(unit=unit, **fields)
        )
        if saved is not None:
            messages.success(request, _("The changes were saved."))
            return redirect("participants:unit_list")
    else:
        form = UnitForm(initial=UnitForm.initial_for(unit), unit=unit)
    return render(
        request,
        "participants/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "can_delete": request.user.has_perm("participants.delete_unit"),
        },
    )


@require_http_methods(["GET", "POST"])
@require_permissions("participants.delete_unit")
def unit_delete(request, pk):
    """Ask before deleting a unit; delete it on POST unless employees or sub-units use it."""
    unit = get_object_or_404(Unit, pk=pk)
    if request.method == "POST":
        try:
            services.delete_unit(unit=unit)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("participants:unit_delete", pk=unit.pk)
        messages.success(request, _("The unit %(name)s was deleted.") % {"name": unit.name})
        return redirect("participants:unit_list")
    return render(
        request,
        "participants/unit_confirm_delete.html",
        {"unit": unit, "blockers": services.unit_delete_blockers(unit=unit)},
    )
