"""The rotating check-in token and 6-digit code: bound to one session and one 30-second slot."""

import pytest

from trainings import checkin_tokens
from trainings.checkin_tokens import InvalidToken

SLOT = 59_000_000  # some slot in 2026


def test_a_token_names_its_session_and_slot_and_reads_back():
    token = checkin_tokens.make_token(session_id=12, slot=SLOT)

    data = checkin_tokens.read_token(token)

    assert token.startswith(f"12.{SLOT}.")
    assert (data.session_id, data.slot) == (12, SLOT)
    assert len(token.split(".")[2]) == 22  # 128 bits, URL-safe


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: "13" + t[2:], id="another session"),
        pytest.param(lambda t: t.replace(f".{SLOT}.", f".{SLOT + 1}."), id="a later slot"),
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="a changed mac"),
        pytest.param(lambda t: t.rsplit(".", 1)[0] + ".", id="no mac"),
        pytest.param(lambda t: t + ".x", id="four parts"),
        pytest.param(lambda t: "x" + t, id="not a number"),
        pytest.param(lambda t: "١٢" + t[2:], id="arabic digits"),
        pytest.param(lambda t: "", id="empty"),
    ],
)
def test_a_tampered_token_is_refused(tamper):
    token = checkin_tokens.make_token(session_id=12, slot=SLOT)

    with pytest.raises(InvalidToken):
        checkin_tokens.read_token(tamper(token))


def test_a_token_made_with_another_secret_key_is_refused(settings):
    settings.SECRET_KEY = "another-installation-" * 3
    foreign = checkin_tokens.make_token(session_id=12, slot=SLOT)
    settings.SECRET_KEY = "this-installation-" * 3

    with pytest.raises(InvalidToken):
        checkin_tokens.read_token(foreign)


@pytest.mark.parametrize(
    ("slot", "accepted"),
    [(SLOT, True), (SLOT - 1, True), (SLOT - 2, False), (SLOT - 100, False), (SLOT + 1, False)],
    ids=["current", "one slot old", "two slots old", "long ago", "from the future"],
)
def test_a_slot_is_current_for_itself_and_the_one_after(slot, accepted):
    assert checkin_tokens.slot_is_current(slot, now_slot=SLOT) is accepted


def test_slots_are_thirty_seconds_of_unix_time():
    assert checkin_tokens.slot_at(SLOT * 30) == SLOT
    assert checkin_tokens.slot_at(SLOT * 30 + 29.9) == SLOT
    assert checkin_tokens.slot_at(SLOT * 30 + 30) == SLOT + 1
    assert checkin_tokens.seconds_left_in_slot(SLOT * 30 + 10) == 20


def test_the_code_has_six_digits_and_differs_by_session_and_slot():
    codes = {
        checkin_tokens.make_code(session_id=session_id, slot=slot)
        for session_id in range(1, 11)
        for slot in range(SLOT, SLOT + 10)
    }

    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) == 100


@pytest.mark.parametrize(
    ("made_for", "accepted"),
    [(SLOT, True), (SLOT - 1, True), (SLOT - 2, False), (SLOT + 1, False)],
    ids=["current", "previous", "two slots old", "next"],
)
def test_a_typed_code_counts_for_the_current_and_the_previous_slot(made_for, accepted):
    code = checkin_tokens.make_code(session_id=5, slot=made_for)

    assert checkin_tokens.code_matches(code, session_id=5, now_slot=SLOT) is accepted


def test_a_code_of_another_session_does_not_match():
    code = checkin_tokens.make_code(session_id=5, slot=SLOT)

    assert not checkin_tokens.code_matches(code, session_id=6, now_slot=SLOT)


@pytest.mark.parametrize("typed", ["{a} {b}", "{a}-{b}", " {a}{b} "])
def test_a_code_may_be_typed_with_a_space_or_dash(typed):
    code = checkin_tokens.make_code(session_id=5, slot=SLOT)

    typed = typed.format(a=code[:3], b=code[3:])

    assert checkin_tokens.code_matches(typed, session_id=5, now_slot=SLOT)


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef"])
def test_a_malformed_code_never_matches(typed):
    assert not checkin_tokens.code_matches(typed, session_id=5, now_slot=SLOT)
