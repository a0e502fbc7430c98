"""The HTML report's content, without a browser: one plot per compared feature, escaping, offline, size."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck import run
from skewcheck.reporters import html
from tests.helpers import FIXTURES, invoke, write_schema
from tests.normalise import normalise_html


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    page = tmp_path_factory.mktemp("html") / "report.html"
    invoke(
        [
            "check",
            FIXTURES / "train.parquet",
            FIXTURES / "serving.jsonl.gz",
            "--schema",
            FIXTURES / "schema.yaml",
            "--html",
            page,
        ],
        3,
    )
    return page.read_text(encoding="utf-8")


def test_one_plot_per_compared_feature_and_the_inputs_named(demo_page: str) -> None:
    assert demo_page.count("<figure") == 11  # 14 features, 3 skipped
    assert demo_page.count("<svg") == 11
    for text in (
        "fixtures/train.parquet",
        "fixtures/serving.jsonl.gz",
        "14,000 rows",
        "20,000 rows",
        "schema.yaml",
        "sha256",
        "skewcheck 0.",
        "exit code 3",
    ):
        assert text in demo_page, text
    # The unseen city is named in its plot, and the null jump is in the traffic card's caption.
    assert "Leipzig (unseen)" in demo_page
    cards = demo_page.split("<article")[1:]
    (traffic,) = [card for card in cards if "traffic_index <span" in card]
    assert "nulls 0.5% → 12.5%" in traffic


def test_the_page_is_self_contained(demo_page: str) -> None:
    assert "Content-Security-Policy" in demo_page
    # No address to fetch: no src/href other than in-page anchors, no url(), no @import.
    assert re.findall(r'(?:src|href)="(?!#)[^"]*"', demo_page) == []
    assert "url(" not in demo_page and "@import" not in demo_page
    assert "<!--" not in demo_page  # pygal's comments carry the date


def test_the_page_is_the_same_for_the_same_report() -> None:
    """Two runs of the same audit draw the same page, but for the time and the seconds they took."""
    first, second = (
        run(str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), FIXTURES / "schema.yaml")
        for _ in range(2)
    )
    assert first is not second
    assert normalise_html(html.render(first)) == normalise_html(html.render(second))


def test_data_from_the_files_is_escaped(tmp_path: Path) -> None:
    hostile_name = "<img src=x onerror=alert(1)>"
    hostile_value = "</svg><script>alert(2)</script>"
    frame = pl.DataFrame({hostile_name: ["a", "b"] * 100, "n": np.arange(200, dtype=float)})
    frame.write_parquet(tmp_path / "train.parquet")
    frame.with_columns(pl.lit(hostile_value).alias(hostile_name)).write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(
        tmp_path / "schema.yaml", f"features:\n  '{hostile_name}': {{type: category}}\n  n: {{type: float}}\n"
    )
    page = tmp_path / "r.html"
    invoke(["check", tmp_path / "train.parquet", tmp_path / "serving.parquet", "--schema", schema, "--html", page], 1)
    text = page.read_text(encoding="utf-8")
    assert hostile_name not in text and "<script>alert" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt; (unseen)" in text  # the chart label, escaped
    assert text.count("<script>") == 1  # ours: the table sorter


def test_a_hundred_features_stay_small(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    rows = 2_000
    columns: dict[str, object] = {f"x{i}": rng.normal(size=rows) for i in range(70)}
    columns |= {f"c{i}": rng.choice([f"value-{j}" for j in range(30)], size=rows) for i in range(30)}
    pl.DataFrame(columns).write_parquet(tmp_path / "train.parquet")
    serving = {**columns, **{f"x{i}": rng.normal(1.0, size=rows) for i in range(70)}}
    pl.DataFrame(serving).write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(
        tmp_path / "schema.yaml",
        "features:\n"
        + "".join(f"  x{i}: {{type: float}}\n" for i in range(70))
        + "".join(f"  c{i}: {{type: category}}\n" for i in range(30)),
    )
    page = tmp_path / "r.html"
    invoke(["check", tmp_path / "train.parquet", tmp_path / "serving.parquet", "--schema", schema, "--html", page], 1)
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 100
    assert len(text.encode()) < 1_000_000  # the issue allows 2 MB; one shared stylesheet keeps it near 0.7 MB


def test_dates_label_their_bins_as_dates(tmp_path: Path) -> None:
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i % 300) for i in range(600)]
    pl.DataFrame({"day": days}).write_parquet(tmp_path / "train.parquet")
    pl.DataFrame({"day": days[::-1]}).write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  day: {type: date}\n")
    page = tmp_path / "r.html"
    invoke(["check", tmp_path / "train.parquet", tmp_path / "serving.parquet", "--schema", schema, "--html", page], 0)
    # The outer bins are open and end at the first and ninth deciles (days 29.9 and 269.1): a date is at most
    # day 29.9 exactly when it is at most 2026-01-30, above day 269.1 exactly when it is after 2026-09-27.
    assert "≤ 2026-01-30" in page.read_text(encoding="utf-8")
    assert "&gt; 2026-09-27" in page.read_text(encoding="utf-8")


def test_html_goes_to_stdout_with_a_dash(tmp_path: Path) -> None:
    outcome = invoke(
        [
            "check",
            FIXTURES / "train.parquet",
            FIXTURES / "serving.jsonl.gz",
            "--schema",
            FIXTURES / "schema.yaml",
            "--html",
            "-",
        ],
        3,
    )
    assert outcome.stdout.startswith("<!DOCTYPE html>") and outcome.stdout.rstrip().endswith("</html>")
    assert "FAIL: 4 of 11 features drifted" in outcome.stderr


def test_values_beyond_training_range_are_drawn_and_said_so(demo_page: str) -> None:
    """prep_time_min's 18.3% below training's minimum 0.5 is its own bar, and the caption says why."""
    (card,) = [card for card in demo_page.split("<article")[1:] if "prep_time_min <span" in card]
    assert "<title>serving, &lt; 0.5: 18%</title>" in card and "<title>training, &lt; 0.5: 0%</title>" in card
    assert "Serving values beyond training&#x27;s range have bars of their own." in card
    (steady,) = [card for card in demo_page.split("<article")[1:] if "items_count <span" in card]
    assert "beyond training&#x27;s range" not in steady


def test_the_unseen_values_reason_names_the_values_in_the_table_and_on_the_card(demo_page: str) -> None:
    """As the terminal and Markdown reports do; the card keeps the gate's colour (fail) for the longer text."""
    named = "unseen_rate 6.1% &gt; fail 5.0%: serving values outside the declared values (&#x27;Leipzig&#x27;)"
    assert demo_page.count(named) == 2
    assert f'<p class="reason fail">{named}</p>' in demo_page
