"""The metric vocabulary: one record per drift metric, and every list of metric names derived from them.

A record says which feature kinds the metric is computed for, whether a schema may gate on it (and its
thresholds when the schema names it without any), the text every report prints under "definitions",
how its sampling noise is estimated, and where its column sits in the history store.

Adding a metric is one record here and one function in `skewcheck.stats.metrics`, which the comparison
(`drift.features`) calls under the record's name: the history column, the reports' definitions, the schema
loader's and the JSON Schema's metric names all follow from the record. `tests/schema/test_registry.py`
fails until the comparison computes every record's metric for each of its kinds, and nothing else.

The schema package is below stats, so a record names its noise model (`Noise`) rather than holding a
function: `skewcheck.stats.noise` maps each model to its formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a feature's distribution is compared."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"


@dataclass(frozen=True)
class Thresholds:
    """A value strictly above `warn` warns; strictly above `fail` fails."""

    warn: float
    fail: float


class Noise(StrEnum):
    """How large a metric gets between two samples of one distribution (see stats/noise.py)."""

    CHI_SQUARE = "chi_square"
    """PSI (Jeffreys divergence) times n_t*n_s/(n_t+n_s) is chi-square with categories-1 degrees of freedom; on small
    samples, plus the tail of one thin bin (see stats/noise.py)."""
    HALF_CHI_SQUARE = "half_chi_square"
    """The Jensen-Shannon divergence in nats is about an eighth of that chi-square."""
    KOLMOGOROV = "kolmogorov"
    """Kolmogorov's limit distribution of the KS statistic."""
    LARGEST_SHARE = "largest_share"
    """A normal bound on the largest of the categories' share differences."""
    RANGE = "range"
    """A fresh value of training's distribution falls outside n_t training values' range with probability
    2/(n_t+1), the chance it is the smallest or the largest of the n_t+1; the count of such serving values has an
    exact tail (two exchangeable samples), whose false-alarm quantile is the level (see stats/noise.py)."""


# The least share a bin or category has before PSI takes logarithms, so an empty bin stays finite. A share, not
# a count: a pseudocount of half a count made an empty bin's share 0.5 / n, so the same two populations read a PSI
# growing with ln(n). 1e-4 is Evidently's floor, the common choice.
PSI_SHARE_FLOOR = 1e-4

_BOTH = frozenset(Kind)
_NUMERIC = frozenset({Kind.NUMERIC})
_CATEGORICAL = frozenset({Kind.CATEGORICAL})


@dataclass(frozen=True)
class Metric:
    name: str
    kinds: frozenset[Kind]
    """The feature kinds the comparison computes it for."""
    definition: str
    """What it is, as the reports print it under "definitions"."""
    history_column: int
    """Its place among the history store's metric columns (files already written fix the order)."""
    gate: Thresholds | None = None
    """Its thresholds when a schema's drift gate names it without any; None: reported, never a drift gate."""
    noise: Noise | None = None
    """How its noise level is estimated; None: no noise level (Wasserstein's depends on the distribution's shape)."""


# In the order the reports define them. L-infinity on numeric bins is refused on purpose:
# TFDV silently reports 0 there (tensorflow/data-validation#147).
METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric(
            "psi",
            _BOTH,
            "Population Stability Index sum((s_i - t_i) * ln(s_i / t_i)) over ten training-decile bins (numeric, "
            f"outer bins open) or categories; a share below {PSI_SHARE_FLOOR:g} counts as {PSI_SHARE_FLOOR:g} on "
            "either side (Evidently's floor), whatever the sample size",
            history_column=2,
            gate=Thresholds(0.1, 0.25),
            noise=Noise.CHI_SQUARE,
        ),
        Metric(
            "jensen_shannon",
            _BOTH,
            "Jensen-Shannon distance with base-2 logarithms (in [0, 1]; the square root of the divergence), "
            "on the same bins or categories as psi, no smoothing",
            history_column=3,
            gate=Thresholds(0.1, 0.2),
            noise=Noise.HALF_CHI_SQUARE,
        ),
        Metric(
            "wasserstein",
            _NUMERIC,
            "Wasserstein-1 (earth mover's) distance on the raw values divided by the training standard deviation",
            history_column=6,
            gate=Thresholds(0.1, 0.2),
        ),
        Metric(
            "ks_statistic",
            _NUMERIC,
            "two-sample Kolmogorov-Smirnov statistic D on raw values",
            history_column=4,
            gate=Thresholds(0.1, 0.2),
            noise=Noise.KOLMOGOROV,
        ),
        Metric("ks_pvalue", _NUMERIC, "p-value of the two-sample KS test (reported, not gated)", history_column=5),
        Metric(
            "linf",
            _CATEGORICAL,
            "L-infinity distance: largest absolute difference of shares",
            history_column=7,
            gate=Thresholds(0.1, 0.2),
            noise=Noise.LARGEST_SHARE,
        ),
        Metric(
            "chi2_pvalue",
            _CATEGORICAL,
            "p-value of Pearson's chi-square test of homogeneity on the 2 x k table of counts (reported, not gated)",
            history_column=8,
        ),
        Metric(
            "unseen_rate",
            _CATEGORICAL,
            "share of non-null serving values outside the declared values (or the training values when none)",
            history_column=9,
        ),
        Metric(
            "out_of_range_rate",
            _NUMERIC,
            "share of non-null serving values below training's minimum or above its maximum (numbers, dates, "
            "datetimes)",
            history_column=10,
            noise=Noise.RANGE,
        ),
        Metric(
            "null_rate_train",
            _BOTH,
            "share of training rows with no value readable as the declared type",
            history_column=0,
        ),
        Metric(
            "null_rate_serving",
            _BOTH,
            "share of serving rows with no value readable as the declared type",
            history_column=1,
        ),
    )
}

GATE_METRICS: dict[str, frozenset[Kind]] = {name: m.kinds for name, m in METRICS.items() if m.gate is not None}
"""The metrics a schema's drift gate may name, and the feature kinds each applies to."""
METRIC_THRESHOLDS: dict[str, Thresholds] = {name: m.gate for name, m in METRICS.items() if m.gate is not None}
"""A gate metric's thresholds when the schema names it without any."""
HISTORY_COLUMNS: tuple[str, ...] = tuple(sorted(METRICS, key=lambda name: METRICS[name].history_column))
"""The history store's metric columns, in order."""
DEFINITIONS: dict[str, str] = {name: m.definition for name, m in METRICS.items()}
"""What each metric is, in the reports' order."""


def metrics_for(kind: Kind) -> list[str]:
    """The metrics the comparison computes for a feature of this kind, in the registry's order."""
    return [name for name, m in METRICS.items() if kind in m.kinds]


def gate_metrics_for(kind: Kind) -> list[str]:
    """The metrics a drift gate on a feature of this kind may name."""
    return [name for name, kinds in GATE_METRICS.items() if kind in kinds]
