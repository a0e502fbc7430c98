"""Features, profiles and independent reference metrics for the compare_feature tests."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats
from scipy.spatial import distance

from skewcheck.drift.features import FeatureResult, compare_feature
from skewcheck.drift.gates import Gate
from skewcheck.profiling.profiles import CategoricalProfile, NumericProfile, profile_categorical, profile_numeric
from skewcheck.schema.model import DriftGate, Feature, FeatureType
from skewcheck.schema.registry import Thresholds

NUMERIC_METRICS = ("psi", "jensen_shannon", "wasserstein", "ks_statistic")
CATEGORICAL_METRICS = ("psi", "jensen_shannon", "linf")
NEVER = Thresholds(1e9, 1e9)  # a drift gate that cannot trigger, to look at the other gates alone

FloatArray = npt.NDArray[np.float64]


# --- building features and profiles -------------------------------------------------------------


def numeric_feature(
    metric: str = "psi", warn: float = 0.1, fail: float = 0.25, type_: FeatureType = FeatureType.FLOAT, **kw: Any
) -> Feature:
    return Feature("x", type_, drift=DriftGate(metric, Thresholds(warn, fail)), **kw)


def categorical_feature(
    metric: str = "jensen_shannon",
    warn: float = 0.1,
    fail: float = 0.2,
    type_: FeatureType = FeatureType.CATEGORY,
    **kw: Any,
) -> Feature:
    return Feature("c", type_, drift=DriftGate(metric, Thresholds(warn, fail)), **kw)


def numeric_profiles(train: Any, serving: Any) -> tuple[NumericProfile, NumericProfile]:
    train_profile = profile_numeric(pl.Series("x", train))
    return train_profile, profile_numeric(pl.Series("x", serving), train_profile.edges)


def categorical_profiles(train: Any, serving: Any) -> tuple[CategoricalProfile, CategoricalProfile]:
    return profile_categorical(pl.Series("c", train)), profile_categorical(pl.Series("c", serving))


def compare_numeric(feature: Feature, train: Any, serving: Any) -> FeatureResult:
    return compare_feature(feature, *numeric_profiles(train, serving))


def compare_categorical(feature: Feature, train: Any, serving: Any) -> FeatureResult:
    return compare_feature(feature, *categorical_profiles(train, serving))


def gate(result: FeatureResult, metric: str) -> Gate:
    matches = [g for g in result.gates if g.metric == metric]
    assert len(matches) == 1, f"expected one {metric} gate, got {[g.metric for g in result.gates]}"
    return matches[0]


def normal(seed: int, n: int, loc: float = 0.0, scale: float = 1.0) -> FloatArray:
    return np.random.default_rng(seed).normal(loc, scale, n)


def with_nulls(values: Any, nulls: int) -> list[float | None]:
    return [*list(values), *([None] * nulls)]


def categories(spec: dict[str, int], seed: int = 0) -> list[str]:
    """A shuffled list with each value repeated the given number of times."""
    values = [value for value, n in spec.items() for _ in range(n)]
    order = np.random.default_rng(seed).permutation(len(values))
    return [values[i] for i in order]


# --- independent references ---------------------------------------------------------------------


def reference_bins(values: FloatArray, edges: FloatArray) -> FloatArray:
    """Right-closed bins (-inf, e0], (e0, e1], ..., (e_last, inf), counted by comparison."""
    inner = [np.sum((values > low) & (values <= high)) for low, high in itertools.pairwise(edges)]
    return np.array([np.sum(values <= edges[0]), *inner, np.sum(values > edges[-1])], dtype=np.float64)


def reference_psi(train: FloatArray, serving: FloatArray) -> float:
    """Shares, each at least 1e-4 (Evidently's floor), then sum (s - t) ln(s / t)."""
    t = np.maximum(train / train.sum(), 1e-4)
    s = np.maximum(serving / serving.sum(), 1e-4)
    return float(np.sum((s - t) * np.log(s / t)))


def reference_numeric(metric: str, train: FloatArray, serving: FloatArray) -> float:
    """The gate metric recomputed from the raw arrays with scipy and the definitions, not skewcheck."""
    if metric == "ks_statistic":
        return float(stats.ks_2samp(train, serving).statistic)
    if metric == "wasserstein":
        return float(stats.wasserstein_distance(train, serving)) / float(np.std(train, ddof=1))
    edges = np.unique(np.quantile(train, np.linspace(0.1, 0.9, 9)))  # the nine deciles
    t, s = reference_bins(train, edges), reference_bins(serving, edges)
    if metric == "psi":
        return reference_psi(t, s)
    assert metric == "jensen_shannon"
    return float(distance.jensenshannon(t / t.sum(), s / s.sum(), base=2))


def aligned(train: list[Any], serving: list[Any]) -> tuple[FloatArray, FloatArray]:
    present = Counter(v for v in train if v is not None), Counter(v for v in serving if v is not None)
    keys = sorted(set(present[0]) | set(present[1]))
    return (
        np.array([present[0][k] for k in keys], dtype=np.float64),
        np.array([present[1][k] for k in keys], dtype=np.float64),
    )


def reference_categorical(metric: str, train: list[Any], serving: list[Any]) -> float:
    t, s = aligned(train, serving)
    if metric == "psi":
        return reference_psi(t, s)
    if metric == "linf":
        return float(np.max(np.abs(t / t.sum() - s / s.sum())))
    assert metric == "jensen_shannon"
    return float(distance.jensenshannon(t / t.sum(), s / s.sum(), base=2))
