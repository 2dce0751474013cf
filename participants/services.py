"""
Writes for the staff directory and its accounts.

Directory entries: create_employee and update_employee check the NIP or NIK, the golongan and
the employment status together with participants.identity, as every other path does, then
save. Accounts: create_account links a login to a directory entry; issue_activation_code and
activate_account let a person without email set their first password with a one-time code
printed on a slip. Only a keyed hash of the code is stored.
"""

import datetime
import logging
import secrets
from collections import defaultdict

from allauth.account.models import EmailAddress

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.services import Action, record
from core.ratelimit import RateLimit
from core.roles import ROLE_LABELS, Role

from participants.identity import check_identity
from participants.models import ActivationCode, Employee, Unit, UnitAlias, User
from participants.units import guess_kind, unit_key

logger = logging.getLogger(__name__)

# Digits and capitals without 0, O, 1, I (and no lowercase at all, so no l): nothing to misread
# when the code is copied from paper.
ACTIVATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ACTIVATION_CODE_LENGTH = 10
ACTIVATION_GROUPS = (4, 4, 2)  # "K7QX-M4PA-RZ"
_ACTIVATION_HASH_SALT = "participants.activation_code"
# The codes activate_account raises about the code itself (password errors have their own).
ACTIVATION_ERRORS = frozenset(
    {
        "activation_throttled",
        "account_privileged",
        "account_has_password",
        "activation_unknown",
        "activation_used",
        "activation_expired",
        "account_inactive",
    }
)

EMPLOYEE_FIELDS = (
    "nip",
    "nik",
    "gelar_depan",
    "name",
    "gelar_belakang",
    "status",
    "golongan",
    "jabatan",
    "unit",
    "email",
    "phone",
    "is_frontline",
)


# Directory entries ------------------------------------------------------------------------------


def _validate_and_save(employee: Employee) -> Employee:
    identity = check_identity(
        status=employee.status,
        nip=employee.nip,
        nik=employee.nik,
        golongan=employee.golongan,
    )
    for field, value in identity.values().items():
        setattr(employee, field, value)
    employee.full_clean()
    employee.save()
    return employee


def create_employee(
    *,
    name: str,
    unit,
    status: str = Employee.Status.PNS,
    nip: str | None = None,
    nik: str | None = None,
    gelar_depan: str = "",
    gelar_belakang: str = "",
    golongan: str = "",
    jabatan: str = "",
    email: str = "",
    phone: str = "",
    is_frontline: bool = False,
) -> Employee:
    """Add a person to the staff directory after checking their NIP or NIK and golongan."""
    employee = Employee(
        name=name.strip(),
        unit=unit,
        status=status,
        nip=nip,
        nik=nik,
        gelar_depan=gelar_depan.strip(),
        gelar_belakang=gelar_belakang.strip(),
        golongan=golongan,
        jabatan=jabatan.strip(),
        email=email.strip(),
        phone=phone.strip(),
        is_frontline=is_frontline,
    )
    _validate_and_save(employee)
    logger.info("Created employee %s (%s)", employee.pk, employee.identifier_display)
    return employee


@transaction.atomic
def update_employee(*, employee: Employee, **changes) -> Employee:
    """Change a directory entry's fields, checking them as create_employee does."""
    unknown = set(changes) - set(EMPLOYEE_FIELDS)
    if unknown:
        raise TypeError(f"update_employee() got unknown fields: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        if isinstance(value, str) and field not in ("nip", "nik"):
            value = value.strip()
        setattr(employee, field, value)
    _validate_and_save(employee)
    if "email" in changes and employee.user_id:
        account_emails_follow_directory(emails={employee.user_id: employee.email})
    logger.info("Updated employee %s: %s", employee.pk, ", ".join(sorted(changes)))
    return employee


# Units ------------------------------------------------------------------------------------------


def _tidy(name: str) -> str:
    return " ".join((name or "").split())


def _other_unit_named(key: str, *, unit_pk: int | None = None) -> str | None:
    """Return the name of a unit other than unit_pk whose own name has this match key."""
    names = Unit.objects.exclude(pk=unit_pk).values_list("name", flat=True)
    return next((name for name in names if unit_key(name) == key), None)


def _check_unit_name(name: str, *, unit_pk: int | None = None) -> None:
    """Refuse a name that another unit's name already stands for ("KEL. X" is "Kelurahan X")."""
    if (other_name := _other_unit_named(unit_key(name), unit_pk=unit_pk)) is not None:
        raise ValidationError(
            {
                "name": ValidationError(
                    _("Another unit already has this name: %(unit)s."),
                    code="unit_name_taken",
                    params={"unit": other_name},
                )
            }
        )


def _check_parent(*, unit: Unit, parent: Unit | None) -> None:
    """Refuse a parent that is the unit itself or one of its own sub-units."""
    if parent is None or unit.pk is None:
        return
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    seen, current = set(), parent.pk
    while current is not None and current not in seen:
        if current == unit.pk:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _(
                            "A unit cannot be placed under itself or under one of its own "
                            "sub-units."
                        ),
                        code="unit_parent_loop",
                    )
                }
            )
        seen.add(current)
        current = parents.get(current)


def create_unit(
    *, name: str, parent: Unit | None = None, short_name: str = "", kind: str = ""
) -> Unit:
    """Add a unit named as a staff file names it, of the kind its name suggests unless given."""
    name = _tidy(name)
    _check_unit_name(name)
    unit = Unit(
        name=name, short_name=_tidy(short_name), parent=parent, kind=kind or guess_kind(name)
    )
    unit.full_clean()
    unit.save()
    logger.info("Created unit %s (%s)", unit.pk, unit.name)
    return unit


@transaction.atomic
def update_unit(
    *, unit: Unit, name: str, short_name: str = "", parent: Unit | None = None, kind: str = ""
) -> Unit:
    """Rename a unit, or change its short name, kind or parent unit."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    name = _tidy(name)
    _check_unit_name(name, unit_pk=unit.pk)
    _check_parent(unit=unit, parent=parent)
    unit.name = name
    unit.short_name = _tidy(short_name)
    unit.parent = parent
    unit.kind = kind or guess_kind(name)
    unit.full_clean()
    unit.save()
    logger.info("Updated unit %s (%s)", unit.pk, unit.name)
    return unit


def unit_delete_blockers(*, unit: Unit) -> list[str]:
    """Return, in words, what still uses a unit (employees, sub-units); empty if it may go."""
    reasons = []
    employees = unit.employees.count()
    if employees:
        reasons.append(
            ngettext(
                "%(count)s employee works in it",
                "%(count)s employees work in it",
                employees,
            )
            % {"count": employees}
        )
    children = unit.children.count()
    if children:
        reasons.append(
            ngettext("%(count)s unit is under it", "%(count)s units are under it", children)
            % {"count": children}
        )
    return reasons


@transaction.atomic
def delete_unit(*, unit: Unit) -> None:
    """Delete a unit that no employee, sub-unit or other record uses."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    reasons = unit_delete_blockers(unit=unit)
    if reasons:
        raise ValidationError(
            _("%(unit)s cannot be deleted: %(reasons)s. Move them to another unit first."),
            code="unit_in_use",
            params={"unit": unit.name, "reasons": "; ".join(reasons)},
        )
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError:
        # A training organised by the unit, say: participants does not know those apps.
        raise ValidationError(
            _("%(unit)s cannot be deleted: other records, such as trainings, still refer to it."),
            code="unit_in_use",
            params={"unit": unit.name},
        ) from None
    logger.info("Deleted unit %s (%s)", unit.pk, unit.name)


def check_unit_alias(name: str, *, unit: Unit | None = None, alias_pk: int | None = None) -> str:
    """Return the match key of a unit's other name; refuse a name that already stands for
    another unit, as an alias (other than alias_pk) or as that unit's own name."""
    key = unit_key(name)
    taken = UnitAlias.objects.filter(key=key).exclude(pk=alias_pk).select_related("unit").first()
    if taken is not None:
        other = taken.unit.name
    else:
        other = _other_unit_named(key, unit_pk=unit.pk if unit is not None else None)
    if other is not None:
        raise ValidationError(
            _("“%(name)s” already stands for another unit: %(unit)s."),
            code="alias_taken",
            params={"name": name, "unit": other},
        )
    return key


@transaction.atomic
def set_unit_aliases(*, unit: Unit, names: list[str], user=None) -> list[UnitAlias]:
    """Make names exactly the other names of unit, keeping the aliases it already has."""
    kept = set(unit.aliases.values_list("key", flat=True))
    wanted = {}
    errors = []
    for raw in names:
        name = _tidy(raw)[:200]
        if not name:
            continue
        key = unit_key(name)
        if not key or key == unit_key(unit.name) or key in wanted:
            continue  # nothing to match by, the unit's own name, or a repeat
        wanted[key] = name
        if key in kept:
            continue  # already one of its names
        try:
            check_unit_alias(name, unit=unit)
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError({"aliases": errors})
    unit.aliases.exclude(key__in=list(wanted)).delete()
    UnitAlias.objects.bulk_create(
        UnitAlias(name=name, key=key, unit=unit, created_by=user)
        for key, name in wanted.items()
        if key not in kept
    )
    logger.info("Unit %s has %d aliases", unit.pk, len(wanted))
    return list(unit.aliases.all())


def add_unit_alias(*, name: str, unit: Unit, user=None) -> UnitAlias:
    """Teach the directory that name, as files write it, is unit; a name names one unit only."""
    name = " ".join(name.split())
    alias, _created = UnitAlias.objects.update_or_create(
        key=unit_key(name), defaults={"name": name[:200], "unit": unit, "created_by": user}
    )
    logger.info("Unit alias %r -> unit %s", alias.name, unit.pk)
    return alias


# Accounts ---------------------------------------------------------------------------------------


def account_emails_follow_directory(*, emails: dict[int, str]) -> None:
    """Give each account (by user id) the email of its directory entry, so the two never differ.

    As create_account does, an address that another account holds too (a unit's shared
    mailbox) is left off, since logging in or resetting by it would be ambiguous. The
    addresses allauth kept for these accounts go: the directory is where the email is kept.
    """
    if not emails:
        return
    wanted = {pk: (email or "").strip().lower() for pk, email in emails.items()}
    holders = defaultdict(set)
    for pk, email in User.objects.exclude(email="").values_list("pk", "email"):
        if pk not in wanted:
            holders[email.lower()].add(pk)
    for pk, email in wanted.items():
        if email:
            holders[email].add(pk)
    users = [
        User(pk=pk, email=email if email and len(holders[email]) == 1 else "")
        for pk, email in wanted.items()
    ]
    User.objects.bulk_update(users, ["email"], batch_size=500)
    EmailAddress.objects.filter(user_id__in=list(wanted)).delete()
    logger.info("Account emails follow the directory for %d accounts", len(users))



@transaction.atomic
def create_account(*, employee: Employee, role: str = Role.PARTICIPANT, password=None) -> User:
    """Give a directory entry a login (username = NIP, or NIK for non-ASN) holding a role.

    Idempotent: an employee who already has an account keeps it, and gets the role if missing.
    Without a password the account cannot log in until it is activated with a code.
    """
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    group = Group.objects.get(name=role)
    user = employee.user
    if user is None:
        username = employee.nip or employee.nik
        user = User.objects.filter(username=username).first()
        if user is not None and Employee.objects.filter(user=user).exists():
            raise ValidationError(
                _("The username %(username)s already belongs to another person's account."),
                code="username_taken",
                params={"username": username},
            )
        if user is None:
            email = employee.email.strip().lower()
            if email and User.objects.filter(email__iexact=email).exists():
                # A unit's shared mailbox: logging in or resetting by it would be ambiguous.
                email = ""
            user = User(username=username, email=email, first_name=employee.name[:150])
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
            logger.info("Created account %s for employee %s", user.pk, employee.pk)
        employee.user = user
        employee.save(update_fields=["user", "updated_at"])
    user.groups.add(group)
    return user


def _hash_code(code: str) -> str:
    return salted_hmac(_ACTIVATION_HASH_SALT, code, algorithm="sha256").hexdigest()


def normalize_activation_code(raw) -> str:
    """Strip spaces and dashes from a typed code and upper-case it."""
    return "".join(ch for ch in str(raw or "").upper() if ch.isalnum())


def format_activation_code(code: str) -> str:
    """Group a code for reading: "K7QXM4PARZ" becomes "K7QX-M4PA-RZ"."""
    parts, start = [], 0
    for size in ACTIVATION_GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(part for part in parts if part)


def _holds_more_than_participant(user: User) -> bool:
    """Return whether an account holds any power beyond taking part in trainings."""
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.exclude(name=Role.PARTICIPANT).exists()


def _privileged_error() -> ValidationError:
    # A code sets the account's password: one for an organiser's or an administrator's
    # account would let whoever holds the slip take that account over.
    return ValidationError(
        _(
            "Activation codes are only for participant accounts. This account holds an "
            "organiser or administrator role; its password is reset by the administrator."
        ),
        code="account_privileged",
    )


def _has_password_error() -> ValidationError:
    # Said to the organiser: a code would replace the person's own password with one set by
    # whoever holds the slip. The person resets a forgotten password themselves.
    return ValidationError(
        _(
            "This account already has a password, so no activation code is made for it. If "
            "the person has forgotten their password, they use “Forgot your password?” on the "
            "login page; the reset link goes to their own email."
        ),
        code="account_has_password",
    )


@transaction.atomic
def issue_activation_code(*, user: User, created_by: User | None) -> tuple[ActivationCode, str]:
    """Make a new one-time code for an account and void its earlier unused ones.

    Return the stored record and the raw code, grouped for reading. The raw code is not kept.
    Accounts holding more than the participant role get no code (ValidationError
    account_privileged), nor do accounts that already have a password (account_has_password).
    """
    if _holds_more_than_participant(user):
        raise _privileged_error()
    # Asked of the locked row, not of the caller's copy, which may predate a password.
    if not User.objects.select_for_update().get(pk=user.pk).awaits_activation:
        raise _has_password_error()
    now = timezone.now()
    ActivationCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    raw = "".join(secrets.choice(ACTIVATION_ALPHABET) for _i in range(ACTIVATION_CODE_LENGTH))
    activation = ActivationCode.objects.create(
        user=user,
        code_hash=_hash_code(raw),
        created_by=created_by,
        expires_at=now + datetime.timedelta(days=settings.BIMTEK_ACTIVATION_DAYS),
    )
    logger.info(
        "Activation code %s issued for account %s by %s",
        activation.pk,
        user.pk,
        getattr(created_by, "pk", None),
    )
    record(
        Action.ACTIVATION_CODE_ISSUED,
        actor=created_by,
        target=f"{user.get_username()} · {_account_name(user)}",
        target_ref=user.get_username(),
    )
    return activation, format_activation_code(raw)


def _account_name(user: User) -> str:
    """Return the name of the person behind an account, from the directory where it has one."""
    employee = Employee.objects.filter(user=user).first()
    return employee.full_name if employee else user.get_full_name()


def activation_failure_limit() -> RateLimit:
    """Return the limit on wrong activation codes per caller's IP address."""
    return RateLimit(
        "participants.activation-failures",
        limit=settings.BIMTEK_ACTIVATION_MAX_FAILURES,
        window=settings.BIMTEK_ACTIVATION_FAILURE_WINDOW,
    )


def _reject(message, code: str, ip_address: str | None):
    if ip_address:
        activation_failure_limit().hit(ip_address)
    return ValidationError(message, code=code)


def activate_account(*, code: str, password: str, ip_address: str | None = None) -> User:
    """Set a first password with a one-time code; the code is used up.

    Raise ValidationError with code activation_throttled, activation_unknown, activation_used,
    account_has_password (the account got a password after the code was made: the code no
    longer sets one), activation_expired, account_privileged or account_inactive, or the
    password validators' errors. Wrong codes count against the caller's IP address: after
    BIMTEK_ACTIVATION_MAX_FAILURES (10) within BIMTEK_ACTIVATION_FAILURE_WINDOW seconds
    (15 minutes) every attempt is refused.
    """
    limit = activation_failure_limit()
    if ip_address and limit.is_limited(ip_address):
        raise ValidationError(
            _("Too many wrong codes were tried. Please wait %(wait)s and try again."),
            code="activation_throttled",
            params={"wait": limit.wait()},
        )
    normalized = normalize_activation_code(code)
    if len(normalized) != ACTIVATION_CODE_LENGTH:
        raise _reject(
            _("This activation code is not valid. Check the code on your slip."),
            "activation_unknown",
            ip_address,
        )
    # Looked up by a keyed hash: the database compares hashes, never the code itself, so how
    # long the lookup takes tells nothing about how close a guess was.
    code_hash = _hash_code(normalized)
    with transaction.atomic():
        activation = (
            ActivationCode.objects.select_for_update()
            .select_related("user")
            .filter(code_hash=code_hash)
            .first()
        )
        if activation is None:
            error = _reject(
                _("This activation code is not valid. Check the code on your slip."),
                "activation_unknown",
                ip_address,
            )
        elif activation.used_at is not None:
            error = _reject(
                _(
                    "This activation code has already been used. Log in with your NIP and "
                    "password, or ask the organiser for a new code."
                ),
                "activation_used",
                ip_address,
            )
        elif not activation.user.awaits_activation:
            error = _reject(
                _(
                    "This account already has a password, so this code no longer works. Log in "
                    "with your NIP and password; if you have forgotten it, use “Forgot your "
                    "password?” on the login page."
                ),
                "account_has_password",
                ip_address,
            )
        elif activation.expires_at <= timezone.now():
            error = _reject(
                _("This activation code has expired. Please ask the organiser for a new code."),
                "activation_expired",
                ip_address,
            )
        elif _holds_more_than_participant(activation.user):
            error = _privileged_error()
        elif not activation.user.is_active:
            error = ValidationError(
                _("This account has been deactivated. Please contact the staff administrator."),
                code="account_inactive",
            )
        else:
            error = None
        if error is not None:
            raise error
        user = activation.user
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        activation.used_at = timezone.now()
        activation.save(update_fields=["used_at"])
    logger.info("Account %s activated with code %s", user.pk, activation.pk)
    return user


# Roles and access -------------------------------------------------------------------------------

# The roles an administrator gives and takes on the accounts page. Peserta comes with activation.
MANAGED_ROLES = (Role.ADMIN, Role.ORGANISER)


def _check_may_manage(*, user: User, by: User) -> None:
    if user.is_superuser and not by.is_superuser:
        raise ValidationError(
            _("Only a superuser can change a superuser's account."), code="account_superuser"
        )


@transaction.atomic
def set_account_roles(*, user: User, roles, by: User) -> User:
    """Give an account exactly these of the managed roles (Admin kepegawaian, Penyelenggara).

    The groups change through user.groups, so the audit log records each role given or removed
    and who did it. Nobody removes their own Admin kepegawaian role (the office would be left
    without one by mistake), and only a superuser changes a superuser's account.
    """
    roles = set(roles)
    if unknown := roles - set(MANAGED_ROLES):
        raise ValueError(f"Not a role managed here: {', '.join(sorted(unknown))}")
    _check_may_manage(user=user, by=by)
    held = set(user.groups.filter(name__in=MANAGED_ROLES).values_list("name", flat=True))
    if user.pk == by.pk and Role.ADMIN in held and Role.ADMIN not in roles:
        raise ValidationError(
            _(
                "You cannot remove your own %(role)s role. Another administrator can do it "
                "for you."
            ),
            code="own_admin_role",
            params={"role": ROLE_LABELS[Role.ADMIN]},
        )
    groups = {group.name: group for group in Group.objects.filter(name__in=MANAGED_ROLES)}
    if added := roles - held:
        user.groups.add(*(groups[name] for name in sorted(added)))
    if removed := held - roles:
        user.groups.remove(*(groups[name] for name in sorted(removed)))
    user.__dict__.pop("_bimtek_roles", None)  # core.roles.user_roles caches them on the object
    logger.info("Account %s roles: +%s -%s", user.pk, sorted(added), sorted(removed))
    return user


@transaction.atomic
def set_account_active(*, user: User, active: bool, by: User) -> User:
    """Deactivate an account (it can no longer sign in, and its sessions end) or reactivate it."""
    _check_may_manage(user=user, by=by)
    if user.pk == by.pk and not active:
        raise ValidationError(
            _("You cannot deactivate your own account."), code="own_account_inactive"
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        Action.ACCOUNT_REACTIVATED if active else Action.ACCOUNT_DEACTIVATED,
        actor=by,
        target=user.get_username(),
    )
    logger.info("Account %s is %s", user.pk, "active" if active else "deactivated")
    return user
