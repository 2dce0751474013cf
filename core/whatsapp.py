"""
Links that open WhatsApp with a prepared message: how Indonesian offices actually reach people.

A `https://wa.me/<number>?text=<message>` link needs no account, gateway or API key: the organiser
taps it on a phone (or WhatsApp Web on the desk computer), WhatsApp opens the chat with the
message typed in, and the organiser presses send. Without a usable number the link still opens
WhatsApp with the message, and the organiser picks the contact.

Numbers in the staff directory are written every way people write them ("0812-3456-789",
"+62 812 3456 789", "62812…", "812…" from a spreadsheet cell that dropped the 0): WhatsApp
wants the international form without "+" ("62812…"). Only mobile numbers (08… / 628…) are
used: an office landline in the phone column would open a chat nobody reads.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

WHATSAPP_BASE = "https://wa.me/"

# Indonesian mobile numbers: 08 + 8 to 12 digits nationally, so 628 + 8 to 12 digits.
_INDONESIAN_MOBILE = re.compile(r"628\d{7,11}")
# Another country's number written with its + (a participant seconded from abroad, rare).
_INTERNATIONAL = re.compile(r"[1-9]\d{7,14}")


def whatsapp_number(phone: str) -> str:
    """Return a phone number in WhatsApp's form ("6281234567890"), or "" if it is not usable.

    "0812-3456-7890", "(0812) 3456 7890", "+62 812 3456 7890", "62812…" and "812…" all give
    "6281234567890". Landlines ("0293 362…") and numbers too short or too long give "".
    """
    text = (phone or "").strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if text.startswith("+") and not digits.startswith("62"):
        return digits if _INTERNATIONAL.fullmatch(digits) else ""
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if _INDONESIAN_MOBILE.fullmatch(digits) else ""


def whatsapp_link(text: str, phone: str = "") -> str:
    """Return a wa.me link that opens a chat with `phone` (if usable) with `text` typed in."""
    return f"{WHATSAPP_BASE}{whatsapp_number(phone)}?text={quote(text, safe='')}"


@dataclass(frozen=True)
class WhatsAppMessage:
    """A prepared message and the number it goes to ("" when the organiser picks the contact)."""

    text: str
    number: str

    @classmethod
    def to_phone(cls, phone: str, text: str) -> "WhatsAppMessage":
        """Prepare `text` for the number a directory's phone field holds, however written."""
        return cls(text=text, number=whatsapp_number(phone))

    @property
    def link(self) -> str:
        return whatsapp_link(self.text, self.number)
