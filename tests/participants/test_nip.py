import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from participants.nip import (
    format_nip,
    mask_nik,
    normalize_nip,
    parse_nik,
    parse_nip,
)

TODAY = datetime.date(2026, 11, 27)


def test_pns_nip_is_read_digit_by_digit():
    info = parse_nip("19860926 201505 1 001", today=TODAY)

    assert info.nip == "198609262015051001"
    assert info.kind == "pns"
    assert info.birth_date == datetime.date(1986, 9, 26)
    assert info.appointed == datetime.date(2015, 5, 1)
    assert info.gender == "L"
    assert info.sequence == 1


def test_pppk_number_is_not_mistaken_for_a_bad_month():
    # 1990-04-12, appointed 2022, code 2, first contract, female, sequence 007.
    info = parse_nip("199004122022 2 1 2 007".replace(" ", ""), today=TODAY)

    assert info.kind == "pppk"
    assert info.appointed == datetime.date(2022, 1, 1)
    assert info.gender == "P"


@pytest.mark.parametrize(
    "raw",
    ["NIP. 19860926 201505 1 001", "19860926.201505.1.001", "nip 19860926-201505-1-001", " 198609262015051001 "],
)
def test_typed_variants_are_normalised(raw):
    assert parse_nip(raw, today=TODAY).nip == "198609262015051001"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "nip_empty"),
        ("19860926201505100", "nip_length"),
        ("1986092620150510011", "nip_length"),
        ("19860926201505100A", "nip_not_digits"),
        ("19860231201505 1 001", "nip_birth_date"),
        ("20990101202001 1 001", "nip_birth_date"),
        ("19860926201513 1 001", "nip_appointment"),
        ("19860926198001 1 001", "nip_appointment"),
        ("19860926201505 3 001", "nip_gender"),
        ("19860926201505 1 000", "nip_sequence"),
        ("1,98609E+17", "nip_excel_number"),
        ("1.98609262015051E+17", "nip_excel_number"),
        (198609262015051001, "nip_number_cell"),
        (1.98609262015051e17, "nip_number_cell"),
    ],
)
def test_bad_nips_are_rejected_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as caught:
        parse_nip(raw, today=TODAY)

    assert caught.value.code == code


def test_late_appointment_is_a_warning_not_an_error():
    info = parse_nip("19700101 201501 2 001", today=TODAY)

    assert info.warnings


def test_nip_is_shown_in_groups():
    assert format_nip("198609262015051001") == "19860926 201505 1 001"


birth_dates = st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2004, 12, 31))


@given(
    birth=birth_dates,
    years_later=st.integers(min_value=18, max_value=21),
    month=st.integers(min_value=1, max_value=12),
    gender=st.sampled_from("12"),
    sequence=st.integers(min_value=1, max_value=999),
)
def test_every_well_formed_pns_nip_round_trips(birth, years_later, month, gender, sequence):
    tmt_year = min(birth.year + years_later, TODAY.year - 1)
    nip = f"{birth:%Y%m%d}{tmt_year}{month:02d}{gender}{sequence:03d}"

    info = parse_nip(format_nip(nip), today=TODAY)

    assert info.nip == nip
    assert info.birth_date == birth
    assert info.kind == "pns"
    assert info.gender == ("L" if gender == "1" else "P")
    assert normalize_nip("NIP. " + format_nip(nip)) == nip


@given(
    birth=birth_dates,
    year=st.integers(min_value=2019, max_value=2026),
    contracts=st.integers(min_value=1, max_value=9),
    gender=st.sampled_from("12"),
    sequence=st.integers(min_value=1, max_value=999),
)
def test_every_well_formed_pppk_number_is_accepted(birth, year, contracts, gender, sequence):
    nip = f"{birth:%Y%m%d}{year}2{contracts}{gender}{sequence:03d}"

    info = parse_nip(nip, today=TODAY)

    assert info.kind == "pppk"
    assert info.birth_date == birth


@given(st.text(max_size=25))
def test_any_text_is_either_a_valid_nip_or_a_validation_error(text):
    try:
        info = parse_nip(text, today=TODAY)
    except ValidationError as error:
        assert error.code.startswith("nip_")
    else:
        assert len(info.nip) == 18 and info.nip.isdigit()


@given(
    birth=st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2025, 12, 31)),
    female=st.booleans(),
    sequence=st.integers(min_value=1, max_value=9999),
)
def test_nik_encodes_birth_date_and_gender(birth, female, sequence):
    day = birth.day + (40 if female else 0)
    nik = f"337101{day:02d}{birth:%m%y}{sequence:04d}"

    info = parse_nik(nik, today=TODAY)

    assert info.birth_date == birth
    assert info.gender == ("P" if female else "L")
    assert mask_nik(nik) == "3371" + "*" * 10 + nik[-2:]


@pytest.mark.parametrize(
    "raw", ["337101260986", "33710126098600010", "0071012609860001", "3371013209860001", "3371012609860000"]
)
def test_bad_niks_are_rejected(raw):
    with pytest.raises(ValidationError):
        parse_nik(raw, today=TODAY)
