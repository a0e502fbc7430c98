"""The reports: JSON fields of version 1, where each output goes, and the terminal table's content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skewcheck.audit.report import Report
from skewcheck.errors import ExitCode
from skewcheck.schema.model import Dataset, Severity
from skewcheck.schema.registry import METRICS
from skewcheck.validation.findings import Check, Finding
from tests.helpers import FIXTURES, invoke

DEMO = [
    "check",
    str(FIXTURES / "train.parquet"),
    str(FIXTURES / "serving.jsonl.gz"),
    "--schema",
    str(FIXTURES / "schema.yaml"),
]


@pytest.fixture(scope="module")
def records() -> dict[str, object]:
    outcome = invoke([*DEMO, "--json", "-"], 3)
    parsed = outcome.json()
    assert isinstance(parsed, dict)
    return parsed


class TestJsonReport:
    def test_top_level_fields(self, records: dict[str, object]) -> None:
        assert {"status", "exit_code", "train", "serving", "schema_findings", "features"} <= set(records)
        assert (records["version"], records["status"], records["exit_code"]) == (1, "fail", 3)
        assert records["train"] == {
            "spec": str(FIXTURES / "train.parquet"),
            "format": "parquet",
            "paths": [str(FIXTURES / "train.parquet")],
            "rows": 14_000,
            "sampled_rows": None,
        }
        schema = records["schema"]
        assert isinstance(schema, dict)
        assert len(schema["sha256"]) == 64

    def test_findings_have_the_documented_fields(self, records: dict[str, object]) -> None:
        findings = records["schema_findings"]
        assert isinstance(findings, list)
        for finding in findings:
            assert set(finding) == {"dataset", "feature", "check", "severity", "count", "rate", "examples", "message"}
        assert findings[0]["severity"] == "fail"  # failures first
        city = next(f for f in findings if f["feature"] == "city")
        assert (city["dataset"], city["check"], city["examples"]) == ("serving", "domain", ["Leipzig"])
        assert city["rate"] == pytest.approx(city["count"] / 20_000)

    def test_features_have_the_documented_fields(self, records: dict[str, object]) -> None:
        features = {f["name"]: f for f in records["features"]}  # type: ignore[attr-defined]
        distance = features["distance_km"]
        assert {"name", "type", "status", "gate", "metrics", "reasons"} <= set(distance)
        assert distance["gate"]["metric"] == "psi"
        assert distance["gate"]["value"] == distance["metrics"]["psi"]
        assert (distance["gate"]["warn"], distance["gate"]["fail"]) == (0.1, 0.25)
        assert set(distance["metrics"]) == {
            "psi",
            "jensen_shannon",
            "wasserstein",
            "ks_statistic",
            "ks_pvalue",
            "null_rate_train",
            "null_rate_serving",
        }
        assert set(features["city"]["metrics"]) == {
            "psi",
            "jensen_shannon",
            "linf",
            "chi2_pvalue",
            "unseen_rate",
            "null_rate_train",
            "null_rate_serving",
        }
        skipped = features["request_id"]
        assert (skipped["status"], skipped["gate"]) == ("skipped", None)
        assert skipped["reasons"] == ["key feature: never drift-checked"]

    def test_definitions_state_the_ambiguous_ones(self, records: dict[str, object]) -> None:
        definitions = records["definitions"]
        assert isinstance(definitions, dict)
        assert set(METRICS) <= set(definitions)
        assert "base-2" in definitions["jensen_shannon"]
        assert "0.5" in definitions["psi_smoothing"]
        assert "quantiles" in definitions["numeric_bins"]


class TestOutputs:
    def test_json_to_stdout_leaves_the_summary_on_stderr(self) -> None:
        outcome = invoke([*DEMO, "--json", "-"], 3)
        json.loads(outcome.stdout)
        assert outcome.stderr.startswith("FAIL: 4 of 11 features drifted")

    def test_format_json_prints_the_same_report(self, tmp_path: Path) -> None:
        """`--format json` prints, byte for byte, the report `--json PATH` writes in the same run."""
        target = tmp_path / "report.json"
        outcome = invoke([*DEMO, "--format", "json", "--json", str(target)], 3)
        assert outcome.stdout == target.read_text(encoding="utf-8")
        assert (
            outcome.json()["summary"]
            == "FAIL: 4 of 11 features drifted, 1 schema violation in serving, 1 schema warning in serving"
        )

    def test_json_file_is_written_and_the_table_still_printed(self, tmp_path: Path) -> None:
        target = tmp_path / "report.json"
        outcome = invoke([*DEMO, "--json", str(target)], 3)
        assert json.loads(target.read_text())["exit_code"] == 3
        assert "Schema findings" in outcome.stdout
        assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind

    def test_refuses_to_write_over_an_input(self, tmp_path: Path) -> None:
        schema = tmp_path / "schema.yaml"
        schema.write_bytes((FIXTURES / "schema.yaml").read_bytes())
        before = schema.read_bytes()
        args = ["check", str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), "-s", str(schema)]
        outcome = invoke([*args, "--json", str(schema)], 2)
        assert "refusing to write the report over an input file" in outcome.stderr
        assert schema.read_bytes() == before

    def test_quiet_prints_only_the_summary(self) -> None:
        outcome = invoke([*DEMO, "--quiet"], 3)
        assert outcome.stdout.strip() == (
            "FAIL: 4 of 11 features drifted, 1 schema violation in serving, 1 schema warning in serving"
        )


class TestTable:
    def test_worst_features_first_then_findings_then_summary(self) -> None:
        text = invoke(DEMO, 3).stdout
        order = [text.index(name) for name in ("prep_time_min", "traffic_index", "basket_value", "request_id")]
        assert order == sorted(order)
        assert text.index("Features") < text.index("Schema findings") < text.index("FAIL: 4 of 11")
        assert "info: serving has columns the schema does not mention: ts, model_version, prediction" in text
        assert "null rate rose from 0.5% to 12.5%" in text

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
    assert distance.histogram.serving[1] > 3 * distance.histogram.train[1]
    records = report.to_records()
    city = next(f for f in records["features"] if f["name"] == "city")
    assert len(city["histogram"]["serving"]) == len(city["histogram"]["train"])


def test_category_histogram_names_the_unseen_values_and_buckets_the_rest() -> None:
    from skewcheck import run

    report = run(str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), FIXTURES / "schema.yaml")
    city = next(feature for feature in report.features if feature.name == "city")
    histogram = city.histogram
    assert histogram is not None and histogram.categories is not None and histogram.unseen is not None
    assert histogram.unseen == ["Leipzig"]
    assert "Leipzig" not in histogram.categories
    assert len(histogram.train) == len(histogram.categories) + len(histogram.unseen) + 2
    leipzig = len(histogram.categories)
    assert histogram.train[leipzig] == 0.0
    assert histogram.serving[leipzig] == pytest.approx(city.metrics["unseen_rate"])
    assert sum(histogram.train) == pytest.approx(1.0) and sum(histogram.serving) == pytest.approx(1.0)


def test_category_histogram_keeps_the_largest_categories_and_sums_the_rest() -> None:
    from skewcheck.drift.features import HISTOGRAM_CATEGORIES, compare_feature
    from skewcheck.profiling.profiles import CategoricalProfile
    from skewcheck.schema.model import Defaults, Feature, FeatureType

    # 20 trained values of falling frequency; serving adds two values nobody trained on.
    train_counts = {f"v{i:02d}": 100 - i for i in range(20)}
    serving_counts = {**train_counts, "new1": 50, "new2": 5}
    feature = Feature("f", FeatureType.CATEGORY, drift=Defaults().categorical)
    result = compare_feature(
        feature,
        CategoricalProfile(rows=sum(train_counts.values()), nulls=0, counts=train_counts),
        CategoricalProfile(rows=sum(serving_counts.values()), nulls=0, counts=serving_counts),
    )
    histogram = result.histogram
    assert histogram is not None and histogram.categories is not None
    assert histogram.categories == [f"v{i:02d}" for i in range(HISTOGRAM_CATEGORIES)]
    assert histogram.unseen == ["new1", "new2"]
    train_total, serving_total = sum(train_counts.values()), sum(serving_counts.values())
    rest = sum(100 - i for i in range(HISTOGRAM_CATEGORIES, 20))
    assert histogram.train[-2] == pytest.approx(rest / train_total)
    assert histogram.serving[-2] == pytest.approx(rest / serving_total)
    assert histogram.serving[-1] == 0.0  # both unseen values are shown by name
    assert histogram.serving[len(histogram.categories)] == pytest.approx(50 / serving_total)


def test_a_report_never_changes_once_made() -> None:
    import dataclasses

    finding = Finding(Dataset.SERVING, "amount", Check.NULL, Severity.FAIL, 1, 1.0, (), "1 null")
    passed = [finding]
    report = Report(train=None, serving=None, schema_path="s.yaml", schema_sha256="", findings=passed, features=[])
    assert report.exit_code == ExitCode.SCHEMA_FAILED
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.created_at = "2026-01-01T00:00:00+00:00"  # type: ignore[misc]
    passed.clear()  # the caller's list is not the report's
    with pytest.raises(AttributeError):
        report.findings.clear()  # type: ignore[attr-defined]
    assert report.findings == (finding,)
    assert report.exit_code == ExitCode.SCHEMA_FAILED


def test_every_gate_has_one_json_shape() -> None:
    """Drift, null-rate, unseen, join and row gates: the same seven fields wherever a gate stands."""
    document = invoke([*DEMO, "--key", "request_id", "--json", "-"], 3).json()
    gates = [feature["gate"] for feature in document["features"] if feature["gate"] is not None]
    gates += [gate for feature in document["features"] for gate in feature["gates"]]
    gates += document["row_skew"]["gates"] + [f["gate"] for f in document["row_skew"]["features"] if f["gate"]]
    assert len(gates) > 20
    assert {tuple(gate) for gate in gates} == {("metric", "value", "warn", "fail", "noise", "status", "reason")}
    drift = next(feature for feature in document["features"] if feature["status"] == "fail")
    assert drift["gate"] == drift["gates"][0]  # the drift gate is the first of the feature's gates
    assert drift["gate"]["reason"] in drift["reasons"]
