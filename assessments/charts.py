"""
Geometry of the results charts, drawn as inline SVG by templates/assessments/_charts.html.

No chart library and no script: the page and the PDF draw the same SVG from these numbers, and
colours are SVG presentation attributes, which the Content Security Policy allows (it forbids
only style attributes and inline scripts).
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format

PRE_COLOUR = "#8a94a6"
POST_COLOUR = "#0b5394"
UP_COLOUR = "#1e7b34"
DOWN_COLOUR = "#b3261e"
SAME_COLOUR = "#566173"


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    title: str = ""


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str = ""


@dataclass
class Chart:
    width: int
    height: int
    lines: list[Line] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    left: float = 0
    right: float = 0
    top: float = 0
    bottom: float = 0
    mean_line: Line | None = None

    @property
    def label_left(self) -> float:
        return self.left - 6

    @property
    def label_right(self) -> float:
        return self.right + 6

    @property
    def label_below(self) -> float:
        return self.bottom + 16

    @property
    def legend_y(self) -> float:
        """The legend's line, in the band above the plot that no bar reaches."""
        return self.top - 16

    @property
    def legend_box_y(self) -> float:
        """The top of a legend's colour square, centred on the legend's line."""
        return self.legend_y - 5


def _score_label(score: float) -> str:
    return number_format(score, decimal_pos=0 if float(score).is_integer() else 1)


def paired_chart(pairs: list[tuple[float, float]], *, width: int = 340, height: int = 260) -> Chart:
    """Draw each participant's pre → post as a line from the left axis to the right one."""
    chart = Chart(width=width, height=height, left=64, right=width - 64, top=12, bottom=height - 28)

    def y(score: float) -> float:
        return round(chart.bottom - (chart.bottom - chart.top) * float(score) / 100, 1)

    chart.y_ticks = [Tick(y(score), str(score)) for score in (0, 25, 50, 75, 100)]
    for pre, post in pairs:
        colour = UP_COLOUR if post > pre else DOWN_COLOUR if post < pre else SAME_COLOUR
        chart.lines.append(
            Line(chart.left, y(pre), chart.right, y(post), colour,
                 f"{_score_label(pre)} → {_score_label(post)}")
        )  # fmt: skip
    if pairs:
        mean_pre = sum(p for p, _ in pairs) / len(pairs)
        mean_post = sum(q for _, q in pairs) / len(pairs)
        chart.mean_line = Line(
            chart.left,
            y(mean_pre),
            chart.right,
            y(mean_post),
            "#000000",
            f"{_score_label(mean_pre)} → {_score_label(mean_post)}",
        )
    return chart


def distribution_chart(
    pre: list[int], post: list[int], *, width: int = 340, height: int = 200
) -> Chart:
    """Draw the two score distributions side by side in ten bins of ten points.

    The vertical scale ends on a tick at or above the tallest bar, so no bar rises past the
    last labelled line into the legend above it; the right margin leaves room for "100".
    """
    chart = Chart(width=width, height=height, left=30, right=width - 16, top=28, bottom=height - 28)
    bins = len(pre)
    highest = max([1, *pre, *post])
    tick_step = max(1, -(-highest // 4))
    scale_top = tick_step * -(-highest // tick_step)
    step = (chart.right - chart.left) / bins
    bar_width = round(step * 0.4, 1)
    for index, (pre_count, post_count) in enumerate(zip(pre, post)):
        x = chart.left + index * step
        low, high = index * 100 // bins, (index + 1) * 100 // bins
        for offset, count, colour in ((0.1, pre_count, PRE_COLOUR), (0.5, post_count, POST_COLOUR)):
            bar_height = round((chart.bottom - chart.top) * count / scale_top, 1)
            chart.bars.append(
                Bar(round(x + step * offset, 1), round(chart.bottom - bar_height, 1), bar_width,
                    bar_height, colour, f"{low}–{high}: {count}")
            )  # fmt: skip
    chart.x_ticks = [
        Tick(round(chart.left + i * step, 1), str(i * 100 // bins)) for i in range(bins + 1)
    ]
    chart.y_ticks = [
        Tick(round(chart.bottom - (chart.bottom - chart.top) * value / scale_top, 1), str(value))
        for value in range(0, scale_top + 1, tick_step)
    ]
    return chart
