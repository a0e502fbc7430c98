"""Noise levels: how large a metric gets between two samples of one distribution, at given sample sizes.

A drift gate's failure that sampling noise alone reaches is only a warning. Each metric's record in the
registry names its noise model (`registry.Noise`); the formulas are here.
"""

from __future__ import annotations

import math

from skewcheck.schema.registry import METRICS, Noise

# How often a run may fail on sampling noise alone: split across its features (Bonferroni).
RUN_FALSE_ALARM_RATE = 0.01


def noise_level(
    metric: str, train_count: int, serving_count: int, categories: int, false_alarm_rate: float = RUN_FALSE_ALARM_RATE
) -> float | None:
    """The value two samples of one distribution exceed with probability `false_alarm_rate`, at these sizes.

    Large-sample approximations: PSI (Jeffreys divergence) times n_t*n_s/(n_t+n_s) is chi-square with
    categories-1 degrees of freedom; the Jensen-Shannon divergence in nats is about an eighth of that;
    KS uses Kolmogorov's limit distribution; L-infinity a normal bound on the largest share difference.
    None for Wasserstein, whose noise depends on the shape of the distribution.
    """
    from scipy import special

    if train_count == 0 or serving_count == 0:
        return None
    inverse_n = 1 / train_count + 1 / serving_count
    degrees = max(categories - 1, 1)
    model = METRICS[metric].noise if metric in METRICS else None
    if model is Noise.CHI_SQUARE:
        return float(special.chdtri(degrees, false_alarm_rate)) * inverse_n  # scipy.stats.chi2.isf
    if model is Noise.HALF_CHI_SQUARE:
        return math.sqrt(float(special.chdtri(degrees, false_alarm_rate)) * inverse_n / (8 * math.log(2)))
    if model is Noise.KOLMOGOROV:
        return float(special.kolmogi(false_alarm_rate)) * math.sqrt(inverse_n)
    if model is Noise.LARGEST_SHARE:
        # The largest of `categories` share differences, each at most 0.5 * sqrt(inverse_n) in standard deviation.
        z = -float(special.ndtri(false_alarm_rate / (2 * max(categories, 1))))  # scipy.stats.norm.isf
        return z * 0.5 * math.sqrt(inverse_n)
    return None
