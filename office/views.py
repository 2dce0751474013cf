"""The office profile page: the first set-up of a fresh install, and later changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from core.permissions import require_permissions
from office.forms import OfficeForm
from office.selectors import current_office
from office.services import incomplete_message, save_office


@require_http_methods(["GET", "POST"])
@require_permissions("office.change_office")
def profile(request):
    """Show and save the office profile, saying what documents still wait for."""
    office = current_office()
    form = OfficeForm(request.POST or None, request.FILES or None, instance=office)
    if request.method == "POST" and form.is_valid():
        try:
            office = save_office(values=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The office profile was saved."))
            return redirect("office:profile")
    return render(
        request,
        "office/profile.html",
        {"form": form, "office": office, "missing": incomplete_message(office)},
    )
