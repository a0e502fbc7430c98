"""A finished Report as rows of the history store: one row per feature, the run's facts beside it.

It lives in audit, not in history, because it reads a Report: the store below knows only its own columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Status
from skewcheck.history import store

_FAILED = (Status.FAIL, Status.ERROR)


def rows_from_report(report: Report, *, partition: str, baseline_id: str, run_id: str) -> pl.DataFrame:
    """One row per feature of one partition's audit: the run's facts, the verdict, the gate and the metrics."""
    store.folder_for(Path(), partition)  # a label that cannot name a folder fails here, before the audit is stored
    common = {
        "run_id": run_id,
        "run_at": _run_at(report.created_at),
        "partition": partition,
        "partition_date": store.partition_date(partition),
        "baseline": report.train.spec if report.train is not None else "",
        "baseline_id": baseline_id,
        "serving": report.serving.spec if report.serving is not None else None,
        "schema_sha256": report.schema_sha256,
        "skewcheck_version": report.skewcheck_version,
        "serving_rows": report.serving.rows if report.serving is not None else None,
        "run_status": str(report.status),
        "exit_code": int(report.exit_code),
    }
    records = [{**common, **_feature_columns(feature)} for feature in report.features]
    return pl.DataFrame(records, schema=store.SCHEMA)


def pending_rows(features: list[FeatureResult], *, partition: str, baseline_id: str, run_id: str) -> pl.DataFrame:
    """An audit's rows before its Report is made, for the trend gates that decide it: each feature's gate and
    metrics, and which run, partition and baseline they belong to; the run's verdict columns are null."""
    common = {
        "run_id": run_id,
        "run_at": dt.datetime.now(dt.UTC),
        "partition": partition,
        "partition_date": store.partition_date(partition),
        "baseline_id": baseline_id,
    }
    return pl.DataFrame([{**common, **_feature_columns(feature)} for feature in features], schema=store.SCHEMA)


def _feature_columns(feature: FeatureResult) -> dict[str, object]:
    gate = feature.drift_gate
    metrics = {name: _float(feature.metrics.get(name)) for name in store.METRIC_COLUMNS}
    return {
        "feature": feature.name,
        "type": str(feature.type),
        "status": str(feature.status),
        # The views name the gate a partition failed on: the drift gate, the null rate, a trend gate.
        "failed_gates": "; ".join(g.metric for g in feature.gates if g.status in _FAILED) or None,
        "gate_metric": gate.metric if gate is not None else None,
        "gate_value": _float(gate.value) if gate is not None else None,
        "warn": gate.warn if gate is not None else None,
        "fail": gate.fail if gate is not None else None,
        "noise": _float(gate.noise) if gate is not None else None,
        **metrics,
    }


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _run_at(created_at: str) -> dt.datetime:
    if not created_at:
        return dt.datetime.now(dt.UTC)
    moment = dt.datetime.fromisoformat(created_at)
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
