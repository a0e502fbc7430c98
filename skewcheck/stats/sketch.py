"""A bounded, mergeable summary of many numbers: a KLL quantile sketch, exact tails, exact moments.

Saved profiles keep a feature's sorted values while there are few of them; beyond that they keep
this instead. The KLL sketch (Apache DataSketches) answers ranks in the middle of the distribution
within a stated error; the TAIL smallest and largest values are kept exactly, because the area
beyond a sketch's last retained item is what makes Wasserstein distances from sketches unreliable
on heavy tails; count, mean, spread, minimum and maximum are exact. Two sketches merge into the
sketch of both datasets.

Pitfalls of the library this module absorbs: the iterator's weights are wrong after a merge (only
its items are used), quantile 0 and 1 are retained items rather than the minimum and maximum (the
tails give those), an empty sketch raises instead of answering (empty data is never sketched), and
read-only arrays are refused (values are copied).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from skewcheck.stats.ecdf import StepCdf

if TYPE_CHECKING:
    from datasketches import kll_doubles_sketch

FloatArray = npt.NDArray[np.float64]

SKETCH_K = 800
"""KLL's accuracy parameter: rank error about 0.35%, 19 KB at 10 million values, the same speed as k=200."""
TAIL = 1024
"""Values kept exactly at each end."""


@dataclass(frozen=True)
class Sketch:
    kll: bytes
    """The KLL doubles sketch in the DataSketches binary format (readable by its Java, C++ and Python libraries)."""
    low: FloatArray
    """The TAIL smallest values, ascending."""
    high: FloatArray
    """The TAIL largest values, ascending."""
    count: int
    mean: float
    m2: float
    """Sum of squared deviations from the mean (Welford), so spreads merge exactly."""

    @classmethod
    def of(cls, sorted_values: FloatArray) -> Sketch:
        """The sketch of finite values, sorted ascending (at least one; with few, the tails hold them all)."""
        from datasketches import kll_doubles_sketch  # only where a sketch is made or read: not a check's start-up

        kll = kll_doubles_sketch(SKETCH_K)
        kll.update(np.array(sorted_values, dtype=np.float64))  # a writable copy: the library refuses views
        mean, m2 = _moments(sorted_values)
        return cls(
            kll=kll.serialize(),
            low=sorted_values[:TAIL].copy(),
            high=sorted_values[-TAIL:].copy(),
            count=len(sorted_values),
            mean=mean,
            m2=m2,
        )

    def merged(self, other: Sketch) -> Sketch:
        kll = self._sketch()
        kll.merge(other._sketch())
        delta = other.mean - self.mean
        count = self.count + other.count
        # Chan et al.'s pairwise update: exact for the union, whatever the parts' sizes.
        mean = self.mean + delta * other.count / count
        m2 = self.m2 + other.m2 + delta * delta * self.count * other.count / count
        return Sketch(
            kll=kll.serialize(),
            low=np.sort(np.concatenate([self.low, other.low]))[:TAIL],
            high=np.sort(np.concatenate([self.high, other.high]))[-TAIL:],
            count=count,
            mean=mean,
            m2=m2,
        )

    @property
    def minimum(self) -> float:
        return float(self.low[0])

    @property
    def maximum(self) -> float:
        return float(self.high[-1])

    @property
    def std(self) -> float:
        if self.minimum == self.maximum:
            return 0.0
        return math.sqrt(self.m2 / (self.count - 1))

    @cached_property
    def rank_error(self) -> float:
        """The sketch's normalised rank error: a CDF read off it is within this of the true one (99% confidence)."""
        return float(self._sketch().normalized_rank_error(False))

    def cdf(self) -> StepCdf:
        """Exact in the tails, the sketch's in between."""
        kll = self._sketch()
        low_top, high_bottom = self.low[-1], self.high[0]
        items = np.unique(np.fromiter((item for item, _weight in kll), dtype=np.float64))
        middle = items[(items > low_top) & (items < high_bottom)]
        points = np.unique(np.concatenate([self.low, middle, self.high]))
        cdf = np.empty(len(points))
        # Every value below the low tail's top is in it, and every value above the high tail's bottom is in that:
        # there the CDF is exact. At the low top itself, equal values may lie beyond the tail: the sketch answers.
        in_low, in_high = points < low_top, points >= high_bottom
        cdf[in_low] = np.searchsorted(self.low, points[in_low], side="right") / self.count
        above = len(self.high) - np.searchsorted(self.high, points[in_high], side="right")
        cdf[in_high] = 1.0 - above / self.count
        inside = ~in_low & ~in_high
        if inside.any():
            cdf[inside] = np.asarray(kll.get_cdf(points[inside], inclusive=True))[:-1]
        return StepCdf(points, cdf, self.count)

    def quantiles(self, quantiles: FloatArray) -> FloatArray:
        """numpy's linear quantiles where they fall in the exact tails, the sketch's in between."""
        position = quantiles * (self.count - 1)
        result = np.asarray(self._sketch().get_quantiles(quantiles, inclusive=True), dtype=np.float64)
        for i, at in enumerate(position):
            below, fraction = math.floor(at), float(at - math.floor(at))
            if below + 1 < TAIL:
                result[i] = _between(self.low, below, fraction)
            elif below >= self.count - TAIL:
                result[i] = _between(self.high, below - (self.count - TAIL), fraction)
        return result

    def quantile_edges(self, quantiles: FloatArray) -> FloatArray:
        """Bin edges: the sketch's quantiles at `quantiles`, ties merged."""
        return np.unique(self.quantiles(quantiles))

    def pmf_counts(self, edges: FloatArray) -> npt.NDArray[np.int64]:
        """Approximate counts in right-closed bins on `edges` (for merged profiles whose parts had other edges)."""
        shares = np.asarray(self._sketch().get_pmf(edges, inclusive=True), dtype=np.float64)
        counts = np.floor(shares * self.count).astype(np.int64)
        # Largest remainders: the counts still add up to the sketch's count.
        short = self.count - int(counts.sum())
        counts[np.argsort(-(shares * self.count - counts))[:short]] += 1
        return counts

    def _sketch(self) -> kll_doubles_sketch:
        from datasketches import kll_doubles_sketch

        return kll_doubles_sketch.deserialize(self.kll)


def _between(values: FloatArray, index: int, fraction: float) -> float:
    low, high = values[index], values[min(index + 1, len(values) - 1)]
    return float(low + (high - low) * fraction)


def _moments(values: FloatArray) -> tuple[float, float]:
    # Scaled first: squares of values near the largest float would overflow to infinity.
    scale = float(max(abs(values[0]), abs(values[-1]))) or 1.0
    scaled = values / scale
    mean = float(np.mean(scaled))
    return mean * scale, float(np.sum((scaled - mean) ** 2)) * scale * scale
