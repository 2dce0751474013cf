"""What Django and allauth announce rather than our services: sign-ins, second factors and the
roles (groups) and permissions of accounts, however they change (the admin, a shell, a service)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed

from audit.models import AuditEntry
from audit.services import record

Action = AuditEntry.Action


def connect() -> None:
    """Connect the receivers (once, from AuditConfig.ready)."""
    from allauth.mfa import signals as mfa_signals

    user_model = get_user_model()
    user_logged_in.connect(_logged_in, dispatch_uid="audit.logged_in")
    user_login_failed.connect(_login_failed, dispatch_uid="audit.login_failed")
    mfa_signals.authentication_failed.connect(_mfa_failed, dispatch_uid="audit.mfa_failed")
    mfa_signals.authenticator_added.connect(_mfa_added, dispatch_uid="audit.mfa_added")
    mfa_signals.authenticator_removed.connect(_mfa_removed, dispatch_uid="audit.mfa_removed")
    mfa_signals.authenticator_reset.connect(_mfa_reset, dispatch_uid="audit.mfa_reset")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="audit.groups"
    )
    m2m_changed.connect(
        _permissions_changed,
        sender=user_model.user_permissions.through,
        dispatch_uid="audit.permissions",
    )


def _logged_in(sender, request, user, **kwargs):
    record(Action.LOGIN_SUCCEEDED, actor=user, target=user.get_username(), request=request)


def _login_failed(sender, credentials, request=None, **kwargs):
    tried = credentials.get("username") or credentials.get("email") or ""
    record(Action.LOGIN_FAILED, actor_name=tried, target=tried, request=request)


def _authenticator_entry(action, request, user, authenticator, **details):
    record(
        action,
        actor=user,
        target=user.get_username(),
        details={
            "type": authenticator.type,
            "type_label": str(authenticator.get_type_display()),
            **details,
        },
        request=request,
    )


def _mfa_failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    """A wrong code at sign-in or when confirming it is you: the password was right."""
    _authenticator_entry(
        Action.MFA_FAILED, request, user, authenticator, reauthentication=reauthentication
    )


def _mfa_added(sender, request, user, authenticator, **kwargs):
    _authenticator_entry(Action.MFA_ADDED, request, user, authenticator)


def _mfa_removed(sender, request, user, authenticator, **kwargs):
    _authenticator_entry(Action.MFA_REMOVED, request, user, authenticator)


def _mfa_reset(sender, request, user, authenticator, **kwargs):
    _authenticator_entry(Action.RECOVERY_CODES_GENERATED, request, user, authenticator)


def _membership_changes(instance, action, reverse, model, pk_set):
    """Yield (user, names) for each account whose set changed, and whether it grew."""
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:
        if action == "pre_clear":
            names = _names(model, getattr(instance, _field_of(model)).all())
        else:
            names = _names(model, model.objects.filter(pk__in=pk_set))
        if names:
            yield instance, names
        return
    users = instance.user_set.all() if action == "pre_clear" else (
        get_user_model().objects.filter(pk__in=pk_set)
    )
    for user in users:
        yield user, [_name(instance)]


def _field_of(model) -> str:
    return "groups" if model is Group else "user_permissions"


def _names(model, queryset) -> list[str]:
    return sorted(_name(item) for item in queryset)


def _name(item) -> str:
    if isinstance(item, Permission):
        return f"{item.content_type.app_label}.{item.codename}"
    return item.name


def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    kind = Action.ROLE_GIVEN if action == "post_add" else Action.ROLE_REMOVED
    for user, names in _membership_changes(instance, action, reverse, model, pk_set):
        record(kind, target=user.get_username(), details={"roles": names})


def _permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    change = "added" if action == "post_add" else "removed"
    for user, names in _membership_changes(instance, action, reverse, model, pk_set):
        record(
            Action.PERMISSIONS_CHANGED,
            target=user.get_username(),
            details={change: names},
        )
