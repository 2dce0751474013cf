"""Make a bulk form's action happen once however often it is submitted.

A page with a bulk form renders a fresh token in it (submission_token); the view that acts on the
form claims the token first (claim_submission) and does nothing when the token was claimed
before: a double click, a resent POST after "back" or a reload. The claim lives in the cache
every process shares (cache.add is atomic), so it holds across workers.
"""

import re
import uuid

from django.core.cache import cache

FIELD_NAME = "submission"
CLAIM_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def submission_token() -> str:
    """Return a new token to put in a bulk form's hidden field."""
    return uuid.uuid4().hex


def claim_submission(*, user, token: str | None) -> bool:
    """Claim a form's token for this user; return False if it is malformed or was claimed."""
    if not token or not _TOKEN.match(token):
        return False
    return cache.add(f"submission:{user.pk}:{token}", 1, timeout=CLAIM_SECONDS)
