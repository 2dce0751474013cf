"""Who must sign in with a second factor (allauth.mfa): the one place that decides it."""

from django.conf import settings

from core.roles import Role, user_roles

# The roles that hold the office's keys: the staff directory, trainings, certificates.
KEY_ROLES = frozenset({Role.ADMIN, Role.ORGANISER})
# What counts as a second factor; recovery codes only stand in for one.
SECOND_FACTORS = ("totp", "webauthn")


def mfa_required(user) -> bool:
    """Return whether this account must sign in with a second factor.

    With BIMTEK_MFA_REQUIRED on, every account that holds a key role, or may enter the Django
    admin (staff, superusers), must; participants may choose to.
    """
    if not settings.BIMTEK_MFA_REQUIRED or not user.is_authenticated:
        return False
    return user.is_staff or bool(user_roles(user) & KEY_ROLES)


def has_second_factor(user) -> bool:
    """Return whether the account has an authenticator app or a security key set up."""
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, types=SECOND_FACTORS)


def mfa_setup_missing(user) -> bool:
    """Return whether the account must set up a second factor before it may do anything else."""
    return mfa_required(user) and not has_second_factor(user)
