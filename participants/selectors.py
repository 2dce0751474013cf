"""Reads for the staff directory, with their joins done."""

from django.db.models import Q, QuerySet

from participants.models import Employee
from participants.nip import normalize_nip


def employees_for_directory(*, filters: dict | None = None) -> QuerySet[Employee]:
    """Return directory entries matching the list page's search and filters, units and accounts
    joined.

    filters may hold: q (a name, or a NIP or NIK typed with spaces or dots), unit (a Unit or
    its pk), unit_kind, golongan, status and frontline (True, False or None for both).
    """
    filters = filters or {}
    queryset = Employee.objects.select_related("unit", "user")

    query = (filters.get("q") or "").strip()
    if query:
        digits = normalize_nip(query)
        if digits.isdigit() and len(digits) >= 4:
            queryset = queryset.filter(Q(nip__contains=digits) | Q(nik=digits))
        else:
            for word in query.split():
                queryset = queryset.filter(name__icontains=word)

    if unit := filters.get("unit"):
        queryset = queryset.filter(unit=unit)
    if unit_kind := filters.get("unit_kind"):
        queryset = queryset.filter(unit__kind=unit_kind)
    if golongan := filters.get("golongan"):
        queryset = queryset.filter(golongan=golongan)
    if status := filters.get("status"):
        queryset = queryset.filter(status=status)
    if filters.get("frontline") is not None:
        queryset = queryset.filter(is_frontline=filters["frontline"])
    return queryset.order_by("name", "pk")


def employees_by_ids(*, ids) -> QuerySet[Employee]:
    """Return the directory entries with these ids, units and accounts joined, by name."""
    return (
        Employee.objects.filter(pk__in=list(ids))
        .select_related("unit", "user")
        .order_by("name", "pk")
    )


def employees_with_details() -> QuerySet[Employee]:
    """Return directory entries with their unit, parent unit and account joined."""
    return Employee.objects.select_related("unit", "unit__parent", "user")


def employee_for_user(*, user) -> Employee | None:
    """Return the directory entry linked to a login, or None."""
    if not user.is_authenticated:
        return None
    return Employee.objects.select_related("unit").filter(user=user).first()
