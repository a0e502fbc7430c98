"""Reports and history rows made by hand, for the history, trend and history-view tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import polars as pl

from skewcheck.audit import history_rows
from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.history import store as history
from skewcheck.io.sources import InputSummary
from skewcheck.schema.model import FeatureType

WARN, FAIL = 0.1, 0.25
START = dt.date(2026, 11, 1)
SCHEMA_SHA = "5" * 64


def day(index: int) -> dt.date:
    return START + dt.timedelta(days=index)


def label(index: int) -> str:
    return f"date={day(index).isoformat()}"


def make_report(
    values: dict[str, float | None],
    *,
    created_at: str = "2026-12-01T06:00:00+00:00",
    schema_sha256: str = SCHEMA_SHA,
    metric: str = "psi",
) -> Report:
    """One feature per entry: its gate metric's value graded on warn 0.1 / fail 0.25, None for "cannot compare"."""
    features = []
    for name, value in values.items():
        result = FeatureResult(name, FeatureType.FLOAT)
        if value is None:
            result = result.with_gate(
                Gate(metric, None, WARN, FAIL, Status.ERROR, f"{metric} not computed: no non-null serving values")
            )
        else:
            status = Status.FAIL if value > FAIL else Status.WARN if value > WARN else Status.PASS
            result = replace(result, metrics={metric: value, "null_rate_train": 0.0, "null_rate_serving": 0.01})
            result = result.with_gate(Gate(metric, value, WARN, FAIL, status, f"{metric} {value}", noise=0.02))
        features.append(result)
    return Report(
        train=InputSummary("train.parquet", "parquet", ("train.parquet",), 1000),
        serving=InputSummary("serving.parquet", "parquet", ("serving.parquet",), 500),
        schema_path="schema.yaml",
        schema_sha256=schema_sha256,
        findings=[],
        features=features,
        skewcheck_version="0.1.0",
        created_at=created_at,
    )


def rows(
    index: int,
    values: dict[str, float | None],
    *,
    run: int = 0,
    baseline_id: str = "baseline-1",
    schema_sha256: str = SCHEMA_SHA,
    partition: str | None = None,
) -> pl.DataFrame:
    """Day `index`'s audit, run the morning after (plus `run` minutes: a later re-audit)."""
    moment = dt.datetime.combine(day(index + 1), dt.time(6, run), dt.UTC)
    report = make_report(values, created_at=moment.isoformat(), schema_sha256=schema_sha256)
    run_id = f"run-{index}-{run}-{baseline_id}"
    return history_rows.rows_from_report(
        report, partition=partition or label(index), baseline_id=baseline_id, run_id=run_id
    )


def frame(days: dict[str, list[float | None]]) -> pl.DataFrame:
    """A history in memory: feature -> its gate value on day 0, 1, 2, ..."""
    length = max(len(values) for values in days.values())
    parts = [rows(i, {name: values[i] for name, values in days.items() if i < len(values)}) for i in range(length)]
    return pl.concat(parts)


def write_days(directory: Path, days: dict[str, list[float | None]]) -> None:
    length = max(len(values) for values in days.values())
    for i in range(length):
        history.write(directory, rows(i, {name: values[i] for name, values in days.items() if i < len(values)}))
