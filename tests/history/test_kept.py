"""Which layout a history has, and the one-time move of the Parquet-files layout into a Delta table."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from skewcheck.history import kept, lake, store
from tests.helpers import invoke
from tests.history_data import rows


def _legacy_history(directory: Path) -> pl.DataFrame:
    for index in range(3):
        store.write(directory, rows(index, {"a": 0.1 * index, "b": 0.05}))
    return store.read(directory)


def test_the_first_write_moves_an_older_history_into_a_delta_table_and_says_so(tmp_path: Path) -> None:
    before = _legacy_history(tmp_path)
    assert not kept.is_lake(tmp_path)
    note = kept.write(tmp_path, rows(3, {"a": 0.3, "b": 0.05}))
    assert "moved the history's 6 rows into a Delta Lake table" in note
    assert kept.is_lake(tmp_path)
    after = kept.read(tmp_path)
    assert after.height == before.height + 2
    assert (
        after.filter(pl.col("partition") != "date=2026-11-04")
        .sort("partition", "feature")
        .equals(before.sort("partition", "feature"))
    )
    assert not list(tmp_path.glob(f"{store.FOLDER_PREFIX}*"))  # the old files went, once the table held their rows
    assert pl.read_delta(str(tmp_path)).height == after.height
    assert kept.write(tmp_path, rows(4, {"a": 0.3, "b": 0.05})) == ""  # once only


def test_history_migrate_moves_it_without_an_audit(tmp_path: Path) -> None:
    before = _legacy_history(tmp_path)
    moved = invoke(["history", tmp_path, "--migrate", "--json"], 0)
    assert f"moved {before.height} rows into a Delta Lake table" in moved.stderr
    assert lake.read(tmp_path).height == before.height
    again = invoke(["history", tmp_path, "--migrate", "--json"], 0)
    assert "a Delta table already" in again.stderr
    assert again.stdout == moved.stdout  # the same series, read from the table


def test_a_new_local_history_is_a_delta_table(tmp_path: Path) -> None:
    kept.write(tmp_path / "new", rows(0, {"a": 0.1}))
    assert (tmp_path / "new" / lake.LOG_FOLDER).is_dir()
    assert kept.is_done(tmp_path / "new", "date=2026-11-01", "baseline-1", rows(0, {"a": 0.1})["schema_sha256"][0])
    assert not kept.is_done(tmp_path / "new", "date=2026-11-02", "baseline-1", "x")
