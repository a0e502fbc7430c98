"""The JSON report: the fields of version 1, and one shape for every gate."""

from __future__ import annotations

import pytest

from skewcheck.schema.registry import METRICS
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
            "out_of_range_rate",
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
        assert "0.0001" in definitions["psi_smoothing"] and "0.0001" in definitions["psi"]
        assert "quantiles 0.1, 0.2" in definitions["numeric_bins"] and "(q9, inf)" in definitions["numeric_bins"]


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
