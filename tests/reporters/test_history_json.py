"""The history as JSON: the fields documented, the stored rows recoverable, no NaN."""

from __future__ import annotations

import json

import polars as pl
import pytest

from skewcheck.history import store as history
from skewcheck.history.series import Overview, overview
from skewcheck.reporters import history_json
from tests.history_data import label, rows


def test_json_round_trip(days: pl.DataFrame, view: Overview) -> None:
    document = json.loads(history_json.to_json(view))
    assert document["version"] == history_json.JSON_VERSION
    features = {feature["feature"]: feature for feature in document["features"]}
    assert list(features) == ["slide", "break", "flat"]
    for feature in features.values():
        assert list(feature) == list(history_json.FEATURE_FIELDS)
        for partition in feature["partitions"]:
            assert list(partition) == list(history_json.PARTITION_FIELDS)
    rebuilt = pl.DataFrame(
        [{"feature": name, **point} for name, feature in features.items() for point in feature["partitions"]]
    ).select(
        "feature",
        "partition",
        pl.col("date").str.to_date(),
        pl.col("run_at").str.to_datetime(time_zone="UTC"),
        "run_id",
        "status",
        pl.col("value").cast(pl.Float64),
    )
    stored = history.latest(days).select(
        "feature",
        "partition",
        pl.col("partition_date").alias("date"),
        "run_at",
        "run_id",
        "status",
        pl.col("gate_value").alias("value"),
    )
    assert rebuilt.sort("feature", "partition").equals(stored.sort("feature", "partition"))
    assert features["break"]["partitions"][14]["value"] is None
    assert features["slide"]["slope"] == pytest.approx(0.01)
    assert features["slide"]["fail_partitions"] == 6


def test_json_has_no_nan(days: pl.DataFrame) -> None:
    broken = pl.concat([days, rows(30, {"slide": float("nan")})])
    text = history_json.to_json(overview(broken))
    assert "NaN" not in text and "Infinity" not in text
    last = json.loads(text)["features"][0]["partitions"][-1]
    assert (last["partition"], last["value"]) == (label(30), None)
