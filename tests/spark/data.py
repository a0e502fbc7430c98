"""Data for the Spark tests: generated training and serving sets, written as folders of files of unequal sizes
(one Spark partition each, see the `spark` fixture), and profiles compared field by field."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl

from skewcheck.profiling.profiles import CategoricalProfile, NumericProfile
from skewcheck.profiling.saved import SavedProfile
from skewcheck.stats.grid import Grid
from skewcheck.stats.sketch import Sketch
from skewcheck.validation.findings import Finding
from tests.helpers import write_schema

PARTS = (1, 7_000, 31_000, 2_500, 58_500)
"""Rows in each file: five partitions of unequal sizes, 99,001 rows in all (above the exact-values limit)."""

SCHEMA = """
    version: 1
    features:
      request_id: {type: string, role: key, nullable: false, unique: true}
      amount: {type: float, min: 0}
      visits: {type: int, min: 0, max: 40}
      rating: {type: float, min: 1, max: 5, nullable: false}
      city: {type: category, values: [Berlin, Hamburg, Munich]}
      device: {type: category}
"""


def frame(rows: int, seed: int, shift: float = 0.0) -> pl.DataFrame:
    """Numbers, categories, nulls, and problems spread over the rows: negative amounts, ratings of 7 (above max
    5) and a null rating, a city the schema does not know."""
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(3 + shift, 1, rows)
    amount[rng.random(rows) < 0.002] = -5.0
    rating = np.round(rng.uniform(1, 5, rows), 2)
    rating[rng.random(rows) < 0.001] = 7.0
    city = rng.choice(["Berlin", "Hamburg", "Munich", "Bonn"], rows, p=[0.5, 0.3, 0.1995, 0.0005])
    frame = pl.DataFrame(
        {
            "request_id": [f"r{seed}-{i}" for i in range(rows)],
            "amount": amount,
            "visits": rng.poisson(3 + shift, rows),
            "rating": rating,
            "city": city,
            "device": rng.choice(["ios", "android", "web"], rows),
        }
    )
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) % 97 == 5).then(None).otherwise(pl.col("amount")).alias("amount"),
        pl.when(pl.int_range(pl.len()) == rows // 2).then(None).otherwise(pl.col("rating")).alias("rating"),
    )


def write_parts(whole: pl.DataFrame, folder: Path, sizes: tuple[int, ...] = PARTS, *, reverse: bool = False) -> Path:
    """`whole` split into Parquet files of `sizes` rows, named so that Spark and polars read them in order
    (with `reverse`, the same files named in the opposite order)."""
    folder.mkdir(parents=True)
    start = 0
    for index, size in enumerate(sizes):
        position = len(sizes) - 1 - index if reverse else index
        whole.slice(start, size).write_parquet(folder / f"part-{position:02d}.parquet")
        start += size
    assert start == whole.height
    return folder


def schema_file(folder: Path) -> Path:
    return write_schema(folder / "schema.yaml", SCHEMA)


def without_examples(profile: SavedProfile) -> list[Finding]:
    return [replace(finding, examples=()) for finding in profile.findings]


def assert_same_profile(
    spark: SavedProfile, local: SavedProfile, *, sketch_bound: bool = False, in_order: bool = True
) -> None:
    """Field for field: counts, nulls, categories, bins, grids and findings exact; values exact while kept;
    with `sketch_bound` (training beyond the exact-values limit), sketches' quantiles within their rank error.

    Without `in_order`, the findings' examples are not compared: they are the first a read meets, and Spark reads
    a folder's files largest first (each a partition), one machine in the order of their names."""
    assert spark.environment == local.environment
    assert spark.source.rows == local.source.rows
    assert spark.columns == local.columns
    assert (spark.findings if in_order else without_examples(spark)) == (
        local.findings if in_order else without_examples(local)
    )
    assert list(spark.features) == list(local.features)
    for name, expected in local.features.items():
        got = spark.features[name]
        if isinstance(expected, CategoricalProfile):
            assert got == expected and list(got.counts.items()) == list(expected.counts.items()), name
            continue
        assert isinstance(got, NumericProfile)
        assert (got.rows, got.nulls, got.nonfinite, got.count) == (
            expected.rows,
            expected.nulls,
            expected.nonfinite,
            expected.count,
        ), name
        if expected.values is not None:
            assert got.values is not None and np.array_equal(got.values, expected.values), name
            assert np.array_equal(got.edges, expected.edges) and np.array_equal(got.bin_counts, expected.bin_counts)
        elif isinstance(expected.sketch, Grid):
            assert isinstance(got.sketch, Grid), name
            assert np.array_equal(got.edges, expected.edges) and np.array_equal(got.bin_counts, expected.bin_counts)
            assert np.array_equal(got.sketch.points, expected.sketch.points)
            assert np.array_equal(got.sketch.counts, expected.sketch.counts)
            assert (got.sketch.minimum, got.sketch.maximum) == (expected.sketch.minimum, expected.sketch.maximum)
            # Sums of floats added in another order: equal to the last few digits.
            np.testing.assert_allclose(got.sketch.sums, expected.sketch.sums, rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(
                [got.sketch.mean, got.sketch.m2], [expected.sketch.mean, expected.sketch.m2], rtol=1e-9
            )
        else:
            assert sketch_bound and isinstance(got.sketch, Sketch) and isinstance(expected.sketch, Sketch), name
            assert np.array_equal(got.sketch.low, expected.sketch.low) and np.array_equal(
                got.sketch.high, expected.sketch.high
            )
            np.testing.assert_allclose(
                [got.sketch.mean, got.sketch.m2], [expected.sketch.mean, expected.sketch.m2], rtol=1e-9
            )
            assert got.bin_counts.sum() == expected.bin_counts.sum()
