"""The rotating self check-in token and 6-digit code shown on a session's projector page.

Time is cut into slots of SLOT_SECONDS. For each (session, slot) the server derives, with an HMAC
keyed by SECRET_KEY and the salt "bimtek.checkin":

- a token "<session_id>.<slot>.<mac>" carried by the QR code's URL, so the server can tell which
  session and slot it was made for without storing anything, and
- a 6-digit code for participants who type instead of scanning.

Both are accepted for the current slot and the one before it (TOLERANCE_SLOTS), so a code that
changed while the participant was tapping still works, while a screenshot sent to an absent
colleague a minute later does not. Nothing here looks at the database or the check-in window:
trainings.services.attendance applies those rules.
"""

import base64
import hmac
import time
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

SLOT_SECONDS = 30
TOLERANCE_SLOTS = 1
SALT = "bimtek.checkin"
MAC_BYTES = 16  # 128 bits, 22 characters in the URL
CODE_DIGITS = 6


class InvalidToken(ValueError):
    """A token that is malformed or was not made by this server."""


@dataclass(frozen=True)
class TokenData:
    session_id: int
    slot: int


def slot_at(timestamp: float | None = None) -> int:
    """Return the slot a Unix time falls in (now if not given)."""
    return int((time.time() if timestamp is None else timestamp) // SLOT_SECONDS)


def slot_for(moment) -> int:
    """Return the slot an aware datetime falls in."""
    return slot_at(moment.timestamp())


def seconds_left_in_slot(timestamp: float | None = None) -> int:
    """Return how many whole seconds remain before the current code changes."""
    now = time.time() if timestamp is None else timestamp
    return int(SLOT_SECONDS - now % SLOT_SECONDS) or SLOT_SECONDS


# A screen that has lost its connection keeps a code this long after it changed: the new one is
# usually a poll away, and the old one is still accepted for a whole slot (TOLERANCE_SLOTS).
SHOWN_AFTER_CHANGE_SECONDS = 5


def seconds_code_may_be_shown(timestamp: float | None = None) -> int:
    """Return how long a screen may keep showing the current code without hearing a newer one."""
    return seconds_left_in_slot(timestamp) + min(
        SHOWN_AFTER_CHANGE_SECONDS, TOLERANCE_SLOTS * SLOT_SECONDS
    )


def _digest(purpose: str, session_id: int, slot: int) -> bytes:
    return salted_hmac(SALT, f"{purpose}:{session_id}:{slot}", algorithm="sha256").digest()


def _mac(session_id: int, slot: int) -> str:
    raw = _digest("token", session_id, slot)[:MAC_BYTES]
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def make_token(*, session_id: int, slot: int) -> str:
    """Return the token for a session and slot: "<session_id>.<slot>.<mac>"."""
    return f"{session_id}.{slot}.{_mac(session_id, slot)}"


def read_token(token: str) -> TokenData:
    """Return the session and slot a token was made for; raise InvalidToken if it is not ours."""
    parts = (token or "").split(".")
    if len(parts) != 3 or len(token) > 80:
        raise InvalidToken("malformed")
    session_part, slot_part, mac = parts
    if not (session_part.isascii() and session_part.isdigit()):
        raise InvalidToken("malformed")
    if not (slot_part.isascii() and slot_part.isdigit()):
        raise InvalidToken("malformed")
    session_id, slot = int(session_part), int(slot_part)
    if not hmac.compare_digest(_mac(session_id, slot).encode(), mac.encode("utf-8")):
        raise InvalidToken("bad signature")
    return TokenData(session_id=session_id, slot=slot)


def slot_is_current(slot: int, *, now_slot: int) -> bool:
    """Return whether a slot is the current one or at most TOLERANCE_SLOTS old."""
    return now_slot - TOLERANCE_SLOTS <= slot <= now_slot


def make_code(*, session_id: int, slot: int) -> str:
    """Return the 6-digit code for a session and slot."""
    number = int.from_bytes(_digest("code", session_id, slot)[:8], "big") % 10**CODE_DIGITS
    return f"{number:0{CODE_DIGITS}d}"


def normalize_code(code: str) -> str:
    """Return the digits of a typed code ("123 456", "123-456" → "123456")."""
    return "".join(ch for ch in (code or "") if ch.isascii() and ch.isdigit())


def code_matches(code: str, *, session_id: int, now_slot: int) -> bool:
    """Return whether a typed code is the session's code for the current or the previous slot."""
    typed = normalize_code(code).encode("ascii")
    matched = False
    for slot in range(now_slot - TOLERANCE_SLOTS, now_slot + 1):
        expected = make_code(session_id=session_id, slot=slot).encode("ascii")
        # No early exit: compare every candidate so timing says nothing about which one matched.
        matched |= hmac.compare_digest(expected, typed)
    return matched
