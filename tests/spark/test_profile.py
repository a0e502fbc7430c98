"""A Spark profile is the profile one machine makes of the same rows: on the demo fixtures and on generated data
in five partitions of unequal sizes, in either order. Runs a real local Spark (the session `spark` fixture)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from skewcheck.audit.profile import profile as local_profile
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.bins import EDGE_QUANTILES
from skewcheck.profiling.profiles import NumericProfile
from skewcheck.schema.model import Dataset
from skewcheck.stats.sketch import Sketch
from skewcheck.validation.findings import Check
from tests.helpers import FIXTURES
from tests.spark.data import PARTS, assert_same_profile, frame, schema_file, write_parts

SCHEMA = FIXTURES / "schema.yaml"
OnSpark = Callable[..., profile_file.SavedProfile]


@pytest.fixture
def profile(spark: Any) -> OnSpark:
    """skewcheck.spark.profile, imported once the `spark` fixture has found pyspark (or skipped)."""
    from skewcheck.spark import profile as on_spark

    return on_spark


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spark-generated")
    rows = sum(PARTS)
    train = write_parts(frame(rows, seed=1), folder / "train")
    serving = write_parts(frame(rows, seed=2, shift=0.3), folder / "serving")
    schema = schema_file(folder)
    baseline = folder / "train.skprofile"
    baseline.write_bytes(profile_file.to_bytes(local_profile(str(train), schema)))
    return {"train": train, "serving": serving, "schema": schema, "baseline": baseline}


def test_the_demo_training_set_profiles_alike(spark: Any, profile: OnSpark) -> None:
    df = spark.read.parquet(str(FIXTURES / "train.parquet"))
    got = profile(df, SCHEMA, name="train")
    assert_same_profile(got, local_profile(str(FIXTURES / "train.parquet"), SCHEMA))


def test_the_demo_serving_log_profiles_alike_in_unequal_partitions(
    spark: Any, profile: OnSpark, tmp_path: Path
) -> None:
    baseline = tmp_path / "train.skprofile"
    baseline.write_bytes(profile_file.to_bytes(local_profile(str(FIXTURES / "train.parquet"), SCHEMA)))
    # The log's rows in four Parquet files: Spark's JSON reader types fields its own way, polars' another.
    serving = write_parts(
        pl.read_ndjson(FIXTURES / "serving.jsonl.gz"), tmp_path / "serving", (3_000, 11_000, 1, 5_999)
    )
    df = spark.read.parquet(str(serving))
    assert df.rdd.getNumPartitions() == 4
    got = profile(df, SCHEMA, dataset="serving", baseline=baseline, name=str(serving))
    expected = local_profile(str(serving), SCHEMA, dataset=Dataset.SERVING, baseline=baseline)
    assert_same_profile(got, expected, in_order=False)
    assert got.findings, "the demo's serving log breaks the schema: the comparison saw findings"


def test_generated_serving_in_five_partitions_is_counted_alike(
    spark: Any, profile: OnSpark, generated: dict[str, Path]
) -> None:
    """Beyond the exact-values limit: serving counted on training's grid, every count exact."""
    df = spark.read.parquet(str(generated["serving"]))
    assert df.rdd.getNumPartitions() == len(PARTS)
    got = profile(df, generated["schema"], dataset="serving", baseline=generated["baseline"])
    expected = local_profile(
        str(generated["serving"]), generated["schema"], dataset=Dataset.SERVING, baseline=generated["baseline"]
    )
    assert_same_profile(got, expected, in_order=False)
    amount = got.features["amount"]
    assert isinstance(amount, NumericProfile) and amount.values is None  # the grid path, not exact values


def test_generated_training_is_exact_in_counts_and_within_the_sketch_in_quantiles(
    spark: Any, profile: OnSpark, generated: dict[str, Path]
) -> None:
    got = profile(spark.read.parquet(str(generated["train"])), generated["schema"])
    expected = local_profile(str(generated["train"]), generated["schema"])
    assert_same_profile(got, expected, sketch_bound=True, in_order=False)
    values = np.sort(pl.read_parquet(generated["train"]).get_column("amount").drop_nulls().to_numpy())
    amount = got.features["amount"]
    assert isinstance(amount, NumericProfile) and isinstance(amount.sketch, Sketch)
    # The bin edges are the merged sketch's deciles: each within the rank error it states of the exact decile.
    shares = np.searchsorted(values, amount.edges, side="right") / len(values)
    assert len(amount.edges) == len(EDGE_QUANTILES)
    assert np.all(np.abs(shares - EDGE_QUANTILES) <= amount.sketch.rank_error)


def test_shuffling_the_partitions_changes_no_number(
    spark: Any, profile: OnSpark, generated: dict[str, Path], tmp_path: Path
) -> None:
    rows = pl.read_parquet(generated["serving"])
    forward = spark.read.parquet(str(generated["serving"]))
    backward = spark.read.parquet(str(write_parts(rows, tmp_path / "backward", reverse=True)))
    kwargs: dict[str, Any] = {"dataset": "serving", "baseline": generated["baseline"]}
    one, other = profile(forward, generated["schema"], **kwargs), profile(backward, generated["schema"], **kwargs)
    # Examples are the first few a read meets, which depends on the order; every count and number does not.
    assert [(f.check, f.feature, f.count, f.rate) for f in one.findings] == [
        (f.check, f.feature, f.count, f.rate) for f in other.findings
    ]
    assert_same_profile(other, one.__class__(**{**one.__dict__, "findings": other.findings}))


def test_a_bad_value_is_the_same_finding_on_both_engines(
    spark: Any, profile: OnSpark, generated: dict[str, Path]
) -> None:
    got = profile(spark.read.parquet(str(generated["train"])), generated["schema"])
    by_check = {(f.feature, f.check): f for f in got.findings}
    rating = by_check["rating", Check.MAX]
    expected = {(f.feature, f.check): f for f in local_profile(str(generated["train"]), generated["schema"]).findings}
    assert replace(rating, examples=()) == replace(expected["rating", Check.MAX], examples=())
    assert set(rating.examples) == {"7.0"}
    assert rating.count == int((pl.read_parquet(generated["train"]).get_column("rating") > 5).sum())
    assert replace(by_check["rating", Check.NULL], examples=()) == replace(expected["rating", Check.NULL], examples=())
    assert by_check["rating", Check.NULL].count == 1
