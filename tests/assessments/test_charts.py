"""The results charts keep their labels and legend clear of the bars."""

from assessments.charts import distribution_chart


def test_no_bar_rises_past_the_last_labelled_line_into_the_legend():
    # The demo's post-test: 22 people scored 85–95, more than a multiple of the tick step.
    pre = [0, 3, 11, 3, 14, 8, 1, 5, 10, 0]
    post = [0, 0, 0, 1, 4, 1, 6, 4, 22, 15]

    chart = distribution_chart(pre, post)

    top_tick = min(tick.position for tick in chart.y_ticks)
    assert int(chart.y_ticks[-1].label) >= 22
    assert all(bar.y >= top_tick for bar in chart.bars)
    assert chart.legend_box_y + 10 < top_tick  # the legend sits in its own band above
    assert chart.legend_box_y >= 0


def test_the_tallest_bar_reaches_the_top_line_when_it_is_a_round_count():
    chart = distribution_chart([0] * 9 + [8], [0] * 10)

    assert [tick.label for tick in chart.y_ticks] == ["0", "2", "4", "6", "8"]
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.y == min(tick.position for tick in chart.y_ticks)


def test_the_last_score_label_fits_inside_the_chart():
    chart = distribution_chart([1] * 10, [1] * 10)

    # "100" is drawn centred on its tick in 10-pixel digits: about 10 pixels either side.
    assert chart.x_ticks[-1].label == "100"
    assert chart.x_ticks[-1].position + 10 <= chart.width
