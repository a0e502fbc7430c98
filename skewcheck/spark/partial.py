"""One Spark partition's profile, made by the batch code every other read uses, and partials merged in order.

A partition's rows arrive as Arrow batches; each is read as the schema's Table (`io.read.frame_table`),
validated by a `Tally` and profiled by `profile_columns`, exactly as `profiling.streaming` does a file's
batches. What travels back to the driver is this object, pickled: counts, evidence, sketches, grids; no row.
Merged in partition order, the partials give what one machine reading the rows in that order gives.
No pyspark here: executors and the driver both import it, and it is tested without a cluster.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from skewcheck.io.read import Table, frame_table
from skewcheck.io.sources import Source
from skewcheck.profiling.bins import FloatArray, IntArray, bin_counts
from skewcheck.profiling.merge import merge_feature
from skewcheck.profiling.profiles import EXACT_VALUES_LIMIT, NumericProfile, Profile, profile_columns
from skewcheck.schema.model import Dataset, Schema
from skewcheck.stats.grid import Grid
from skewcheck.validation.findings import Finding
from skewcheck.validation.tally import Tally

Points = Mapping[str, tuple[FloatArray, FloatArray]]
"""Serving's numeric features: training's bin edges and the points serving is counted on (`grid_points`)."""


@dataclass
class Counted:
    """A serving feature counted on training's edges and points, as `profiling.streaming` counts one: its exact
    values while there are at most EXACT_VALUES_LIMIT of them in all, else a Grid (exact counts, mergeable)."""

    edges: FloatArray
    points: FloatArray
    rows: int = 0
    nulls: int = 0
    nonfinite: int = 0
    bins: IntArray | None = None
    values: list[FloatArray] = field(default_factory=list)
    grid: Grid | None = None

    def add(self, part: NumericProfile) -> None:
        assert part.values is not None  # a batch's own profile keeps its values
        self.rows, self.nulls, self.nonfinite = (
            self.rows + part.rows,
            self.nulls + part.nulls,
            self.nonfinite + part.nonfinite,
        )
        self.bins = part.bin_counts if self.bins is None else self.bins + part.bin_counts
        self._take([part.values], None)

    def absorb(self, other: Counted) -> None:
        self.rows, self.nulls, self.nonfinite = (
            self.rows + other.rows,
            self.nulls + other.nulls,
            self.nonfinite + other.nonfinite,
        )
        if other.bins is not None:
            self.bins = other.bins if self.bins is None else self.bins + other.bins
        self._take(other.values, other.grid)

    def _take(self, values: list[FloatArray], grid: Grid | None) -> None:
        values = [v for v in values if len(v)]
        if self.grid is None and grid is None:
            self.values.extend(values)
            if sum(len(v) for v in self.values) <= EXACT_VALUES_LIMIT:
                return
            values, self.values = self.values, []
        grids = [g for g in (self.grid, grid) if g is not None]
        if values:
            grids.append(Grid.of(np.sort(np.concatenate(values), kind="stable"), self.points))
        self.grid = grids[0]
        for other in grids[1:]:
            self.grid = self.grid.merged(other)

    def profile(self) -> NumericProfile:
        if self.grid is None:
            values = np.sort(np.concatenate(self.values), kind="stable") if self.values else np.array([], dtype=float)
            return NumericProfile(
                self.rows, self.nulls, self.nonfinite, values, self.edges, bin_counts(values, self.edges)
            )
        assert self.bins is not None
        return NumericProfile(self.rows, self.nulls, self.nonfinite, None, self.edges, self.bins, sketch=self.grid)


class Partial:
    """The profile of one partition (or of several, merged), ready to be pickled back to the driver."""

    def __init__(self, schema: Schema, dataset: Dataset, source: Source, points: Points | None) -> None:
        self.schema, self.dataset, self.source = schema, dataset, source
        self.tally = Tally(schema, dataset)
        self.features: dict[str, Profile] = {}
        """Categorical features, and training's numeric ones, each merged batch by batch."""
        self.counted = {name: Counted(edges, at) for name, (edges, at) in (points or {}).items()}
        """Serving's numeric features with a training profile (only those are compared)."""

    def add(self, frame: pl.DataFrame) -> None:
        """One batch of the partition's rows, with the columns Spark read."""
        typed = self.tally.add(frame_table(frame, self.source, self.schema, self.dataset))
        present = [f for f in self.schema.features if f.skip_reason is None and f.name in typed.columns]
        edges = {name: counted.edges for name, counted in self.counted.items()}
        for name, part in profile_columns(typed, present, edges).items():
            if isinstance(part, NumericProfile) and self.dataset is Dataset.SERVING:
                if name in self.counted:  # serving: only what training has a profile to compare with
                    self.counted[name].add(part)
            else:
                known = self.features.get(name)
                self.features[name] = part if known is None else merge_feature([known, part])

    def absorb(self, later: Partial) -> None:
        """Add the partial of the partition after this one's (findings' examples are kept in data order)."""
        self.tally.absorb(later.tally)
        for name, part in later.features.items():
            known = self.features.get(name)
            self.features[name] = part if known is None else merge_feature([known, part])
        for name, counted in later.counted.items():
            self.counted[name].absorb(counted)

    def result(self, whole: Table) -> tuple[tuple[Finding, ...], dict[str, Profile]]:
        """The findings and profiles of all the rows; `whole` describes the dataset (its rows and columns)."""
        counted = {name: c.profile() for name, c in self.counted.items() if c.rows}
        return self.tally.findings(replace(whole, rows=self.tally.rows)), {**self.features, **counted}
