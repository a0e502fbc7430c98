"""Saved profiles: written once, compared against many times, merged from parts; within stated bounds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
from scipy import stats

from skewcheck.audit import profile as audit_profile
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.bins import sorted_quantiles
from skewcheck.profiling.profiles import EXACT_VALUES_LIMIT, NumericProfile
from tests.helpers import FIXTURES, assert_one_line_error, invoke, write_schema
from tests.profiling.helpers import DEMO_SCHEMA, ROWS, features, save


def test_a_profile_baseline_gives_the_same_report_as_the_data(tmp_path: Path) -> None:
    baseline = save(FIXTURES / "train.parquet", DEMO_SCHEMA, tmp_path / "train.skprofile")
    serving = FIXTURES / "serving.jsonl.gz"
    invoke(["check", FIXTURES / "train.parquet", serving, "-s", DEMO_SCHEMA, "--json", tmp_path / "a.json"], 3)
    invoke(["check", baseline, serving, "-s", DEMO_SCHEMA, "--json", tmp_path / "b.json"], 3)
    exact, from_profile = (json.loads((tmp_path / name).read_text()) for name in ("a.json", "b.json"))
    # Under EXACT_VALUES_LIMIT values a profile keeps every value: every number is the same.
    assert from_profile["features"] == exact["features"]
    assert from_profile["schema_findings"] == exact["schema_findings"]
    assert from_profile["train"]["rows"] == 14_000 and from_profile["train"]["format"] == "skprofile"


def test_the_file_is_parquet_any_reader_can_open(tmp_path: Path) -> None:
    baseline = save(FIXTURES / "train.parquet", DEMO_SCHEMA, tmp_path / "train.skprofile")
    frame = pl.read_parquet(baseline)
    assert set(frame.get_column("feature")) >= {"distance_km", "city", "is_weekend"}
    city = frame.filter(pl.col("feature") == "city").row(0, named=True)
    assert city["kind"] == "categorical" and sum(city["category_counts"]) == 14_000
    metadata = json.loads(pq.read_schema(baseline).metadata[b"skewcheck"])
    assert (metadata["format"], metadata["version"]) == ("skprofile", 2)
    assert metadata["source"]["rows"] == 14_000 and len(metadata["schema"]["sha256"]) == 64


def test_large_features_keep_a_sketch_and_exact_summaries(big: Path, tmp_path: Path) -> None:
    saved = profile_file.read(save(big / "train.parquet", big / "schema.yaml", tmp_path / "t.skprofile"))
    amount = saved.features["amount"]
    assert isinstance(amount, NumericProfile) and amount.values is None and amount.sketch is not None
    values = np.sort(pl.read_parquet(big / "train.parquet").get_column("amount").to_numpy())
    assert amount.count == ROWS and amount.minimum == values[0] and amount.maximum == values[-1]
    assert amount.mean == pytest.approx(values.mean(), rel=1e-12)
    assert amount.std == pytest.approx(values.std(ddof=1), rel=1e-9)
    # Quantiles within the exactly kept tails are numpy's own; the rest come from the sketch, within its rank error.
    in_tails = np.array([0.001, 0.005, 0.995, 0.999])
    assert amount.sketch.quantiles(in_tails) == pytest.approx(sorted_quantiles(values, in_tails), rel=1e-12)
    summary = amount.summary()
    for q, key in ((0.01, "p01"), (0.5, "p50"), (0.99, "p99")):
        rank = np.searchsorted(values, summary[key], side="right") / ROWS
        assert abs(rank - q) <= 1.5 * amount.sketch.rank_error
    # Bins are counted exactly when the profile is made.
    assert amount.bins_exact and amount.bin_counts.sum() == ROWS


def test_metrics_from_a_sketch_agree_with_the_exact_ones(big: Path, tmp_path: Path) -> None:
    baseline = save(big / "train.parquet", big / "schema.yaml", tmp_path / "t.skprofile")
    serving = big / "serving.parquet"
    invoke(
        ["check", big / "train.parquet", serving, "-s", big / "schema.yaml", "--json", tmp_path / "a.json", "--exact"],
        1,
    )
    invoke(["check", baseline, serving, "-s", big / "schema.yaml", "--json", tmp_path / "b.json"], 1)
    exact, approx = features(tmp_path / "a.json"), features(tmp_path / "b.json")
    saved = profile_file.read(baseline)
    train = pl.read_parquet(big / "train.parquet")
    serving_frame = pl.read_parquet(serving)
    for name in ("amount", "score", "level"):
        a, b = exact[name]["metrics"], approx[name]["metrics"]  # type: ignore[index]
        # Training's bins are counted exactly in the profile: PSI and JS are the same numbers.
        assert b["psi"] == pytest.approx(a["psi"], abs=1e-12)
        assert b["jensen_shannon"] == pytest.approx(a["jensen_shannon"], abs=1e-12)
        sketch = saved.features[name].sketch  # type: ignore[union-attr]
        assert sketch is not None
        # KS: within the sketch's rank error (a ~99% bound, hence the margin).
        assert abs(b["ks_statistic"] - a["ks_statistic"]) <= 1.5 * sketch.rank_error
        scipy_ks = stats.ks_2samp(train.get_column(name).drop_nulls(), serving_frame.get_column(name)).statistic
        assert a["ks_statistic"] == pytest.approx(scipy_ks)
        # Wasserstein: within eps times the spread between the exact tails, in training standard deviations.
        bound = sketch.rank_error * (sketch.high[0] - sketch.low[-1]) / sketch.std
        assert abs(b["wasserstein"] - a["wasserstein"]) <= 1.5 * bound
    assert approx["colour"]["metrics"] == exact["colour"]["metrics"]
    assert [approx[n]["status"] for n in approx] == [exact[n]["status"] for n in exact]


def test_profile_errors_are_one_line(tmp_path: Path, big: Path) -> None:
    train = str(FIXTURES / "train.parquet")
    assert_one_line_error(invoke(["profile", train, "-o", tmp_path / "x.skprofile"], 2), "--schema")
    assert_one_line_error(invoke(["profile", train, "-s", DEMO_SCHEMA, "-o", tmp_path / "x.parquet"], 2), ".skprofile")
    assert_one_line_error(
        invoke(["profile", "--merge", tmp_path / "a.skprofile", "-o", tmp_path / "m.skprofile"], 2), "two or more"
    )
    # A Parquet file that is not a profile, and a damaged one.
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "fake.skprofile")
    outcome = invoke(["check", tmp_path / "fake.skprofile", train, "-s", DEMO_SCHEMA], 2)
    assert_one_line_error(outcome, "fake.skprofile", "not a skewcheck profile")
    good = save(train, DEMO_SCHEMA, tmp_path / "good.skprofile").read_bytes()
    (tmp_path / "cut.skprofile").write_bytes(good[: len(good) // 2])
    outcome = invoke(["check", tmp_path / "cut.skprofile", FIXTURES / "serving.jsonl.gz", "-s", DEMO_SCHEMA], 2)
    assert_one_line_error(outcome, "cut.skprofile")
    # Never written over an input.
    outcome = invoke(
        [
            "profile",
            "--merge",
            tmp_path / "good.skprofile",
            tmp_path / "good.skprofile",
            "-o",
            tmp_path / "good.skprofile",
        ],
        2,
    )
    assert_one_line_error(outcome, "refusing to write")
    assert (tmp_path / "good.skprofile").read_bytes() == good


def test_a_baseline_made_with_another_schema_is_refused(tmp_path: Path, big: Path) -> None:
    baseline = save(big / "train.parquet", big / "schema.yaml", tmp_path / "t.skprofile")
    other = write_schema(tmp_path / "other.yaml", "features:\n  colour: {type: float}\n  amount: {type: float}\n")
    outcome = invoke(["check", baseline, big / "serving.parquet", "-s", other], 2)
    assert_one_line_error(outcome, "t.skprofile", "'colour'", "profiled as categorical")


def test_a_profile_keeps_few_values_exactly_and_many_as_a_sketch() -> None:
    from skewcheck.profiling.profiles import profile_numeric

    small = profile_numeric(pl.Series(np.arange(EXACT_VALUES_LIMIT, dtype=float))).compacted()
    large = profile_numeric(pl.Series(np.arange(EXACT_VALUES_LIMIT + 1, dtype=float))).compacted()
    assert small.values is not None and small.sketch is None
    assert large.values is None and large.sketch is not None and large.count == EXACT_VALUES_LIMIT + 1


def test_profile_runs_as_the_library_does(big: Path) -> None:
    saved = audit_profile.profile(str(big / "train.parquet"), big / "schema.yaml")
    assert set(saved.features) == {"amount", "score", "level", "colour"}
    assert saved.source.rows == ROWS


def test_damaged_profiles_are_refused_not_believed(tmp_path: Path) -> None:
    import pyarrow as pa

    good = save(FIXTURES / "train.parquet", DEMO_SCHEMA, tmp_path / "good.skprofile")
    serving = FIXTURES / "serving.jsonl.gz"
    # Flipped bytes inside a compressed page: the page checksum catches them.
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 400] = bytes(b ^ 0x5A for b in data[middle : middle + 400])
    (tmp_path / "flipped.skprofile").write_bytes(bytes(data))
    outcome = invoke(["check", tmp_path / "flipped.skprofile", serving, "-s", DEMO_SCHEMA], 2)
    assert_one_line_error(outcome, "flipped.skprofile")
    # Metadata that is not JSON, or lacks a key.
    table = pq.read_table(good)
    for name, metadata in (("notjson", b"{not json"), ("nosource", json.dumps({"format": "skprofile", "version": 2}))):
        bad = table.replace_schema_metadata({b"skewcheck": metadata})
        pq.write_table(bad, tmp_path / f"{name}.skprofile")
        outcome = invoke(["check", tmp_path / f"{name}.skprofile", serving, "-s", DEMO_SCHEMA], 2)
        assert_one_line_error(outcome, f"{name}.skprofile", "damaged profile")
    # Values that decode but cannot be true: unsorted.
    rows = table.to_pylist()
    numeric = next(row for row in rows if row["kind"] == "numeric")
    numeric["values"] = list(reversed(numeric["values"]))
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), tmp_path / "unsorted.skprofile")
    outcome = invoke(["check", tmp_path / "unsorted.skprofile", serving, "-s", DEMO_SCHEMA], 2)
    assert_one_line_error(outcome, "unsorted.skprofile", "not sorted")


def test_a_profile_saved_on_the_old_bins_is_refused_in_one_line(tmp_path: Path, big: Path) -> None:
    """Version 1 kept training's minimum and maximum as bin edges: PSI on them is not this skewcheck's PSI."""
    good = save(big / "train.parquet", big / "schema.yaml", tmp_path / "good.skprofile")
    table = pq.read_table(good)
    metadata = json.loads(table.schema.metadata[b"skewcheck"])
    old = table.replace_schema_metadata({b"skewcheck": json.dumps({**metadata, "version": 1}).encode()})
    pq.write_table(old, tmp_path / "old.skprofile")
    outcome = invoke(["check", tmp_path / "old.skprofile", big / "serving.parquet", "-s", big / "schema.yaml"], 2)
    assert_one_line_error(outcome, "old.skprofile", "older skewcheck", "re-run `skewcheck profile`")


def test_a_feature_the_profile_never_held_asks_for_a_new_profile(tmp_path: Path, big: Path) -> None:
    narrow = write_schema(tmp_path / "narrow.yaml", "features:\n  amount: {type: float}\n  score: {type: float}\n")
    baseline = save(big / "train.parquet", narrow, tmp_path / "narrow.skprofile")
    outcome = invoke(["check", baseline, big / "serving.parquet", "-s", big / "schema.yaml"], 2)
    assert_one_line_error(outcome, "narrow.skprofile", "'level'", "profile the training data again")


def test_personal_examples_are_hashed_in_the_profile(tmp_path: Path) -> None:
    frame = pl.DataFrame({"email": ["a@x.org", "not-an-email", "b@x.org"] * 50, "n": list(range(150))})
    frame.write_parquet(tmp_path / "t.parquet")
    schema = write_schema(
        tmp_path / "s.yaml",
        "features:\n  email: {type: string, pii: true, pattern: '^[^@]+@[^@]+$'}\n  n: {type: int}\n",
    )
    baseline = save(tmp_path / "t.parquet", schema, tmp_path / "t.skprofile")
    metadata = pq.read_schema(baseline).metadata[b"skewcheck"].decode()
    assert "not-an-email" not in metadata and "hash:" in metadata
