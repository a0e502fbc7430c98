"""Noise levels: how large a metric gets between two samples of one distribution, at given sample sizes.

A drift gate's failure that sampling noise alone reaches is only a warning. Each metric's record in the
registry names its noise model (`registry.Noise`); the formulas are here.
"""

from __future__ import annotations

import math

from skewcheck.schema.registry import METRICS, PSI_SHARE_FLOOR, Noise

# How often a run may fail on sampling noise alone: split across its features (Bonferroni).
RUN_FALSE_ALARM_RATE = 0.01


def noise_level(
    metric: str, train_count: int, serving_count: int, categories: int, false_alarm_rate: float = RUN_FALSE_ALARM_RATE
) -> float | None:
    """The value two samples of one distribution exceed with probability `false_alarm_rate`, at these sizes.

    Large-sample approximations: PSI (Jeffreys divergence) times n_t*n_s/(n_t+n_s) is chi-square with
    categories-1 degrees of freedom; the Jensen-Shannon divergence in nats is about an eighth of that;
    KS uses Kolmogorov's limit distribution; L-infinity a normal bound on the largest share difference.
    None for Wasserstein, whose noise depends on the shape of the distribution. PSI's adds its
    `_thin_bin_level`, the small-sample tail the chi-square misses (nothing at serving volumes).
    """
    from scipy import special

    if train_count == 0 or serving_count == 0:
        return None
    inverse_n = 1 / train_count + 1 / serving_count
    degrees = max(categories - 1, 1)
    model = METRICS[metric].noise if metric in METRICS else None
    if model is Noise.CHI_SQUARE:
        chi_square = float(special.chdtri(degrees, false_alarm_rate)) * inverse_n  # scipy.stats.chi2.isf
        return chi_square + _thin_bin_level(train_count, serving_count, categories, false_alarm_rate)
    if model is Noise.HALF_CHI_SQUARE:
        return math.sqrt(float(special.chdtri(degrees, false_alarm_rate)) * inverse_n / (8 * math.log(2)))
    if model is Noise.KOLMOGOROV:
        return float(special.kolmogi(false_alarm_rate)) * math.sqrt(inverse_n)
    if model is Noise.LARGEST_SHARE:
        # The largest of `categories` share differences, each at most 0.5 * sqrt(inverse_n) in standard deviation.
        z = -float(special.ndtri(false_alarm_rate / (2 * max(categories, 1))))  # scipy.stats.norm.isf
        return z * 0.5 * math.sqrt(inverse_n)
    return None


# Above this many expected values in each bin, the chi-square alone is accurate.
_THIN_EXPECTED = 50


def _thin_bin_level(train_count: int, serving_count: int, bins: int, false_alarm_rate: float) -> float:
    """PSI when one of `bins` bins, a 1/bins share of training's values, holds as few serving values as sampling
    noise still gives with probability false_alarm_rate / bins (Bonferroni over the bins), the rest evenly spread.

    Added to the chi-square's level on small samples: on a hundred values a side a decile bin left empty (a share of
    1e-4, the floor, against 0.1) is a PSI of 0.69 by itself, a tail far heavier than the chi-square's. The count
    is beta-binomial: the bin's true share is itself uncertain, training having fixed it from its own sample.
    """
    from scipy import special

    share = 1 / max(bins, 1)
    if bins < 2 or serving_count * share > _THIN_EXPECTED:
        return 0.0
    rare, a, b = false_alarm_rate / bins, train_count * share, train_count * (1 - share) + 1
    fewest, below = 0, 0.0
    while True:
        below += math.exp(
            special.gammaln(serving_count + 1)
            - special.gammaln(fewest + 1)
            - special.gammaln(serving_count - fewest + 1)
            + special.betaln(fewest + a, serving_count - fewest + b)
            - special.betaln(a, b)
        )
        if below >= rare:
            break
        fewest += 1
    thin = max(fewest / serving_count, PSI_SHARE_FLOOR)
    if thin >= share:
        return 0.0
    rest, expected_rest = (1 - thin) / (bins - 1), (1 - share) / (bins - 1)
    return (thin - share) * math.log(thin / share) + (bins - 1) * (rest - expected_rest) * math.log(
        rest / expected_rest
    )
