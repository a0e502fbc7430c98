"""The history as JSON, for machines: every feature's series, worst first (failed, warned, trend).

Version 1: {"version": 1, "features": [...]}, each feature with the fields in FEATURE_FIELDS and its
"partitions", each with the fields in PARTITION_FIELDS. Numbers that are not finite, and values that do
not exist, are null; dates are ISO 8601, times UTC. Features no drift gate ever judged are kept. Which
partitions a feature lists is `skewcheck.history.series`' rule, the one the trend gates judge by.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from skewcheck.history.series import Overview, finite

JSON_VERSION = 1
FEATURE_FIELDS = {
    "feature": "the feature's name",
    "gate_metric": "the metric its drift gate judges, in the newest partition with a value",
    "warn": "the gate's warn threshold, in the newest partition with a value",
    "fail": "the gate's fail threshold, in the newest partition with a value",
    "latest": "the gate metric in the newest partition that has one",
    "min": "the smallest gate metric over the partitions",
    "max": "the largest gate metric over the partitions",
    "slope": "least-squares slope of the gate metric per partition (null with fewer than two values)",
    "fail_partitions": "partitions where the feature's status was fail or error",
    "warn_partitions": "partitions where the feature's status was warn",
    "partitions": "one object per partition, oldest first",
}
PARTITION_FIELDS = {
    "partition": "the partition's label",
    "date": "its date (from the label, else the run's date)",
    "run_id": "the run that audited it last",
    "run_at": "when that run started (UTC, ISO 8601)",
    "baseline_id": "the baseline it was audited against",
    "schema_sha256": "the schema it was audited with",
    "status": "the feature's status: pass, warn, fail, error or skipped",
    "value": "the gate metric (null when skipped or not comparable)",
    "warn": "the gate's warn threshold",
    "fail": "the gate's fail threshold",
}


def to_json(view: Overview) -> str:
    """The history per feature, worst first (failed, warned, trend) (fields in FEATURE_FIELDS and PARTITION_FIELDS)."""
    features = [
        {
            "feature": one.feature,
            "gate_metric": one.metric or None,
            "warn": one.warn,
            "fail": one.fail,
            "latest": one.latest,
            "min": min(one.present, default=None),
            "max": max(one.present, default=None),
            "slope": one.slope,
            "fail_partitions": one.count("fail", "error"),
            "warn_partitions": one.count("warn"),
            "partitions": [_partition_record(row) for row in one.rows],
        }
        for one in view.features
    ]
    return json.dumps({"version": JSON_VERSION, "features": features}, indent=2, ensure_ascii=False) + "\n"


def _partition_record(row: dict[str, Any]) -> dict[str, Any]:
    date, run_at = row["date"], row["run_at"]
    return {
        "partition": row["partition"],
        "date": date.isoformat() if isinstance(date, dt.date) else None,
        "run_id": row["run_id"],
        "run_at": run_at.astimezone(dt.UTC).isoformat() if isinstance(run_at, dt.datetime) else None,
        "baseline_id": row["baseline_id"],
        "schema_sha256": row["schema_sha256"],
        "status": row["status"],
        "value": finite(row["gate_value"]),
        "warn": finite(row["warn"]),
        "fail": finite(row["fail"]),
    }
