"""A numeric profile without sorting: the column counted on fine cells (stats.cells), its order statistics exact.

The default check profiles a numeric column this way when it has more than EXACT_VALUES_LIMIT values: training
chooses the cells, serving is counted on them, and KS and Wasserstein are read off the counts within the bounds
`stats.cells.compare` states. Everything gated (PSI and Jensen-Shannon on training's deciles, null rates, the
range) stays exact: the deciles and the summary's quantiles are the exact order statistics (numpy's linear
quantiles), found from the counts and a sort of only the few cells that hold them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from skewcheck.profiling.bins import EDGE_QUANTILES, FloatArray, IntArray
from skewcheck.stats.cells import Cells, Counted, choose, order_statistics

SUMMARY = (0.01, 0.5, 0.99)
"""The summary's quantiles (profiles.SUMMARY_QUANTILES), kept exactly."""


@dataclass(frozen=True)
class Placed:
    """One side of a feature counted on training's cells, with its exact count, moments, range and quantiles."""

    cells: Cells
    counted: Counted
    count: int
    mean: float
    std: float
    minimum: float
    maximum: float
    kept_quantiles: Mapping[float, float] = field(repr=False)

    def quantiles(self, quantiles: FloatArray) -> FloatArray:
        return np.array([self.kept_quantiles[float(q)] for q in quantiles])


@dataclass(frozen=True)
class PlacedProfile:
    """What profiles.NumericProfile takes: the summary, training's edges (its deciles) and the counts on them."""

    placed: Placed
    edges: FloatArray
    bin_counts: IntArray


def placed_profile(values: FloatArray, cells: Cells | None, edges: FloatArray | None) -> PlacedProfile | None:
    """`values`: a column's finite values, in any order, at least one. Training (`cells` None) chooses the cells
    and its edges; None when no cells fit (a heavy tail), and the caller sorts instead."""
    if cells is None:
        chosen = choose(values)
        if chosen is None:
            return None
        cells, leaf = chosen
        counted = Counted.of(values, cells, leaf, serving=False)
        low, high = cells.low, cells.high
    else:
        leaf = cells.place(values)
        counted = Counted.of(values, cells, leaf)
        low, high = float(values.min()), float(values.max())
    wanted = np.array(sorted({*SUMMARY, *(EDGE_QUANTILES.tolist() if edges is None else [])}))
    position = wanted * (len(values) - 1)
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, len(values) - 1)
    ranks = np.unique(np.concatenate([below, above]))
    if edges is None:  # the edges are training's own deciles: found first, then its counts on them
        found, _ = order_statistics(values, leaf, counted, cells, ranks, np.array([]))
        quantiles = _linear(found, ranks, below, above, position - below)
        kept = dict(zip(wanted.tolist(), quantiles.tolist(), strict=True))
        edges = np.unique(np.array([kept[float(q)] for q in EDGE_QUANTILES]))
        at_most = _at_most(values, leaf, counted, cells, edges)
    else:
        found, at_most = order_statistics(values, leaf, counted, cells, ranks, edges)
        kept = dict(zip(wanted.tolist(), _linear(found, ranks, below, above, position - below).tolist(), strict=True))
    bins = np.diff(np.concatenate([[0], at_most, [len(values)]])).astype(np.int64)
    placed = Placed(cells, counted, len(values), *_moments(values, low, high), low, high, kept)
    return PlacedProfile(placed, edges, bins)


def _at_most(values: FloatArray, leaf: IntArray, counted: Counted, cells: Cells, edges: FloatArray) -> IntArray:
    return order_statistics(values, leaf, counted, cells, np.array([], dtype=np.int64), edges)[1]


def _linear(found: FloatArray, ranks: IntArray, below: IntArray, above: IntArray, fraction: FloatArray) -> FloatArray:
    """numpy.quantile's linear interpolation between the order statistics around each position."""
    at = dict(zip(ranks.tolist(), found.tolist(), strict=True))
    low = np.array([at[r] for r in below.tolist()])
    high = np.array([at[r] for r in above.tolist()])
    # numpy's form, as bins.sorted_quantiles: exact at both ends, equal neighbours give exactly that value.
    result: FloatArray = np.where(fraction >= 0.5, high - (high - low) * (1 - fraction), low + (high - low) * fraction)
    return result


def _moments(values: FloatArray, low: float, high: float) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1), as NumericProfile computes them from sorted values."""
    mean = float(np.mean(values))
    if len(values) < 2 or low == high:
        return mean, 0.0
    scale = max(abs(low), abs(high))
    if 1e-100 < scale < 1e100:
        return mean, float(np.std(values, ddof=1))
    return mean, float(np.std(values / scale, ddof=1)) * scale
