"""
Personal QR badges: each enrolment carries a secret token that the organiser scans at the door.

The token is random (192 bits from ``secrets``), URL-safe and never derived from an id. It is
stored as it is, not hashed, because the badge must be redrawn whenever the participant opens
"Pelatihan saya" or the organiser reprints the name tags. Looking a token up goes through an
index and then compares the stored value with hmac.compare_digest.
"""

import hmac
import re
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from core.qr import qr_svg

from trainings.models import Enrolment

BADGE_TOKEN_BYTES = 24  # 192 bits; token_urlsafe gives 32 characters, the field's max_length
# What a badge token may look like when it is looked up: URL-safe base64 of 16 to 24 bytes.
BADGE_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,32}$")
def new_badge_token() -> str:
    """Return a fresh, unguessable badge token."""
    return secrets.token_urlsafe(BADGE_TOKEN_BYTES)


def badge_path(token: str) -> str:
    """Return the path of the scan page for a token."""
    return reverse("trainings:badge_scan", kwargs={"token": token})


def badge_url(enrolment: Enrolment) -> str:
    """Return the absolute link a participant's QR badge carries."""
    return settings.SITE_URL + badge_path(enrolment.badge_token)


def badge_qr_svg(enrolment: Enrolment) -> str:
    """Render an enrolment's badge as an inline SVG QR code (segno's markup, no user input)."""
    return qr_svg(badge_url(enrolment), title=_("Personal QR badge"))


def enrolment_for_badge_token(token: str) -> Enrolment | None:
    """Return the enrolment a scanned token belongs to, training and person joined, or None."""
    token = str(token or "")
    if not BADGE_TOKEN_PATTERN.match(token):
        return None
    enrolment = (
        Enrolment.objects.select_related("training", "employee", "employee__unit")
        .filter(badge_token=token)
        .first()
    )
    if enrolment is None or not hmac.compare_digest(enrolment.badge_token, token):
        return None
    return enrolment
