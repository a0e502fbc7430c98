"""One feature's gate metric over partitions as an inline SVG line chart, drawn by pygal, for the history page.

Every chart has the same series in the same order (the metric, the warn threshold, the fail threshold,
the last two dashed, and, only where some points are above the scale, those points), so the stylesheet
pygal puts in each chart is the same for all: it is taken out and written once per page (`stylesheet`),
as `charts` does for the report's histograms.

The scale is linear from 0, so that the distance to the thresholds reads true, and it stops at
`scale_top`: one huge value (a broken partition, psi 9) would otherwise squash the thresholds and every
ordinary partition into the bottom pixels. The points above it are drawn on the top edge as larger dots
in the fail colour, with their real value in the tooltip. A log scale would keep them all but has no 0 (psi is
0 for identical data) and makes small drift look as big as large drift.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import cache
from typing import Any

import pygal

from skewcheck.reporters.charts import descriptions, inline, page_style, xml_safe
from skewcheck.reporters.numbers import number

METRIC_COLOUR = "#4c78a8"
WARN_COLOUR = "#b54708"
FAIL_COLOUR = "#b42318"
MAX_DOTS = 90
"""Beyond this many partitions the line has no dots (and so no tooltips): they would outweigh the page."""
ABOVE = "above the scale"
"""The legend of the points drawn on the top edge because their value is above the scale."""
_STYLE = page_style(
    METRIC_COLOUR,
    WARN_COLOUR,
    FAIL_COLOUR,
    FAIL_COLOUR,
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


def scale_top(values: Sequence[float | None], fail: Sequence[float | None]) -> float | None:
    """Where the scale stops: three times the fail threshold, or higher to keep 95% of the values in view.

    None, a scale up to the largest value, when that value is less than twice as high (it squashes
    nothing much), or when there is no threshold to scale by.
    """
    present = sorted(v for v in values if v is not None)
    thresholds = [f for f in fail if f is not None and f > 0]
    if not present or not thresholds:
        return None
    # The 95th percentile by the nearest lower rank: however few the partitions, the largest value never sets it.
    top = max(3 * max(thresholds), present[math.floor((len(present) - 1) * 0.95)])
    return top if present[-1] > 2 * top else None


@cache
def stylesheet() -> str:
    """The charts' stylesheet, once for every chart in a page (each chart carries class CHART_CLASS)."""
    chart = _chart(["a", "b"], [1.0, 99.0], [1.0, 1.0], [2.0, 2.0], "metric")  # 99 is above the scale: all series
    return inline(chart.render(is_unicode=True), "", _tooltip)[1]


def _chart(
    partitions: Sequence[str],
    values: Sequence[float | None],
    warn: Sequence[float | None],
    fail: Sequence[float | None],
    metric: str,
) -> pygal.Line:
    top = scale_top(values, fail)
    chart = pygal.Line(
        width=560,
        height=280,
        style=_STYLE,
        js=[],  # pygal's tooltips load a script from the web; the page must work offline
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=3 if top is None else 4,
        legend_box_size=10,
        margin=6,
        truncate_label=-1,
        truncate_legend=-1,
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
        **({} if top is None else {"range": (0, top)}),
    )
    chart.x_labels = [xml_safe(partition) for partition in partitions]
    chart.add(xml_safe(metric), [_clipped(value, top) for value in values])
    chart.add("warn", list(warn), show_dots=False, stroke_style=_DASHED)
    chart.add("fail", list(fail), show_dots=False, stroke_style=_DASHED)
    if top is not None:
        above = [_clipped(value, top) if value is not None and value > top else None for value in values]
        chart.add(ABOVE, above, stroke=False, show_dots=True, dots_size=4.5)
    return chart


def _clipped(value: float | None, top: float | None) -> float | dict[str, Any] | None:
    """A value above the scale sits on its top edge, its real value kept for the tooltip."""
    if value is None or top is None or value <= top:
        return value
    return {"value": top, "label": f"{number(value)} ({ABOVE})"}


def _tooltip(dot: ET.Element) -> None:
    found = descriptions(dot)
    if "value" in found:
        ET.SubElement(dot, "title").text = f"{found.get('x_label', '')}: {found.get('label', found['value'])}"
