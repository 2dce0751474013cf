"""The one door every organiser and admin page goes through."""

from django.contrib.auth.decorators import login_required, permission_required


def require_permissions(*perms: str):
    """Send anonymous visitors to the login page and refuse (403) users without the permissions."""

    def decorator(view):
        return login_required(permission_required(perms, raise_exception=True)(view))

    return decorator
