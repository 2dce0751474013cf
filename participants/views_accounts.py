"""The "Accounts and roles" pages: who may sign in, with which roles; the administrator gives
and takes the Admin kepegawaian and Penyelenggara roles and deactivates accounts."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.permissions import require_permissions
from core.roles import ROLE_LABELS, ROLE_PERMISSIONS

from participants import selectors, services
from participants.forms import AccountFilterForm, AccountRolesForm

PAGE_SIZE = 50


def _row(user) -> dict:
    """Return what the pages show of an account: name, directory entry, role names."""
    try:
        employee = user.employee
    except ObjectDoesNotExist:
        employee = None
    roles = [group.name for group in user.groups.all() if group.name in ROLE_PERMISSIONS]
    return {
        "user": user,
        "employee": employee,
        "name": employee.full_name if employee else user.get_full_name(),
        "roles": roles,
        "role_labels": [ROLE_LABELS[role] for role in roles],
    }


@require_GET
@require_permissions("participants.view_user")
def account_list(request):
    """List the accounts with their roles, searchable and filtered by role, 50 a page."""
    filter_form = AccountFilterForm(request.GET)
    accounts = selectors.accounts_for_list(filters=filter_form.filters())
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/account_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "rows": [_row(user) for user in page.object_list],
            "query": query.urlencode(),
        },
    )


@require_GET
@require_permissions("participants.view_user")
def account_detail(request, pk):
    """Show one account, with the forms to change its roles and to (de)activate it."""
    account = _row(get_object_or_404(selectors.accounts_for_list(), pk=pk))
    form = AccountRolesForm(
        initial={"roles": [role for role in account["roles"] if role in services.MANAGED_ROLES]}
    )
    return render(
        request,
        "participants/account_detail.html",
        {
            "account": account,
            "form": form,
            "can_change": request.user.has_perm("participants.change_user")
            and (request.user.is_superuser or not account["user"].is_superuser),
            "is_self": account["user"].pk == request.user.pk,
        },
    )


@require_POST
@require_permissions("participants.change_user")
def account_roles(request, pk):
    """Give the account exactly the ticked roles."""
    user = get_object_or_404(selectors.accounts_for_list(), pk=pk)
    form = AccountRolesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose roles from the list."))
        return redirect("participants:account_detail", pk=pk)
    try:
        services.set_account_roles(user=user, roles=form.cleaned_data["roles"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The roles were saved."))
    return redirect("participants:account_detail", pk=pk)


@require_POST
@require_permissions("participants.change_user")
def account_active(request, pk):
    """Deactivate the account, or reactivate it (the button sends active=1 or 0)."""
    user = get_object_or_404(selectors.accounts_for_list(), pk=pk)
    if request.POST.get("active") not in ("0", "1"):
        return HttpResponseBadRequest()
    active = request.POST["active"] == "1"
    try:
        services.set_account_active(user=user, active=active, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The account was reactivated.") if active else _("The account was deactivated."),
        )
    return redirect("participants:account_detail", pk=pk)
