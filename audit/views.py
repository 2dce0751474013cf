from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import selectors
from audit.forms import AuditFilterForm
from core.permissions import require_permissions

PAGE_SIZE = 50


@require_GET
@require_permissions("audit.view_auditentry")
def audit_log(request):
    """Show the audit log, newest first, filtered and 50 entries a page."""
    filter_form = AuditFilterForm(request.GET)
    entries = selectors.audit_entries(**filter_form.filters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {"filter_form": filter_form, "page": page, "query": query.urlencode()},
    )
