"""
Did the training work? Pre/post statistics and item analysis, as plain functions over numbers.

Nothing here touches the database: assessments.selectors gathers the scores and answers, these
functions compute, and they are tested against examples worked by hand.

Definitions
-----------
Score
    Share of the test's questions answered correctly, 0–100 (unanswered counts as wrong).
Gain
    post − pre, in points.
N-gain (Hake)
    (post − pre) / (100 − pre). It is **undefined when pre = 100**: there is nothing left to
    gain, and dividing by zero means nothing. Such a participant shows "–", has no category and
    is left out of the mean N-gain (but not out of the mean scores). A fall in score gives a
    negative N-gain, category rendah.
N-gain category
    tinggi (high) g ≥ 0.7, sedang (medium) 0.3 ≤ g < 0.7, rendah (low) g < 0.3.
Mean N-gain
    The mean of the participants' own N-gains (those defined). The class N-gain ⟨g⟩ of Hake's
    paper, computed from the mean pre and post scores of the same participants, is given too.
Standard deviation
    The sample standard deviation (n − 1), none for a single participant.
Facility index (p)
    The share of those shown a question who answered it correctly, 0–1.
Discrimination index (D)
    Rank a test's participants by score, take the top and bottom 27 % (at least one each,
    rounded half up, never overlapping; equal scores are ordered by a fixed key), and subtract
    the share correct in the lower group from the share correct in the upper group: −1 to 1.
Flags
    already known: pre-test p ≥ 0.90. Not learned: post-test p less than 0.05 above pre-test
    p (and not already known). Negative discrimination: D < 0 on the post-test (the pre-test
    when there is no post-test); often a wrong key.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

HIGH_GAIN = 0.7
MEDIUM_GAIN = 0.3
GROUP_SHARE = 0.27
KNOWN_ALREADY = 0.90
NOT_LEARNED_CHANGE = 0.05


class GainCategory(models.TextChoices):
    HIGH = "tinggi", _("High")
    MEDIUM = "sedang", _("Medium")
    LOW = "rendah", _("Low")


class ItemFlag(models.TextChoices):
    KNOWN = "known", _("Everybody knew it already")
    NOT_LEARNED = "not_learned", _("Nobody learned it")
    NEGATIVE = "negative", _("Discriminates negatively: check the key")


def n_gain(pre: float | None, post: float | None) -> float | None:
    """Return Hake's normalised gain, or None when either score is missing or pre is 100."""
    if pre is None or post is None or pre >= 100:
        return None
    return (post - pre) / (100 - pre)


def gain_category(gain: float | None) -> str | None:
    """Return "tinggi", "sedang" or "rendah" for an N-gain, None when it is undefined."""
    if gain is None:
        return None
    if gain >= HIGH_GAIN:
        return GainCategory.HIGH
    if gain >= MEDIUM_GAIN:
        return GainCategory.MEDIUM
    return GainCategory.LOW


@dataclass(frozen=True)
class Stats:
    count: int
    mean: float
    median: float
    sd: float | None
    minimum: float
    maximum: float


def describe(values: Iterable[float]) -> Stats | None:
    """Return count, mean, median, sample SD, min and max, or None for no values."""
    values = [float(value) for value in values]
    if not values:
        return None
    return Stats(
        count=len(values),
        mean=statistics.fmean(values),
        median=statistics.median(values),
        sd=statistics.stdev(values) if len(values) > 1 else None,
        minimum=min(values),
        maximum=max(values),
    )


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.fmean(values) if values else None


# Item analysis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sitting:
    """One finished attempt as the item analysis sees it."""

    key: Hashable  # the person, for a stable order among equal scores
    score: float
    correct: dict  # question id -> answered correctly (only the questions shown)


def facility(sittings: list[Sitting], question_id) -> float | None:
    """Return the share of those shown the question who answered it correctly."""
    shown = [s.correct[question_id] for s in sittings if question_id in s.correct]
    return sum(shown) / len(shown) if shown else None


def group_size(count: int) -> int:
    """Return how many people the upper and the lower group each hold: 27 %, rounded half up."""
    return min(max(1, math.floor(GROUP_SHARE * count + 0.5)), count // 2)


def discrimination(sittings: list[Sitting], question_id) -> float | None:
    """Return the upper-lower 27 % discrimination index of a question, None below two people."""
    shown = [s for s in sittings if question_id in s.correct]
    if len(shown) < 2:
        return None
    ranked = sorted(shown, key=lambda s: (-s.score, str(s.key)))
    size = group_size(len(ranked))
    upper = sum(s.correct[question_id] for s in ranked[:size])
    lower = sum(s.correct[question_id] for s in ranked[-size:])
    return (upper - lower) / size


@dataclass
class ItemResult:
    question_id: object
    pre_facility: float | None
    post_facility: float | None
    pre_discrimination: float | None
    post_discrimination: float | None
    flags: list[str] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        if self.pre_facility is None or self.post_facility is None:
            return None
        return self.post_facility - self.pre_facility


def item_flags(item: ItemResult) -> list[str]:
    """Return the problems an item's figures point to."""
    flags = []
    known = item.pre_facility is not None and item.pre_facility >= KNOWN_ALREADY
    if known:
        flags.append(ItemFlag.KNOWN)
    elif item.change is not None and round(item.change, 9) < NOT_LEARNED_CHANGE:
        flags.append(ItemFlag.NOT_LEARNED)
    deciding = (
        item.post_discrimination if item.post_facility is not None else item.pre_discrimination
    )
    if deciding is not None and deciding < 0:
        flags.append(ItemFlag.NEGATIVE)
    return flags


def analyse_items(
    question_ids: list, *, pre: list[Sitting], post: list[Sitting]
) -> list[ItemResult]:
    """Return facility, discrimination and flags of each question, in the order given."""
    items = []
    for question_id in question_ids:
        item = ItemResult(
            question_id=question_id,
            pre_facility=facility(pre, question_id),
            post_facility=facility(post, question_id),
            pre_discrimination=discrimination(pre, question_id),
            post_discrimination=discrimination(post, question_id),
        )
        item.flags = item_flags(item)
        items.append(item)
    return items


# The class --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    key: Hashable
    group: str  # the unit (OPD) a person belongs to
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre

    @property
    def n_gain(self) -> float | None:
        return n_gain(self.pre, self.post)

    @property
    def category(self) -> str | None:
        return gain_category(self.n_gain)


@dataclass(frozen=True)
class GroupMeans:
    name: str
    count: int  # people in the group
    pre_count: int
    post_count: int
    pre_mean: float | None
    post_mean: float | None
    mean_n_gain: float | None


@dataclass
class ClassSummary:
    pre: Stats | None
    post: Stats | None
    paired: int  # people with both scores
    mean_n_gain: float | None
    n_gain_count: int  # people whose N-gain is defined
    class_n_gain: float | None  # Hake's <g> from the paired means
    improved: int
    improved_share: float | None
    categories: dict  # category -> number of people
    groups: list[GroupMeans]


def summarise(people: list[Person]) -> ClassSummary:
    """Return the class figures: score statistics, N-gain, improvement and means per unit."""
    paired = [p for p in people if p.pre is not None and p.post is not None]
    gains = [p.n_gain for p in paired if p.n_gain is not None]
    improved = sum(1 for p in paired if p.post > p.pre)
    categories = {category: 0 for category in GainCategory.values}
    for person in paired:
        if person.category:
            categories[person.category] += 1
    paired_pre = mean(p.pre for p in paired)
    paired_post = mean(p.post for p in paired)
    by_group = defaultdict(list)
    for person in people:
        by_group[person.group].append(person)
    groups = [
        GroupMeans(
            name=name,
            count=len(members),
            pre_count=sum(1 for p in members if p.pre is not None),
            post_count=sum(1 for p in members if p.post is not None),
            pre_mean=mean(p.pre for p in members if p.pre is not None),
            post_mean=mean(p.post for p in members if p.post is not None),
            mean_n_gain=mean(p.n_gain for p in members if p.n_gain is not None),
        )
        for name, members in sorted(by_group.items(), key=lambda item: str(item[0]))
    ]
    return ClassSummary(
        pre=describe(p.pre for p in people if p.pre is not None),
        post=describe(p.post for p in people if p.post is not None),
        paired=len(paired),
        mean_n_gain=mean(gains),
        n_gain_count=len(gains),
        class_n_gain=n_gain(paired_pre, paired_post),
        improved=improved,
        improved_share=improved / len(paired) if paired else None,
        categories=categories,
        groups=groups,
    )


BIN_WIDTH = 10


def distribution(scores: Iterable[float]) -> list[int]:
    """Count scores in ten bins 0–<10, 10–<20, …, 90–100 (100 falls in the last)."""
    counts = [0] * (100 // BIN_WIDTH)
    for score in scores:
        counts[min(int(score // BIN_WIDTH), len(counts) - 1)] += 1
    return counts
