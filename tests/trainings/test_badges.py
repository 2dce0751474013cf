"""Personal QR badges: random tokens, the link in the QR code, and looking a token up."""

import base64

import pytest

from trainings import badges
from trainings.services.enrolment import enrol
from tests.factories import EmployeeFactory, EnrolmentFactory, TrainingFactory, organiser_user
from tests.participants.test_views_activation import _decode_qr

pytestmark = pytest.mark.django_db


def test_tokens_are_long_url_safe_and_never_repeat():
    tokens = {badges.new_badge_token() for _n in range(5000)}

    assert len(tokens) == 5000
    for token in tokens:
        assert len(token) == 32
        assert badges.BADGE_TOKEN_PATTERN.match(token)
        assert len(base64.urlsafe_b64decode(token + "==")) * 8 >= 128


def test_enrolment_tokens_are_not_derived_from_ids_or_people():
    training, other = TrainingFactory(quota=50), TrainingFactory(quota=50)
    people = EmployeeFactory.create_batch(30)

    first = enrol(training=training, employees=people, by=organiser_user()).enrolled
    second = enrol(training=other, employees=people, by=None).enrolled

    tokens = [e.badge_token for e in first + second]
    assert len(set(tokens)) == 60  # the same person has a different badge in each training
    for enrolment in first + second:
        assert enrolment.employee.nip not in enrolment.badge_token
    # Consecutive enrolments share no prefix, as counters or timestamps would.
    prefixes = {token[:4] for token in tokens}
    assert len(prefixes) > 55


def test_the_badge_links_to_the_scan_page(settings):
    settings.SITE_URL = "https://bimtek.magelangkota.go.id"
    enrolment = EnrolmentFactory()

    assert badges.badge_url(enrolment) == (
        f"https://bimtek.magelangkota.go.id/pelatihan/lencana/{enrolment.badge_token}/"
    )


def test_the_qr_code_reads_back_as_the_badge_link():
    enrolment = EnrolmentFactory()

    svg = badges.badge_qr_svg(enrolment)

    assert _decode_qr(svg) == badges.badge_url(enrolment)
    assert "style=" not in svg  # strict CSP: no inline styles


def test_a_token_finds_its_enrolment_and_nothing_else():
    enrolment = EnrolmentFactory()
    token = enrolment.badge_token
    changed = ("A" if token[0] != "A" else "B") + token[1:]

    assert badges.enrolment_for_badge_token(token) == enrolment
    assert badges.enrolment_for_badge_token(changed) is None
    assert badges.enrolment_for_badge_token(token.swapcase()) is None
    assert badges.enrolment_for_badge_token(token[:-1]) is None
    assert badges.enrolment_for_badge_token(token[:16]) is None
    assert badges.enrolment_for_badge_token("") is None
    assert badges.enrolment_for_badge_token(None) is None
    assert badges.enrolment_for_badge_token(str(enrolment.pk)) is None
