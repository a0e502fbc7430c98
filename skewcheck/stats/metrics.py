"""Drift metrics: pure functions on numpy arrays of counts, one per metric of the registry.

Counts come from profiles (bins or categories, train and serving aligned). The two metrics that are
exact on raw values (Kolmogorov-Smirnov and Wasserstein) are in `ecdf`, noise levels in `noise`. Each
metric's name, kinds, thresholds and definition are its record in `skewcheck.schema.registry`. Only stats
imports scipy.
"""

from __future__ import annotations

import importlib
import math
import threading

import numpy as np
import numpy.typing as npt

from skewcheck.schema.registry import PSI_SHARE_FLOOR
from skewcheck.stats.arrays import Counts
from skewcheck.stats.ecdf import StepCdf
from skewcheck.stats.grid import Grid

# scipy is imported where a metric needs it: a second that `validate` and `infer` never pay.


def preload() -> None:
    """Import scipy.special on another thread, so that its import overlaps with reading the data (scipy.stats,
    half a second more, is imported only for samples small enough for its exact p-values).

    Not a daemon: a run that ends early waits for the import instead of leaving it half done.
    """
    threading.Thread(target=importlib.import_module, args=("scipy.special",), name="import scipy.special").start()


def shares(counts: Counts) -> npt.NDArray[np.float64]:
    total = counts.sum()
    return counts / total if total else np.zeros(len(counts))


def psi(train_counts: Counts, serving_counts: Counts) -> float:
    """Population Stability Index over aligned bins, each side's shares raised to at least PSI_SHARE_FLOOR.

    The floor is a share, so an empty bin weighs the same at a thousand rows as at a million, and the shares are
    not renormalised after it (Evidently's rule): where no bin is below the floor, the textbook PSI exactly.
    """
    train = np.maximum(shares(train_counts), PSI_SHARE_FLOOR)
    serving = np.maximum(shares(serving_counts), PSI_SHARE_FLOOR)
    return float(np.sum((serving - train) * np.log(serving / train)))


def jensen_shannon(train_counts: Counts, serving_counts: Counts) -> float:
    """Jensen-Shannon distance, base 2, in [0, 1]: scipy.spatial.distance.jensenshannon's formula, written out."""
    from scipy import special

    # scipy's steps, in its order, so that the last digit is scipy's too.
    train, serving = shares(train_counts), shares(serving_counts)
    train, serving = train / np.sum(train), serving / np.sum(serving)
    middle = (train + serving) / 2.0
    divergence = (np.sum(special.rel_entr(train, middle)) + np.sum(special.rel_entr(serving, middle))) / np.log(2)
    value = math.sqrt(max(float(divergence) / 2.0, 0.0))  # identical inputs can round just below 0
    return 0.0 if math.isnan(value) else value


def linf(train_counts: Counts, serving_counts: Counts) -> float:
    return float(np.max(np.abs(shares(train_counts) - shares(serving_counts))))


def chi2_pvalue(train_counts: Counts, serving_counts: Counts) -> float:
    """Chi-square test of homogeneity (scipy.stats.chi2_contingency without correction, written out); categories
    seen on neither side are dropped."""
    from scipy import special

    table = np.vstack([train_counts, serving_counts]).astype(np.float64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return 1.0  # one category on both sides: nothing could differ
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    statistic = float(np.sum((table - expected) ** 2 / expected))
    return float(special.chdtrc(table.shape[1] - 1, statistic))


def unseen_rate(serving_counts: dict[str, int], known: set[str]) -> float:
    total = sum(serving_counts.values())
    unseen = sum(count for value, count in serving_counts.items() if value not in known)
    return unseen / total if total else 0.0


def out_of_range(serving: npt.NDArray[np.float64] | Grid | StepCdf, low: float, high: float) -> tuple[int, int]:
    """How many serving values lie below `low` and how many above `high` (training's minimum and maximum).

    Exact on sorted values, and on a grid whose points include both bounds (serving read in batches is counted on
    training's points, which always include its minimum and maximum); a sketch's step CDF is exact in its tails.
    """
    if isinstance(serving, Grid):
        points = serving.points
        # Cells: (-inf, p0), {p0}, (p0, p1), {p1}, ...: the values strictly below p_i fill the first 2i + 1 cells.
        i, j = int(np.searchsorted(points, low, side="left")), int(np.searchsorted(points, high, side="right"))
        if i < len(points) and points[i] == low and j > 0 and points[j - 1] == high:
            return int(serving.counts[: 2 * i + 1].sum()), int(serving.counts[2 * j :].sum())
        serving = serving.cdf()
    if isinstance(serving, StepCdf):
        # P(X < low) is the CDF at the float just below it.
        share_below = float(serving.at(np.array([np.nextafter(low, -np.inf)]))[0])
        share_above = 1.0 - float(serving.at(np.array([high]))[0])
        return round(share_below * serving.count), round(share_above * serving.count)
    below = int(np.searchsorted(serving, low, side="left"))
    return below, len(serving) - int(np.searchsorted(serving, high, side="right"))


def out_of_range_rate(below: int, above: int, count: int) -> float:
    """The share of serving values outside training's range: (below + above) / count."""
    return (below + above) / count if count else 0.0
