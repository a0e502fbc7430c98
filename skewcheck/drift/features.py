"""Compare two datasets' profiles feature by feature: metrics, gates and a verdict.

Each feature gets three gates (feature_gates): its drift metric, the rise of its null rate, and the
share of serving values outside training's domain, unseen categories or (for numbers and dates)
values beyond training's range. Each gate has the sample it stands on; too small a sample caps
that gate at `warn`, because a small sample can neither pass nor fail a feature with confidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from skewcheck.drift.accuracy import EXACT, Accuracy
from skewcheck.drift.feature_gates import drift_gate, null_gate, range_gate, unseen_gate
from skewcheck.drift.gates import Gate, Status, worst
from skewcheck.profiling.placed import Placed
from skewcheck.profiling.profiles import CategoricalProfile, NumericProfile, Profile
from skewcheck.schema.model import Dataset, Feature, FeatureType
from skewcheck.stats import cells, ecdf, grid, metrics
from skewcheck.stats.arrays import Counts
from skewcheck.stats.grid import Grid
from skewcheck.stats.noise import RUN_FALSE_ALARM_RATE


@dataclass(frozen=True)
class Histogram:
    """Both sides' shares on the same bins, for plots: each side's shares sum to 1 (or are all 0).

    Numeric: one share per training bin, `edges` the bins' bounds (bin i is (edges[i-1], edges[i]],
    the first and last bins open-ended), so len(shares) == len(edges) + 1.
    Categorical: one share per value in `categories` (values training knows, largest share on
    either side first), then per value in `unseen` (serving values training never had), then one
    share for every other known value and one for every other unseen value.
    """

    train: list[float]
    serving: list[float]
    edges: list[float] | None = None
    """None for categorical features, and for numeric ones whose bounds are personal data."""
    categories: list[str] | None = None
    unseen: list[str] | None = None
    below: float = 0.0
    """Numeric: serving's share below training's minimum, part of the first bin's share (the bins are open)."""
    above: float = 0.0
    """Numeric: serving's share above training's maximum, part of the last bin's share."""
    bounds: tuple[float, float] | None = None
    """Numeric: training's minimum and maximum, which the out-of-range shares lie beyond; None for categorical
    features and for personal data."""

    @property
    def is_categorical(self) -> bool:
        return self.categories is not None

    def side(self, dataset: Dataset) -> list[float]:
        return self.train if dataset is Dataset.TRAIN else self.serving


@dataclass(frozen=True)
class FeatureResult:
    """One feature's comparison. Frozen, its gates and reasons tuples: a verdict never changes once made."""

    name: str
    type: FeatureType
    status: Status = Status.PASS
    gates: Sequence[Gate] = ()
    metrics: Mapping[str, float | None] = field(default_factory=dict)
    reasons: Sequence[str] = ()
    summary: Mapping[Dataset, Mapping[str, object]] = field(default_factory=dict)
    histogram: Histogram | None = None
    accuracy: Accuracy | None = None
    """How exact KS and Wasserstein are (numeric features compared; None otherwise)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "gates", tuple(self.gates))
        object.__setattr__(self, "reasons", tuple(self.reasons))

    @property
    def drift_gate(self) -> Gate | None:
        return self.gates[0] if self.gates else None

    def with_gate(self, gate: Gate) -> FeatureResult:
        """This result judged by one more gate: the worse status, and the gate's reason when it did not pass."""
        reasons = self.reasons if gate.status is Status.PASS else (*self.reasons, gate.reason)
        status = worst((self.status, gate.status))
        return replace(self, gates=(*self.gates, gate), status=status, reasons=reasons)


def skipped(feature: Feature, reason: str) -> FeatureResult:
    return FeatureResult(feature.name, feature.type, Status.SKIPPED, reasons=[reason])


def errored(feature: Feature, reason: str) -> FeatureResult:
    return FeatureResult(feature.name, feature.type, Status.ERROR, reasons=[reason])


def compare_feature(
    feature: Feature,
    train: Profile,
    serving: Profile,
    compared_features: int = 1,
    *,
    sample: int | None = None,
    seed: int = 0,
) -> FeatureResult:
    """Metrics, gates and verdict for one drift-checked feature present on both sides.

    `compared_features` is how many features the run compares: the noise guard shares the run's
    false-alarm rate among them, so a wide dataset does not fail on noise more often than a narrow one.
    `sample` limits the values the distribution metrics use; summaries and null rates stay exact.
    """
    assert feature.drift is not None
    temporal = feature.type.is_temporal
    summary = {
        Dataset.TRAIN: train.summary(temporal=temporal),
        Dataset.SERVING: serving.summary(temporal=temporal),
    }
    # Before sampling: training's exact range against every serving value.
    outside = _out_of_range(train, serving)
    histogram = _histogram(feature, train, serving, outside)
    whole_train, serving_count = train, serving.count
    if sample is not None:
        train, serving = train.sampled(sample, seed), serving.sampled(sample, seed + 1)
    metrics: dict[str, float | None] = {}
    accuracy = None
    if isinstance(train, NumericProfile) and isinstance(serving, NumericProfile):
        metrics, accuracy = _numeric_metrics(train, serving, outside, serving_count)
    elif isinstance(train, CategoricalProfile) and isinstance(serving, CategoricalProfile):
        metrics = _categorical_metrics(feature, train, serving)
    metrics["null_rate_train"] = train.null_rate
    metrics["null_rate_serving"] = serving.null_rate

    false_alarm_rate = RUN_FALSE_ALARM_RATE / max(compared_features, 1)
    categories = _categories(train, serving)
    counts = np.array(list(train.counts.values()), dtype=np.int64) if isinstance(train, CategoricalProfile) else None
    gates = [
        drift_gate(feature, metrics, train.count, serving.count, categories, false_alarm_rate, counts),
        null_gate(feature, train, serving),
    ]
    if feature.type in (FeatureType.STRING, FeatureType.CATEGORY):
        gates.append(unseen_gate(feature, metrics["unseen_rate"], serving.count))
    if isinstance(whole_train, NumericProfile):
        found = range_gate(feature, whole_train, *outside, serving_count, false_alarm_rate)
        gates += [found] if found is not None else []
    result = FeatureResult(
        feature.name, feature.type, metrics=metrics, summary=summary, histogram=histogram, accuracy=accuracy
    )
    for gate in gates:
        result = result.with_gate(gate)
    return result


HISTOGRAM_CATEGORIES = 12
HISTOGRAM_UNSEEN = 3


def _histogram(feature: Feature, train: Profile, serving: Profile, outside: tuple[int, int]) -> Histogram:
    """Both sides' shares on the same bins: training's bins, or the largest categories then the rest."""
    if isinstance(train, NumericProfile) and isinstance(serving, NumericProfile):
        binned = int(serving.bin_counts.sum())
        below, above = (count / binned if binned else 0.0 for count in outside)
        bounds = (float(train.minimum), float(train.maximum)) if train.count else None
        return Histogram(
            _shares(train.bin_counts),
            _shares(serving.bin_counts),
            edges=[float(edge) for edge in train.edges],
            below=below,
            above=above,
            bounds=bounds,
        )
    assert isinstance(train, CategoricalProfile) and isinstance(serving, CategoricalProfile)
    known = _known(feature, train)
    either = {c: n / train.count for c, n in train.counts.items()}
    for category, n in serving.counts.items():
        either[category] = max(either.get(category, 0.0), n / serving.count)
    ranked = sorted(either, key=lambda c: -either[c])  # sorted() is stable: ties keep training's order
    shown = [c for c in ranked if c in known][:HISTOGRAM_CATEGORIES]
    unseen = [c for c in serving.counts if c not in known][:HISTOGRAM_UNSEEN]
    buckets = [*shown, *unseen]
    sides = []
    for side in (train, serving):
        counts = [side.counts.get(c, 0) for c in buckets]
        other_known = sum(n for c, n in side.counts.items() if c in known) - sum(counts[: len(shown)])
        other_unseen = sum(n for c, n in side.counts.items() if c not in known) - sum(counts[len(shown) :])
        sides.append(_shares(np.array([*counts, other_known, other_unseen])))
    return Histogram(sides[0], sides[1], categories=shown, unseen=unseen)


def _shares(counts: Counts) -> list[float]:
    return [float(share) for share in metrics.shares(counts)]


def _known(feature: Feature, train: CategoricalProfile) -> set[str]:
    """The values a serving value is checked against: the schema's, else training's."""
    return {str(v) for v in feature.values} if feature.values is not None else set(train.counts)


def _categories(train: Profile, serving: Profile) -> int:
    """Bins or categories holding a value on either side: the degrees of freedom of the noise."""
    if isinstance(train, NumericProfile) and isinstance(serving, NumericProfile):
        return int(((train.bin_counts + serving.bin_counts) > 0).sum())
    assert isinstance(train, CategoricalProfile) and isinstance(serving, CategoricalProfile)
    return len(train.counts.keys() | serving.counts.keys())


def _out_of_range(train: Profile, serving: Profile) -> tuple[int, int]:
    """How many serving values lie below and above training's range (none when either side is empty)."""
    if not isinstance(train, NumericProfile) or not isinstance(serving, NumericProfile):
        return 0, 0
    if train.count == 0 or serving.count == 0:
        return 0, 0
    if serving.values is not None:
        return metrics.out_of_range(serving.values, train.minimum, train.maximum)
    if isinstance(serving.sketch, Placed):  # counted on training's cells: the two outer ones are beyond its range
        return serving.sketch.counted.outside()
    # Read in batches: a grid on training's points, minimum and maximum among them; a saved sketch: its CDF.
    side = serving.sketch if isinstance(serving.sketch, Grid) else serving.cdf()
    return metrics.out_of_range(side, train.minimum, train.maximum)


def _numeric_metrics(
    train: NumericProfile, serving: NumericProfile, outside: tuple[int, int], serving_count: int
) -> tuple[dict[str, float | None], Accuracy | None]:
    """`outside` and `serving_count`: the out-of-range counts and serving's count before any sampling."""
    if train.count == 0 or serving.count == 0:
        names = ("psi", "jensen_shannon", "wasserstein", "ks_statistic", "ks_pvalue", "out_of_range_rate")
        return dict.fromkeys(names), None
    accuracy = EXACT
    if isinstance(train.sketch, Placed) and isinstance(serving.sketch, Placed):  # both on training's fine cells
        ks, wasserstein, accuracy = _on_cells(train.sketch, serving.sketch)
    elif isinstance(serving.sketch, Grid):  # serving read in batches, counted on training's points
        ks, wasserstein, accuracy = _on_grid(train, serving.sketch)
    elif isinstance(train.sketch, Grid) and serving.values is not None:  # few serving values, training on a grid
        ks, wasserstein, accuracy = _on_grid(train, Grid.of(serving.values, train.sketch.points))
    elif train.values is not None and serving.values is not None:
        ks, wasserstein = ecdf.ks_and_wasserstein(train.values, serving.values, train.std)
    else:  # a saved profile's sketch on one side
        ks, wasserstein = ecdf.ks_and_wasserstein_from_cdfs(train.cdf(), serving.cdf(), train.std)
        accuracy = Accuracy(None, None)
    return {
        "psi": metrics.psi(train.bin_counts, serving.bin_counts),
        "jensen_shannon": metrics.jensen_shannon(train.bin_counts, serving.bin_counts),
        "wasserstein": wasserstein,
        "ks_statistic": ks.statistic,
        "ks_pvalue": ks.pvalue,
        "out_of_range_rate": metrics.out_of_range_rate(*outside, serving_count),
    }, accuracy


def _on_cells(train: Placed, serving: Placed) -> tuple[ecdf.KsResult, float, Accuracy]:
    """KS and normalised W1 from both sides' counts on training's cells, and how exact they are (cells.compare)."""
    low, high = min(train.minimum, serving.minimum), max(train.maximum, serving.maximum)
    found = cells.compare(train.cells, train.counted, serving.counted, low, high)
    pvalue = ecdf.ks_pvalue(found.ks, train.count, serving.count)
    w1 = ecdf.in_standard_deviations(found.wasserstein, train.std)
    w1_bound = ecdf.in_standard_deviations(found.wasserstein_bound, train.std)
    return ecdf.KsResult(found.ks, pvalue), w1, Accuracy(found.ks_bound, w1_bound)


def _on_grid(train: NumericProfile, serving: Grid) -> tuple[ecdf.KsResult, float, Accuracy]:
    """KS and normalised W1 against a serving grid on training's points (grid.compare says how exact)."""
    # Training read in batches too is a grid on the same points; a saved profile is a step CDF on them.
    shares, sums = train.sketch.cells() if isinstance(train.sketch, Grid) else grid.step_cells(serving, train.cdf())
    low, high = min(train.minimum, serving.minimum), max(train.maximum, serving.maximum)
    found = grid.compare(shares, serving, sums, low, high)
    pvalue = ecdf.ks_pvalue(found.ks, train.count, serving.count)
    w1 = ecdf.in_standard_deviations(found.wasserstein, train.std)
    # The grid's W1 is a lower bound within a sliver of a cell where the CDFs cross; not bounded here.
    return ecdf.KsResult(found.ks, pvalue), w1, Accuracy(found.ks_bound, None)


def _categorical_metrics(
    feature: Feature, train: CategoricalProfile, serving: CategoricalProfile
) -> dict[str, float | None]:
    known = _known(feature, train)
    # With no declared values and no training values there is nothing to be unseen against.
    unseen = metrics.unseen_rate(serving.counts, known) if serving.count and known else None
    if train.count == 0 or serving.count == 0:
        return {**dict.fromkeys(("psi", "jensen_shannon", "linf", "chi2_pvalue")), "unseen_rate": unseen}
    categories = list(dict.fromkeys([*train.counts, *serving.counts]))
    train_counts = np.array([train.counts.get(c, 0) for c in categories], dtype=np.int64)
    serving_counts = np.array([serving.counts.get(c, 0) for c in categories], dtype=np.int64)
    return {
        "psi": metrics.psi(train_counts, serving_counts),
        "jensen_shannon": metrics.jensen_shannon(train_counts, serving_counts),
        "linf": metrics.linf(train_counts, serving_counts),
        "chi2_pvalue": metrics.chi2_pvalue(train_counts, serving_counts),
        "unseen_rate": unseen,
    }
