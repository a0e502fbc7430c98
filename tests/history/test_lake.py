"""The history as a Delta Lake table, on disk and in an S3 bucket (moto's server on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from skewcheck.history import lake
from tests.cloud import Bucket
from tests.helpers import REPO
from tests.history_data import rows


def _writers(location: str, names: list[str], count: int) -> list[subprocess.Popen[str]]:
    command = [sys.executable, "-m", "tests.history.lake_writer", location]
    return [
        subprocess.Popen(
            [*command, name, str(count)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name in names
    ]


def _finish(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and out.strip() == "done", err[-2000:]


@pytest.mark.parametrize("where", ["disk", "bucket"])
def test_two_writers_at_once_lose_nothing(where: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    location = str(tmp_path / "history") if where == "disk" else request.getfixturevalue("bucket").url("history")
    _finish(_writers(location, ["first", "second"], 6))
    history = lake.read(location)
    expected = {f"{name}-{index}" for name in ("first", "second") for index in range(6)}
    assert set(history.get_column("partition")) == expected
    assert history.height == 2 * len(expected)  # two features each, none twice
    assert pl.read_delta(location).height == history.height  # any Delta reader sees the same table


def test_re_auditing_a_partition_replaces_its_rows_and_retain_deletes_and_vacuums(bucket: Bucket) -> None:
    location = bucket.url("history")
    for index in range(4):
        lake.write(location, rows(index, {"a": 0.1, "b": 0.2}))
    lake.write(location, rows(2, {"a": 0.3, "b": 0.4}, run=5))  # the same partition, baseline and schema again
    lake.write(location, rows(2, {"a": 0.9}, baseline_id="baseline-2"))  # another baseline: kept beside
    history = lake.read(location)
    day2 = history.filter(pl.col("partition") == "date=2026-11-03")
    assert sorted(zip(day2["baseline_id"], day2["feature"], day2["gate_value"], strict=True)) == [
        ("baseline-1", "a", 0.3),
        ("baseline-1", "b", 0.4),
        ("baseline-2", "a", 0.9),
    ]
    assert history.height == 3 * 2 + 3
    lake.write(location, rows(0, {"a": 0.5}, partition="undated"))  # dated by its run: 2026-11-02
    removed = lake.prune(location, dt.date(2026, 11, 3))
    assert removed == 5  # days 0 and 1, two features each, and the undated audit run before the cutoff
    assert sorted(set(lake.read(location)["partition"])) == ["date=2026-11-03", "date=2026-11-04"]


@pytest.mark.parametrize("where", ["disk", "bucket"])
def test_a_killed_writer_leaves_nothing_half_visible(
    where: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    location = str(tmp_path / "history") if where == "disk" else request.getfixturevalue("bucket").url("history")
    lake.write(location, rows(0, {"a": 0.1, "b": 0.2}, partition="before"))
    for delay in (0.5, 1.0, 1.5, 2.0):
        (writer,) = _writers(location, [f"killed{delay}"], 50)
        time.sleep(delay)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    history = lake.read(location)
    per_partition = history.group_by("partition").len()
    assert set(per_partition["len"]) == {2}  # every audit visible is whole: both features, or none
    assert "before" in set(history["partition"])


def test_no_table_yet_reads_as_no_rows(tmp_path: Path, bucket: Bucket) -> None:
    assert lake.read(str(tmp_path / "none")).is_empty()
    assert lake.read(bucket.url("none")).is_empty()


def test_retain_vacuums_the_files_no_commit_names_any_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from deltalake import DeltaTable

    location = str(tmp_path / "history")
    for index in range(3):
        lake.write(location, rows(index, {"a": 0.1}))
    lake.write(location, rows(2, {"a": 0.2}, run=1))  # replaces day 2's file with a new one
    monkeypatch.setattr(lake, "VACUUM_HOURS", 0)  # files are seconds old here; in use they wait an hour
    assert lake.prune(location, dt.date(2026, 11, 2)) == 1
    on_disk = sorted(path.name for path in Path(location).glob("*.parquet"))
    assert on_disk == sorted(Path(uri).name for uri in DeltaTable(location).file_uris())
    assert len(on_disk) == 2  # days 1 and 2 (re-audited); day 0's file and day 2's first file are gone


def test_a_table_written_before_a_new_metric_column_takes_it(tmp_path: Path) -> None:
    location = str(tmp_path / "history")
    older = rows(0, {"a": 0.1}).drop("out_of_range_rate")  # as an older skewcheck, without the newest metric
    from deltalake import write_deltalake

    write_deltalake(location, older.to_arrow(), mode="append")
    lake.write(location, rows(1, {"a": 0.2}))
    history = lake.read(location).sort("partition")
    assert history["out_of_range_rate"].to_list()[0] is None
    assert history.height == 2
