"""The one way into the audit log: record(...), called from the services and the signals."""

import logging

from django.core.exceptions import PermissionDenied

from audit.context import current_request
from audit.models import AuditEntry

logger = logging.getLogger(__name__)

Action = AuditEntry.Action
USER_AGENT_KEPT = AuditEntry._meta.get_field("user_agent").max_length
TARGET_KEPT = AuditEntry._meta.get_field("target").max_length


def record(
    action: str,
    *,
    actor=None,
    actor_name: str = "",
    target: object = "",
    target_ref: object = "",
    details: dict | None = None,
    request=None,
) -> AuditEntry:
    """Append one entry to the audit log; who, from where and with what browser come from the
    request being served unless given.

    actor is the account that acted (None for a failed sign-in or work outside a request, the
    request's user then); actor_name is the username to show, the username tried for a failed
    sign-in. target describes the object in words, target_ref identifies it (a code, a NIP, an
    address).
    """
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_name:
        actor_name = actor.get_username()
    entry = AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_name=str(actor_name)[:150],
        target=str(target)[:TARGET_KEPT],
        target_ref=str(target_ref)[:200],
        ip_address=_client_ip(request),
        user_agent=(request.headers.get("user-agent", "") if request else "")[:USER_AGENT_KEPT],
        details=details or {},
    )
    logger.info("Audit: %s by %s on %s", action, actor_name or "-", entry.target or "-")
    return entry


def _client_ip(request) -> str | None:
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or None
    except PermissionDenied:  # no address to be had (a misconfigured proxy count)
        return None
