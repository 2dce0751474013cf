"""The analysis against examples worked by hand (figures in the comments)."""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import analysis
from assessments.analysis import (
    GainCategory,
    ItemFlag,
    ItemResult,
    Person,
    Sitting,
    describe,
    discrimination,
    distribution,
    facility,
    gain_category,
    group_size,
    item_flags,
    n_gain,
    summarise,
)
from assessments.scoring import score_for

# Scoring ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("correct", "total", "expected"),
    [
        (0, 20, "0.00"),
        (20, 20, "100.00"),
        (17, 20, "85.00"),
        (1, 3, "33.33"),  # 33.333…
        (2, 3, "66.67"),  # 66.666… rounds up
        (1, 8, "12.50"),
        (5, 0, "0.00"),  # a test without questions scores nothing rather than failing
    ],
)
def test_the_score_is_the_share_correct_out_of_100(correct, total, expected):
    if total == 0:
        correct = 0
    assert score_for(correct=correct, total=total) == Decimal(expected)


def test_more_correct_answers_than_questions_is_a_bug():
    with pytest.raises(ValueError):
        score_for(correct=4, total=3)


# N-gain -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pre", "post", "expected", "category"),
    [
        (40, 70, 0.5, "sedang"),  # 30 / 60
        (20, 80, 0.75, "tinggi"),  # 60 / 80
        (0, 70, 0.7, "tinggi"),  # the boundary belongs to tinggi
        (0, 30, 0.3, "sedang"),  # the boundary belongs to sedang
        (0, 29, 0.29, "rendah"),
        (50, 40, -0.2, "rendah"),  # a fall is a negative gain, still rendah
        (60, 60, 0.0, "rendah"),
        (90, 100, 1.0, "tinggi"),
    ],
)
def test_n_gain_and_its_category(pre, post, expected, category):
    gain = n_gain(pre, post)

    assert gain == pytest.approx(expected)
    assert gain_category(gain) == category


@pytest.mark.parametrize(("pre", "post"), [(100, 100), (100, 80), (None, 70), (40, None)])
def test_n_gain_is_undefined_for_a_perfect_pre_test_or_a_missing_score(pre, post):
    assert n_gain(pre, post) is None
    assert gain_category(None) is None


@given(pre=st.floats(min_value=0, max_value=99.99), post=st.floats(min_value=0, max_value=100))
def test_n_gain_is_at_most_one_and_has_the_sign_of_the_gain(pre, post):
    gain = n_gain(pre, post)

    assert gain <= 1 + 1e-9
    assert math.copysign(1, gain) == math.copysign(1, post - pre) or gain == 0


# Descriptive statistics -------------------------------------------------------------------------


def test_describe_gives_sample_standard_deviation():
    stats = describe([40, 60, 80, 100])

    assert (stats.count, stats.mean, stats.median, stats.minimum, stats.maximum) == (
        4,
        70,
        70,
        40,
        100,
    )
    # squared deviations 900 + 100 + 100 + 900 = 2000, over n − 1 = 3
    assert stats.sd == pytest.approx(math.sqrt(2000 / 3))


def test_describe_one_value_has_no_deviation_and_none_has_no_stats():
    assert describe([55]).sd is None
    assert describe([]) is None


def test_distribution_puts_100_in_the_last_bin():
    assert distribution([0, 5, 10, 99.99, 100, 95]) == [2, 1, 0, 0, 0, 0, 0, 0, 0, 3]


# The class --------------------------------------------------------------------------------------


def test_the_class_summary_worked_by_hand():
    people = [
        Person(key="A", group="X", pre=40, post=70),  # g 0.5 sedang
        Person(key="B", group="X", pre=100, post=100),  # g undefined
        Person(key="C", group="Y", pre=50, post=40),  # g −0.2 rendah
        Person(key="D", group="Y", pre=20, post=80),  # g 0.75 tinggi
        Person(key="E", group="Y", pre=None, post=60),  # no pre-test
        Person(key="F", group="X", pre=30, post=None),  # no post-test
    ]

    summary = summarise(people)

    assert summary.pre.count == 5 and summary.pre.mean == pytest.approx(48)  # 240 / 5
    assert summary.post.count == 5 and summary.post.mean == pytest.approx(70)  # 350 / 5
    assert summary.paired == 4
    assert summary.n_gain_count == 3
    assert summary.mean_n_gain == pytest.approx((0.5 - 0.2 + 0.75) / 3)  # 0.35, B left out
    # Hake's <g> from the paired means: pre 52.5, post 72.5 -> 20 / 47.5
    assert summary.class_n_gain == pytest.approx(20 / 47.5)
    assert (summary.improved, summary.improved_share) == (2, 0.5)  # A and D of four
    assert summary.categories == {"tinggi": 1, "sedang": 1, "rendah": 1}
    x, y = summary.groups
    assert (x.name, x.count, x.pre_count, x.post_count) == ("X", 3, 3, 2)
    assert x.pre_mean == pytest.approx(170 / 3)
    assert x.post_mean == pytest.approx(85)
    assert x.mean_n_gain == pytest.approx(0.5)
    assert (y.pre_mean, y.post_mean) == (pytest.approx(35), pytest.approx(60))
    assert y.mean_n_gain == pytest.approx(0.275)


def test_an_empty_class():
    summary = summarise([])

    assert (summary.pre, summary.post, summary.mean_n_gain, summary.improved_share) == (
        None,
        None,
        None,
        None,
    )


# Items ------------------------------------------------------------------------------------------


def _class_of_ten(correct_by_person: dict[str, bool], question="q") -> list[Sitting]:
    """Ten people scoring 90, 80, …, 0; correct_by_person says who got the question right."""
    return [
        Sitting(
            key=f"p{i}",
            score=90 - 10 * i,
            correct={question: correct_by_person.get(f"p{i}", False)},
        )
        for i in range(10)
    ]


@pytest.mark.parametrize(("count", "size"), [(2, 1), (3, 1), (4, 1), (10, 3), (55, 15), (500, 135)])
def test_groups_are_27_percent_rounded_half_up_and_never_overlap(count, size):
    assert group_size(count) == size


def test_facility_is_the_share_correct_of_those_shown_the_question():
    sittings = _class_of_ten({"p0": True, "p1": True, "p8": True}) + [
        Sitting(key="late", score=50, correct={})  # not shown this question
    ]

    assert facility(sittings, "q") == pytest.approx(0.3)
    assert facility(sittings, "other") is None


def test_discrimination_worked_by_hand():
    # Upper 27 % of ten = p0, p1, p2: two right. Lower = p7, p8, p9: one right. (2 − 1) / 3.
    sittings = _class_of_ten({"p0": True, "p1": True, "p8": True})

    assert discrimination(sittings, "q") == pytest.approx(1 / 3)


def test_discrimination_is_negative_when_the_weak_get_it_right():
    sittings = _class_of_ten({"p7": True, "p8": True, "p9": True, "p1": True})

    assert discrimination(sittings, "q") == pytest.approx((1 - 3) / 3)


def test_discrimination_needs_two_people():
    assert discrimination([Sitting(key="a", score=50, correct={"q": True})], "q") is None


def test_equal_scores_are_ranked_by_key_so_the_result_is_stable():
    sittings = [Sitting(key=k, score=50, correct={"q": k == "a"}) for k in "dcba"]

    # Order a, b, c, d: upper {a}, lower {d}.
    assert discrimination(sittings, "q") == 1.0


@pytest.mark.parametrize(
    ("pre_p", "post_p", "post_d", "flags"),
    [
        (0.95, 0.97, 0.1, [ItemFlag.KNOWN]),
        (0.90, 1.0, 0.0, [ItemFlag.KNOWN]),
        (0.40, 0.42, 0.3, [ItemFlag.NOT_LEARNED]),
        (0.60, 0.50, 0.3, [ItemFlag.NOT_LEARNED]),
        (0.40, 0.45, 0.3, []),  # +0.05 is progress
        (0.30, 0.80, -0.2, [ItemFlag.NEGATIVE]),
        (0.30, 0.20, -0.4, [ItemFlag.NOT_LEARNED, ItemFlag.NEGATIVE]),
        (0.30, None, None, []),
    ],
)
def test_item_flags(pre_p, post_p, post_d, flags):
    item = ItemResult(
        question_id=1,
        pre_facility=pre_p,
        post_facility=post_p,
        pre_discrimination=0.5,
        post_discrimination=post_d,
    )

    assert item_flags(item) == flags


def test_without_a_post_test_the_pre_test_discrimination_decides():
    item = ItemResult(
        1, pre_facility=0.5, post_facility=None, pre_discrimination=-0.1, post_discrimination=None
    )

    assert item_flags(item) == [ItemFlag.NEGATIVE]


def test_analyse_items_keeps_the_order_given():
    pre = _class_of_ten({"p0": True}, question="a") + _class_of_ten({}, question="b")
    items = analysis.analyse_items(["b", "a"], pre=pre, post=[])

    assert [item.question_id for item in items] == ["b", "a"]
    assert items[1].pre_facility == pytest.approx(0.1)


def test_categories_are_labelled_in_indonesian():
    from django.utils import translation

    with translation.override("id"):
        assert [str(label) for label in GainCategory.labels] == ["Tinggi", "Sedang", "Rendah"]
