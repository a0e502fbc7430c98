"""One feature's gates: its drift metric, the rise of its null rate, and the share of serving values outside
training's domain (unseen categories) or range (numbers and dates).

Each gate stands on its own sample: too small a sample caps it at `warn` (`min_rows`), and a value that two
samples of one distribution reach by chance (its noise level) is no finding at all: a threshold counts only above
the noise level. On 900 rows over a hundred categories the Jensen-Shannon distance of two samples of one
distribution is about 0.16; a warn threshold of 0.1 would warn every day on nothing but chance.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from skewcheck.drift.gates import Gate, Grade, Status, grade, number
from skewcheck.profiling.profiles import NumericProfile, Profile
from skewcheck.schema.model import Feature, FeatureType
from skewcheck.schema.registry import Thresholds
from skewcheck.stats.arrays import Counts
from skewcheck.stats.metrics import out_of_range_rate
from skewcheck.stats.noise import noise_level


def drift_gate(
    feature: Feature,
    values: dict[str, float | None],
    train_count: int,
    serving_count: int,
    categories: int,
    false_alarm_rate: float,
    train_counts: Counts | None = None,
) -> Gate:
    """`train_counts`: training's count per category (categorical features), for the noise level of rare ones."""
    assert feature.drift is not None
    metric, thresholds = feature.drift.metric, feature.drift.thresholds
    if train_count == 0 or serving_count == 0:
        side = "training" if train_count == 0 else "serving"
        reason = f"{metric} not computed: no non-null {side} values"
        return Gate(metric, None, thresholds.warn, thresholds.fail, Status.ERROR, reason)
    value = values[metric]
    assert value is not None
    graded = grade(value, thresholds.warn, thresholds.fail)
    status = graded.status
    reason = f"{metric} {number(value)} {graded.crossed}" if status is not Status.PASS else ""
    noise = noise_level(metric, train_count, serving_count, categories, false_alarm_rate, train_counts)
    smallest = min(train_count, serving_count)
    if smallest < feature.min_rows:
        # Too few values to judge: never a confident pass, never a confident fail.
        status = Status.WARN
        reason = (
            f"{metric} {number(value)} on {smallest:,} non-null values: insufficient data to judge "
            f"(min_rows {feature.min_rows:,})"
        )
    elif status is not Status.PASS and noise is not None and value <= noise:
        # Small samples of one distribution differ by chance: within that, no evidence of drift, whatever the
        # threshold. When the threshold sits below the noise level the report says so once (`noise_notes`).
        status, reason = Status.PASS, ""
    return Gate(metric, value, thresholds.warn, thresholds.fail, status, reason, noise)


def null_gate(feature: Feature, train: Profile, serving: Profile) -> Gate:
    metric = "null_rate_increase"
    increase = serving.null_rate - train.null_rate
    thresholds = feature.max_null_rate_increase
    graded = grade(increase, thresholds.warn, thresholds.fail, percent=True)
    rose = f"null rate rose from {train.null_rate:.1%} to {serving.null_rate:.1%}"
    reason = f"{metric} {increase:+.1%} {graded.crossed}: {rose}"
    return _rate_gate(metric, increase, thresholds, graded, min(train.rows, serving.rows), feature, reason)


def unseen_gate(feature: Feature, rate: float | None, serving_count: int) -> Gate:
    metric, thresholds = "unseen_rate", feature.max_unseen_rate
    if rate is None:
        return Gate(metric, None, thresholds.warn, thresholds.fail, Status.PASS, "")
    graded = grade(rate, thresholds.warn, thresholds.fail, percent=True)
    domain = "the declared values" if feature.values is not None else "the training values"
    reason = f"{metric} {rate:.1%} {graded.crossed}: serving values outside {domain}"
    return _rate_gate(metric, rate, thresholds, graded, serving_count, feature, reason)


def _rate_gate(
    metric: str, value: float, thresholds: Thresholds, graded: Grade, sample: int, feature: Feature, reason: str
) -> Gate:
    status = graded.status
    if status is Status.FAIL and sample < feature.min_rows:
        status = Status.WARN
        reason += f"; insufficient data to fail: {sample:,} values (min_rows {feature.min_rows:,})"
    return Gate(metric, value, thresholds.warn, thresholds.fail, status, reason if status is not Status.PASS else "")


def range_gate(
    feature: Feature, train: NumericProfile, below: int, above: int, serving_count: int, false_alarm_rate: float
) -> Gate | None:
    """The share of serving values outside training's [min, max]; None when the schema turned the gate off.

    A fresh sample of training's own distribution lands outside its range about 2/(n_t+1) of the time; up to the
    share such a sample exceeds with probability `false_alarm_rate` (its noise level) the gate passes, whatever
    its thresholds: on 100 training values a tenth of serving outside their range is no evidence of anything.
    """
    thresholds = feature.max_out_of_range_rate
    if thresholds is None:
        return None
    metric = "out_of_range_rate"
    if train.count == 0 or serving_count == 0:
        return Gate(metric, None, thresholds.warn, thresholds.fail, Status.PASS, "")
    rate = out_of_range_rate(below, above, serving_count)  # the metric's own definition, not a second one
    noise = noise_level(metric, train.count, serving_count, 0, false_alarm_rate)
    graded = grade(rate, thresholds.warn, thresholds.fail, percent=True)
    if noise is not None and rate <= noise:
        graded = Grade(Status.PASS, "")
    low, high = _bound(feature, train.minimum), _bound(feature, train.maximum)
    if below and above:
        where = (
            f"below training's minimum{low} ({below / serving_count:.1%}) "
            f"and above its maximum{high} ({above / serving_count:.1%})"
        )
    else:
        where = f"below training's minimum{low}" if below else f"above training's maximum{high}"
    reason = f"{metric} {rate:.1%} {graded.crossed}: serving values {where}"
    gate = _rate_gate(metric, rate, thresholds, graded, min(train.count, serving_count), feature, reason)
    return replace(gate, noise=noise)


def _bound(feature: Feature, value: float) -> str:
    """Training's minimum or maximum as the data writes it, " 3.1", " 2024-05-01": a number, or a date or datetime
    (epoch seconds); nothing for personal data, whose extremes are someone's actual value (see audit/privacy.py)."""
    if feature.pii:
        return ""
    if not feature.type.is_temporal:
        return f" {number(value)}"
    moment = dt.datetime.fromtimestamp(value, dt.UTC).replace(tzinfo=None)
    return f" {moment.date().isoformat() if feature.type is FeatureType.DATE else moment.isoformat()}"


def noise_note(gate: Gate) -> str:
    """What a drift gate whose threshold sits below its noise level tells the reader, once per report: values up
    to the noise level pass whatever the threshold, and the threshold that would fit ("" when none sits below)."""
    if gate.noise is None or gate.noise <= gate.warn:
        return ""
    below = f"warn {gate.warn:g}" + (f" and fail {gate.fail:g}" if gate.fail < gate.noise else "")
    fits = _round_up(gate.noise)
    return (
        f"{gate.metric} {below} below its noise level {number(gate.noise)} (what chance alone reaches at these "
        f"sizes): only values above it count; a threshold of {fits:g} or more would fit"
    )


def _round_up(value: float) -> float:
    """Up to two significant digits: 0.1734 → 0.18."""
    step = 10 ** (math.floor(math.log10(value)) - 1)
    return float(round(math.ceil(value / step - 1e-9) * step, 12))
