"""Empirical CDFs and the two metrics read off a pair of them: Kolmogorov-Smirnov and Wasserstein-1, in one pass.

The inputs are each side's sorted non-null values, or a step CDF (`StepCdf`) where a side is a saved
profile's sketch. The statistic and the distance are computed here, bit for bit as scipy.stats computes
them; scipy is imported only for the p-value (its `stats` module, half a second, only for small samples).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from skewcheck.stats.arrays import Counts, Values


@dataclass(frozen=True)
class KsResult:
    statistic: float
    pvalue: float


# scipy's own bound for its exact KS p-value; above it, scipy (and we) use Smirnov's asymptotic formula.
EXACT_KS_LIMIT = 10_000


def ks(train_values: Values, serving_values: Values) -> KsResult:
    """Two-sample Kolmogorov-Smirnov on sorted values: scipy.stats.ks_2samp's statistic and p-value."""
    return ks_and_wasserstein(train_values, serving_values, 1.0)[0]


def wasserstein(train_values: Values, serving_values: Values, train_std: float) -> float:
    """W1 distance between sorted samples in units of training standard deviations (see ks_and_wasserstein)."""
    return ks_and_wasserstein(train_values, serving_values, train_std)[1]


def ks_and_wasserstein(train_values: Values, serving_values: Values, train_std: float) -> tuple[KsResult, float]:
    """KS and normalised W1 from one pass over both empirical CDFs (inputs sorted ascending, neither empty).

    KS is scipy.stats.ks_2samp's statistic; its p-value is scipy's exact one up to EXACT_KS_LIMIT
    values and, above, `ks_pvalue`. W1 is the area between the
    two CDFs, as scipy.stats.wasserstein_distance computes it, divided by the training standard
    deviation: infinite when training is constant and serving is not.
    """
    if len(train_values) == 0 or len(serving_values) == 0:
        raise ValueError("KS and Wasserstein need at least one value on each side")
    statistic, area = _largest_gap_and_area(train_values, serving_values)
    w1 = in_standard_deviations(area, train_std)
    if max(len(train_values), len(serving_values)) <= EXACT_KS_LIMIT:
        from scipy import stats  # small samples only: scipy.stats costs half a second to import

        return KsResult(statistic, float(stats.ks_2samp(train_values, serving_values).pvalue)), w1
    return KsResult(statistic, ks_pvalue(statistic, len(train_values), len(serving_values))), w1


# Above this effective sample size scipy's kstwo.sf costs a tenth of a second and more per call (0.8 s at
# 900,000), for a p-value Kolmogorov's limit with Stephens' correction gives within 0.001 (measured).
KSTWO_LIMIT = 20_000


def ks_pvalue(statistic: float, train_count: int, serving_count: int) -> float:
    """scipy's asymptotic two-sample p-value (kstwo at the effective n); Stephens' form above KSTWO_LIMIT."""
    from scipy import special

    effective_n = train_count * serving_count / (train_count + serving_count)
    if effective_n <= KSTWO_LIMIT:
        from scipy import stats

        return float(stats.kstwo.sf(statistic, max(round(effective_n), 1)))
    root = math.sqrt(effective_n)
    return float(special.kolmogorov((root + 0.12 + 0.11 / root) * statistic))


@dataclass(frozen=True)
class StepCdf:
    """An empirical CDF, exact or from a quantile sketch: P(X <= points[i]) = cdf[i], constant in between."""

    points: Values
    """Distinct values, ascending."""
    cdf: Values
    count: int
    """How many values it describes (the sample size for the p-value)."""

    def at(self, grid: Values) -> Values:
        index = np.searchsorted(self.points, grid, side="right") - 1
        return np.where(index >= 0, self.cdf[np.maximum(index, 0)], 0.0)


def ks_and_wasserstein_from_cdfs(train: StepCdf, serving: StepCdf, train_std: float) -> tuple[KsResult, float]:
    """KS and normalised W1 as `ks_and_wasserstein`, when a side is a sketch's CDF rather than its values.

    Both CDFs are step functions, constant between their points, so the largest gap and the area
    between them are read off the union of both sides' points. Exact on two exact CDFs; with a
    sketch, off by at most the sketch's rank error (KS). The p-value is the asymptotic one.
    """

    grid = _merged(train.points, serving.points)
    gaps = np.abs(train.at(grid) - serving.at(grid))
    w1 = in_standard_deviations(float(np.sum(gaps[:-1] * np.diff(grid))), train_std)
    statistic = float(np.max(gaps)) if len(gaps) else 0.0
    return KsResult(statistic, ks_pvalue(statistic, train.count, serving.count)), w1


def _merged(first: Values, second: Values) -> Values:
    """The sorted distinct values of two sorted distinct arrays: the shorter inserted into the longer, no sort."""
    short, long = sorted((first, second), key=len)
    grid = np.insert(long, np.searchsorted(long, short), short)
    return grid[np.append(True, grid[1:] != grid[:-1])] if len(grid) else grid


def in_standard_deviations(distance: float, train_std: float) -> float:
    if train_std > 0:
        return distance / train_std
    return 0.0 if distance == 0 else math.inf


# Both samples are merged a slice of about this many values a side at a time: the dozen temporary arrays of a
# slice stay in the CPU's cache. Merging two 10M columns whole allocates and faults in ~1 GB, about 3x slower.
MERGE_SLICE = 32_768


def _largest_gap_and_area(train_sorted: Values, serving_sorted: Values) -> tuple[float, float]:
    """max |F_t - F_s| over every value of either sample, and the area between F_t and F_s (inputs sorted).

    Slices end after a value (ties and all) every MERGE_SLICE values of either side, so that no run of
    equal values is split. The area between a slice's last value and the next slice's first is added here.
    """
    n, m = len(train_sorted), len(serving_sorted)
    bounds = np.union1d(train_sorted[MERGE_SLICE - 1 :: MERGE_SLICE], serving_sorted[MERGE_SLICE - 1 :: MERGE_SLICE])
    train_cuts = [0, *np.searchsorted(train_sorted, bounds, side="right").tolist(), n]
    serving_cuts = [0, *np.searchsorted(serving_sorted, bounds, side="right").tolist(), m]
    statistic = area = 0.0
    last: _Slice | None = None
    for t0, t1, s0, s1 in zip(train_cuts, train_cuts[1:], serving_cuts, serving_cuts[1:], strict=False):
        if t0 == t1 and s0 == s1:
            continue
        piece = _slice_gaps(train_sorted[t0:t1], serving_sorted[s0:s1], (t0, n), (s0, m))
        statistic = max(statistic, piece.largest_gap)
        if last is not None:
            area += last.last_gap * (piece.first_value - last.last_value)
        area += piece.area
        last = piece
    return statistic, area


@dataclass(frozen=True)
class _Slice:
    largest_gap: float
    area: float
    """Between the slice's first and last values."""
    first_value: float
    last_value: float
    last_gap: float
    """|F_t - F_s| from the last value on, up to the next slice's first value."""


def _slice_gaps(train: Values, serving: Values, train_at: tuple[int, int], serving_at: tuple[int, int]) -> _Slice:
    """Both CDFs at each distinct value of one slice; `*_at` are (values before the slice, sample size).

    Each side is first cut to its distinct values and how many values lie at or below each (few when
    values repeat: integers, rounded amounts), then the two are merged. The CDFs are integer counts over
    the sample sizes, divided exactly as scipy.stats.ks_2samp divides them: the same statistic, bit for bit.
    """
    train_values, train_counts = _runs(train, train_at[0])
    serving_values, serving_counts = _runs(serving, serving_at[0])
    both = np.concatenate([train_values, serving_values])
    # A stable sort of two sorted runs is one linear merge (timsort finds the runs); training first on ties.
    order = np.argsort(both, kind="stable")
    merged = both[order]
    from_train = np.cumsum(order < len(train_values))  # training's distinct values at or before each position
    ends = np.flatnonzero(np.append(merged[1:] != merged[:-1], True))  # a value on both sides: count it once
    train_rank = from_train[ends]
    gaps = np.abs(train_counts[train_rank] / train_at[1] - serving_counts[ends + 1 - train_rank] / serving_at[1])
    values = merged[ends]
    area = float(np.sum(gaps[:-1] * np.diff(values)))
    return _Slice(float(gaps.max()), area, float(values[0]), float(values[-1]), float(gaps[-1]))


def _runs(sorted_values: Values, before: int) -> tuple[Values, Counts]:
    """Distinct values, and [before, then how many values are at or below each distinct value]."""
    if len(sorted_values) == 0:  # a slice may hold values of one side only
        return sorted_values, np.array([before], dtype=np.int64)
    ends = np.flatnonzero(np.append(sorted_values[1:] != sorted_values[:-1], True))
    at_most = np.empty(len(ends) + 1, dtype=np.int64)
    at_most[0] = before
    np.add(ends, before + 1, out=at_most[1:])
    # No ties (most float columns): the values themselves, not a copy gathered at every index.
    return (sorted_values if len(ends) == len(sorted_values) else sorted_values[ends]), at_most
