"""The README's cloud cron recipe against moto's S3 on 127.0.0.1: exports and the history both in the bucket."""

from __future__ import annotations

import polars as pl

from tests.cloud import Bucket
from tests.helpers import FIXTURES, invoke


def test_daily_exports_in_a_bucket_audited_with_the_history_in_the_bucket(bucket: Bucket) -> None:
    train = pl.read_parquet(FIXTURES / "train.parquet").select("distance_km", "city")
    bucket.put_parquet("model/train.parquet", train)
    schema = "features:\n  distance_km: {type: float}\n  city: {type: string}\n"
    bucket.put("model/schema.yaml", schema.encode())
    for day, shift in (("2026-11-20", 0.0), ("2026-11-21", 0.0), ("2026-11-22", 5.0)):
        sample = train.sample(2000, seed=int(day[-2:])).with_columns(pl.col("distance_km") + shift)
        bucket.put_parquet(f"exports/date={day}/part-0.parquet", sample)
    history = bucket.url("skew-history/")
    common = ["-s", bucket.url("model/schema.yaml"), "--history", history, "--each", "date", "-f", "json"]
    first = invoke(["check", bucket.url("model/train.parquet"), bucket.url("exports/date=*/"), *common], 1)
    assert [part["report"]["exit_code"] for part in first.json()["partitions"]] == [0, 0, 1]
    again = invoke(["check", bucket.url("model/train.parquet"), bucket.url("exports/"), *common, "--skip-done"], 0)
    assert {part.get("skipped") for part in again.json()["partitions"]} == {"already in the history"}
    stored = pl.read_delta(history)  # any Delta reader, straight from the bucket
    assert sorted(set(stored["partition"])) == ["date=2026-11-20", "date=2026-11-21", "date=2026-11-22"]
    assert stored.group_by("partition").len()["len"].n_unique() == 1  # each audit once, whole
    view = invoke(["history", history, "--feature", "distance_km", "--json"], 0)
    assert "distance_km" in view.stdout
    assert not [key for key in bucket.keys("skew-history") if key.endswith(".tmp")]
    # The README's cron line: yesterday's folder alone, no --each; the partition is named by its date folder.
    bucket.put_parquet("exports/date=2026-11-23/part-0.parquet", train.sample(2000, seed=23))
    report = bucket.url("reports/skew-2026-11-23.json")
    daily = ["--history", history, "--skip-done", "--retain", "100000", "--json", report, "-q"]
    invoke(["check", bucket.url("model/train.parquet"), bucket.url("exports/date=2026-11-23/"), *common[:2], *daily], 0)
    assert "date=2026-11-23" in set(pl.read_delta(history)["partition"])
    assert b'"exit_code": 0' in bucket.get("reports/skew-2026-11-23.json")
