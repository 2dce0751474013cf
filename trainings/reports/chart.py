"""
A chart of attendance per session, drawn on the server as SVG: no script, no CDN.

One horizontal bar per session, as long as the number of participants, stacked by status in the
report order. Every count is written as text too (inside its segment when it fits, and in the
title and description for screen readers), and the tables beside it carry the same numbers.
chart.py only computes the geometry; the template trainings/reports/_attendance_chart.html (an SVG
fragment) draws it, autoescaped like any other template.
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import pgettext

from trainings.reports.labels import NOT_RECORDED, STATUS_COLOURS, STATUS_WORDS
from trainings.reports.recap import ALL_STATUSES, AttendanceRecap

WIDTH = 760
LABEL_WIDTH = 210
BAR_X = LABEL_WIDTH + 10
BAR_WIDTH = 440
TOTAL_X = BAR_X + BAR_WIDTH + 10
ROW_HEIGHT = 38
BAR_HEIGHT = 22
LEGEND_ROW_HEIGHT = 24
LEGEND_SWATCH = 14
CHAR_WIDTH = 7.2  # average width of a character at the chart's 12 px, to lay out the legend
MIN_LABELLED_WIDTH = 22  # a segment narrower than this carries no count inside it
TOPIC_CHARS = 30


@dataclass(frozen=True)
class Segment:
    status: str
    words: str
    count: int
    x: float
    width: float
    fill: str
    text_colour: str

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def shows_count(self) -> bool:
        return self.width >= MIN_LABELLED_WIDTH


@dataclass(frozen=True)
class Bar:
    label: str  # "Sesi 1 · 14/09"
    topic: str  # shortened to fit
    full_topic: str
    y: float
    segments: list[Segment]
    attended: int
    enrolled: int

    @property
    def summary(self) -> str:
        parts = ", ".join(f"{segment.words} {segment.count}" for segment in self.segments)
        return f"{self.label}, {self.full_topic}: {parts}"

    @property
    def bar_y(self) -> float:
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) / 2

    @property
    def text_y(self) -> float:
        return round(self.bar_y + BAR_HEIGHT / 2 + 4, 1)


@dataclass(frozen=True)
class LegendItem:
    words: str
    fill: str
    x: float
    y: float

    @property
    def text_x(self) -> float:
        return self.x + LEGEND_SWATCH + 5

    @property
    def text_y(self) -> float:
        return self.y + LEGEND_SWATCH - 2


@dataclass
class Chart:
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    label_width: int = LABEL_WIDTH
    bar_x: int = BAR_X
    bar_width: int = BAR_WIDTH
    bar_height: int = BAR_HEIGHT
    total_x: int = TOTAL_X
    swatch: int = LEGEND_SWATCH


def _legend(statuses: list[str]) -> tuple[list[LegendItem], int]:
    items, x, y = [], 0.0, 4.0
    for status in statuses:
        words = str(STATUS_WORDS[status])
        item_width = LEGEND_SWATCH + 5 + len(words) * CHAR_WIDTH + 18
        if x and x + item_width > WIDTH:
            x, y = 0.0, y + LEGEND_ROW_HEIGHT
        items.append(LegendItem(words=words, fill=STATUS_COLOURS[status][0], x=round(x, 1), y=y))
        x += item_width
    return items, int(y + LEGEND_ROW_HEIGHT + 6)


def attendance_chart(recap: AttendanceRecap) -> Chart:
    """Lay out the stacked bars of a recap's sessions."""
    shown = [
        status
        for status in ALL_STATUSES
        if status != NOT_RECORDED or recap.totals.get(NOT_RECORDED)
    ]
    legend, top = _legend(shown)
    bars = []
    for index, summary in enumerate(recap.sessions):
        enrolled = summary.enrolled
        scale = BAR_WIDTH / enrolled if enrolled else 0
        x = float(BAR_X)
        segments = []
        for status in shown:
            count = summary.counts[status]
            if not count:
                continue
            width = count * scale
            fill, text_colour = STATUS_COLOURS[status]
            segments.append(
                Segment(
                    status=status,
                    words=str(STATUS_WORDS[status]),
                    count=count,
                    x=round(x, 2),
                    width=round(width, 2),
                    fill=fill,
                    text_colour=text_colour,
                )
            )
            x += width
        session = summary.session
        bars.append(
            Bar(
                label=pgettext("chart label", "Session %(number)d · %(date)s")
                % {"number": summary.number, "date": formats.date_format(session.date, "d/m")},
                topic=Truncator(session.topic).chars(TOPIC_CHARS),
                full_topic=session.topic,
                y=top + index * ROW_HEIGHT,
                segments=segments,
                attended=summary.attended,
                enrolled=enrolled,
            )
        )
    title = pgettext("attendance recap", "Attendance per session, %(code)s") % {
        "code": recap.training.code
    }
    description = pgettext(
        "attendance recap",
        "Stacked bars, one per session, as long as the %(count)d participants enrolled, "
        "divided by attendance status.",
    ) % {"count": len(recap.participants)}
    return Chart(
        title=title,
        description=" ".join([description, *(f"{bar.summary}." for bar in bars)]),
        width=WIDTH,
        height=top + max(1, len(bars)) * ROW_HEIGHT + 4,
        bars=bars,
        legend=legend,
    )
