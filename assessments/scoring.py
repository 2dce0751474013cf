"""How a test is scored: the share of questions answered correctly, 0–100 with two decimals.

An unanswered question counts as wrong. The count of questions is the attempt's own (the
questions laid out when it started), so a question added to the bank later changes nobody's score.
"""

from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def score_for(*, correct: int, total: int) -> Decimal:
    """Return the score for correct answers out of total questions: 0.00–100.00."""
    if total <= 0:
        return Decimal("0.00")
    if not 0 <= correct <= total:
        raise ValueError(f"{correct} correct answers out of {total} questions")
    return (Decimal(correct * 100) / Decimal(total)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
