"""Delta Lake tables as inputs: written by deltalake itself, read through skewcheck at a version, on disk and in S3."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from deltalake import write_deltalake

from tests.cloud import Bucket
from tests.helpers import assert_one_line_error, invoke, write_schema

SCHEMA = "features:\n  x: {type: float}\n  city: {type: string}\n"


def _table(location: str, options: dict[str, str] | None = None) -> None:
    """Version 0: 300 rows; version 1: replaced by 200 other rows (version 0's file stays on disk, removed)."""
    first = pl.DataFrame({"x": [float(i % 10) for i in range(300)], "city": ["a", "b", "c"] * 100})
    second = pl.DataFrame({"x": [float(i % 7) + 50 for i in range(200)], "city": ["a", "b"] * 100})
    write_deltalake(location, first.to_arrow(), mode="append", storage_options=options)
    write_deltalake(location, second.to_arrow(), mode="overwrite", storage_options=options)


def _serving(tmp_path: Path) -> Path:
    path = tmp_path / "serving.parquet"
    pl.DataFrame({"x": [float(i % 10) for i in range(300)], "city": ["a", "b", "c"] * 100}).write_parquet(path)
    return path


def test_a_delta_table_is_read_at_its_latest_version_or_the_one_pinned(tmp_path: Path) -> None:
    _table(str(tmp_path / "table"))
    schema = write_schema(tmp_path / "s.yaml", SCHEMA)
    serving = _serving(tmp_path)
    for train in (f"delta://{tmp_path / 'table'}", str(tmp_path / "table")):  # named, or found by its log
        latest = invoke(["check", train, serving, "-s", schema, "-f", "json"], None).json()
        assert (latest["train"]["rows"], latest["train"]["format"], latest["train"]["version"]) == (200, "delta", 1)
    pinned = invoke(["check", str(tmp_path / "table"), serving, "-s", schema, "--train-version", "0", "-f", "json"], 0)
    assert (pinned.json()["train"]["rows"], pinned.json()["train"]["version"]) == (300, 0)
    markdown = tmp_path / "r.md"
    invoke(["check", str(tmp_path / "table"), serving, "-s", schema, "--train-version", "0", "--markdown", markdown], 0)
    assert "(delta version 0, 300 rows)" in markdown.read_text()


def test_a_version_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    _table(str(tmp_path / "table"))
    schema = write_schema(tmp_path / "s.yaml", SCHEMA)
    args = ["check", str(tmp_path / "table"), _serving(tmp_path), "-s", schema, "--train-version", "7"]
    assert_one_line_error(invoke(args, 2), "has no version 7 (its versions are 0 to 1)")
    plain = ["check", _serving(tmp_path), _serving(tmp_path), "-s", schema, "--train-version", "1"]
    assert_one_line_error(
        invoke(plain, 2), "--train-version 1 pins a table's version; this is not a Delta or Iceberg table"
    )
    missing = ["check", f"delta://{tmp_path / 'nothing'}", _serving(tmp_path), "-s", schema]
    assert_one_line_error(invoke(missing, 2), "not a Delta table")


def test_a_delta_table_in_a_bucket_is_read_through_its_log(bucket: Bucket, tmp_path: Path) -> None:
    _table(bucket.url("tables/train"), {"conditional_put": "etag"})
    schema = write_schema(tmp_path / "s.yaml", SCHEMA)
    serving = _serving(tmp_path)
    for train in (bucket.url("tables/train/"), f"delta://{bucket.url('tables/train')}"):
        report = invoke(["check", train, serving, "-s", schema, "-f", "json"], None).json()
        assert (report["train"]["rows"], report["train"]["version"]) == (200, 1)  # not version 0's file beside it
    profile = bucket.url("profiles/train-v0.skprofile")
    invoke(["profile", bucket.url("tables/train/"), "--data-version", "0", "-s", schema, "-o", profile], 0)
    report = invoke(["check", profile, serving, "-s", schema, "-f", "json"], 0).json()
    assert report["train"]["rows"] == 300


def test_validate_reads_the_version_pinned(tmp_path: Path) -> None:
    _table(str(tmp_path / "table"))
    schema = write_schema(tmp_path / "s.yaml", SCHEMA)
    args = ["validate", tmp_path / "table", "-s", schema, "-e", "training", "-f", "json"]
    assert invoke([*args, "--data-version", "0"], 0).json()["train"]["rows"] == 300
    assert invoke(args, 0).json()["train"]["rows"] == 200
    assert_one_line_error(invoke([*args, "--data-version", "9"], 2), "has no version 9")
