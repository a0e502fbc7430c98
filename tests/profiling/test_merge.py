"""Profiles merged: a feature's parts (a stream's batches) and saved profiles of parts, into the whole's profile."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck.errors import UsageError
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.merge import merge_feature
from skewcheck.profiling.profiles import CategoricalProfile, NumericProfile, profile_categorical, profile_numeric
from tests.helpers import FIXTURES, assert_one_line_error, invoke, write_schema
from tests.profiling.helpers import DEMO_SCHEMA, ROWS, features, save


def test_merged_halves_equal_the_whole(big: Path, tmp_path: Path) -> None:
    schema = big / "schema.yaml"
    whole = profile_file.read(save(big / "train.parquet", schema, tmp_path / "whole.skprofile"))
    parts = [save(big / f"part{i}.parquet", schema, tmp_path / f"part{i}.skprofile") for i in (1, 2)]
    invoke(["profile", "--merge", *parts, "-o", tmp_path / "merged.skprofile"], 0)
    merged = profile_file.read(tmp_path / "merged.skprofile")
    assert merged.source.rows == whole.source.rows == ROWS and merged.parts == 2
    colour_whole, colour_merged = whole.features["colour"], merged.features["colour"]
    assert isinstance(colour_whole, CategoricalProfile) and isinstance(colour_merged, CategoricalProfile)
    assert colour_merged.counts == colour_whole.counts  # exact
    values = np.sort(pl.read_parquet(big / "train.parquet").get_column("score").drop_nulls().to_numpy())
    for name in ("amount", "score", "level"):
        w, m = whole.features[name], merged.features[name]
        assert isinstance(w, NumericProfile) and isinstance(m, NumericProfile) and m.sketch is not None
        assert (m.rows, m.nulls, m.count, m.minimum, m.maximum) == (w.rows, w.nulls, w.count, w.minimum, w.maximum)
        assert m.mean == pytest.approx(w.mean, rel=1e-9) and m.std == pytest.approx(w.std, rel=1e-9)
        assert m.bin_counts.sum() == m.count
        if name == "level":  # six values: both halves had the same edges, so their counts add up exactly
            assert m.bins_exact and m.bin_counts.tolist() == w.bin_counts.tolist()
        else:  # each half had its own deciles: the whole's bins are estimated from the sketch, and say so
            assert not m.bins_exact
    # Quantiles of the merged sketch: within the stated rank error of the truth.
    score = merged.features["score"]
    assert isinstance(score, NumericProfile) and score.sketch is not None
    deciles = np.array([0.1, 0.25, 0.5, 0.75, 0.9])
    for q, value in zip(deciles, score.sketch.quantiles(deciles), strict=True):
        rank = np.searchsorted(values, value, side="right") / len(values)
        assert abs(rank - q) <= 1.5 * score.sketch.rank_error, (q, rank)


def test_merged_estimated_bins_keep_psi_within_tolerance(big: Path, tmp_path: Path) -> None:
    schema = big / "schema.yaml"
    parts = [save(big / f"part{i}.parquet", schema, tmp_path / f"part{i}.skprofile") for i in (1, 2)]
    invoke(["profile", "--merge", *parts, "-o", tmp_path / "merged.skprofile"], 0)
    serving = big / "serving.parquet"
    invoke(["check", big / "train.parquet", serving, "-s", schema, "--json", tmp_path / "a.json"], 1)
    invoke(["check", tmp_path / "merged.skprofile", serving, "-s", schema, "--json", tmp_path / "b.json"], 1)
    exact, merged = features(tmp_path / "a.json"), features(tmp_path / "b.json")
    for name in ("amount", "score"):
        # Different (sketch-derived) edges, estimated counts: the tolerance, 0.005.
        assert abs(merged[name]["metrics"]["psi"] - exact[name]["metrics"]["psi"]) <= 0.005  # type: ignore[index]
        assert abs(merged[name]["metrics"]["jensen_shannon"] - exact[name]["metrics"]["jensen_shannon"]) <= 0.005  # type: ignore[index]


def test_small_parts_merge_exactly(tmp_path: Path) -> None:
    frame = pl.read_parquet(FIXTURES / "train.parquet")
    frame.head(5_000).write_parquet(tmp_path / "a.parquet")
    frame.tail(9_000).write_parquet(tmp_path / "b.parquet")
    parts = [save(tmp_path / f"{n}.parquet", DEMO_SCHEMA, tmp_path / f"{n}.skprofile") for n in "ab"]
    invoke(["profile", "--merge", *parts, "-o", tmp_path / "ab.skprofile"], 0)
    merged = profile_file.read(tmp_path / "ab.skprofile")
    whole = profile_file.read(save(FIXTURES / "train.parquet", DEMO_SCHEMA, tmp_path / "w.skprofile"))
    for name, profile in whole.features.items():
        other = merged.features[name]
        if isinstance(profile, NumericProfile):
            assert isinstance(other, NumericProfile) and other.values is not None and profile.values is not None
            # Every value kept: the merge recomputes the whole's deciles and counts.
            np.testing.assert_array_equal(other.values, profile.values)
            np.testing.assert_array_equal(other.edges, profile.edges)
            np.testing.assert_array_equal(other.bin_counts, profile.bin_counts)
        else:
            assert other == profile


def test_profiles_made_with_different_schemas_do_not_merge(tmp_path: Path, big: Path) -> None:
    other_schema = write_schema(tmp_path / "s2.yaml", "features:\n  amount: {type: float}\n")
    parts = [
        save(big / "part1.parquet", big / "schema.yaml", tmp_path / "p1.skprofile"),
        save(big / "part1.parquet", other_schema, tmp_path / "p2.skprofile"),
    ]
    outcome = invoke(["profile", "--merge", *parts, "-o", tmp_path / "m.skprofile"], 2)
    # The two profile files are named, not the data both were made from (part1.parquet, twice).
    line = assert_one_line_error(outcome, "different schemas", f"{parts[0]} (made with", f"{parts[1]} (made with")
    assert "part1.parquet" not in line


class TestMergeFeature:
    def test_categories_add_up_in_the_order_a_whole_read_gives(self) -> None:
        first = profile_categorical(pl.Series("c", ["b", "a", None, "c"]))
        second = profile_categorical(pl.Series("c", ["c", "a", "d", None, None]))
        whole = profile_categorical(pl.Series("c", ["b", "a", None, "c", "c", "a", "d", None, None]))
        merged = merge_feature([first, second])
        assert merged == whole == CategoricalProfile(9, 3, {"a": 2, "c": 2, "b": 1, "d": 1})
        assert list(merged.counts) == ["a", "c", "b", "d"]  # by count, then by value

    def test_few_values_merge_exactly_on_the_wholes_deciles(self) -> None:
        rng = np.random.default_rng(3)
        first, second = rng.normal(0, 1, 400), rng.normal(2, 1, 300)
        parts = [profile_numeric(pl.Series("x", [*first.tolist(), None])), profile_numeric(pl.Series("x", second))]
        whole = profile_numeric(pl.Series("x", [*first.tolist(), None, *second.tolist()]))
        merged = merge_feature(parts)
        assert isinstance(merged, NumericProfile) and merged.values is not None and whole.values is not None
        assert (merged.rows, merged.nulls, merged.nonfinite) == (701, 1, 0)
        np.testing.assert_array_equal(merged.values, whole.values)
        np.testing.assert_array_equal(merged.edges, whole.edges)
        np.testing.assert_array_equal(merged.bin_counts, whole.bin_counts)

    def test_a_feature_numeric_in_one_part_and_categorical_in_another_is_refused(self) -> None:
        numeric = profile_numeric(pl.Series("x", [1.0, 2.0]))
        categorical = profile_categorical(pl.Series("x", ["1", "2"]))
        with pytest.raises(UsageError, match="numeric in one and categorical in another"):
            merge_feature([numeric, categorical])
