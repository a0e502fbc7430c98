"""Noise levels: how large a metric gets between two samples of one distribution, at given sample sizes.

A drift gate's failure that sampling noise alone reaches is only a warning. Each metric's record in the
registry names its noise model (`registry.Noise`); the formulas are here.
"""

from __future__ import annotations

import math

from skewcheck.schema.registry import METRICS, PSI_SHARE_FLOOR, Noise
from skewcheck.stats import null_draws
from skewcheck.stats.arrays import Counts

# How often a run may fail on sampling noise alone: split across its features (Bonferroni).
RUN_FALSE_ALARM_RATE = 0.01


def noise_level(
    metric: str,
    train_count: int,
    serving_count: int,
    categories: int,
    false_alarm_rate: float = RUN_FALSE_ALARM_RATE,
    train_counts: Counts | None = None,
) -> float | None:
    """The value two samples of one distribution exceed with probability `false_alarm_rate`, at these sizes.

    Large-sample approximations: PSI (Jeffreys divergence) times n_t*n_s/(n_t+n_s) is chi-square with
    categories-1 degrees of freedom; the Jensen-Shannon divergence in nats is about an eighth of that;
    KS uses Kolmogorov's limit distribution; L-infinity a normal bound on the largest share difference;
    the out-of-range rate an exact tail of the count outside training's range (`_outside_level`).
    None for Wasserstein, whose noise depends on the shape of the distribution. PSI's adds its
    `_thin_bin_level`, the small-sample tail the chi-square misses (nothing at serving volumes).

    `train_counts`, training's count per category of a categorical feature: where some category expects fewer
    than a handful of values, PSI's and Jensen-Shannon's levels are simulated from them instead
    (`null_draws`), the chi-square being far too low there.
    """
    from scipy import special

    if train_count == 0 or serving_count == 0:
        return None
    inverse_n = 1 / train_count + 1 / serving_count
    degrees = max(categories - 1, 1)
    model = METRICS[metric].noise if metric in METRICS else None
    if (
        train_counts is not None
        and metric in null_draws.SIMULATED
        and null_draws.is_sparse(train_counts, serving_count)
    ):
        return null_draws.simulated_level(metric, train_counts, serving_count, false_alarm_rate)
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
    if model is Noise.RANGE:
        return _outside_level(train_count, serving_count, false_alarm_rate) / serving_count
    return None


def _outside_level(train_count: int, serving_count: int, false_alarm_rate: float) -> int:
    """The count of serving values outside training's range that two samples of one distribution exceed with
    probability at most `false_alarm_rate`.

    The two samples are exchangeable: the a smallest and b largest of all n = n_t + n_s values are all serving with
    probability g(a + b), g(k) = n_s (n_s - 1) ... (n_s - k + 1) / (n (n - 1) ... (n - k + 1)). So the count outside,
    K, has P(K >= k) = (k + 1) g(k) - k g(k + 1): about (1 + k n_t / n) (n_s / n)^k, a mean of 2 n_s / (n_t + 1)
    (a rate of 2/(n_t+1)). P(K > k) falls as k grows: the least k with P(K > k) <= false_alarm_rate, by bisection.
    """
    from scipy import special

    total = train_count + serving_count

    def log_g(k: int) -> float:
        if k > serving_count:
            return -math.inf
        return float(
            special.gammaln(serving_count + 1)
            - special.gammaln(serving_count - k + 1)
            - special.gammaln(total + 1)
            + special.gammaln(total - k + 1)
        )

    def exceeded(k: int) -> float:  # P(K > k) = P(K >= k + 1)
        return (k + 2) * math.exp(log_g(k + 1)) - (k + 1) * math.exp(log_g(k + 2))

    low, high = 0, serving_count  # exceeded(serving_count) is 0
    while low < high:
        middle = (low + high) // 2
        if exceeded(middle) <= false_alarm_rate:
            high = middle
        else:
            low = middle + 1
    return low


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
