"""One feature's gate metric over partitions as an inline SVG line chart, drawn by pygal, for the history page.

Every chart has the same three series in the same order (the metric, the warn threshold, the fail
threshold, the last two dashed), so the stylesheet pygal puts in each chart is the same for all: it is
taken out and written once per page (`stylesheet`), as `charts` does for the report's histograms.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import cache

import pygal
from pygal.style import Style

from skewcheck.reporters.charts import descriptions, inline
from skewcheck.reporters.numbers import number

METRIC_COLOUR = "#4c78a8"
WARN_COLOUR = "#b54708"
FAIL_COLOUR = "#b42318"
MAX_DOTS = 90
"""Beyond this many partitions the line has no dots (and so no tooltips): they would outweigh the page."""
_STYLE = Style(
    colors=(METRIC_COLOUR, WARN_COLOUR, FAIL_COLOUR),
    background="transparent",
    plot_background="transparent",
    font_family="system-ui, -apple-system, 'Segoe UI', sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    guide_stroke_color="#e4e7ec",
    major_guide_stroke_color="#d0d5dd",
    guide_stroke_dasharray="none",
    major_guide_stroke_dasharray="none",
    stroke_opacity=1,
    stroke_opacity_hover=1,
)
_DASHED = {"width": 2, "dasharray": "7,4"}


def line_svg(
    title: str,
    metric: str,
    partitions: Sequence[str],
    values: Sequence[float | None],
    warn: Sequence[float | None],
    fail: Sequence[float | None],
) -> str:
    """The metric per partition (gaps where it has none) with each partition's warn and fail thresholds."""
    chart = _chart(partitions, values, warn, fail, metric)
    return inline(chart.render(is_unicode=True), title, _tooltip)[0]


@cache
def stylesheet() -> str:
    """The charts' stylesheet, once for every chart in a page (each chart carries class CHART_CLASS)."""
    chart = _chart(["a", "b"], [1.0, 2.0], [1.0, 1.0], [2.0, 2.0], "metric")
    return inline(chart.render(is_unicode=True), "", _tooltip)[1]


def _chart(
    partitions: Sequence[str],
    values: Sequence[float | None],
    warn: Sequence[float | None],
    fail: Sequence[float | None],
    metric: str,
) -> pygal.Line:
    chart = pygal.Line(
        width=560,
        height=280,
        style=_STYLE,
        js=[],  # pygal's tooltips load a script from the web; the page must work offline
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        legend_box_size=10,
        margin=6,
        truncate_label=-1,
        x_label_rotation=35,
        show_minor_x_labels=False,
        x_labels_major_count=8,
        allow_interruptions=True,
        include_x_axis=True,  # drift metrics start at 0: a small rise must not fill the chart
        y_labels_major_count=6,
        show_minor_y_labels=False,
        min_scale=4,
        max_scale=6,
        show_dots=len(partitions) <= MAX_DOTS,
        dots_size=2.5,
        value_formatter=number,
    )
    chart.x_labels = list(partitions)
    chart.add(metric, list(values))
    chart.add("warn", list(warn), show_dots=False, stroke_style=_DASHED)
    chart.add("fail", list(fail), show_dots=False, stroke_style=_DASHED)
    return chart


def _tooltip(dot: ET.Element) -> None:
    found = descriptions(dot)
    if "value" in found:
        ET.SubElement(dot, "title").text = f"{found.get('x_label', '')}: {found['value']}"
