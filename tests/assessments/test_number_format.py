"""One number format for every measure of the results, in Indonesian."""

import pytest
from django.utils import translation

from assessments.templatetags.assessment_tags import percent, ratio, score, signed


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


@pytest.mark.parametrize(
    ("value", "shown"),
    [(37.5, "37,5"), (66.6667, "66,7"), (80, "80"), (80.0, "80"), (0, "0"), (None, "–")],
)
def test_a_score_has_at_most_one_decimal(value, shown):
    assert score(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(0.5583, "0,56"), (-0.0909, "−0,09"), (1, "1,00"), (None, "–")]
)
def test_an_index_has_two_decimals_and_a_true_minus(value, shown):
    assert ratio(value) == shown


def test_changes_and_shares_read_the_same_way():
    assert (signed(30), signed(-5), signed(0)) == ("+30", "−5", "0")
    assert percent(0.9444) == "94%"
