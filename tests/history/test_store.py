"""The history store: layout, replace-not-duplicate, filters, crash safety, two writers at once, retention."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.dataset as pads
import pytest

from skewcheck import run
from skewcheck.audit import history_rows
from skewcheck.errors import InputError, UsageError
from skewcheck.history import store as history
from tests.history_data import SCHEMA_SHA, day, label, rows, write_days

FEATURES = ("a", "b", "c")


def thirty_days(directory: Path) -> None:
    write_days(directory, {name: [0.01 * (i + 1) + k for i in range(30)] for k, name in enumerate(FEATURES)})


def test_thirty_daily_partitions_read_back(tmp_path: Path) -> None:
    thirty_days(tmp_path)
    stored = history.read(tmp_path)
    assert stored.schema == history.SCHEMA
    assert stored.height == 30 * len(FEATURES)
    assert stored.select("partition", "feature").is_duplicated().sum() == 0
    assert sorted(stored.get_column("partition").unique()) == [label(i) for i in range(30)]
    assert stored.get_column("partition_date").to_list()[:: len(FEATURES)] == [day(i) for i in range(30)]
    a = stored.filter(pl.col("feature") == "a").get_column("gate_value").to_list()
    assert a == pytest.approx([0.01 * (i + 1) for i in range(30)])
    assert len(list(tmp_path.glob("partition=*/*.parquet"))) == 30


def test_re_auditing_a_partition_replaces_its_rows(tmp_path: Path) -> None:
    thirty_days(tmp_path)
    for attempt in range(1, 4):
        history.write(tmp_path, rows(7, {"a": 0.5 + attempt, "b": 0.0, "c": 0.0}, run=attempt))
    stored = history.read(tmp_path)
    assert stored.height == 30 * len(FEATURES)
    assert stored.select("partition", "feature").is_duplicated().sum() == 0
    seventh = stored.filter(pl.col("partition") == label(7))
    assert seventh.get_column("run_id").unique().to_list() == ["run-7-3-baseline-1"]
    assert seventh.filter(pl.col("feature") == "a").item(0, "gate_value") == 3.5
    assert len(list((tmp_path / "partition=date%3D2026-11-08").iterdir())) == 1


def test_another_baseline_or_schema_adds_a_file_beside(tmp_path: Path) -> None:
    history.write(tmp_path, rows(0, {"a": 0.1}))
    history.write(tmp_path, rows(0, {"a": 0.2}, baseline_id="baseline-2"))
    history.write(tmp_path, rows(0, {"a": 0.3}, schema_sha256="6" * 64))
    assert history.read(tmp_path).height == 3
    assert history.is_done(tmp_path, label(0), "baseline-1", SCHEMA_SHA)
    assert history.is_done(tmp_path, label(0), "baseline-2", SCHEMA_SHA)
    assert history.is_done(tmp_path, label(0), "baseline-1", "6" * 64)
    assert not history.is_done(tmp_path, label(0), "baseline-2", "6" * 64)
    assert not history.is_done(tmp_path, label(1), "baseline-1", SCHEMA_SHA)
    assert not history.is_done(tmp_path / "nothing", label(0), "baseline-1", SCHEMA_SHA)


def test_since_and_feature_filter(tmp_path: Path) -> None:
    thirty_days(tmp_path)
    since = history.read(tmp_path, since=day(20))
    assert since.height == 10 * len(FEATURES)
    assert since.get_column("partition_date").min() == day(20)
    assert history.read(tmp_path, feature="b").height == 30
    both = history.read(tmp_path, feature="b", since=day(25))
    assert both.get_column("partition").to_list() == [label(i) for i in range(25, 30)]
    assert history.read(tmp_path, feature="no such feature").is_empty()


def test_since_dates_an_undated_partition_by_its_run(tmp_path: Path) -> None:
    history.write(tmp_path, rows(3, {"a": 0.1}, partition="batch-early"))  # run on day 4
    history.write(tmp_path, rows(20, {"a": 0.1}, partition="batch-late"))  # run on day 21
    stored = history.read(tmp_path)
    assert stored.get_column("partition_date").null_count() == 2
    assert history.read(tmp_path, since=day(10)).get_column("partition").to_list() == ["batch-late"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date=2026-11-20", dt.date(2026, 11, 20)),
        ("2026-11-20", dt.date(2026, 11, 20)),
        ("exports/2026-11-20/part-0.parquet", dt.date(2026, 11, 20)),
        ("exports/date=2026-11-20/export-2026-11-19.parquet", dt.date(2026, 11, 20)),
        ("logs/2026-11-19/2026-11-20.jsonl", dt.date(2026, 11, 20)),
        ("ts=2026-11-20T06:00:00", dt.date(2026, 11, 20)),
        ("batch-7", None),
        ("2026-13-45", None),
        ("20261120", None),
        ("12026-11-20", None),
    ],
)
def test_partition_dates(text: str, expected: dt.date | None) -> None:
    assert history.partition_date(text) == expected


def test_no_history_reads_as_no_rows(tmp_path: Path) -> None:
    for directory in (tmp_path / "missing", tmp_path):
        stored = history.read(directory)
        assert stored.is_empty() and stored.schema == history.SCHEMA
    assert history.prune(tmp_path / "missing", dt.date(2030, 1, 1)) == 0


def test_labels_any_tool_reads_back(tmp_path: Path) -> None:
    """Quoted folder names decode to the label in polars and pyarrow, as in `read`."""
    labels = ["date=2026-11-20", "exports/2026-11-21/part 0.parquet", "weird %2F name?*[x]"]
    written = [history.write(tmp_path, rows(i, {"a": 0.1}, partition=text)) for i, text in enumerate(labels)]
    written[0].with_name(f".{written[0].name}.x1.tmp").write_bytes(b"half a file")  # a writer at work
    ours = sorted(history.read(tmp_path).get_column("partition"))
    assert ours == sorted(labels)
    scanned = pl.scan_parquet(
        f"{tmp_path}/**/*.parquet", hive_partitioning=True, hive_schema={"partition": pl.String}
    ).collect()
    assert sorted(scanned.get_column("partition")) == sorted(labels)
    dataset = pads.dataset(tmp_path, format="parquet", partitioning="hive")
    assert sorted(dataset.to_table().column("partition").to_pylist()) == sorted(labels)


def test_a_partition_label_must_name_a_folder() -> None:
    with pytest.raises(UsageError, match="too long"):
        rows(0, {"a": 0.1}, partition="x" * 300)
    with pytest.raises(UsageError, match="empty"):
        history.path_for(Path(), "", "b", "s")


def test_write_takes_one_partition_at_a_time(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="one partition"):
        history.write(tmp_path, pl.concat([rows(0, {"a": 0.1}), rows(1, {"a": 0.1})]))
    with pytest.raises(ValueError, match="no rows"):
        history.write(tmp_path, history.empty())


def test_a_crash_mid_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history.write(tmp_path, rows(0, {"a": 0.1, "b": 0.2}))
    before = history.read(tmp_path)

    def crash(source: object, target: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        history.write(tmp_path, rows(0, {"a": 0.9, "b": 0.9}, run=1))
    monkeypatch.undo()
    assert history.read(tmp_path).equals(before)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [
        history.run_key("baseline-1", SCHEMA_SHA) + ".parquet"
    ]


def test_a_killed_writers_temporary_file_is_invisible_and_pruned(tmp_path: Path) -> None:
    target = history.write(tmp_path, rows(0, {"a": 0.1}))
    left = target.parent / f".{target.name}.k1ll3d.tmp"
    left.write_bytes(target.read_bytes()[:100])  # what a writer killed mid-write leaves
    assert history.read(tmp_path).height == 1
    assert history.prune(tmp_path, day(0)) == 0
    assert left.exists()  # young: maybe a writer still at work
    old = time.time() - history.STALE_TEMPORARY_SECONDS - 60
    os.utime(left, (old, old))
    history.prune(tmp_path, day(0))
    assert not left.exists() and target.exists()


def test_a_corrupt_file_is_named(tmp_path: Path) -> None:
    thirty_days(tmp_path)
    victim = next(iter(sorted(tmp_path.glob("partition=*/*.parquet"))))
    victim.write_bytes(victim.read_bytes()[: len(victim.read_bytes()) // 2])
    with pytest.raises(InputError, match="not a readable Parquet file") as caught:
        history.read(tmp_path)
    assert str(victim) in str(caught.value)


@pytest.mark.parametrize(
    ("relative", "message"),
    [
        ("notes.txt", "not part of a skewcheck history"),
        ("partition=x/notes.csv", "not part of a skewcheck history"),
        ("partition=x/other.parquet", "not a skewcheck history file"),
    ],
)
def test_a_foreign_file_is_named(tmp_path: Path, relative: str, message: str) -> None:
    history.write(tmp_path, rows(0, {"a": 0.1}))
    foreign = tmp_path / relative
    foreign.parent.mkdir(exist_ok=True)
    if foreign.suffix == ".parquet":
        pl.DataFrame({"x": [1]}).write_parquet(foreign)
    else:
        foreign.write_text("hello")
    with pytest.raises(InputError, match=message) as caught:
        history.read(tmp_path)
    assert str(foreign) in str(caught.value)
    (tmp_path / ".DS_Store").write_text("ignored")  # hidden files are never ours to judge
    foreign.unlink()
    assert history.read(tmp_path).height == 1


def test_prune_removes_old_partitions_whole(tmp_path: Path) -> None:
    thirty_days(tmp_path)
    history.write(tmp_path, rows(3, {"a": 0.1}, baseline_id="baseline-2"))  # a second file in an old partition
    history.write(tmp_path, rows(2, {"a": 0.1}, partition="batch-old"))  # undated: ran on day 3
    history.write(tmp_path, rows(20, {"a": 0.1}, partition="batch-new"))  # undated: ran on day 21
    assert history.prune(tmp_path, older_than=day(10)) == 10 + 1 + 1
    stored = history.read(tmp_path)
    assert stored.select(history.effective_date()).to_series().min() == day(10)
    assert "batch-old" not in stored.get_column("partition") and "batch-new" in stored.get_column("partition")
    assert len(list(tmp_path.iterdir())) == 20 + 1  # emptied folders are gone
    assert history.prune(tmp_path, older_than=day(10)) == 0


def _writer(directory: str, first: int, barrier: Any) -> None:
    barrier.wait()
    for i in range(first, first + 50):
        history.write(Path(directory), rows(i, {"a": 0.01 * i, "b": float(first)}, run=first % 60))


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two processes write 50 partitions each, 25 of them the same: all 75 are there, each from one run."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    writers = [context.Process(target=_writer, args=(str(tmp_path), first, barrier)) for first in (0, 25)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
        assert writer.exitcode == 0
    stored = history.read(tmp_path)
    assert sorted(stored.get_column("partition").unique()) == sorted(label(i) for i in range(75))
    assert stored.height == 75 * 2
    per_partition = stored.group_by("partition").agg(pl.col("run_id").n_unique(), pl.col("gate_value").count())
    assert per_partition.get_column("run_id").to_list() == [1] * 75  # never a mix of two writes
    assert per_partition.get_column("gate_value").to_list() == [2] * 75
    assert not list(tmp_path.rglob(".*"))


def test_rows_from_a_real_audit_hold_metrics_not_values(tmp_path: Path) -> None:
    train = pl.DataFrame({"city": ["Berlin", "Hamburg"] * 200, "km": [float(i % 37) for i in range(400)]})
    serving = pl.DataFrame(
        {"city": ["Berlin", "Zz-Secret-Town"] * 100, "km": [float(i % 41) * 1.6 for i in range(200)]}
    )
    train.write_parquet(tmp_path / "train.parquet")
    serving.write_parquet(tmp_path / "serving.parquet")
    (tmp_path / "schema.yaml").write_text(
        "version: 1\nfeatures:\n  city: {type: category, values: [Berlin, Hamburg]}\n  km: {type: float}\n",
        encoding="utf-8",
    )
    report = run(str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), str(tmp_path / "schema.yaml"))
    stored = history_rows.rows_from_report(report, partition="date=2026-11-20", baseline_id="base", run_id="r1")
    assert stored.schema == history.SCHEMA
    assert stored.get_column("feature").to_list() == ["city", "km"]
    assert stored.get_column("serving_rows").to_list() == [200, 200]
    assert stored.get_column("exit_code").to_list() == [int(report.exit_code)] * 2
    assert stored.get_column("schema_sha256").to_list() == [report.schema_sha256] * 2
    city = stored.row(0, named=True)
    assert city["unseen_rate"] == pytest.approx(0.5) and city["status"] == "fail"
    km = stored.row(1, named=True)
    assert km["gate_metric"] == "psi"
    # Serving's km (i % 41 * 1.6, up to 64) against training's 0 to 36: the share above training's maximum.
    above = sum(1 for i in range(200) if float(i % 41) * 1.6 > 36)
    assert km["out_of_range_rate"] == pytest.approx(above / 200) and city["out_of_range_rate"] is None
    text = [str(v) for column in stored.select(pl.col(pl.String)).iter_columns() for v in column]
    assert not [v for v in text if "Secret" in v or "Hamburg" in v]
    history.write(tmp_path / "history", stored)
    assert history.read(tmp_path / "history").equals(stored)


def test_a_file_written_before_out_of_range_rate_reads_it_as_null(tmp_path: Path) -> None:
    """out_of_range_rate is the last metric column: a history file an older skewcheck wrote lacks it."""
    write_days(tmp_path, {"a": [0.1, 0.2]})
    for path in tmp_path.glob("partition=*/*.parquet"):
        pl.read_parquet(path).drop("out_of_range_rate").write_parquet(path)
    stored = history.read(tmp_path)
    assert stored.schema == history.SCHEMA
    assert stored.get_column("out_of_range_rate").to_list() == [None, None]
    assert stored.get_column("gate_value").to_list() == pytest.approx([0.1, 0.2])
