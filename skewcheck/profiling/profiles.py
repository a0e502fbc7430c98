"""Per-feature summaries of one dataset: counts, nulls, moments, quantiles, bins, categories.

Training is profiled first and fixes the numeric bin edges (its nine deciles, the outer
bins open); serving is then counted on those same edges, so the two histograms align.
Numeric profiles also keep the sorted values, because KS and Wasserstein are computed
exactly on them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from skewcheck.profiling.bins import FloatArray, IntArray, bin_counts, numeric_edges, sorted_quantiles
from skewcheck.profiling.categorical import CategoricalProfile as CategoricalProfile  # noqa: PLC0414 - re-exported
from skewcheck.profiling.placed import Placed, placed_profile
from skewcheck.schema.model import Feature, FeatureType, Schema
from skewcheck.schema.registry import Kind
from skewcheck.stats.cells import Cells
from skewcheck.stats.ecdf import StepCdf
from skewcheck.stats.grid import Grid
from skewcheck.stats.sketch import TAIL, Sketch
from skewcheck.validation.findings import Validation

SUMMARY_QUANTILES = {"p01": 0.01, "p50": 0.5, "p99": 0.99}
EXACT_VALUES_LIMIT = 65_536
"""A saved profile keeps a feature's sorted values up to this many (512 KB); beyond, a Sketch."""


@dataclass(frozen=True)
class NumericProfile:
    rows: int
    nulls: int
    """Rows with no value readable as the declared type."""
    nonfinite: int
    """NaN and infinite values, left out of the distribution."""
    values: FloatArray | None = field(repr=False)
    """Sorted finite values (datetimes as epoch seconds); None when a saved profile kept a sketch instead."""
    edges: FloatArray
    bin_counts: IntArray
    sketch: Sketch | Grid | Placed | None = field(default=None, repr=False)
    """The distribution's summary when there were too many values to keep: a Sketch in a saved profile, a Grid
    for data read in batches (see streaming), Placed for a check's data counted on fine cells (see placed)."""
    bins_exact: bool = True
    """False when merging profiles with different edges left the bin counts estimated from a sketch."""
    _std: float | None = field(default=None, init=False, repr=False, compare=False)
    """`std` once computed. Not functools.cached_property: on Python 3.11 its lock is one per class, which
    would make the comparison threads wait on each other's standard deviations."""

    @property
    def count(self) -> int:
        if self.values is not None:
            return len(self.values)
        assert self.sketch is not None
        return self.sketch.count

    @property
    def null_rate(self) -> float:
        return self.nulls / self.rows if self.rows else 0.0

    def sampled(self, size: int, seed: int) -> NumericProfile:
        """The same profile on at most `size` of its values (bins recounted; null counts stay exact)."""
        if self.values is None or self.count <= size:
            return self  # a sketch is already bounded
        chosen = np.sort(np.random.default_rng(seed).choice(self.values, size=size, replace=False))
        return replace(self, values=chosen, bin_counts=bin_counts(chosen, self.edges))

    def compacted(self, limit: int = EXACT_VALUES_LIMIT) -> NumericProfile:
        """The profile with its values replaced by a sketch when there are more than `limit` of them."""
        if self.values is None or len(self.values) <= max(limit, 2 * TAIL):
            return self
        return replace(self, values=None, sketch=Sketch.of(self.values))

    def cdf(self) -> StepCdf:
        if self.values is None:
            # Placed has no step CDF: its values lie anywhere inside cells (the comparison reads its counts instead).
            assert isinstance(self.sketch, Sketch | Grid)
            return self.sketch.cdf()
        ends = np.flatnonzero(np.append(self.values[1:] != self.values[:-1], True))
        return StepCdf(self.values[ends], (ends + 1) / max(len(self.values), 1), len(self.values))

    @property
    def mean(self) -> float:
        if self.values is None:
            assert self.sketch is not None
            return self.sketch.mean
        return float(np.mean(self.values))

    @property
    def minimum(self) -> float:
        return float(self.values[0]) if self.values is not None else self.sketch.minimum  # type: ignore[union-attr]

    @property
    def maximum(self) -> float:
        return float(self.values[-1]) if self.values is not None else self.sketch.maximum  # type: ignore[union-attr]

    def _quantiles(self) -> list[float | None]:
        if self.count == 0:
            return [None] * len(SUMMARY_QUANTILES)
        quantiles = np.array(list(SUMMARY_QUANTILES.values()))
        if self.values is None:
            assert self.sketch is not None
            return [float(v) for v in self.sketch.quantiles(quantiles)]
        return [float(v) for v in sorted_quantiles(self.values, quantiles)]

    @property
    def std(self) -> float:
        """Sample standard deviation (ddof=1), computed once: the summary and W1 both read it (10M values each)."""
        if self._std is None:
            object.__setattr__(self, "_std", self._compute_std())  # frozen: a cache, not a change of value
        assert self._std is not None
        return self._std

    def _compute_std(self) -> float:
        if self.values is None:
            assert self.sketch is not None
            return self.sketch.std
        # Constant values: exactly 0, not numpy's rounding residue (1e-16 would make W1 huge, not infinite).
        if self.count < 2 or self.values[0] == self.values[-1]:
            return 0.0
        # Scaled first when huge or tiny: squares near the largest float would overflow to infinity, near the
        # smallest lose their digits. Not otherwise: the scaled copy is one more pass and 80 MB at 10M values.
        scale = float(max(abs(self.values[0]), abs(self.values[-1])))
        if 1e-100 < scale < 1e100:
            return float(np.std(self.values, ddof=1))
        return float(np.std(self.values / scale, ddof=1)) * scale

    def summary(self, *, temporal: bool = False) -> dict[str, object]:
        """Counts and moments; for datetimes, locations as ISO-8601 text and std in seconds."""
        empty = self.count == 0
        locations: dict[str, float | str | None] = {
            "mean": None if empty else self.mean,
            "min": None if empty else self.minimum,
            **dict(zip(SUMMARY_QUANTILES, self._quantiles(), strict=True)),
            "max": None if empty else self.maximum,
        }
        if temporal:
            locations = {k: None if v is None else _iso(float(v)) for k, v in locations.items()}
        return {
            "rows": self.rows,
            "count": self.count,
            "null_rate": self.null_rate,
            "std": None if empty else self.std,
            **locations,
        }


Profile = NumericProfile | CategoricalProfile


def profile_dataset(validation: Validation, schema: Schema, *, placed: bool = False) -> dict[str, Profile]:
    """Every drift-checked feature present in the data, summarised; values kept exactly unless `placed` (a
    numeric column of more than EXACT_VALUES_LIMIT values is then counted on fine cells instead: see placed)."""
    present = [f for f in schema.features if f.skip_reason is None and f.name in validation.typed.columns]
    return profile_columns(validation.typed, present, placed=placed)


def profile_feature(feature: Feature, values: pl.Series, edges: FloatArray | None = None) -> Profile:
    """Summarise one typed column; `edges` are training's bins (None when this is training)."""
    frame = values.rename(feature.name).to_frame()
    return profile_columns(frame, [feature], {} if edges is None else {feature.name: edges})[feature.name]


def profile_columns(
    frame: pl.DataFrame,
    features: Sequence[Feature],
    edges: Mapping[str, FloatArray] | None = None,
    *,
    placed: bool = False,
    cells: Mapping[str, Cells] | None = None,
) -> dict[str, Profile]:
    """Every feature's profile from its typed column in `frame`; `edges` are training's bins, by feature.

    `placed`: training's large numeric columns counted on fine cells instead of sorted; `cells`: training's
    cells, by feature, that serving is counted on. The sorting and counting runs as polars queries, as many at
    a time as there are cores (see _collect).
    """
    cells = cells or {}
    unsorted = {f.name for f in features if f.kind is Kind.NUMERIC and (f.name in cells or (placed and not edges))}

    def one(feature: Feature, result: pl.DataFrame) -> Profile:
        column = frame.get_column(feature.name)
        rows, nulls = column.len(), column.null_count()
        if feature.kind is Kind.CATEGORICAL:
            values, counts = result.get_column("value").to_list(), result.get_column("n").to_list()
            return CategoricalProfile(rows=rows, nulls=nulls, counts=dict(zip(values, counts, strict=True)))
        array = result.to_series().to_numpy().astype(np.float64, copy=False)
        bins = (edges or {}).get(feature.name)
        if feature.name in unsorted:
            found = None
            if len(array) > EXACT_VALUES_LIMIT or feature.name in cells:
                found = placed_profile(array, cells.get(feature.name), bins)
            if found is not None:
                nonfinite = rows - nulls - len(array)
                return NumericProfile(rows, nulls, nonfinite, None, found.edges, found.bin_counts, found.placed)
            array = np.sort(array)  # few values, or no cells fit them (a heavy tail): exact, as --exact
        bins = numeric_edges(array) if bins is None else bins
        return NumericProfile(rows, nulls, rows - nulls - len(array), array, bins, bin_counts(array, bins))

    # A core's worth of columns at a time: polars sorts or filters them, then numpy counts them on threads (its
    # arithmetic releases the GIL), and their values are dropped before the next columns are read out.
    size = os.cpu_count() or 1
    profiles: dict[str, Profile] = {}
    with ThreadPoolExecutor(max_workers=size) as pool:
        for start in range(0, len(features), size):
            batch = features[start : start + size]
            queries = [_distribution(frame, feature, sort=feature.name not in unsorted) for feature in batch]
            for feature, profile in zip(batch, pool.map(one, batch, _collect(queries)), strict=True):
                profiles[feature.name] = profile
    return profiles


def _collect(queries: Sequence[pl.LazyFrame]) -> list[pl.DataFrame]:
    """The queries' results, run a core's worth at a time, each column in one piece.

    polars runs a batch's queries in parallel, and each sort is itself parallel. Twenty 10M-row sorts in
    one batch took 60% more CPU time than two at a time (measured on 2 cores): twenty sets of buffers at
    once, and the page faults and cache misses that come with them. The in-memory engine returns a sort
    as one chunk, which numpy then reads in place; the streaming engine (polars' default for these) returns
    about a hundred, copied into one array (80 MB and 0.05-0.1 s a 10M-row column).
    """
    size = os.cpu_count() or 1
    results: list[pl.DataFrame] = []
    for start in range(0, len(queries), size):
        results.extend(pl.collect_all(queries[start : start + size], engine="in-memory"))
    return results


def profile_numeric(values: pl.Series, edges: FloatArray | None = None) -> NumericProfile:
    feature = Feature(values.name or "value", FeatureType.FLOAT)
    profile = profile_feature(feature, _as_float(values), edges)
    assert isinstance(profile, NumericProfile)
    return profile


def profile_categorical(values: pl.Series) -> CategoricalProfile:
    profile = profile_feature(Feature(values.name or "value", FeatureType.STRING), values)
    assert isinstance(profile, CategoricalProfile)
    return profile


def _distribution(frame: pl.DataFrame, feature: Feature, *, sort: bool = True) -> pl.LazyFrame:
    """Numeric: the finite values, sorted unless not `sort`. Categorical: each value's count, most frequent first
    (ties by value)."""
    column = pl.col(feature.name)
    if feature.kind is Kind.CATEGORICAL:
        # Fixed column names: a feature may itself be called "count" or "n". Booleans read "true"/"false".
        counts = column.cast(pl.String).drop_nulls().alias("value").value_counts(name="n")
        return frame.lazy().select(counts).unnest("value").sort(["n", "value"], descending=[True, False])
    dtype = frame.schema[feature.name]
    if dtype.is_float():
        finite = column.filter(column.is_finite())
        return frame.lazy().select((finite.sort() if sort else finite).cast(pl.Float64).alias("value"))
    # Integers, dates, datetimes: always finite, and the conversion to float keeps their order, so they are
    # sorted as they are stored (integer sorts are faster, a fraction of that on repeated values), then converted.
    present = column.drop_nulls()
    return frame.lazy().select(float_expression(present.sort() if sort else present, dtype).alias("value"))


def _iso(epoch_seconds: float) -> str:
    return dt.datetime.fromtimestamp(epoch_seconds, dt.UTC).replace(tzinfo=None).isoformat()


def _as_float(values: pl.Series) -> pl.Series:
    return values.to_frame().select(float_expression(pl.col(values.name), values.dtype)).to_series()


def float_expression(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Numbers as floats; dates and datetimes as epoch seconds."""
    if dtype == pl.Date:
        column = column.cast(pl.Datetime("us"))
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return column.dt.epoch("us").cast(pl.Float64) / 1e6
    return column.cast(pl.Float64)
