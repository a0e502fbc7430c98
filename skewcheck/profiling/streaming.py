"""A dataset read in batches: validated and summarised batch by batch, memory bounded by the batch.

Serving data checked against a saved profile is read this way, and with --approx both sides are.
Each batch is validated (its evidence added to a validation Tally) and profiled. A numeric
feature keeps its exact values while there are few; beyond, each batch is counted on a Grid of
fixed points (training's profile's points; under --approx, points a first pass over training
chose), exactly, and the grids add up. Counts (rows, nulls, categories, bins on training's edges)
add up exactly too. Nothing random: the same data gives the same report, run after run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from skewcheck.io.coerce import coerce
from skewcheck.io.read import Table, TypesChangedError, read_batches
from skewcheck.io.sources import Source
from skewcheck.profiling.bins import EDGE_QUANTILES, FloatArray, IntArray, bin_counts, numeric_edges
from skewcheck.profiling.merge import merge_feature
from skewcheck.profiling.profiles import EXACT_VALUES_LIMIT, NumericProfile, Profile, profile_columns
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Dataset, Schema
from skewcheck.schema.registry import Kind
from skewcheck.stats.grid import GRID_POINTS, Grid
from skewcheck.validation.findings import Finding
from skewcheck.validation.tally import Tally

BATCH_ROWS = 250_000
"""Rows read at a time: 50 MB for 20 features; a run peaks near 0.7 GB whatever the rows (bench/RESULTS.md)."""
POINTS_PER_BATCH = 4_096
"""Under --approx, each training batch offers its values at this many evenly spaced ranks as grid points."""


@dataclass(frozen=True)
class Streamed:
    """One dataset summarised: what validation found and each compared feature's profile."""

    table: Table
    """The whole dataset's description (its rows, missing and unexpected columns), without its data."""
    findings: tuple[Finding, ...]
    profiles: Mapping[str, Profile]
    columns: frozenset[str]
    """The schema's features the data has."""


def stream(
    source: Source,
    schema: Schema,
    dataset: Dataset,
    *,
    baseline: Mapping[str, Profile] | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Progress = SILENT,
) -> Streamed:
    """Validate and profile a source batch by batch.

    `baseline`: training's profiles, whose bin edges and points serving is counted on. None when this is
    training: a first pass chooses each numeric feature's points and bins, a second counts on them.
    """
    try:
        return _stream(source, schema, dataset, baseline, batch_rows, progress, infer_all_rows=False)
    except TypesChangedError:
        # A JSON Lines field changed type after its first 100 lines: start again, typed from every line.
        return _stream(source, schema, dataset, baseline, batch_rows, progress, infer_all_rows=True)


def _stream(
    source: Source,
    schema: Schema,
    dataset: Dataset,
    baseline: Mapping[str, Profile] | None,
    batch_rows: int,
    progress: Progress,
    *,
    infer_all_rows: bool,
) -> Streamed:
    tally = Tally(schema, dataset)
    compared = [feature for feature in schema.features if feature.skip_reason is None]
    if baseline is None:
        totals: dict[str, _Total] = {f.name: _Total() for f in compared if f.kind is Kind.NUMERIC}
    else:
        numeric = {name: p for name, p in baseline.items() if isinstance(p, NumericProfile)}
        totals = {name: _Total(p.edges, grid_points(p)) for name, p in numeric.items()}
    categories: dict[str, Profile] = {}
    last: Table | None = None
    for batch in read_batches(source, schema, dataset, batch_rows, infer_all_rows=infer_all_rows):
        progress.stage(f"reading and summarising {dataset} data {source.spec}: {tally.rows + batch.rows:,} rows")
        typed = tally.add(batch)
        columns = set(typed.columns)  # once per batch: a frame's column list is built anew on every call
        present = [feature for feature in compared if feature.name in columns]
        edges = {name: total.edges for name, total in totals.items() if total.edges is not None}
        for name, part in profile_columns(typed, present, edges).items():
            if isinstance(part, NumericProfile):
                if name in totals:  # serving: only what training has a profile to compare with
                    totals[name].add(part)
            else:
                categories[name] = part if name not in categories else merge_feature([categories[name], part])
        last = batch
    assert last is not None  # read_batches yields at least one batch or raises
    if baseline is None and any(total.needs_second_pass for total in totals.values()):
        batches = read_batches(source, schema, dataset, batch_rows, infer_all_rows=infer_all_rows)
        _count_on_chosen_grids(batches, schema, totals)
    profiles = {**categories, **{name: total.profile() for name, total in totals.items() if total.rows}}
    whole = replace(last, frame=pl.DataFrame(), rows=tally.rows, first_row=0)
    return Streamed(whole, tally.findings(whole), profiles, frozenset(last.frame.columns))


def grid_points(profile: NumericProfile) -> FloatArray:
    """Where serving is counted against a training profile: every point of its CDF, so KS against it is exact,
    and points beyond training's range (see _with_outer_points). A training grid (--approx) has them already."""
    if isinstance(profile.sketch, Grid):
        return profile.sketch.points
    if profile.count == 0:  # nothing to compare with ("cannot compare"); serving's summary still needs a grid
        return np.array([], dtype=np.float64)
    return _with_outer_points(profile.cdf().points, profile.minimum, profile.maximum)


OUTER_POINTS = 1_024
"""Points on each side beyond training's range, spaced geometrically from 1/1,024 of its span to 10^9 spans."""


def _with_outer_points(points: FloatArray, low: float, high: float) -> FloatArray:
    """`points` and points beyond [low, high] at geometrically growing distances: serving values a unit change or a
    shift moved out of training's range get cells a few percent of their distance wide, so their quantiles in
    the report stay within that, instead of one cell spanning them all."""
    span = high - low or max(abs(high), 1.0)
    steps = span * np.geomspace(1 / 1_024, 1e9, OUTER_POINTS)
    return np.unique(np.concatenate([low - steps, points, high + steps]))


@dataclass
class _Total:
    """One numeric feature's batches so far: exact values while few, then a grid on `points`."""

    edges: FloatArray | None = None
    points: FloatArray | None = None
    rows: int = 0
    nulls: int = 0
    nonfinite: int = 0
    values: list[FloatArray] | None = field(default_factory=list)
    """The batches' sorted values, until there are more than EXACT_VALUES_LIMIT."""
    grid: Grid | None = None
    bins: IntArray | None = None
    pool: list[FloatArray] = field(default_factory=list)
    """Training under --approx: candidate points, each batch's values at evenly spaced ranks."""
    bins_from_grid: bool = False
    """Training under --approx: its bins are read off the complete grid's exact counts (Grid.bins)."""

    def add(self, part: NumericProfile) -> None:
        assert part.values is not None  # a batch's own profile keeps its values
        self.rows += part.rows
        self.nulls += part.nulls
        self.nonfinite += part.nonfinite
        if self.edges is not None:
            self.bins = part.bin_counts if self.bins is None else self.bins + part.bin_counts
        if len(part.values):
            self._add_values(part.values)

    def _add_values(self, values: FloatArray) -> None:
        if self.values is not None:
            self.values.append(values)
            if sum(len(v) for v in self.values) <= EXACT_VALUES_LIMIT:
                return
            # Sorted runs: a stable sort (timsort) merges them in one linear pass.
            values, self.values = np.sort(np.concatenate(self.values), kind="stable"), None
        if self.points is None:  # training under --approx: gather candidate points for the second pass
            self.pool.append(values[np.linspace(0, len(values) - 1, POINTS_PER_BATCH + 1).round().astype(np.int64)])
            if sum(len(p) for p in self.pool) > 4 * GRID_POINTS:
                self.pool = [_thinned(np.sort(np.concatenate(self.pool)), 2 * GRID_POINTS)]
            return
        part = Grid.of(values, self.points)
        self.grid = part if self.grid is None else self.grid.merged(part)

    @property
    def needs_second_pass(self) -> bool:
        return self.values is None and self.points is None

    def choose_grid(self) -> None:
        """Under --approx, after the first pass: the points the second pass counts training on. The bins come
        after it, from those exact counts (Grid.bins), so ties and unequal batches weigh as they should."""
        pool = np.unique(np.concatenate(self.pool))
        self.points = _with_outer_points(_thinned(pool, GRID_POINTS), pool[0], pool[-1])
        self.bins_from_grid = True
        self.rows = self.nulls = self.nonfinite = 0
        self.bins, self.pool = None, []

    def profile(self) -> NumericProfile:
        if self.values is not None:  # few values: the exact profile, on training's edges or its own deciles
            values = np.sort(np.concatenate(self.values), kind="stable") if self.values else np.array([], dtype=float)
            edges = self.edges if self.edges is not None else numeric_edges(values)
            return NumericProfile(self.rows, self.nulls, self.nonfinite, values, edges, bin_counts(values, edges))
        assert self.grid is not None
        if self.bins_from_grid:
            edges, bins = self.grid.bins(EDGE_QUANTILES)
            return NumericProfile(self.rows, self.nulls, self.nonfinite, None, edges, bins, sketch=self.grid)
        assert self.edges is not None and self.bins is not None
        return NumericProfile(self.rows, self.nulls, self.nonfinite, None, self.edges, self.bins, sketch=self.grid)


def _count_on_chosen_grids(batches: Iterator[Table], schema: Schema, totals: dict[str, _Total]) -> None:
    """The second pass over training under --approx: its numeric features counted on their chosen grids."""
    chosen = {name: total for name, total in totals.items() if total.needs_second_pass}
    for total in chosen.values():
        total.choose_grid()
    features = [schema.feature(name) for name in chosen]
    for batch in batches:
        typed = pl.DataFrame([coerce(batch.frame.get_column(f.name), f.type).values for f in features])
        for name, part in profile_columns(typed, features).items():
            assert isinstance(part, NumericProfile)
            chosen[name].add(part)


def _thinned(ascending: FloatArray, at_most: int) -> FloatArray:
    """At most `at_most` evenly spaced values of an ascending array, its first and last always among them."""
    if len(ascending) <= at_most:
        return ascending
    return np.unique(ascending[np.linspace(0, len(ascending) - 1, at_most).round().astype(np.int64)])
