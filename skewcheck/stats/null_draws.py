"""Noise levels by simulation, for categories too rare for the chi-square: what PSI and the Jensen-Shannon
distance reach between two samples of training's own category shares, at the two sides' sizes.

The chi-square model (`noise`) holds when every category expects a handful of values on each side. A day of 900
rows over a hundred categories, some rare, is far from that: there the Jensen-Shannon distance of two samples of
one distribution exceeds its chi-square level ten to fifty times more often than it should. So, when a category
expects fewer than `SPARSE_EXPECTED` values, both sides are drawn from training's shares (`DRAWS` times, a fixed
seed: the same inputs give the same level on every run and machine), the metric's mean and variance over the draws
fit a scaled chi-square (Satterthwaite's moment match: a * chi2(nu), a = var / (2 mean), nu = 2 mean^2 / var), and
the level is its quantile at the false-alarm rate. Measured by `bench/false_alarms.py` (README, "Sampling noise").
"""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt

from skewcheck.schema.registry import PSI_SHARE_FLOOR
from skewcheck.stats.arrays import Counts

SPARSE_EXPECTED = 5
"""Below this many expected values in a category on the smaller side, the chi-square model is not trusted."""
DRAWS = 2_000
"""Pairs of samples drawn; fewer for many categories (`_draws`), the moment match needs only mean and variance."""
SIMULATED = frozenset({"psi", "jensen_shannon"})

Matrix = npt.NDArray[np.float64]


def is_sparse(train_counts: Counts, serving_count: int) -> bool:
    """Whether some category of training expects fewer than SPARSE_EXPECTED values on the smaller side."""
    total = int(train_counts.sum())
    if total == 0 or serving_count == 0:
        return False
    smallest = min(total, serving_count)
    return bool((train_counts[train_counts > 0] / total * smallest).min() < SPARSE_EXPECTED)


def simulated_level(metric: str, train_counts: Counts, serving_count: int, false_alarm_rate: float) -> float:
    """The value `metric` (psi or jensen_shannon) exceeds with probability `false_alarm_rate` between a sample of
    training's size and one of `serving_count`, both drawn from training's shares."""
    kept = np.sort(train_counts[train_counts > 0])  # the order of categories changes nothing
    return _level(metric, kept.tobytes(), serving_count, false_alarm_rate)


@functools.lru_cache(maxsize=256)
def _level(metric: str, counts: bytes, serving_count: int, false_alarm_rate: float) -> float:
    """Cached: partitions of one size against one baseline ask the same question."""
    from scipy import special

    kept = np.frombuffer(counts, dtype=np.int64)
    shares = kept / kept.sum()
    rng = np.random.default_rng(0)
    draws = _draws(len(shares))
    train = rng.multinomial(int(kept.sum()), shares, size=draws).astype(np.float64)
    serving = rng.multinomial(serving_count, shares, size=draws).astype(np.float64)
    # The squared Jensen-Shannon distance is the divergence, the quantity the chi-square approximates.
    values = _psi(train, serving) if metric == "psi" else _js_divergence(train, serving)
    mean, variance = float(values.mean()), float(values.var())
    if mean <= 0 or variance <= 0:
        return 0.0
    scale, degrees = variance / (2 * mean), 2 * mean**2 / variance
    level = scale * float(special.chdtri(degrees, false_alarm_rate))  # scipy.stats.chi2.isf
    return level if metric == "psi" else math.sqrt(level)


def _draws(categories: int) -> int:
    """Fewer pairs beyond 150 categories (at least 200: the moment match needs only a mean and a variance), so a
    1,500-category feature costs about what a 150-category one does."""
    return max(200, min(DRAWS, 300_000 // max(categories, 1)))


def _shares(counts: Matrix) -> Matrix:
    shares: Matrix = counts / counts.sum(axis=1, keepdims=True)
    return shares


def _psi(train: Matrix, serving: Matrix) -> Matrix:
    """stats.metrics.psi, one row per draw."""
    t, s = np.maximum(_shares(train), PSI_SHARE_FLOOR), np.maximum(_shares(serving), PSI_SHARE_FLOOR)
    result: Matrix = ((s - t) * np.log(s / t)).sum(axis=1)
    return result


def _js_divergence(train: Matrix, serving: Matrix) -> Matrix:
    """The square of stats.metrics.jensen_shannon, one row per draw."""
    from scipy import special

    t, s = _shares(train), _shares(serving)
    middle = (t + s) / 2
    divergence = (special.rel_entr(t, middle).sum(axis=1) + special.rel_entr(s, middle).sum(axis=1)) / np.log(2)
    result: Matrix = np.maximum(divergence / 2, 0.0)
    return result
