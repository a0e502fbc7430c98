"""The history for people and machines: terminal table, JSON, and the HTML page with a chart per feature."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from skewcheck.history import store as history
from skewcheck.reporters import history_view
from tests.history_data import frame, label, rows

SLIDE = [round(0.02 + 0.01 * i, 4) for i in range(30)]
FLAT = [0.03] * 30
BREAK = [0.03] * 14 + [None, 0.9] + [0.03] * 14
HOSTILE = '<script>alert("x")</script>&<b>'


@pytest.fixture(scope="module")
def days() -> pl.DataFrame:
    return frame({"flat": FLAT, "slide": SLIDE, "break": BREAK})


def test_sparkline_blocks() -> None:
    assert history_view.sparkline([0.0, 0.5, 1.0]) == "▁▅█"
    assert history_view.sparkline([0.1, None, 0.2], top=0.4) == "▃·▅"
    assert history_view.sparkline([2.0], top=1.0) == "█"  # past the top stays the top block
    assert history_view.sparkline([]) == ""


def test_series_worst_trend_first(days: pl.DataFrame) -> None:
    found = history_view.series(days)
    assert [one.feature for one in found] == ["slide", "break", "flat"]
    slide = found[0]
    assert slide.slope == pytest.approx(0.01)
    assert (slide.latest, min(slide.present), max(slide.present)) == (0.31, 0.02, 0.31)
    assert slide.count("fail", "error") == 6  # days 24..29 are above 0.25
    assert slide.count("warn") == 15  # days 9..23 are above 0.1
    assert found[1].count("fail", "error") == 2  # the day it could not compare, and the day it broke
    assert found[2].slope == pytest.approx(0.0)


def test_terminal_table(days: pl.DataFrame) -> None:
    text = history_view.table(days, width=160)
    lines = [line for line in text.splitlines() if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in lines] == ["slide", "break", "flat"]
    assert "Drift over 30 partitions, worst trend first" in text
    slide = lines[0]
    # The scale tops out at the largest value or the fail threshold, whichever is higher.
    assert history_view.sparkline(SLIDE, top=0.31) in slide
    assert "0.1 / 0.25" in slide and "+0.01" in slide
    assert "·" in lines[1]  # the day it could not compare
    narrow = history_view.table(days, width=70)
    assert max(len(line) for line in narrow.splitlines()) <= 70
    assert "…" in narrow and "0.1 / 0.25" not in narrow
    assert history_view.table(history.empty()).strip() == "the history holds no audits"


def test_json_round_trip(days: pl.DataFrame) -> None:
    document = json.loads(history_view.to_json(days))
    assert document["version"] == history_view.JSON_VERSION
    features = {feature["feature"]: feature for feature in document["features"]}
    assert list(features) == ["slide", "break", "flat"]
    for feature in features.values():
        assert list(feature) == list(history_view.FEATURE_FIELDS)
        for partition in feature["partitions"]:
            assert list(partition) == list(history_view.PARTITION_FIELDS)
    rebuilt = pl.DataFrame(
        [{"feature": name, **point} for name, feature in features.items() for point in feature["partitions"]]
    ).select(
        "feature",
        "partition",
        pl.col("date").str.to_date(),
        pl.col("run_at").str.to_datetime(time_zone="UTC"),
        "run_id",
        "status",
        pl.col("value").cast(pl.Float64),
    )
    stored = history.latest(days).select(
        "feature", "partition", pl.col("partition_date").alias("date"), "run_at", "run_id", "status",
        pl.col("gate_value").alias("value"),
    )  # fmt: skip
    assert rebuilt.sort("feature", "partition").equals(stored.sort("feature", "partition"))
    assert features["break"]["partitions"][14]["value"] is None
    assert features["slide"]["slope"] == pytest.approx(0.01)
    assert features["slide"]["fail_partitions"] == 6


def test_json_has_no_nan(days: pl.DataFrame) -> None:
    broken = pl.concat([days, rows(30, {"slide": float("nan")})])
    text = history_view.to_json(broken)
    assert "NaN" not in text and "Infinity" not in text
    last = json.loads(text)["features"][0]["partitions"][-1]
    assert (last["partition"], last["value"]) == (label(30), None)


def charts(page: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)]


def test_html_page_has_one_chart_per_feature_with_thresholds(days: pl.DataFrame) -> None:
    page = history_view.html(days)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in page
    assert "<script" not in page and "://" not in page.replace("http://www.w3.org/2000/svg", "")
    drawn = charts(page)
    assert len(drawn) == 3
    for svg in drawn:
        legend = [text.text for text in svg.iter("text") if text.text in ("psi", "warn", "fail")]
        assert legend[-3:] == ["psi", "warn", "fail"]
        series = {g.get("class") for g in svg.iter("g") if (g.get("class") or "").startswith("series serie-")}
        assert {"series serie-0 color-0", "series serie-1 color-1", "series serie-2 color-2"} <= series
    titles = [svg.findtext("title") for svg in drawn]
    assert titles == ["slide: psi per partition", "break: psi per partition", "flat: psi per partition"]
    tooltips = [t.text for t in drawn[0].iter("title") if t.text and t.text.startswith(label(29))]
    assert tooltips == [f"{label(29)}: 0.31"]
    assert page.count("dashed: the warn and fail thresholds") == 3


def test_html_escapes_every_label() -> None:
    hostile = pl.concat(
        [
            rows(0, {HOSTILE: 0.1, "plain": 0.1}, partition='<img src=x onerror="alert(1)">'),
            rows(1, {HOSTILE: 0.2, "plain": 0.1}),
        ]
    )
    page = history_view.html(hostile)
    assert "<script" not in page and "<b>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;b&gt;" in page
    assert len(charts(page)) == 2  # every chart is still well-formed XML
    assert charts(page)[0].findtext("title") == f"{HOSTILE}: psi per partition"
    assert "&lt;img src=x onerror=" in page


def test_html_of_an_empty_history() -> None:
    page = history_view.html(history.empty())
    assert "The history holds no audits." in page and "<svg" not in page


def test_stylesheet_is_written_once(days: pl.DataFrame) -> None:
    page = history_view.html(days)
    assert page.count("<style") == 1
    assert "#chart-" not in page and ".pygal-chart" in page
