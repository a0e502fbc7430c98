"""The HTML report's histograms: labels that say which bin holds a bound, and values beyond training's range drawn
as bars of their own (issue 13), without a browser."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from skewcheck.drift.features import FeatureResult, Histogram
from skewcheck.reporters import charts
from skewcheck.schema.model import FeatureType


def bars(svg: str | None) -> dict[str, str]:
    """Each bar's tooltip ("serving, < 0.5: 18%"), by its side and label."""
    assert svg is not None
    found = {}
    for title in ET.fromstring(svg).iter("title"):
        side, _, rest = (title.text or "").partition(", ")
        label, _, value = rest.rpartition(": ")
        if label:
            found[f"{side} {label}"] = value
    return found


def test_every_chart_label_is_made_xml_safe() -> None:
    shares = Histogram([1.0, 0.0, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0], categories=["a\x00"], unseen=["b\ufffe"])
    result = FeatureResult("name\x00with\x1bcontrols", FeatureType.CATEGORY, histogram=shares)
    svg = charts.histogram_svg(result)
    assert svg is not None
    chart = ET.fromstring(svg)
    assert chart.findtext("title") == "name\\x00with\\x1bcontrols"
    assert {"a\\x00", "b\\ufffe (unseen)"} <= {text.text for text in chart.iter("text")}
    assert charts.xml_safe("tab\tnew\nline é 😀") == "tab\tnew\nline é 😀"  # what XML allows stays


@pytest.mark.parametrize(
    ("value", "whole", "shown"),
    [
        (17_421.07, False, "17.42k"),
        (21_570.0, False, "21.57k"),
        (8_301.7, False, "8302"),
        (1_234_567.0, False, "1.235M"),
        (2.5e9, False, "2.5B"),
        (999_960.0, False, "1M"),
        (-23_456.0, False, "-23.46k"),
        (0.004561, False, "0.004561"),
        (17_421.0, True, "17,421"),
        (1_250_000.0, True, "1.25M"),
    ],
)
def test_bin_bounds_are_short_and_readable(value: float, whole: bool, shown: str) -> None:
    assert charts.bound(value, whole=whole) == shown


def test_bin_labels_say_the_bins_are_right_closed() -> None:
    edges = [8_301.7, 16_249.9, 17_421.1, 28_267.4]
    result = FeatureResult("big", FeatureType.FLOAT, histogram=Histogram([0.1] * 5, [0.2] * 5, edges=edges))
    svg = charts.histogram_svg(result)
    assert svg is not None
    labels = [t.text for t in ET.fromstring(svg).iter("text") if t.text and t.text[0] in "≤(>"]
    assert labels == ["≤ 8302", "(8302, 16.25k]", "(16.25k, 17.42k]", "(17.42k, 28.27k]", "> 28.27k"]
    assert "e+" not in svg
    whole = FeatureResult("n", FeatureType.INT, histogram=Histogram([0.5] * 3, [0.5] * 3, edges=[12_000.0, 250_000.0]))
    assert "(12,000, 250,000]" in (charts.histogram_svg(whole) or "")


EDGES = [2.0, 4.0, 6.0, 8.0]


def test_serving_values_below_training_minimum_get_their_own_bar() -> None:
    """18% of serving below training's minimum 0.5: the first open bin (training's lowest fifth and those values)
    splits into "< 0.5", training 0 and serving 18%, and "[0.5, 2]", training's fifth and the rest of serving's."""
    histogram = Histogram([0.2] * 5, [0.38, 0.2, 0.2, 0.1, 0.12], edges=EDGES, below=0.18, above=0.0, bounds=(0.5, 9.5))
    found = bars(charts.histogram_svg(FeatureResult("prep", FeatureType.FLOAT, histogram=histogram)))
    assert found["training < 0.5"] == "0%" and found["serving < 0.5"] == "18%"
    assert found["training [0.5, 2]"] == "20%" and found["serving [0.5, 2]"] == "20%"
    assert found["serving > 8"] == "12%"  # nothing above 9.5: the last bin keeps its label
    assert not any(key.endswith("> 9.5") for key in found)


def test_serving_values_above_training_maximum_get_their_own_bar_and_personal_data_no_bounds() -> None:
    histogram = Histogram([0.2] * 5, [0.2, 0.2, 0.2, 0.1, 0.3], edges=EDGES, above=0.25, bounds=(0.5, 9.5))
    found = bars(charts.histogram_svg(FeatureResult("x", FeatureType.FLOAT, histogram=histogram)))
    assert found["serving (8, 9.5]"] == "5.0%" and found["serving > 9.5"] == "25%"
    assert found["training > 9.5"] == "0%"
    personal = Histogram([0.2] * 5, [0.2, 0.2, 0.2, 0.1, 0.3], edges=None, above=0.25, bounds=None)
    found = bars(charts.histogram_svg(FeatureResult("x", FeatureType.FLOAT, histogram=personal)))
    assert found["serving above training's range"] == "25%" and found["serving bin 5"] == "5.0%"
