"""Template helpers for test results: "–" for what is undefined, labels of categories and flags.

One number format for every measure, pages and PDFs alike (Indonesian decimal comma, "−" for a
negative number): a score with at most one decimal ("72,5", "80"), a mean with one ("66,7"),
an index (N-gain, facility, discrimination) with two ("0,56", "−0,09"), a share as a whole
percentage ("85%").
"""

from django import template
from django.template.defaultfilters import floatformat

from assessments.analysis import GainCategory, ItemFlag, gain_category

register = template.Library()

DASH = "–"


SCORE_PLACES = 1


def _with_minus(text: str) -> str:
    """Write a negative number with the minus sign (U+2212), as the signed changes are."""
    return f"−{text[1:]}" if text.startswith("-") else text


@register.filter
def score(value):
    """Show a score (or a pass mark) as "72,5" or "80"; "–" when there is none."""
    return DASH if value is None else _with_minus(floatformat(value, f"-{SCORE_PLACES}"))


@register.filter
def ratio(value, places=2):
    """Show an N-gain, facility or discrimination index with two decimals; "–" if undefined."""
    return DASH if value is None else _with_minus(floatformat(value, places))


@register.filter
def percent(value):
    """Show a share 0–1 as a whole percentage: "85%"."""
    return DASH if value is None else f"{floatformat(value * 100, 0)}%"


@register.filter
def signed(value, places=1):
    """Show a change with its sign: "+12,5", "−3", "0"."""
    if value is None:
        return DASH
    text = floatformat(abs(value), f"-{places}")
    if round(value, places) > 0:
        return f"+{text}"
    if round(value, places) < 0:
        return f"−{text}"
    return text


@register.filter
def gain_label(category):
    """Show an N-gain category in words ("tinggi" in Indonesian); "–" when undefined."""
    return GainCategory(category).label if category else DASH


@register.filter
def flag_label(flag):
    return ItemFlag(flag).label


@register.filter
def ngain_category(value):
    """Return the category ("tinggi", "sedang", "rendah") of an N-gain."""
    return gain_category(value)
