"""The terminal table: worst first, a heading that traces the run, narrow terminals, the histograms' shapes."""

from __future__ import annotations

import pytest

from tests.helpers import FIXTURES, invoke

DEMO = [
    "check",
    str(FIXTURES / "train.parquet"),
    str(FIXTURES / "serving.jsonl.gz"),
    "--schema",
    str(FIXTURES / "schema.yaml"),
]


class TestTable:
    def test_worst_features_first_then_findings_then_summary(self) -> None:
        text = invoke(DEMO, 3).stdout
        order = [text.index(name) for name in ("prep_time_min", "traffic_index", "basket_value", "request_id")]
        assert order == sorted(order)
        assert text.index("Features") < text.index("Schema findings") < text.index("FAIL: 4 of 11")
        assert "info: serving has columns the schema does not mention: ts, model_version, prediction" in text
        # The reason column wraps; its cells read in order are the reasons.
        reasons = " ".join(line.split("│")[-2].strip() for line in text.splitlines() if line.count("│") > 2)
        assert "null_rate_increase +11.9% > fail 5.0%: null rate rose from 0.5% to 12.5%" in reasons

    def test_no_colour_codes_when_not_a_terminal(self) -> None:
        assert "\x1b[" not in invoke(DEMO, 3).stdout


def test_the_table_heading_traces_the_run() -> None:
    """An archived CI log says what was audited, against which schema, by which version, when."""
    from skewcheck.audit.stamps import skewcheck_version

    stdout = invoke(DEMO, 3).stdout
    heading = " ".join(stdout[: stdout.index("Features")].split())  # the heading wraps on long paths
    assert "train.parquet (14,000 rows) vs" in heading and "serving.jsonl.gz (20,000 rows)" in heading
    assert f"skewcheck {skewcheck_version()}" in heading
    records = invoke([*DEMO, "--json", "-"], 3).json()
    assert records["schema"]["sha256"][:12] in heading


@pytest.mark.parametrize("width", [80, 100, 160])
def test_the_table_fits_narrow_terminals_without_cutting_names(width: int) -> None:
    """A narrow terminal gets fewer columns, never truncated feature names or findings."""
    from skewcheck import run
    from skewcheck.reporters import table

    report = run(str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), FIXTURES / "schema.yaml")
    text = table.render(report, width=width)
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width
    for feature in report.features:
        assert f"│ {feature.name} " in text
    assert "'Leipzig'" in text
    assert ("shape train → serving" in text) == (width >= table.WIDE)  # the demo's wide table fits in 160


def test_drifted_features_show_both_histograms() -> None:
    from skewcheck import run
    from skewcheck.reporters.table import sparklines

    report = run(str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), FIXTURES / "schema.yaml")
    features = {feature.name: feature for feature in report.features}
    distance = features["distance_km"]
    assert distance.histogram is not None and distance.histogram.edges is not None
    train_shape, serving_shape = sparklines(distance).split(" → ")
    assert len(train_shape) == len(serving_shape) == len(distance.histogram.train)
    assert len(distance.histogram.train) == len(distance.histogram.edges) + 1
    assert train_shape != serving_shape
    assert sparklines(features["basket_value"]) == ""  # passing: nothing to look at
    for side in (distance.histogram.train, distance.histogram.serving):
        assert sum(side) == pytest.approx(1.0)
    # Miles instead of kilometres: serving piles into training's lowest bins.
    assert distance.histogram.serving[0] > 3 * distance.histogram.train[0]
    records = report.to_records()
    city = next(f for f in records["features"] if f["name"] == "city")
    assert len(city["histogram"]["serving"]) == len(city["histogram"]["train"])
