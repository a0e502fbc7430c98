"""Edge cases of data read in batches (serving against a profile, --approx), found in a review.

Each compares the streamed path with the whole-data path on data a user would have; each docstring says what
once went wrong there, and where.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from skewcheck.audit import run as runner
from skewcheck.audit.options import Options
from skewcheck.drift.features import FeatureResult
from skewcheck.errors import InputError
from skewcheck.io import guards
from skewcheck.io.read import read_table
from skewcheck.io.sources import resolve_source
from skewcheck.profiling.streaming import stream
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset
from skewcheck.validation.tally import validate
from tests.helpers import assert_one_line_error, invoke, write_schema


def _profile(train: Path, schema: Path, out: Path) -> Path:
    invoke(["profile", str(train), "-s", str(schema), "-o", str(out), "-q"], 0)
    return out


def _metric(result: FeatureResult, name: str) -> float:
    value = result.metrics[name]
    assert value is not None
    return value


# --- 1. A numeric feature with no value in training crashes every streamed run (exit 4) ---------------------


@pytest.mark.parametrize("null", [None, float("nan")], ids=["all-null", "all-nan"])
def test_a_training_feature_with_no_values_is_reported_not_a_crash(tmp_path: Path, null: float | None) -> None:
    """The whole-data path reports 'psi not computed: no non-null training values' (exit 1). Against a profile, and
    under --approx, streaming._points calls NumericProfile.cdf() on the empty values: IndexError, exit 4."""
    rng = np.random.default_rng(1)
    pl.DataFrame({"x": pl.Series([null] * 300, dtype=pl.Float64), "y": rng.normal(0, 1, 300)}).write_parquet(
        tmp_path / "train.parquet"
    )
    pl.DataFrame({"x": rng.normal(0, 1, 300), "y": rng.normal(0, 1, 300)}).write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(
        tmp_path / "schema.yaml", "features:\n  x: {type: float, allow_nan: true}\n  y: {type: float}\n"
    )
    profile = _profile(tmp_path / "train.parquet", schema, tmp_path / "train.skprofile")
    train, serving = str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet")
    whole = invoke(["check", train, serving, "-s", str(schema), "--json", "-"], 1)
    expected = {f["name"]: (f["status"], f["reasons"]) for f in whole.json()["features"]}
    assert expected["x"][0] == "error"
    for args in ([str(profile), serving], [train, serving, "--approx"]):
        streamed = invoke(["check", *args, "-s", str(schema), "--json", "-"], 1)
        assert {f["name"]: (f["status"], f["reasons"]) for f in streamed.json()["features"]} == expected


# --- 2. --approx: training's bins are not its deciles --------------------------------------------------------


def _approx_and_exact(
    tmp_path: Path, train: pl.DataFrame, serving: pl.DataFrame, batch_rows: int
) -> tuple[FeatureResult, FeatureResult]:
    """The one feature x checked with the data whole, and with --approx in batches of `batch_rows`."""
    train.write_parquet(tmp_path / "train.parquet")
    serving.write_parquet(tmp_path / "serving.parquet")
    kind = "int" if train["x"].dtype.is_integer() else "float"
    schema = write_schema(tmp_path / "schema.yaml", f"features:\n  x: {{type: {kind}}}\n")
    args = (str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), str(schema))
    exact = runner.run(*args).features[0]
    approx = runner.run(*args, Options(approx=True, batch_rows=batch_rows)).features[0]
    return exact, approx


def test_approx_bins_with_heavy_ties_are_trainings_deciles(tmp_path: Path) -> None:
    """An integer feature where most values repeat (0 in 70% of rows). streaming._Total.choose_grid takes the
    deciles of np.unique(pool): the distinct values, each counted once, so the edges are 0, 0.9, 1.8, ..., 9 (a bin
    per integer, one of them empty) instead of training's deciles 0, 1, 2, 3.1, 9, and PSI / Jensen-Shannon move by
    0.01 where the README promises 0.005."""
    rng = np.random.default_rng(4)
    p = [0.7, 0.1, 0.05, 0.05, 0.04, 0.03, 0.01, 0.01, 0.005, 0.005]
    q = [0.6, 0.15, 0.07, 0.05, 0.04, 0.04, 0.02, 0.01, 0.01, 0.01]
    train = pl.DataFrame({"x": rng.choice(10, 140_000, p=p)})
    serving = pl.DataFrame({"x": rng.choice(10, 20_000, p=q)})
    exact, approx = _approx_and_exact(tmp_path, train, serving, 70_000)
    assert approx.histogram is not None and exact.histogram is not None
    inner = approx.histogram.train[1:-1]  # the last bin (above the maximum) is always empty
    assert min(inner) > 0, f"an empty training bin: edges {approx.histogram.edges}, shares {approx.histogram.train}"
    assert abs(_metric(approx, "psi") - _metric(exact, "psi")) <= 0.005
    assert abs(_metric(approx, "jensen_shannon") - _metric(exact, "jensen_shannon")) <= 0.005


def test_approx_bins_weigh_each_batch_by_its_rows(tmp_path: Path) -> None:
    """Training ordered by the feature (a time-sorted log's timestamp, or any ordered export), its last batch small.
    Each batch offers POINTS_PER_BATCH candidate points whatever its size (streaming._Total._add_values), so a
    5,000-row last batch weighs as much as a 70,000-row one: half the 'deciles' fall in the top 7% of the data.
    Training's shares are 18.7% and 1.3% instead of ~10% a bin, and PSI moves 0.227 -> 0.237, next to the gate."""
    rng = np.random.default_rng(3)
    train = pl.DataFrame({"x": np.sort(rng.normal(0, 1, 75_000))})
    serving = pl.DataFrame({"x": rng.normal(0, 1.5, 20_000)})
    exact, approx = _approx_and_exact(tmp_path, train, serving, 70_000)
    assert approx.histogram is not None
    shares = approx.histogram.train[1:-1]
    assert max(shares) < 0.15 and min(shares) > 0.05, f"training's shares on its 'deciles': {shares}"
    assert abs(_metric(approx, "psi") - _metric(exact, "psi")) <= 0.005


# --- 3. check --approx without --schema reads the whole training set into memory --------------------------


def test_approx_without_a_schema_reads_training_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--approx promises memory bounded by the batch (250,000 rows). Without --schema, inferred.infer_for_audit ->
    infer.infer collects every row of every column of training first (frame.select(...).collect())."""
    rng = np.random.default_rng(15)
    rows = 260_000
    pl.DataFrame({"x": rng.normal(0, 1, rows), "c": rng.choice(["a", "b"], rows)}).write_parquet(
        tmp_path / "train.parquet"
    )
    pl.DataFrame({"x": rng.normal(0, 1, 1_000), "c": rng.choice(["a", "b"], 1_000)}).write_parquet(
        tmp_path / "serving.parquet"
    )
    heights: list[int] = []
    collect = pl.LazyFrame.collect

    def spy(self: pl.LazyFrame, *args: Any, **kwargs: Any) -> Any:
        result = collect(self, *args, **kwargs)
        if isinstance(result, pl.DataFrame):
            heights.append(result.height)
        return result

    monkeypatch.setattr(pl.LazyFrame, "collect", spy)
    invoke(["check", str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), "--approx", "-q"], 0)
    assert max(heights, default=0) <= 250_000, f"a frame of {max(heights):,} rows was collected whole"


# --- 4. Summaries: p50 of serving data beyond training's range ------------------------------------------------


@pytest.mark.parametrize("centre", [-100.0, 100.0], ids=["below", "above"])
def test_serving_quantiles_beyond_trainings_range_are_near_the_exact_ones(tmp_path: Path, centre: float) -> None:
    """Serving entirely outside training's range (a unit change, a shifted feature: the drift a report is read
    for). All of it falls in one outer grid cell, and grid.Grid.quantiles interpolates linearly from training's
    last point to serving's max (or from serving's min to training's first point): p50 comes out 96.3 where
    the median is 100.0, 4 sigma off (-95.5 for -100.0 below training). The whole data gives the median."""
    rng = np.random.default_rng(17)
    pl.DataFrame({"x": rng.uniform(0, 10, 1_000)}).write_parquet(tmp_path / "train.parquet")
    values = rng.normal(centre, 1, 70_000)
    pl.DataFrame({"x": values}).write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float}\n")
    profile = _profile(tmp_path / "train.parquet", schema, tmp_path / "train.skprofile")
    report = runner.run(str(profile), str(tmp_path / "serving.parquet"), str(schema), Options(batch_rows=30_000))
    summary = report.features[0].summary[Dataset.SERVING]
    low, high = np.quantile(values, [0.4, 0.6])
    p50 = summary["p50"]
    assert isinstance(p50, float)
    assert low <= p50 <= high, f"p50 {summary['p50']}, exact {np.median(values)}"


# --- 5. Categories tied in count: another order, other examples, than the whole data ----------------------


def test_tied_categories_keep_the_whole_datas_order(tmp_path: Path) -> None:
    """profiles._distribution orders categories by count, then by value; merge.merge_feature (which adds up
    the batches) by count, then by first seen. Tied serving categories then give another 'top' in the summary and
    other unseen values in the HTML chart than the same data read whole, and it changes with the batch size."""
    pl.DataFrame({"c": ["a", "b"] * 50}).write_parquet(tmp_path / "train.parquet")
    pl.DataFrame({"c": ["z"] * 10 + ["y"] * 10 + ["x"] * 10 + ["w"] * 10 + ["a"] * 10}).write_parquet(
        tmp_path / "serving.parquet"
    )
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  c: {type: category}\n")
    profile = _profile(tmp_path / "train.parquet", schema, tmp_path / "train.skprofile")
    whole = runner.run(str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), str(schema)).features[0]
    streamed = runner.run(
        str(profile), str(tmp_path / "serving.parquet"), str(schema), Options(batch_rows=10)
    ).features[0]
    assert streamed.summary[Dataset.SERVING]["top"] == whole.summary[Dataset.SERVING]["top"]
    assert streamed.histogram is not None and whole.histogram is not None
    assert streamed.histogram.unseen == whole.histogram.unseen


# --- 6. Findings: a type finding first seen in a later batch comes last --------------------------------------


def test_a_type_finding_first_seen_in_a_later_batch_keeps_its_place(tmp_path: Path) -> None:
    """A JSON Lines field mixing numbers and strings, with an unreadable string only after the first batch. The
    whole data lists the type finding first (as for every feature); in batches its evidence's template differs
    from the first batch's ('stored as string', count 0), so tally.Tally keys it in a new slot, after the
    feature's other findings: the report's order depends on where the batches fall."""
    lines = [{"x": 1.5}, {"x": "2.5"}, {"x": 9.0}, {"x": 1.0}, {"x": "oops"}, {"x": 2.0}]
    (tmp_path / "serving.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    schema = load_schema(write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float, max: 5}\n"))
    source = resolve_source(str(tmp_path / "serving.jsonl"))
    whole = validate(read_table(source, schema, Dataset.SERVING), schema).findings
    assert [str(f.check) for f in whole] == ["type", "max"]
    assert stream(source, schema, Dataset.SERVING, batch_rows=4).findings == whole


# --- 7. A damaged Parquet file read in batches: part of it, silently, and a pass -----------------------------


def truncated_serving(tmp_path: Path) -> Path:
    """train.parquet, and serving.parquet cut to its first half plus its footer (5,000 rows announced); the schema."""
    rng = np.random.default_rng(0)
    pl.DataFrame({"x": rng.normal(0, 1, 1_000)}).write_parquet(tmp_path / "train.parquet")
    pl.DataFrame({"x": rng.normal(0, 1, 5_000)}).write_parquet(tmp_path / "whole.parquet", row_group_size=1_000)
    data = (tmp_path / "whole.parquet").read_bytes()
    footer = int.from_bytes(data[-8:-4], "little") + 8
    (tmp_path / "serving.parquet").write_bytes(data[: len(data) // 2] + data[-footer:])
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float}\n")
    return schema


def test_a_parquet_file_damaged_after_its_first_batches_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Parquet file whose later row groups are missing (its footer still says 5,000 rows). When polars' streaming
    engine panics on a worker thread, collect_batches just stops: readers.read_batches yields the first 2,000
    rows and the audit passes on them (from the CLI, 250,000 of a 600,000-row file: PASS, exit 0). Read whole,
    the same file is an internal error (PanicException, exit 4); neither says what is wrong with the file.
    (Such a file is now refused from its footer before any read; that check is switched off here, so that the
    stream's own guard is what is tested.)"""
    schema = truncated_serving(tmp_path)
    monkeypatch.setattr(guards, "parquet_extent_problem", lambda path: None)
    profile = _profile(tmp_path / "train.parquet", schema, tmp_path / "train.skprofile")
    with pytest.raises(InputError, match=r"serving\.parquet"):
        report = runner.run(str(profile), str(tmp_path / "serving.parquet"), str(schema), Options(batch_rows=1_000))
        assert report.serving is not None
        pytest.fail(f"a report on {report.serving.rows:,} of 5,000 rows: {report.summary_line()}")


def test_a_truncated_parquet_file_is_one_line_and_exit_2_whole_or_in_batches(tmp_path: Path) -> None:
    """Found from the footer before any read: polars would panic on it and print a Rust backtrace."""
    schema = truncated_serving(tmp_path)
    args = [str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), "-s", str(schema)]
    for extra in ([], ["--approx"]):
        outcome = invoke(["check", *args, *extra], 2)
        message = assert_one_line_error(outcome, "serving.parquet", "row group 3 of 5", "truncated")
        assert "panicked" not in outcome.stderr, message
