"""Reads for the staff directory, with their joins done."""

from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from core.mfa import SECOND_FACTORS
from core.roles import ROLE_PERMISSIONS

from participants.models import Employee, Unit, UnitAlias, User
from participants.nip import normalize_nip


def employee_search(query: str | None, *, prefix: str = "") -> Q:
    """Return the condition "matches the search box": a NIP or NIK (spaces and dots allowed, four
    digits or more), or else every word within the name.

    prefix reaches the person through a relation, e.g. "employee__" from an enrolment.
    """
    query = (query or "").strip()
    if not query:
        return Q()
    digits = normalize_nip(query)
    if digits.isdigit() and len(digits) >= 4:
        return Q(**{f"{prefix}nip__contains": digits}) | Q(**{f"{prefix}nik": digits})
    condition = Q()
    for word in query.split():
        condition &= Q(**{f"{prefix}name__icontains": word})
    return condition


def employees_for_directory(*, filters: dict | None = None) -> QuerySet[Employee]:
    """Return directory entries matching the list page's search and filters, units and accounts
    joined.

    filters may hold: q (a name, or a NIP or NIK typed with spaces or dots), unit (a Unit or
    its pk), unit_kind, golongan, status and frontline (True, False or None for both).
    """
    filters = filters or {}
    queryset = Employee.objects.select_related("unit", "user")

    queryset = queryset.filter(employee_search(filters.get("q")))

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


def units_for_list(*, query: str = "") -> QuerySet[Unit]:
    """Return units by name, with parent, aliases and employee count, matching a search by
    name, short name or other name."""
    queryset = Unit.objects.select_related("parent").annotate(employee_count=Count("employees"))
    if query := (query or "").strip():
        queryset = queryset.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Exists(UnitAlias.objects.filter(unit=OuterRef("pk"), name__icontains=query))
        )
    return queryset.prefetch_related(
        Prefetch("aliases", queryset=UnitAlias.objects.order_by("name"))
    ).order_by("name", "pk")


# The role filter's choice for accounts that hold none of the roles.
NO_ROLE = "-"


def accounts_for_list(*, filters: dict | None = None) -> QuerySet[User]:
    """Return accounts with their directory entry, roles and whether they set up a second
    factor, matching the accounts page's search (name, NIP, username, email) and role filter."""
    filters = filters or {}
    queryset = User.objects.select_related("employee").annotate(
        has_mfa=Exists(
            Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)
        )
    )
    if query := (filters.get("q") or "").strip():
        condition = employee_search(query, prefix="employee__") | Q(username__icontains=query)
        condition |= Q(email__icontains=query)
        words = Q()
        for word in query.split():
            words &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        queryset = queryset.filter(condition | words)
    if role := filters.get("role"):
        if role == NO_ROLE:
            queryset = queryset.exclude(groups__name__in=list(ROLE_PERMISSIONS))
        else:
            queryset = queryset.filter(groups__name=role)
    return queryset.prefetch_related("groups").order_by("username", "pk")
