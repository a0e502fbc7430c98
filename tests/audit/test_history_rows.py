"""A Report as history rows: every FeatureResult field in its column, the run's facts beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from skewcheck.audit.history_rows import pending_rows, rows_from_report
from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.errors import UsageError
from skewcheck.history import store
from skewcheck.io.sources import InputSummary
from skewcheck.schema.model import FeatureType

IDS = {"partition": "date=2026-11-20", "baseline_id": "baseline-1", "run_id": "run-1"}
METRICS = {name: np.float64(0.001 * (index + 1)) for index, name in enumerate(store.METRIC_COLUMNS)}


def drifted() -> FeatureResult:
    result = FeatureResult("distance_km", FeatureType.FLOAT)
    result = replace(result, metrics=dict(METRICS))  # numpy floats, as the comparison computes them
    result = result.with_gate(
        Gate("psi", np.float64(0.3), 0.1, 0.25, Status.FAIL, "psi 0.3 > fail 0.25", noise=np.float64(0.02))
    )
    result = result.with_gate(Gate("trend of psi", 0.3, 0.1, 0.25, Status.WARN, "rising"))  # not the drift gate
    return result


def report(features: list[FeatureResult], created_at: str = "2026-11-21T08:30:00+02:00") -> Report:
    return Report(
        InputSummary("train.parquet", "parquet", ("train.parquet",), 1000),
        InputSummary("exports/date=2026-11-20/", "parquet", ("exports/date=2026-11-20/a.parquet",), 500),
        "schema.yaml",
        "ab" * 32,
        [],
        features,
        skewcheck_version="9.9.9",
        created_at=created_at,
    )


def test_every_field_of_a_feature_and_of_the_run_lands_in_its_column() -> None:
    skipped = FeatureResult("city", FeatureType.STRING, Status.SKIPPED, reasons=["drift: false"])
    rows = rows_from_report(report([drifted(), skipped]), **IDS)
    assert rows.schema == store.SCHEMA
    first, second = rows.to_dicts()
    assert first == {
        "run_id": "run-1",
        "run_at": dt.datetime(2026, 11, 21, 6, 30, tzinfo=dt.UTC),  # +02:00 stored as UTC
        "partition": "date=2026-11-20",
        "partition_date": dt.date(2026, 11, 20),
        "baseline": "train.parquet",
        "baseline_id": "baseline-1",
        "serving": "exports/date=2026-11-20/",
        "schema_sha256": "ab" * 32,
        "skewcheck_version": "9.9.9",
        "serving_rows": 500,
        "feature": "distance_km",
        "type": "float",
        "status": "fail",
        "gate_metric": "psi",
        "gate_value": 0.3,
        "warn": 0.1,
        "fail": 0.25,
        "noise": 0.02,
        **{name: pytest.approx(float(value)) for name, value in METRICS.items()},
        "run_status": "fail",
        "exit_code": 1,
        "failed_gates": "psi",  # the gates that failed, by name: the history view names them
    }
    assert (second["feature"], second["type"], second["status"]) == ("city", "string", "skipped")
    gate_and_metrics = ["gate_metric", "gate_value", "warn", "fail", "noise", "failed_gates", *store.METRIC_COLUMNS]
    assert all(second[column] is None for column in gate_and_metrics)
    assert second["run_id"] == "run-1" and second["exit_code"] == 1  # the run's facts on every row


def test_a_naive_creation_time_is_utc() -> None:
    rows = rows_from_report(report([drifted()], created_at="2026-11-21T08:30:00"), **IDS)
    assert rows["run_at"].to_list() == [dt.datetime(2026, 11, 21, 8, 30, tzinfo=dt.UTC)]


def test_a_validate_report_has_no_baseline() -> None:
    validated = Report(None, None, "schema.yaml", "ab" * 32, [], [drifted()], created_at="2026-11-21T08:30:00Z")
    (row,) = rows_from_report(validated, **IDS).to_dicts()
    assert (row["baseline"], row["serving"], row["serving_rows"]) == ("", None, None)


@pytest.mark.parametrize("partition", ["", "x" * 300])
def test_a_label_that_cannot_name_a_folder_is_refused(partition: str) -> None:
    with pytest.raises(UsageError, match="partition"):
        rows_from_report(report([drifted()]), partition=partition, baseline_id="baseline-1", run_id="run-1")


def test_pending_rows_carry_the_gate_and_metrics_and_no_verdict() -> None:
    before = dt.datetime.now(dt.UTC)
    (row,) = pending_rows([drifted()], **IDS).to_dicts()
    assert (row["feature"], row["status"], row["gate_metric"], row["gate_value"], row["noise"]) == (
        "distance_km",
        "fail",
        "psi",
        0.3,
        0.02,
    )
    assert row["partition_date"] == dt.date(2026, 11, 20) and row["run_at"] >= before
    assert all(row[column] is None for column in ("baseline", "serving", "run_status", "exit_code", "schema_sha256"))
    assert pl.DataFrame([row], schema=store.SCHEMA).schema == store.SCHEMA
