"""The HTML report in a real browser: headless Chromium draws every plot, sorts the table, logs no error.

`.ci/run` installs Debian's chromium and chromium-driver, so CI runs these tests; they skip only on a
machine where those packages are not installed, and say so.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, invoke

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if os.environ.get("SKEWCHECK_REQUIRE_BROWSER") == "1" and (CHROMIUM is None or CHROMEDRIVER is None):
    # .ci/run sets this after installing the browser: there a missing browser is a broken CI, not a reason to skip.
    raise RuntimeError("SKEWCHECK_REQUIRE_BROWSER=1 but chromium or chromedriver is not on PATH")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)",
)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    folder = tmp_path_factory.mktemp("html")
    page, data = folder / "report.html", folder / "report.json"
    invoke(
        [
            "check",
            FIXTURES / "train.parquet",
            FIXTURES / "serving.jsonl.gz",
            "--schema",
            FIXTURES / "schema.yaml",
            "--html",
            page,
            "--json",
            data,
        ],
        3,
    )
    return page, json.loads(data.read_text())


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1280,1600",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: object, page: Path) -> list[dict[str, object]]:
    """Load the page; return what the browser logged while doing so."""
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    return list(driver.get_log("browser"))  # type: ignore[attr-defined]


def test_every_plot_renders_without_console_errors(
    browser: object, demo_report: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    page, data = demo_report
    log = open_page(browser, page)
    assert [entry for entry in log if entry["level"] in ("SEVERE", "WARNING")] == []
    compared = [f["name"] for f in data["features"] if f["histogram"] is not None]  # type: ignore[attr-defined]
    assert len(compared) == 11
    sizes = browser.execute_script(  # type: ignore[attr-defined]
        """return Array.from(document.querySelectorAll('article.card')).map((card) => {
             const svg = card.querySelector('figure.chart svg');
             if (!svg) return [card.querySelector('h3').textContent, 0, 0, 0];
             const box = svg.getBoundingClientRect();
             const bars = Array.from(svg.querySelectorAll('.bar rect')).filter((bar) => bar.getBBox().width > 0);
             return [card.querySelector('h3').textContent, box.width, box.height, bars.length];
           });"""
    )
    plotted = {heading: (width, height, bars) for heading, width, height, bars in sizes if width}
    for name in compared:
        (heading,) = [h for h in plotted if f" {name} " in f" {h} "]
        width, height, bars = plotted[heading]
        assert width > 300 and height > 100, (name, width, height)
        assert bars >= 2, (name, bars)  # both sides drew something
    browser.save_screenshot(str(tmp_path / "report.png"))  # type: ignore[attr-defined]
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_charts_use_the_shared_colours(browser: object, demo_report: tuple[Path, dict[str, object]]) -> None:
    # The stylesheet is written once for all charts: serving bars must still get their own colour.
    open_page(browser, demo_report[0])
    colours = browser.execute_script(  # type: ignore[attr-defined]
        """const svg = document.querySelector('figure.chart svg');
           return ['.serie-0 .bar rect', '.serie-1 .bar rect'].map(
             (selector) => getComputedStyle(svg.querySelector(selector)).fill);"""
    )
    assert colours == ["rgb(76, 120, 168)", "rgb(245, 133, 24)"]


def test_clicking_a_heading_sorts_the_feature_table(
    browser: object, demo_report: tuple[Path, dict[str, object]]
) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, demo_report[0])
    table = browser.find_elements(By.CSS_SELECTOR, "table.sortable")[-1]  # type: ignore[attr-defined]

    def column(name: str) -> list[str]:
        headings = [h.text.strip(" ▲▼") for h in table.find_elements(By.CSS_SELECTOR, "th")]
        index = headings.index(name) + 1
        return [cell.text for cell in table.find_elements(By.CSS_SELECTOR, f"tbody td:nth-child({index})")]

    button = table.find_element(By.XPATH, ".//th[button[normalize-space()='feature']]/button")
    button.click()
    names = column("feature")
    assert names == sorted(names, key=str.lower)
    button.click()
    assert column("feature") == sorted(names, key=str.lower, reverse=True)
    table.find_element(By.XPATH, ".//th[button[normalize-space()='value']]/button").click()
    values = [float(v) for v in column("value") if v not in ("", "–")]
    assert values == sorted(values) and len(values) == 11


def test_the_page_loads_nothing_from_the_network(browser: object, tmp_path: Path) -> None:
    # The page's Content-Security-Policy blocks any fetch, and the browser says so: proof that the
    # first test's empty console means nothing was fetched, and that a report stays readable offline.
    from skewcheck.reporters.page import policy

    page = tmp_path / "probe.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{policy(script=True)}"></head>'
        '<body><img src="https://example.invalid/x.png"></body></html>'
    )
    log = open_page(browser, page)
    assert any("Content Security Policy" in str(entry["message"]) for entry in log), log


def test_the_history_page_draws_a_chart_per_feature(browser: object, tmp_path: Path) -> None:
    from skewcheck.history import kept
    from tests.history_data import write_days

    store = tmp_path / "store"
    write_days(
        store, {"slide": [0.01, 0.03, 0.06, 0.1, 0.15, 0.21, 0.3], "steady": [0.02] * 7, "<b>odd</b>": [0.1] * 7}
    )
    page = tmp_path / "trends.html"
    invoke(["history", store, "--html", page], 0)
    log = open_page(browser, page)
    assert [entry for entry in log if entry["level"] in ("SEVERE", "WARNING")] == []
    features = kept.read(store).get_column("feature").n_unique()
    boxes = browser.execute_script(  # type: ignore[attr-defined]
        """return Array.from(document.querySelectorAll('svg')).map((svg) => {
             const box = svg.getBoundingClientRect();
             return [box.width, box.height, svg.querySelectorAll('path.line').length];
           });"""
    )
    assert len(boxes) == features == 3
    for width, height, lines in boxes:
        assert width > 300 and height > 100 and lines >= 3  # the metric, warn and fail lines


def _gap(one: list[list[float]], other: list[list[float]]) -> float:
    """The gap between two convex polygons (two rotated labels' boxes), negative where they overlap:
    the widest separation along any of their edges' normals (separating axes)."""
    widest = float("-inf")
    for polygon in (one, other):
        for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
            normal = (y1 - y2, x2 - x1)
            length = (normal[0] ** 2 + normal[1] ** 2) ** 0.5 or 1.0
            a = [(x * normal[0] + y * normal[1]) / length for x, y in one]
            b = [(x * normal[0] + y * normal[1]) / length for x, y in other]
            widest = max(widest, min(b) - max(a), min(a) - max(b))
    return widest


def test_axis_labels_do_not_overlap(browser: object, tmp_path: Path) -> None:
    """Bin labels of large numbers ("(17.42k, 18.33k]", not "1.742e+04" and up), rotated so that neighbours
    stay apart by more than half a line (they were 4 pixels apart: a wall of text), in the demo report and
    in one with large values."""
    import numpy as np
    import polars as pl

    from tests.helpers import write_schema

    rng = np.random.default_rng(0)
    pl.DataFrame({"big": rng.normal(20_000, 3_000, 600), "wide": rng.lognormal(12, 1.5, 600)}).write_parquet(
        tmp_path / "train.parquet"
    )
    pl.DataFrame({"big": rng.normal(23_000, 3_000, 600), "wide": rng.lognormal(12.5, 1.5, 600)}).write_parquet(
        tmp_path / "serving.parquet"
    )
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  big: {type: float}\n  wide: {type: float}\n")
    large = tmp_path / "large.html"
    invoke(["check", tmp_path / "train.parquet", tmp_path / "serving.parquet", "-s", schema, "--html", large], 1)
    demo = tmp_path / "demo.html"
    invoke(
        [
            "check",
            FIXTURES / "train.parquet",
            FIXTURES / "serving.jsonl.gz",
            "--schema",
            FIXTURES / "schema.yaml",
            "--html",
            demo,
        ],
        3,
    )
    for page in (large, demo):
        open_page(browser, page)
        charts = browser.execute_script(  # type: ignore[attr-defined]
            """return Array.from(document.querySelectorAll('figure.chart svg')).map((svg) =>
                 Array.from(svg.querySelectorAll('.axis.x text')).filter((t) => t.textContent.trim()).map((t) => {
                   const b = t.getBBox(), m = t.getCTM();
                   return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
                     .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
                 }));"""
        )
        labelled = [boxes for boxes in charts if len(boxes) >= 8]
        assert labelled, page
        for boxes in labelled:
            gaps = [_gap(one, other) for one, other in itertools.pairwise(boxes)]
            assert min(gaps) >= 8, (page.name, gaps)
