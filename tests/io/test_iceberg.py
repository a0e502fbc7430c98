"""Iceberg tables as inputs: written by pyiceberg (a SQLite catalog), read through skewcheck at a snapshot."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.helpers import assert_one_line_error, invoke, write_schema

SCHEMA = "features:\n  x: {type: float}\n  city: {type: string}\n"


def _table(warehouse: Path) -> tuple[Path, int, int]:
    """Snapshot 1: 300 rows; snapshot 2: replaced by 200 others. Returns the table's folder and both snapshot ids."""
    from pyiceberg.catalog.sql import SqlCatalog

    catalog = SqlCatalog("tests", uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")
    catalog.create_namespace("ml")
    first = pl.DataFrame({"x": [float(i % 10) for i in range(300)], "city": ["a", "b", "c"] * 100}).to_arrow()
    table = catalog.create_table("ml.train", schema=first.schema)
    table.append(first)
    old = table.current_snapshot().snapshot_id
    table.overwrite(pl.DataFrame({"x": [float(i % 7) + 50 for i in range(200)], "city": ["a", "b"] * 100}).to_arrow())
    current = catalog.load_table("ml.train").current_snapshot().snapshot_id
    return warehouse / "ml" / "train", old, current


@pytest.mark.filterwarnings("ignore::polars.exceptions.PerformanceWarning")
def test_an_iceberg_table_is_read_at_its_current_snapshot_or_the_one_pinned(tmp_path: Path) -> None:
    folder, old, current = _table(tmp_path)
    schema = write_schema(tmp_path / "s.yaml", SCHEMA)
    serving = tmp_path / "serving.parquet"
    pl.DataFrame({"x": [float(i % 10) for i in range(300)], "city": ["a", "b", "c"] * 100}).write_parquet(serving)
    latest = invoke(["check", f"iceberg://{folder}", serving, "-s", schema, "-f", "json"], None).json()
    assert (latest["train"]["rows"], latest["train"]["format"], latest["train"]["version"]) == (200, "iceberg", current)
    args = ["check", folder, serving, "-s", schema, "--train-format", "iceberg", "--train-version", str(old)]
    pinned = invoke([*args, "-f", "json"], 0).json()
    assert (pinned["train"]["rows"], pinned["train"]["version"]) == (300, old)
    assert_one_line_error(invoke([*args[:-1], "12345", "-f", "json"], 2), "has no snapshot 12345")
    assert_one_line_error(invoke(["check", f"iceberg://{tmp_path}", serving, "-s", schema], 2), "not an Iceberg table")
