"""Each feature's training and serving histograms as inline SVG, drawn by pygal, for the HTML report.

pygal writes one self-contained SVG per chart with its stylesheet inside. The HTML report shows a
chart for every feature, so the stylesheet is taken out of each chart and written once
(`stylesheet`): that keeps a report of 100 features well under a megabyte.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache
from typing import Any

import pygal
from pygal.style import Style

from skewcheck.drift.features import FeatureResult, Histogram
from skewcheck.reporters.numbers import number
from skewcheck.schema.model import FeatureType

TRAIN_COLOUR = "#4c78a8"
SERVING_COLOUR = "#f58518"
CHART_CLASS = "pygal-chart"
_SVG = "{http://www.w3.org/2000/svg}"


def page_style(*colours: str, **extra: Any) -> Style:
    """pygal's look on a skewcheck page: transparent, the page's font; series coloured in order."""
    return Style(
        colors=colours,
        background="transparent",
        plot_background="transparent",
        font_family="system-ui, -apple-system, 'Segoe UI', sans-serif",
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=12,
        **extra,
    )


_STYLE = page_style(TRAIN_COLOUR, SERVING_COLOUR)
_WIDTH = 520
_MAX_X_LABELS = 16
"""Beyond this many bins only this many, evenly spread, are labelled; each bar's tooltip still names its bin."""
NO_BINS = "No chart: training has no non-null values, so there are no bins to compare."


def histogram_svg(feature: FeatureResult, *, temporal: bool = False) -> str | None:
    """Training and serving shares on the same bins; None when there is nothing to draw (see `drawable`)."""
    histogram = feature.histogram
    if histogram is None or not drawable(histogram):
        return None
    if histogram.is_categorical:
        labels, train, serving = _category_bars(histogram)
        chart = pygal.HorizontalBar(height=70 + 34 * len(labels), **_options())
    else:
        dates = feature.type is FeatureType.DATE
        labels, train, serving = _beyond_range(histogram, _bin_labels(histogram, temporal, dates), temporal, dates)
        # Steep labels, so that neighbours stay apart (at ten or twelve bins on 520 pixels, 15 pixels across their
        # slant), and room below the bars for the longest: the bars keep their height with long date labels.
        many = len(labels) > _MAX_X_LABELS
        sparse = {"show_minor_x_labels": False, "x_labels_major_count": _MAX_X_LABELS} if many else {}
        height = 240 + round(5.5 * max(len(label) for label in labels))
        chart = pygal.Bar(height=height, x_label_rotation=55, **sparse, **_options())
    chart.x_labels = [xml_safe(label) for label in labels]
    chart.add("training", train)
    chart.add("serving", serving)
    return inline(chart.render(is_unicode=True), feature.name, _series_tooltips)[0]


def drawable(histogram: Histogram) -> bool:
    """False for a numeric feature without bins: training had no non-null value to cut into bins (NO_BINS)."""
    return histogram.is_categorical or histogram.edges is None or bool(histogram.edges)


# XML 1.0 forbids these characters (as reporters/junit.py says); pygal writes them into its SVG unescaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` with each character XML 1.0 forbids written as its escape (\\x00, \\ufffe): visible, and valid SVG."""
    return _NOT_XML.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@cache
def stylesheet() -> str:
    """pygal's stylesheet, once for every chart in a page (each chart carries class CHART_CLASS)."""
    chart = pygal.Bar(height=100, **_options())
    chart.add("training", [1.0])
    chart.add("serving", [1.0])  # each series' colour rule is written only when the chart has that series
    return inline(chart.render(is_unicode=True), "", _series_tooltips)[1]


def _options() -> dict[str, object]:
    return {
        "width": _WIDTH,
        "style": _STYLE,
        "js": [],  # pygal's tooltips load a script from the web; the report must work offline
        "disable_xml_declaration": True,
        "explicit_size": False,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "legend_box_size": 10,
        "margin": 6,
        "truncate_label": -1,
        "value_formatter": _share,
    }


def _share(value: float) -> str:
    return f"{value:.0%}" if value >= 0.1 or value == 0 else f"{value:.1%}"


def inline(svg: str, title: str, tooltips: Callable[[ET.Element], None]) -> tuple[str, str]:
    """A pygal chart without its stylesheet, ids or comments (which hold the date), and that stylesheet.

    `tooltips` is called on every group: pygal's JavaScript tooltips read <desc> elements, which it can
    turn into a <title>, the browser's own tooltip, with no script.
    """
    root = ET.fromstring(svg)  # drops the comments
    chart_id = root.attrib.pop("id")
    defs = root.find(f"{_SVG}defs")
    assert defs is not None
    css = "".join(style.text or "" for style in defs.iter(f"{_SVG}style")).replace(f"#{chart_id}", f".{CHART_CLASS}")
    root.remove(defs)
    for element in root.iter():
        element.tag = element.tag.removeprefix(_SVG)
        element.attrib.pop("id", None)  # pygal numbers its legend items the same way in every chart
        for name, value in element.attrib.items():
            element.attrib[name] = _LONG_DECIMAL.sub(_rounded, value)
    for group in root.iter("g"):
        tooltips(group)
    heading = root.find("title")
    if heading is not None:
        heading.text = xml_safe(title)
    root.set("role", "img")
    return ET.tostring(root, encoding="unicode"), css


def descriptions(element: ET.Element) -> dict[str, str]:
    """pygal's <desc> elements of one bar or dot, by class (value, x_label, ...), removed from it."""
    found = {d.get("class", "").split()[0]: d.text or "" for d in element.findall("desc")}
    if "value" in found:
        for description in element.findall("desc"):
            element.remove(description)
    return found


_SERIES = ("training", "serving")


def _series_tooltips(series: ET.Element) -> None:
    if not series.get("class", "").startswith("series serie-"):
        return
    side = _SERIES[int(series.get("class", "").rpartition("serie-")[2].split()[0])]
    for bar in series.iter("g"):
        found = descriptions(bar)
        if "value" in found:
            ET.SubElement(bar, "title").text = f"{side}, {found.get('x_label', '')}: {found['value']}"


# pygal writes coordinates with 15 decimals; a tenth of a pixel is finer than any screen, and a third the size.
_LONG_DECIMAL = re.compile(r"(\d+\.\d)\d+")


def _rounded(match: re.Match[str]) -> str:
    return match.group(1)


def _bin_labels(histogram: Histogram, temporal: bool, dates: bool = False) -> list[str]:
    """Bins by their bounds, right-closed as they are: "≤ a", "(a, b]", ..., "> z".

    Interval notation rather than a dash between the bounds: the label says on the axis, and in each bar's
    tooltip, which bin holds a value equal to a bound, with no footnote to find. Personal data has no
    bounds: its bins are numbered.
    """
    if histogram.edges is None:
        return [f"bin {i}" for i in range(1, len(histogram.train) + 1)]
    whole = all(edge.is_integer() for edge in histogram.edges if math.isfinite(edge))
    bounds = [_bound(edge, temporal, whole, dates) for edge in histogram.edges]
    inner = [f"({low}, {high}]" for low, high in itertools.pairwise(bounds)]
    return [f"≤ {bounds[0]}", *inner, f"> {bounds[-1]}"]


def _beyond_range(
    histogram: Histogram, labels: list[str], temporal: bool, dates: bool
) -> tuple[list[str], list[float], list[float]]:
    """The bins, with serving's values beyond training's range drawn as bars of their own.

    The outer bins are open, so a value below training's minimum counts in the first bin with training's lowest
    tenth; its own bar (training's share 0) shows what `out_of_range_rate` judges. Only where there is such a value.
    """
    labels, train, serving = list(labels), list(histogram.train), list(histogram.serving)
    if histogram.bounds is None:
        low_label, high_label = "below training's range", "above training's range"
    else:
        whole = all(edge.is_integer() for edge in (*histogram.bounds, *(histogram.edges or [])) if math.isfinite(edge))
        low, high = (_bound(value, temporal, whole, dates) for value in histogram.bounds)
        low_label, high_label = f"< {low}", f"> {high}"
        if histogram.below and labels:
            labels[0] = labels[0].replace("≤ ", f"[{low}, ", 1) + "]"
        if histogram.above and labels:
            labels[-1] = labels[-1].replace("> ", "(", 1) + f", {high}]"
    if histogram.below and serving:
        serving[0] -= histogram.below
        labels, train, serving = [low_label, *labels], [0.0, *train], [histogram.below, *serving]
    if histogram.above and serving:
        serving[-1] -= histogram.above
        labels, train, serving = [*labels, high_label], [*train, 0.0], [*serving, histogram.above]
    return labels, train, serving


def _bound(value: float, temporal: bool, whole: bool = False, dates: bool = False) -> str:
    """A number, or a moment: a date where it is midnight or the values are dates (a date is in (a, b] exactly
    when it is in (a's date, b's date]), else the date and the minute."""
    if not temporal and not dates:
        return bound(value, whole=whole)
    moment = dt.datetime.fromtimestamp(value, dt.UTC)
    return moment.date().isoformat() if dates or moment.time() == dt.time() else f"{moment:%Y-%m-%d %H:%M}"


# (from, scale, suffix): below 10,000 four digits are as short as "8.302k".
_SCALES = ((1e12, 1e12, "T"), (1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k"))


def bound(value: float, *, whole: bool = False) -> str:
    """A bin bound, short enough for an axis: 4 significant digits, thousands as k, M, B, T (17.42k, 1.235M).

    Whole-number bounds below a million are written in full with separators (17,421): counts read best exact.
    """
    if not math.isfinite(value):
        return str(value)
    if whole and abs(value) < 1e6:
        return f"{value:,.0f}"
    rounded = float(f"{value:.4g}")
    for start, scale, suffix in _SCALES:
        if abs(rounded) >= start:
            return f"{rounded / scale:.4g}{suffix}"
    return number(value)


def _category_bars(histogram: Histogram) -> tuple[list[str], list[float], list[float]]:
    """The shown categories, then the two rest buckets where either side has any."""
    assert histogram.categories is not None and histogram.unseen is not None
    labels = [*histogram.categories, *(f"{value} (unseen)" for value in histogram.unseen)]
    labels += ["other values", "other unseen values"]
    kept = [i for i, label in enumerate(labels) if i < len(labels) - 2 or histogram.train[i] or histogram.serving[i]]
    # pygal draws the first label at the bottom of a horizontal chart; reversed, the largest share is on top.
    kept.reverse()
    return [labels[i] for i in kept], [histogram.train[i] for i in kept], [histogram.serving[i] for i in kept]
