"""KS and Wasserstein without sorting: each value placed by arithmetic in a fine cell of a fixed grid (issue 16).

Sorting whole columns and merging them was most of a check's time, for two metrics that gate nothing by default.
Training's range [low, high] is cut into `cells` equal cells; a value's cell is floor((x - low) * scale), computed
for a whole column at once and counted with numpy.bincount (no search, no sort, nothing random). A cell holding
more than its share of training (see `cap`) and more than one distinct value is cut again into REFINE equal
cells, by the same arithmetic; if one is still too full, the feature is not quantised (the caller sorts it).
Serving is placed on training's cells, with two outer cells for values beyond training's range.

Both CDFs are exact at every cell's end, so KS read there is at most the true statistic, and the true one exceeds
it by at most the smaller side's share of one cell (`ks_bound`; 0 where training holds no value or one distinct
value that serving shares). Wasserstein adds up each cell's exact signed area between the CDFs (from each cell's
count and sum); it is exact in every cell where the CDFs do not cross inside it, and `wasserstein_bound` bounds
the rest. Training's cells are chosen so that no cell's share exceeds a tenth of the KS noise level
(`stats.noise`) at training's size against any serving size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

REFINE = 1_024
"""Cells a too-full cell is cut into."""
MOST_CELLS = 2**19
"""Cells of the first level at most: 4 MB an array, four arrays a feature."""
MOST_REFINED = 64
"""Cells cut again at most (REFINE leaves each): a point mass or two, not a whole distribution."""
SHARE_OF_NOISE = 0.1
"""A cell's share of training stays below this fraction of KS's noise level (0.01 false alarms, any serving)."""


def cap(count: int) -> float:
    """The largest share of training a cell with several distinct values may hold: a tenth of Kolmogorov's
    0.01 noise level for `count` training values against a serving sample of any size (at least this strict
    for every run: a smaller serving sample and a false-alarm rate shared among features both raise the level)."""
    from scipy import special

    return SHARE_OF_NOISE * float(special.kolmogi(0.01)) / math.sqrt(max(count, 1))


@dataclass(frozen=True)
class Cells:
    """Where a feature's values go: training's range in `cells` equal cells, some of them cut into REFINE."""

    low: float
    high: float
    scale: float
    """cells / (high - low); 0 for a constant feature."""
    cells: int
    start: IntArray
    """Leaf index of each first-level cell's first leaf, after the outer cell below `low` (leaf 0)."""
    refined: npt.NDArray[np.bool_]
    """Per first-level cell: cut into REFINE leaves."""
    one_value: FloatArray
    """Per leaf: training's one distinct value there, NaN when it holds none or several."""

    @property
    def leaves(self) -> int:
        """Leaves in order: below `low`, the cells (refined ones as REFINE leaves each), above `high`."""
        return len(self.one_value)

    def place(self, values: FloatArray, *, inside: bool = False) -> IntArray:
        """Each value's leaf: arithmetic only, monotone in the value (the same value always lands in one leaf).
        `inside`: every value is known to lie in [low, high] (training's own), so the outer leaves stay empty."""
        t = values - self.low
        t *= self.scale
        first = np.floor(t)
        np.clip(first, -1, self.cells - 1, out=first)  # below low: -1, the leaf below
        if not self.refined.any():
            first += 1
            leaf = first.astype(np.int64)
        else:
            cell = first.astype(np.int64)
            leaf = np.concatenate([[0], self.start])[cell + 1]
            t -= first
            t *= REFINE
            np.floor(t, out=t)
            np.clip(t, 0, REFINE - 1, out=t)
            leaf += np.where(self.refined[np.maximum(cell, 0)] & (cell >= 0), t.astype(np.int64), 0)
        if not inside:  # beyond training's range: the outer leaves (by comparison, whatever the rounding above)
            leaf[values < self.low] = 0
            leaf[values > self.high] = self.leaves - 1
        return leaf

    def edges(self, low: float, high: float, origin: float) -> FloatArray:
        """Each leaf's lower end and the last one's upper end, from `origin`; the outer leaves end at `low`, `high`."""
        per_cell = np.where(self.refined, REFINE, 1)
        cell = np.repeat(np.arange(self.cells), per_cell)
        within = np.arange(len(cell)) - np.repeat(self.start - 1, per_cell)  # a leaf's place inside its cell
        width = (self.high - self.low) / self.cells
        starts = (self.low - origin) + (cell + within / per_cell[cell]) * width
        return np.concatenate(
            [[min(low, self.low) - origin], starts, [self.high - origin, max(high, self.high) - origin]]
        )


def choose(values: FloatArray) -> tuple[Cells, IntArray] | None:
    """Training's cells and each value's leaf (finite values, any order, at least one); None when some cell
    stays too full (the caller sorts instead).

    First `cells` equal cells, about eight per cap; where some are too full, up to MOST_CELLS; where a few still
    are (a point mass with other values near it), those few cut into REFINE cells each."""
    low, high = float(values.min()), float(values.max())
    limit = cap(len(values)) * len(values)
    span = high - low
    cells = 1 if span == 0 else int(min(MOST_CELLS, max(1_024, 2 ** math.ceil(math.log2(8 * len(values) / limit)))))
    refined = np.zeros(cells, dtype=np.bool_)
    while True:
        scale = cells / span if span > 0 else 0.0
        if span > 0 and not (math.isfinite(scale) and scale > 0):
            return None  # a range wider than floats can divide
        start = _starts(refined)
        leaves = int(start[-1]) + (REFINE if refined[-1] else 1) + 1
        grid = Cells(low, high, scale, cells, start, refined, np.full(leaves, np.nan))
        leaf = grid.place(values, inside=True)
        counts = np.bincount(leaf, minlength=leaves)
        one = np.full(leaves, np.nan)  # no cell too full: which hold one value is not worth a pass to know
        if (counts > limit).any():
            one = _one_value(values, leaf, leaves)
        full = (counts > limit) & np.isnan(one)
        if not full.any():
            return Cells(low, high, scale, cells, start, refined, one), leaf
        fullest = float(counts[full].max()) / limit
        if not refined.any() and cells < MOST_CELLS and int(full.sum()) > MOST_REFINED:
            cells = min(MOST_CELLS, cells * 2 ** math.ceil(math.log2(2 * fullest)))
            refined = np.zeros(cells, dtype=np.bool_)
        elif not refined.any() and int(full.sum()) <= MOST_REFINED and fullest < REFINE / 4:
            refined = full[1:-1].copy()  # leaf i + 1 is cell i while none is refined
        else:
            return None


def _starts(refined: npt.NDArray[np.bool_]) -> IntArray:
    before = np.concatenate([[0], np.cumsum(refined[:-1], dtype=np.int64)])
    starts: IntArray = (1 + np.arange(len(refined), dtype=np.int64) + (REFINE - 1) * before).astype(np.int64)
    return starts


def _one_value(values: FloatArray, leaf: IntArray, leaves: int) -> FloatArray:
    """Per leaf, its one distinct value, or NaN when it holds none or several: one value of each leaf (the last
    written), then a count of the values that differ from their leaf's."""
    seen = np.full(leaves, np.nan)
    seen[leaf] = values
    differ = np.bincount(leaf, weights=values != seen[leaf], minlength=leaves)
    return np.where(differ > 0, np.nan, seen)


@dataclass(frozen=True)
class Counted:
    """One side's values counted on training's cells: per leaf, the count, the sum (from `origin`) and, for
    serving, how many differ from training's one value there."""

    counts: IntArray
    sums: FloatArray
    others: IntArray
    origin: float

    @classmethod
    def of(cls, values: FloatArray, cells: Cells, leaf: IntArray, *, serving: bool = True) -> Counted:
        """`leaf`: cells.place(values). Training's own values need no count of the ones differing from its own."""
        origin = (cells.low + cells.high) / 2
        counts = np.bincount(leaf, minlength=cells.leaves).astype(np.int64)
        sums = np.bincount(leaf, weights=values - origin, minlength=cells.leaves).astype(np.float64)
        if not serving:
            return cls(counts, sums, np.where(np.isnan(cells.one_value), counts, 0), origin)
        differ = values != cells.one_value[leaf]  # NaN never equals: leaves without one value count everything
        others = np.bincount(leaf, weights=differ, minlength=cells.leaves).astype(np.int64)
        return cls(counts, sums, others, origin)

    def outside(self) -> tuple[int, int]:
        """Values below and above training's range: the two outer leaves."""
        return int(self.counts[0]), int(self.counts[-1])


@dataclass(frozen=True)
class Comparison:
    ks: float
    ks_bound: float
    """How far the true KS statistic can be above `ks` (0: exact)."""
    wasserstein: float
    """In the data's units."""
    wasserstein_bound: float
    """How far the true distance can be from `wasserstein`, in the data's units (0: exact)."""


def compare(cells: Cells, train: Counted, serving: Counted, low: float, high: float) -> Comparison:
    """KS and W1 between two sides counted on the same cells; `low`, `high`: both sides' smallest and largest."""
    t = train.counts / max(int(train.counts.sum()), 1)
    s = serving.counts / max(int(serving.counts.sum()), 1)
    gaps = np.cumsum(s) - np.cumsum(t)  # after each leaf
    ks = float(np.max(np.abs(gaps))) if len(gaps) else 0.0
    single = ~np.isnan(cells.one_value)
    serving_others = serving.others / max(int(serving.counts.sum()), 1)
    bound = np.minimum(t, np.where(single, np.minimum(s, serving_others), s))
    edges = cells.edges(low, high, train.origin)
    width = np.maximum(np.diff(edges), 0.0)
    b = edges[1:]
    starts = np.concatenate([[0.0], gaps[:-1]])
    t_sums = train.sums / max(int(train.counts.sum()), 1)
    s_sums = serving.sums / max(int(serving.counts.sum()), 1)
    # The integral of G - F over a leaf [a, b): (b - a) D(a) + each side's sum over its values of (b - v) / n.
    signed = width * starts + (b * s - s_sums) - (b * t - t_sums)
    # The CDFs may cross inside a leaf where both sides have values or D changes sign across it; there |signed
    # area| can fall short of the area by at most the leaf's width times its larger share.
    crossing = ((t > 0) & (s > 0)) | (np.sign(starts) * np.sign(gaps) < 0)
    w1_bound = float(np.sum(np.where(crossing, width * np.maximum(t, s), 0.0)))
    return Comparison(ks, float(bound.max()) if len(bound) else 0.0, float(np.sum(np.abs(signed))), w1_bound)


def order_statistics(
    values: FloatArray, leaf: IntArray, counted: Counted, cells: Cells, ranks: IntArray, edges: FloatArray
) -> tuple[FloatArray, IntArray]:
    """The values at these 0-based ranks of the sorted column, and how many values are at most each edge, without
    sorting: each rank's (each edge's) leaf from the counts, then only the values of those leaves looked at (none
    where every value of the leaf is training's one value there)."""
    counts = counted.counts
    ends = np.cumsum(counts)
    one = np.where(counted.others == 0, cells.one_value, np.nan)  # a leaf all of whose values are one value
    at = np.searchsorted(ends, ranks, side="right")
    edge_at = cells.place(edges)
    wanted = np.zeros(len(counts), dtype=np.bool_)
    wanted[at[np.isnan(one[at])]] = True
    wanted[edge_at[np.isnan(one[edge_at])]] = True
    chosen = wanted[leaf]
    picked, picked_leaf = values[chosen], leaf[chosen]
    found = one[at].copy()
    before = ends[at] - counts[at]
    for i in np.flatnonzero(np.isnan(found)).tolist():
        k = int(ranks[i] - before[i])
        found[i] = np.partition(picked[picked_leaf == at[i]], k)[k]
    at_most = ends[edge_at] - counts[edge_at]
    for i, (edge, leaf_of_edge) in enumerate(zip(edges.tolist(), edge_at.tolist(), strict=True)):
        if np.isnan(one[leaf_of_edge]):
            extra = int(np.count_nonzero(picked[picked_leaf == leaf_of_edge] <= edge))
        else:
            extra = int(counts[leaf_of_edge]) if one[leaf_of_edge] <= edge else 0
        at_most[i] = at_most[i] + extra
    return found, at_most
