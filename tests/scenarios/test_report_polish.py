"""What a new user saw go wrong in the reports: a cropped terminal table, HTML charts that crashed or read
badly, and a history page cluttered by features that are never drift-checked."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck import run
from skewcheck.audit import history_rows
from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.history.series import overview
from skewcheck.io.sources import InputSummary
from skewcheck.reporters import charts, history_charts, history_html, history_table, history_text, html, table
from skewcheck.reporters.reasons import reasons
from skewcheck.schema.model import FeatureType
from tests.helpers import invoke, write_schema

LONG_NAMES = {
    "customer_lifetime_value_eur_trailing_90_days": "float",
    "average_basket_size_items_last_30_days": "float",
    "seconds_since_previous_session_start": "float",
    "merchant_category_code_normalised": "category",
}


@pytest.fixture(scope="module")
def long_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """A real audit of several failing features with long names and long reasons (drift, nulls, unseen values)."""
    folder = tmp_path_factory.mktemp("long")
    rng = np.random.default_rng(7)
    rows = 2_000

    def side(shift: float, nulls: float, categories: list[str]) -> pl.DataFrame:
        basket = rng.normal(5 + shift, 1, rows)
        return pl.DataFrame(
            {
                "customer_lifetime_value_eur_trailing_90_days": rng.normal(100 + shift * 30, 20, rows),
                "average_basket_size_items_last_30_days": np.where(rng.random(rows) < nulls, np.nan, basket),
                "seconds_since_previous_session_start": rng.exponential(300 * (1 + shift), rows),
                "merchant_category_code_normalised": rng.choice(categories, rows),
            }
        ).with_columns(pl.col("average_basket_size_items_last_30_days").fill_nan(None))

    known = ["grocery", "fuel", "travel"]
    side(0, 0.0, known).write_parquet(folder / "train.parquet")
    side(0.4, 0.2, [*known, "gambling", "crypto_exchange"]).write_parquet(folder / "serving.parquet")
    schema = write_schema(
        folder / "schema.yaml", "features:\n" + "".join(f"  {n}: {{type: {t}}}\n" for n, t in LONG_NAMES.items())
    )
    report = run(str(folder / "train.parquet"), str(folder / "serving.parquet"), schema)
    assert sum(f.status is Status.FAIL for f in report.features) >= 3
    assert any(len(f.reasons) > 1 for f in report.features)
    return report


def feature_rows(text: str) -> dict[str, tuple[str, str]]:
    """The features table's rows as {name: (status, reason)}, each cell's lines joined (a folded cell too)."""
    lines = text[text.index("Features") :].splitlines()
    header = next(line for line in lines if "status" in line)
    heads = [cell.strip() for cell in header.split("┃")]
    status_at = heads.index("status")
    body = lines[lines.index(next(line for line in lines if line.startswith("┡"))) + 1 :]
    found: list[list[str]] = []
    for line in body:
        if not line.startswith("│"):
            break
        cells = line.split("│")
        if cells[status_at].strip():
            found.append(["", "", ""])
        found[-1][0] += cells[1].strip()
        found[-1][1] += cells[status_at].strip()
        found[-1][2] += " " + cells[-2].strip()
    return {name: (status, " ".join(reason.split())) for name, status, reason in found}


@pytest.mark.parametrize("width", [80, 120, 160, 165, 200])
def test_the_terminal_table_is_never_cropped(long_report: Report, width: int) -> None:
    """The wide layout only where it fits whole: every line within the width, closed by its right border,
    and every name and reason in full (at 160-169 columns rich used to crop the wide table mid-word)."""
    text = table.render(long_report, width=width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    for line in lines:
        if line[:1] in "┏┃┡│└":
            assert line[-1] in "┓┃┩│┘", f"right border cropped at width {width}: {line!r}"
    assert "…" not in text
    shown = feature_rows(text)
    for feature in long_report.features:
        status, reason = shown[feature.name]
        assert status == str(feature.status)
        # Folding may split a long word over two lines: compare without the spaces wrapping puts in.
        expected = "; ".join(reasons(feature))  # the unseen values named, as reporters.reasons writes them
        assert reason.replace(" ", "") == expected.replace(" ", ""), (width, feature.name)


def test_the_wide_layout_needs_the_room(long_report: Report) -> None:
    assert "shape train → serving" not in table.render(long_report, width=165)  # would not fit: compact
    assert "shape train → serving" in table.render(long_report, width=200)


def test_a_name_that_looks_like_markup_is_shown_as_it_is() -> None:
    result = FeatureResult("[bold]x[/bold]", FeatureType.FLOAT)
    result = result.with_gate(Gate("psi", 0.5, 0.1, 0.25, Status.FAIL, "psi 0.5 > fail 0.25 [red]"))
    text = table.render(_report([result]), width=200)
    assert "│ [bold]x[/bold] " in text and "psi 0.5 > fail 0.25 [red]" in text


def _report(features: list[FeatureResult]) -> Report:
    return Report(
        train=InputSummary("train.parquet", "parquet", ("train.parquet",), 1000),
        serving=InputSummary("serving.parquet", "parquet", ("serving.parquet",), 1000),
        schema_path="schema.yaml",
        schema_sha256="5" * 64,
        findings=[],
        features=features,
        skewcheck_version="0.1.0",
        created_at="2026-12-01T06:00:00+00:00",
    )


def svgs(page: str) -> list[ET.Element]:
    """Every chart in a page, parsed as XML: a chart that is not well-formed fails here."""
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)]


def test_a_numeric_feature_with_no_training_values_gets_a_note_not_a_crash(tmp_path: Path) -> None:
    rows = 300
    pl.DataFrame({"x": pl.Series([None] * rows, dtype=pl.Float64), "y": np.arange(rows, dtype=float)}).write_parquet(
        tmp_path / "train.parquet"
    )
    pl.DataFrame({"x": np.arange(rows, dtype=float), "y": np.arange(rows, dtype=float)}).write_parquet(
        tmp_path / "serving.parquet"
    )
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float}\n  y: {type: float}\n")
    page = tmp_path / "r.html"
    invoke(["check", tmp_path / "train.parquet", tmp_path / "serving.parquet", "-s", schema, "--html", page], 1)
    text = page.read_text(encoding="utf-8")
    (card,) = [card for card in text.split("<article")[1:] if "x <span" in card]
    assert "<svg" not in card and charts.NO_BINS in card
    assert len(svgs(text)) == 1  # y's


def test_xml_invalid_characters_in_values_make_valid_charts(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    odd = ["nul\x00byte", "esc\x1b[31m", "tab\x0bvertical", "not\ufffechar"]
    pl.DataFrame({"c": rng.choice(["a", "b"], 400)}).write_parquet(tmp_path / "train.parquet")
    pl.DataFrame({"c": rng.choice(["a", "b", *odd], 400)}).write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  c: {type: category}\n")
    page = tmp_path / "r.html"
    invoke(["check", tmp_path / "train.parquet", tmp_path / "serving.parquet", "-s", schema, "--html", page], 1)
    (chart,) = svgs(page.read_text(encoding="utf-8"))
    labels = {text.text for text in chart.iter("text")}
    assert {"esc\\x1b[31m (unseen)", "not\\ufffechar (unseen)"} <= labels


def test_reasons_are_coloured_by_their_own_gate_and_skipped_cards_do_not_stretch() -> None:
    drifted = FeatureResult("city", FeatureType.CATEGORY)
    drifted = drifted.with_gate(Gate("jensen_shannon", 0.17, 0.1, 0.2, Status.WARN, "jensen_shannon 0.17 > warn 0.1"))
    drifted = drifted.with_gate(Gate("unseen_rate", 0.06, 0.01, 0.05, Status.FAIL, "6.0% unseen (> fail 5.0%)"))
    skipped = FeatureResult("order_ts", FeatureType.DATETIME, Status.SKIPPED, reasons=["drift: false in the schema"])
    page = html.render(_report([drifted, skipped]))
    assert '<p class="reason warn">jensen_shannon 0.17 &gt; warn 0.1</p>' in page
    assert '<p class="reason fail">6.0% unseen (&gt; fail 5.0%)</p>' in page
    assert '<p class="reason skipped">drift: false in the schema</p>' in page
    css = page[page.index("<style>") : page.index("</style>")]
    assert ".card .reason, .card .note { color: var(--dim); }" in css
    assert ".card .reason.fail, .card .reason.error { color: var(--fail); }" in css
    assert re.search(r"\.cards \{[^}]*align-items: start;", css)


# The history page.

START = dt.date(2026, 11, 1)


def _audit(index: int, psi: float, *, null_serving: float = 0.01) -> pl.DataFrame:
    """Day `index`: `drifting` with the given psi, `basket` failing on its null rate when null_serving is high,
    and three features no drift gate ever judges (a key, a timestamp, a label)."""
    features = []
    drifting = FeatureResult("drifting", FeatureType.FLOAT)
    drifting = replace(drifting, metrics={"psi": psi, "null_rate_train": 0.0, "null_rate_serving": 0.0})
    drifting = drifting.with_gate(Gate("psi", psi, 0.1, 0.25, _grade(psi), f"psi {psi}", noise=0.02))
    basket = FeatureResult("basket", FeatureType.FLOAT)
    basket = replace(basket, metrics={"psi": 0.02, "null_rate_train": 0.005, "null_rate_serving": null_serving})
    basket = basket.with_gate(Gate("psi", 0.02, 0.1, 0.25, Status.PASS, "", noise=0.02))
    rise = null_serving - 0.005
    basket = basket.with_gate(
        Gate("null_rate_increase", rise, 0.02, 0.05, _grade(rise, 0.02, 0.05), f"null rate +{rise:.1%}")
    )
    features += [drifting, basket]
    for name, kind in (
        ("request_id", FeatureType.STRING),
        ("order_ts", FeatureType.DATETIME),
        ("delivered", FeatureType.BOOL),
    ):
        features.append(FeatureResult(name, kind, Status.SKIPPED, reasons=["never drift-checked"]))
    day = START + dt.timedelta(days=index)
    report = _report(features)
    report = dataclasses.replace(report, created_at=f"{day + dt.timedelta(days=1)}T06:00:00+00:00")
    return history_rows.rows_from_report(report, partition=f"date={day}", baseline_id="b", run_id=f"run-{index}")


def _grade(value: float, warn: float = 0.1, fail: float = 0.25) -> Status:
    return Status.FAIL if value > fail else Status.WARN if value > warn else Status.PASS


PSI = [0.02, 0.03, 0.05, 0.04, 0.06, 0.08, 0.07, 0.09, 0.11, 9.5, 0.12, 0.14, 0.13, 0.16, 0.18, 0.2]


@pytest.fixture(scope="module")
def days() -> pl.DataFrame:
    return pl.concat([_audit(i, psi, null_serving=0.125 if i in (4, 11) else 0.01) for i, psi in enumerate(PSI)])


def test_features_never_drift_checked_are_left_out_of_the_charts_and_the_count(days: pl.DataFrame) -> None:
    page = history_html.html(overview(days))
    assert "2 drift-checked features, 16 partitions" in page
    assert len(svgs(page)) == 2 and "No data" not in page
    assert page.count("Never drift-checked, so not charted: ") == 1
    assert "Never drift-checked, so not charted: delivered, order_ts, request_id" in page
    text = history_table.table(overview(days), width=160)
    rows = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]
    assert sorted(rows) == ["basket", "drifting"]
    assert "Never drift-checked, so not charted: delivered, order_ts, request_id" in text


def test_one_huge_value_does_not_squash_the_thresholds(days: pl.DataFrame) -> None:
    fail = [0.25] * len(PSI)
    top = history_charts.scale_top(PSI, fail)
    assert top == pytest.approx(0.75)  # three times fail: above the 95th percentile of these values
    assert history_charts.scale_top([0.1, 0.2, 0.3], fail[:3]) is None  # everything in view: no cut
    assert history_charts.scale_top([0.1, 0.2, 1.2], fail[:3]) is None  # less than twice the top: no cut
    assert history_charts.scale_top([0.1] * 30 + [1.0, 1.2, 9.0], [0.25] * 33) == 1.0  # the 95th percentile
    page = history_html.html(overview(days))
    chart = next(svg for svg in svgs(page) if svg.findtext("title") == "drifting: psi per partition")
    axis = [float(t.text) for t in chart.iter("text") if t.text and re.fullmatch(r"[0-9.]+", t.text)]
    assert max(axis) <= 0.8  # the scale stops near 0.75, not at 9.5
    tips = [t.text for t in chart.iter("title") if t.text and t.text.startswith("date=2026-11-10")]
    assert tips and all(tip == f"date=2026-11-10: 9.5 ({history_charts.ABOVE})" for tip in tips)
    legend = [t.text for t in chart.iter("text") if t.text == history_charts.ABOVE]
    assert legend == [history_charts.ABOVE]
    assert "The scale stops at 0.75; 1 partition above it (up to 9.5) is drawn on the top edge in red." in page
    assert ".pygal-chart .color-3" in page  # the shared stylesheet colours those points too
    spark = history_table.table(overview(days), width=160).splitlines()
    (row,) = [line for line in spark if line.startswith("│ drifting")]
    assert "▂▂▂" in row  # the sparkline is on the same scale: the ordinary partitions are not all flat
    flat = next(svg for svg in svgs(page) if svg.findtext("title") == "basket: psi per partition")
    assert history_charts.ABOVE not in {t.text for t in flat.iter("text")}


def test_partitions_failing_on_another_gate_say_which(days: pl.DataFrame) -> None:
    page = history_html.html(overview(days))
    assert "failed on null rate in 2 partitions: date=2026-11-05 (0.5% → 12.5%), date=2026-11-12 (0.5% → 12.5%)" in page
    assert '2 <span class="other">(2 on null rate)</span>' in page
    text = history_table.table(overview(days), width=160)
    (row,) = [line for line in text.splitlines() if line.startswith("│ basket")]
    assert row.split("│")[8].strip() == "2"  # the count; the gate is named under the table
    assert "basket failed on null rate in 2 partitions: date=2026-11-05 (0.5% → 12.5%), date=2026-11-12" in text
    drifting = next(one for one in overview(days).features if one.feature == "drifting")
    assert history_text.other_failures(drifting) == []  # its failures are drift


@pytest.mark.parametrize(
    ("status", "value", "noise", "nulls", "unseen", "gate"),
    [
        ("fail", 0.4, 0.02, (0.0, 0.0), None, None),  # drift failed
        ("error", None, None, (0.0, 0.0), None, None),  # drift could not compare
        ("pass", 0.01, 0.02, (0.0, 0.3), None, None),
        ("fail", 0.01, 0.02, (0.005, 0.125), None, ("null rate", "0.5% → 12.5%")),
        ("fail", 0.17, 0.02, (0.0, 0.0), 0.061, ("unseen values", "6.1%")),
        ("fail", 0.3, 0.5, (0.0, 0.0), 0.07, ("unseen values", "7.0%")),  # drift above fail, but within noise
        ("fail", 0.01, 0.02, (0.0, 0.0), 0.0, ("another gate", "")),
    ],
)
def test_the_gate_a_partition_failed_on(
    status: str,
    value: float | None,
    noise: float | None,
    nulls: tuple[float, float],
    unseen: float | None,
    gate: tuple[str, str] | None,
) -> None:
    row = {
        "status": status,
        "gate_value": value,
        "warn": 0.1,
        "fail": 0.25,
        "noise": noise,
        "null_rate_train": nulls[0],
        "null_rate_serving": nulls[1],
        "unseen_rate": unseen,
    }
    assert history_text.other_gate(row) == gate


def test_a_feature_that_never_compared_gets_a_note_instead_of_an_empty_chart() -> None:
    from tests.history_data import frame

    page = history_html.html(overview(frame({"broken": [None, None, None], "fine": [0.01, 0.02, 0.03]})))
    assert "2 drift-checked features" in page and "Never drift-checked" not in page
    assert [svg.findtext("title") for svg in svgs(page)] == ["fine: psi per partition"]
    assert "No value to draw: the drift gate could not compare in any partition. 3 failing" in page


@pytest.mark.parametrize(
    ("failed_gates", "gate"),
    [
        ("psi", None),  # the drift gate itself
        ("trend of psi", ("trend of psi", "")),
        ("out_of_range_rate", ("out of range", "7.2%")),
        ("null_rate_increase; trend of psi", ("null rate and trend of psi", "0.5% → 12.5%")),
    ],
)
def test_a_recorded_gate_is_named_whatever_the_rates(failed_gates: str, gate: tuple[str, str] | None) -> None:
    """The history records the gates that failed: the trend and out-of-range gates are named, never "another"."""
    row = {
        "status": "fail",
        "gate_metric": "psi",
        "gate_value": 0.01,
        "warn": 0.1,
        "fail": 0.25,
        "noise": 0.02,
        "null_rate_train": 0.005,
        "null_rate_serving": 0.125,
        "unseen_rate": None,
        "out_of_range_rate": 0.072,
        "failed_gates": failed_gates,
    }
    assert history_text.other_gate(row) == gate
