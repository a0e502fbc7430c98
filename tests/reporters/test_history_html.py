"""The history page: a chart per feature with its thresholds, every label escaped, one stylesheet."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import polars as pl

from skewcheck.history import store as history
from skewcheck.history.series import Overview, overview
from skewcheck.reporters import history_html
from tests.history_data import label, rows

HOSTILE = '<script>alert("x")</script>&<b>'


def charts(page: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)]


def test_html_page_has_one_chart_per_feature_with_thresholds(view: Overview) -> None:
    page = history_html.html(view)
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
    page = history_html.html(overview(hostile))
    assert "<script" not in page and "<b>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;b&gt;" in page
    assert len(charts(page)) == 2  # every chart is still well-formed XML
    assert charts(page)[0].findtext("title") == f"{HOSTILE}: psi per partition"
    assert "&lt;img src=x onerror=" in page


def test_html_of_an_empty_history() -> None:
    page = history_html.html(overview(history.empty()))
    assert "The history holds no audits." in page and "<svg" not in page


def test_stylesheet_is_written_once(view: Overview) -> None:
    page = history_html.html(view)
    assert page.count("<style") == 1
    assert "#chart-" not in page and ".pygal-chart" in page
