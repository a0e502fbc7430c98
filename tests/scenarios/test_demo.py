"""The shipped demo: each deliberate skew in the fixtures is caught, and nothing else is flagged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from fixtures import generate
from skewcheck import ExitCode, Report, run
from skewcheck.audit.options import Options
from skewcheck.drift.gates import Status
from skewcheck.reporters import json_report
from skewcheck.schema.model import Severity
from skewcheck.validation.findings import Check
from tests.helpers import FIXTURES


@pytest.fixture(scope="module")
def report() -> Report:
    return run(str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), FIXTURES / "schema.yaml")


def statuses(report: Report) -> dict[str, Status]:
    return {feature.name: feature.status for feature in report.features}


def test_the_demo_fails_on_the_schema(report: Report) -> None:
    assert report.exit_code is ExitCode.SCHEMA_FAILED
    assert (report.train.rows, report.serving.rows) == (generate.TRAINING_ROWS, generate.SERVING_ROWS)


def test_each_injected_skew_is_caught_by_the_right_gate(report: Report) -> None:
    features = {feature.name: feature for feature in report.features}
    # The unit change and the default fill move the distribution.
    assert features["distance_km"].status is Status.FAIL
    assert features["distance_km"].reasons[0].startswith("psi ")
    # An 18% default fill of 0.0 puts 26.5% of serving in training's lowest decile bin: a textbook decile PSI of
    # 0.19, only a warning (the open outer bin holds a tenth of training). The fill is below training's minimum:
    # out_of_range_rate fails it.
    prep = features["prep_time_min"]
    assert prep.status is Status.FAIL
    assert prep.reasons[0].startswith("psi ")
    assert prep.metrics["psi"] == pytest.approx(0.195, abs=0.005)
    assert [g.metric for g in prep.gates if g.status is Status.FAIL] == ["out_of_range_rate"]
    assert prep.metrics["out_of_range_rate"] == pytest.approx(0.183, abs=0.001)
    assert prep.reasons[1] == "out_of_range_rate 18.3% > fail 5.0%: serving values below training's minimum 0.5"
    # The traffic API outage is a null-rate jump, not a distribution change.
    traffic = features["traffic_index"]
    assert traffic.status is Status.FAIL
    assert [g.metric for g in traffic.gates if g.status is Status.FAIL] == ["null_rate_increase"]
    # The new city is unseen in training and outside the declared values.
    city = features["city"]
    assert city.status is Status.FAIL
    assert city.metrics["unseen_rate"] == pytest.approx(0.06, abs=0.01)


def test_clean_features_pass(report: Report) -> None:
    clean = ["items_count", "basket_value", "hour_of_day", "is_weekend", "vehicle", "weather", "courier_rating"]
    assert {name: statuses(report)[name] for name in clean} == dict.fromkeys(clean, Status.PASS)


def test_keys_labels_and_timestamps_are_skipped(report: Report) -> None:
    assert {n for n, s in statuses(report).items() if s is Status.SKIPPED} == {
        "request_id",
        "order_ts",
        "delivery_minutes",
    }


def test_schema_findings_are_the_new_city_and_the_string_rating(report: Report) -> None:
    problems = {
        (str(f.dataset), f.feature, str(f.check), str(f.severity))
        for f in report.findings
        if f.severity is not Severity.INFO
    }
    assert problems == {
        ("serving", "city", "domain", "fail"),
        ("serving", "courier_rating", "type", "warn"),
    }
    unexpected = {f.feature for f in report.findings if f.check is Check.UNEXPECTED_COLUMN}
    assert unexpected == {"ts", "model_version", "prediction"}


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    """Regenerating gives the shipped serving log byte for byte and the same training rows."""
    generate.main(tmp_path)
    assert (tmp_path / "serving.jsonl.gz").read_bytes() == (FIXTURES / "serving.jsonl.gz").read_bytes()
    assert_frame_equal(pl.read_parquet(tmp_path / "train.parquet"), pl.read_parquet(FIXTURES / "train.parquet"))


def test_training_rows_are_a_recomputation_of_logged_requests() -> None:
    train_ids = set(pl.read_parquet(FIXTURES / "train.parquet").get_column("request_id"))
    serving_ids = set(pl.read_ndjson(FIXTURES / "serving.jsonl.gz").get_column("request_id"))
    assert train_ids < serving_ids


def _gates(record: Any) -> Iterator[dict[str, Any]]:
    """Every gate record anywhere in a JSON report: a mapping with a metric, a status and a reason."""
    if isinstance(record, dict):
        if {"metric", "status", "reason"} <= record.keys():
            yield record
        for value in record.values():
            yield from _gates(value)
    elif isinstance(record, list):
        for value in record:
            yield from _gates(value)


def test_every_gate_that_did_not_pass_starts_its_reason_with_its_metric() -> None:
    # Joined on the key, so the row-level gates (join rate, mismatch rates) are in the report too.
    keyed = run(
        str(FIXTURES / "train.parquet"),
        str(FIXTURES / "serving.jsonl.gz"),
        FIXTURES / "schema.yaml",
        Options(keys=("request_id",)),
    )
    gates = list(_gates(json.loads(json_report.render(keyed))))
    failing = [gate for gate in gates if gate["status"] != "pass"]
    assert {gate["metric"] for gate in failing} >= {
        "psi",
        "out_of_range_rate",
        "unseen_rate",
        "null_rate_increase",
        "mismatch_rate",
    }
    assert [gate["reason"] for gate in failing if not gate["reason"].startswith(f"{gate['metric']} ")] == []
