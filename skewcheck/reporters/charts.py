"""Each feature's training and serving histograms as inline SVG, drawn by pygal, for the HTML report.

pygal writes one self-contained SVG per chart with its stylesheet inside. The HTML report shows a
chart for every feature, so the stylesheet is taken out of each chart and written once
(`stylesheet`): that keeps a report of 100 features well under a megabyte.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache

import pygal
from pygal.style import Style

from skewcheck.checks import FeatureResult, Histogram
from skewcheck.reporters.numbers import number

TRAIN_COLOUR = "#4c78a8"
SERVING_COLOUR = "#f58518"
CHART_CLASS = "pygal-chart"
_SVG = "{http://www.w3.org/2000/svg}"
_STYLE = Style(
    colors=(TRAIN_COLOUR, SERVING_COLOUR),
    background="transparent",
    plot_background="transparent",
    font_family="system-ui, -apple-system, 'Segoe UI', sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
)
_WIDTH = 520


def histogram_svg(feature: FeatureResult, *, temporal: bool = False) -> str | None:
    """Training and serving shares on the same bins; None when the feature was not compared."""
    histogram = feature.histogram
    if histogram is None:
        return None
    if histogram.is_categorical:
        labels, train, serving = _category_bars(histogram)
        chart = pygal.HorizontalBar(height=70 + 34 * len(labels), **_options())
    else:
        labels, train, serving = _bin_labels(histogram, temporal), histogram.train, histogram.serving
        chart = pygal.Bar(height=300, x_label_rotation=35, **_options())
    chart.x_labels = labels
    chart.add("training", train)
    chart.add("serving", serving)
    return inline(chart.render(is_unicode=True), feature.name, _series_tooltips)[0]


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
        heading.text = title
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


def _bin_labels(histogram: Histogram, temporal: bool) -> list[str]:
    """(a, b] bins by their bounds; personal data has none, so its bins are numbered."""
    if histogram.edges is None:
        return [f"bin {i}" for i in range(1, len(histogram.train) + 1)]
    bounds = [_bound(edge, temporal) for edge in histogram.edges]
    inner = [f"{low}–{high}" for low, high in itertools.pairwise(bounds)]
    return [f"≤ {bounds[0]}", *inner, f"> {bounds[-1]}"]


def _bound(value: float, temporal: bool) -> str:
    if not temporal:
        return number(value)
    moment = dt.datetime.fromtimestamp(value, dt.UTC)
    return moment.date().isoformat() if moment.time() == dt.time() else moment.isoformat(timespec="minutes")[:16]


def _category_bars(histogram: Histogram) -> tuple[list[str], list[float], list[float]]:
    """The shown categories, then the two rest buckets where either side has any."""
    assert histogram.categories is not None and histogram.unseen is not None
    labels = [*histogram.categories, *(f"{value} (unseen)" for value in histogram.unseen)]
    labels += ["other values", "other unseen values"]
    kept = [i for i, label in enumerate(labels) if i < len(labels) - 2 or histogram.train[i] or histogram.serving[i]]
    # pygal draws the first label at the bottom of a horizontal chart; reversed, the largest share is on top.
    kept.reverse()
    return [labels[i] for i in kept], [histogram.train[i] for i in kept], [histogram.serving[i] for i in kept]
