"""Staff directory pages, "My profile", activation slips and the public activation page."""

import logging

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from core.permissions import require_permissions
from core.qr import qr_svg
from core.submissions import claim_submission
from core.whatsapp import WhatsAppMessage

from participants import selectors, services
from participants.exporting import export_staff
from participants.forms import (
    ActivationForm,
    EmployeeFilterForm,
    EmployeeForm,
    SlipSelectionForm,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


# Directory --------------------------------------------------------------------------------------


@require_GET
@require_permissions("participants.view_employee")
def employee_list(request):
    """List the directory with search, filters and 50 people a page."""
    filter_form = EmployeeFilterForm(request.GET)
    employees = selectors.employees_for_directory(filters=filter_form.filters())
    page = Paginator(employees, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/employee_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "query": query.urlencode(),
            "can_print_slips": request.user.has_perm("participants.add_activationcode"),
            "can_export": request.user.has_perm("participants.export_employees"),
            "can_add": request.user.has_perm("participants.add_employee"),
        },
    )


@require_GET
@require_permissions("participants.export_employees")
def employee_export(request):
    """Download the directory, as currently filtered, as XLSX or CSV."""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in EXPORT_FORMATS:
        raise Http404("Unknown export format")
    filter_form = EmployeeFilterForm(request.GET)
    employees = selectors.employees_for_directory(filters=filter_form.filters())
    content = export_staff(employees, file_format=file_format)
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="pegawai-{stamp}.{file_format}"'
    return response


@require_GET
@require_permissions("participants.view_employee")
def employee_detail(request, pk):
    """Show one directory entry; the full NIK only to those who may edit entries."""
    employee = get_object_or_404(selectors.employees_with_details(), pk=pk)
    return render(
        request,
        "participants/employee_detail.html",
        {
            "employee": employee,
            "show_full_nik": request.user.has_perm("participants.change_employee"),
            "can_edit": request.user.has_perm("participants.change_employee"),
            "can_print_slips": request.user.has_perm("participants.add_activationcode"),
        },
    )


def _save_employee_form(request, form, save):
    """Run a service with the form's data and copy its validation errors onto the form."""
    if not form.is_valid():
        return None
    try:
        return save(**form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
@require_permissions("participants.add_employee")
def employee_create(request):
    """Add a person to the directory."""
    form = EmployeeForm(request.POST or None)
    if request.method == "POST":
        employee = _save_employee_form(request, form, services.create_employee)
        if employee is not None:
            messages.success(
                request, _("%(name)s was added to the directory.") % {"name": employee.full_name}
            )
            return redirect(employee)
    return render(request, "participants/employee_form.html", {"form": form, "employee": None})


@require_http_methods(["GET", "POST"])
@require_permissions("participants.change_employee")
def employee_edit(request, pk):
    """Change a directory entry."""
    employee = get_object_or_404(selectors.employees_with_details(), pk=pk)
    if request.method == "POST":
        form = EmployeeForm(request.POST)
        saved = _save_employee_form(
            request,
            form,
            lambda **data: services.update_employee(
                employee=selectors.employees_with_details().get(pk=pk), **data
            ),
        )
        if saved is not None:
            messages.success(request, _("The changes were saved."))
            return redirect(saved)
    else:
        form = EmployeeForm(initial=EmployeeForm.initial_for(employee))
    return render(request, "participants/employee_form.html", {"form": form, "employee": employee})


# Activation slips -------------------------------------------------------------------------------


def activation_url(code: str) -> str:
    """Return the absolute link a slip's QR code carries."""
    return settings.SITE_URL + reverse("activate_with_code", kwargs={"code": code})


def activation_qr_svg(url: str) -> str:
    """Render a QR code for a URL as an inline SVG element (no style attributes)."""
    return qr_svg(url, title=_("QR code of the activation link"))


def _skipped_for_password_message(count: int) -> str:
    return ngettext(
        "%(count)s person was skipped because they already have a password: they log in with "
        "it, and reset a forgotten one with “Forgot your password?” on the login page.",
        "%(count)s people were skipped because they already have a password: they log in with "
        "it, and reset a forgotten one with “Forgot your password?” on the login page.",
        count,
    ) % {"count": count}


def _issue_slips(request, employees, *, back):
    slips = []
    try:
        with transaction.atomic():
            for employee in employees:
                slips.append(_issue_slip(request, employee))
    except ValidationError as error:
        # All or nothing: a half-printed batch would void codes nobody has on paper.
        messages.error(request, f"{employee.full_name}: {' '.join(error.messages)}")
        return redirect(back)
    return render(
        request,
        "participants/activation_slips.html",
        {
            "slips": slips,
            "activation_page": settings.SITE_URL + reverse("activate"),
            "single": len(slips) == 1,
        },
    )


def _issue_slip(request, employee) -> dict:
    user = services.create_account(employee=employee)
    activation, code = services.issue_activation_code(user=user, created_by=request.user)
    url = activation_url(code)
    expires_at = timezone.localtime(activation.expires_at)
    return {
        "employee": employee,
        "username": user.get_username(),
        "code": code,
        "expires_at": expires_at,
        "url": url,
        "qr": mark_safe(activation_qr_svg(url)),  # segno's own markup, no user input in it
        "whatsapp": activation_whatsapp_message(
            employee=employee, code=code, url=url, expires_at=expires_at
        ),
    }


def activation_whatsapp_message(*, employee, code, url, expires_at) -> WhatsAppMessage:
    """Return the slip as a WhatsApp message to the person's own mobile number.

    The code sets the password of the account: it goes only to the number the directory holds
    for that person (or, without one, to the contact the organiser picks in WhatsApp).
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(
            "whatsapp/activation.txt",
            {"employee": employee, "code": code, "url": url, "expires_at": expires_at},
        ).strip()
    return WhatsAppMessage.to_phone(employee.phone, text)


@never_cache
@require_POST
@require_permissions("participants.add_activationcode")
def activation_slip(request, pk):
    """Issue an activation code for one person (making an account if needed); print its slip."""
    employee = get_object_or_404(selectors.employees_with_details(), pk=pk)
    return _issue_slips(request, [employee], back=employee.get_absolute_url())


@never_cache
@require_POST
@require_permissions("participants.add_activationcode")
def activation_slips(request):
    """Issue activation codes for the people ticked on the list; print their slips."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("participants:employee_list")
    form = SlipSelectionForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("employees", []):
            messages.error(request, error)
        return redirect(back)
    # A list's bulk form carries a one-time token: submitted twice, it prints no second set of
    # codes (which would void the first).
    if "submission" in request.POST and not claim_submission(
        user=request.user, token=request.POST["submission"]
    ):
        messages.info(
            request,
            _("These slips were already printed from this page; reload the page to print new ones."),
        )
        return redirect(back)
    employees = selectors.employees_by_ids(ids=[e.pk for e in form.cleaned_data["employees"]])
    # A slip sets a password: people who have one are left out, and the organiser is told.
    slip_for = [e for e in employees if e.user is None or e.user.awaits_activation]
    skipped = len(employees) - len(slip_for)
    if skipped:
        messages.warning(request, _skipped_for_password_message(skipped))
    if not slip_for:
        return redirect(back)
    return _issue_slips(request, slip_for, back=back)


# The person's own pages -------------------------------------------------------------------------


@require_GET
@login_required
def my_profile(request):
    """Show the signed-in person their own directory entry; nobody else's is reachable here."""
    employee = selectors.employee_for_user(user=request.user)
    return render(request, "participants/my_profile.html", {"employee": employee})


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def activate(request, code=""):
    """Let a person set their password with the code from their slip, then log them in."""
    if request.method == "POST":
        form = ActivationForm(request.POST)
        if form.is_valid():
            try:
                user = services.activate_account(
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["password1"],
                    ip_address=get_adapter(request).get_client_ip(request),
                )
            except ValidationError as error:
                on_code = getattr(error, "code", None) in services.ACTIVATION_ERRORS
                form.add_error("code" if on_code else "password1", error)
            else:
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
                messages.success(
                    request,
                    _(
                        "Your account is active and you are logged in as %(name)s. Next time, "
                        "use %(username)s and your new password."
                    )
                    % {"name": _display_name(user), "username": _login_name(user)},
                )
                return redirect("home")
    else:
        prefill = services.format_activation_code(services.normalize_activation_code(code))
        form = ActivationForm(initial={"code": prefill} if prefill else None)
    return render(request, "participants/activate.html", {"form": form, "from_link": bool(code)})


def _display_name(user) -> str:
    employee = selectors.employee_for_user(user=user)
    return employee.full_name if employee else user.get_username()


def _login_name(user) -> str:
    employee = selectors.employee_for_user(user=user)
    if employee and employee.nip:
        return _("your NIP %(nip)s") % {"nip": employee.nip_display}
    if employee and employee.nik:
        return _("your NIK")
    return user.get_username()
