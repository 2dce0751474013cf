"""Tokens and codes are long enough not to be guessed, and compared without leaking timing.

The figures (bits of entropy) this pins, and where each is limited further:

- check-in QR token: a 128-bit HMAC-SHA256 tag (keyed by SECRET_KEY) over session and 30-second
  slot, valid for the current and previous slot only;
- check-in 6-digit code: ~19.9 bits, bound to one session and slot by the same HMAC, valid about
  a minute, and 10 wrong codes per person lock the form for 10 minutes;
- badge token: 192 random bits;
- activation code: 50 bits (10 of 32 symbols), stored only as a keyed hash, usable once, 14 days,
  10 wrong codes per address lock the page for 15 minutes;
- certificate public code: ~59.4 bits (12 of 31 symbols), the verification page answers 30
  requests a minute per address;
- password reset: Django's HMAC-SHA256 token over the password hash and last login (so it dies
  once used), checked with constant_time_compare; allauth rate-limits the request.
"""

import math
import re
from pathlib import Path

from trainings import badges, checkin_tokens
from trainings.services import attendance
from certificates import models as certificate_models
from participants import services as account_services

ROOT = Path(__file__).resolve().parent.parent
APPS = ("bimtek", "core", "participants", "trainings", "certificates", "assessments", "evaluations")


def test_the_check_in_token_carries_a_128_bit_tag():
    assert checkin_tokens.MAC_BYTES * 8 >= 128
    assert checkin_tokens.SLOT_SECONDS * (checkin_tokens.TOLERANCE_SLOTS + 1) <= 60


def test_the_six_digit_code_is_guessed_with_at_most_one_chance_in_fifty_thousand():
    codes = 10**checkin_tokens.CODE_DIGITS
    valid_at_once = checkin_tokens.TOLERANCE_SLOTS + 1
    chance = attendance.code_failure_limit().limit * valid_at_once / codes
    assert math.log2(codes) > 19.9
    assert chance <= 1 / 50_000


def test_badge_tokens_carry_at_least_128_random_bits():
    assert badges.BADGE_TOKEN_BYTES * 8 >= 128


def test_activation_codes_carry_50_bits_and_are_tried_at_most_ten_times():
    bits = account_services.ACTIVATION_CODE_LENGTH * math.log2(
        len(set(account_services.ACTIVATION_ALPHABET))
    )
    assert bits >= 50
    assert account_services.activation_failure_limit().limit <= 10


def test_certificate_codes_carry_more_than_58_bits():
    alphabet = len(set(certificate_models.CODE_ALPHABET))
    assert certificate_models.CODE_LENGTH * math.log2(alphabet) > 58


# A secret compared with == returns as soon as a character differs: the time tells how much of a
# guess was right. Secrets go through hmac.compare_digest, or are looked up by their hash.
PLAIN_COMPARISON = re.compile(
    r"\b(token|mac|digest|code_hash|sha256|badge_token|secret|signature_hash)\b"
    r"(\(\))?\s*(==|!=)|(==|!=)\s*\w*\.?(token|mac|digest|code_hash|sha256|badge_token)\b"
)


def test_no_secret_is_compared_with_a_plain_equals():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if PLAIN_COMPARISON.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_comparisons_that_matter_use_compare_digest():
    for module in ("trainings/checkin_tokens.py", "trainings/badges.py",
                   "certificates/views_public.py"):  # fmt: skip
        assert "hmac.compare_digest" in (ROOT / module).read_text(), module
