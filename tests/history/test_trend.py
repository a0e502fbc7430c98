"""Trend gates, checked against values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest

from skewcheck.drift.gates import Status
from skewcheck.history.trend import TrendResult, TrendSettings, evaluate
from tests.history_data import FAIL, WARN, day, frame, rows

# A slow slide: +0.01 a day from 0.02; it passes warn (0.1) on day 9 and fail (0.25) on day 24.
SLIDE = [round(0.02 + 0.01 * i, 4) for i in range(30)]
# Noise around 0.03 with one bad day (a deploy, rolled back) on day 15.
NOISE = [0.031, 0.029, 0.033, 0.030, 0.028, 0.032, 0.031, 0.027, 0.030, 0.034, 0.029, 0.031, 0.028, 0.033, 0.030]
SPIKE = [*NOISE, 0.9, *NOISE[:14]]


def first_day(values: list[float | None], settings: TrendSettings, status: Status) -> int | None:
    """The first day on which the trend gate, fed the history up to that day, reaches `status`."""
    history = frame({"x": values})
    for today in range(len(values)):
        so_far = history.filter(pl.col("partition_date") <= day(today))
        if evaluate(so_far, "x", settings).status is status:
            return today
    return None


def test_a_slow_slide_fails_rising_before_the_hard_threshold() -> None:
    settings = TrendSettings(rising=5)
    # Day 5 is the first with 6 strictly increasing values (days 0..5): 0.02 < 0.03 < ... < 0.07.
    assert first_day(SLIDE, settings, Status.FAIL) == 5
    assert SLIDE[5] < WARN  # still passing the absolute gate, which fails only on day 24
    assert min(i for i, v in enumerate(SLIDE) if v > FAIL) == 24
    result = evaluate(frame({"x": SLIDE[:6]}), "x", settings)
    assert result.values == pytest.approx(SLIDE[:6])
    assert result.reason == "trend of psi: rose on 5 consecutive partitions (date=2026-11-01 to date=2026-11-06): " + (
        "0.02 → 0.03 → 0.04 → 0.05 → 0.06 → 0.07"
    )


def test_a_one_day_spike_does_not_fire_rising() -> None:
    assert first_day(SPIKE, TrendSettings(rising=3), Status.FAIL) is None
    assert first_day(NOISE, TrendSettings(rising=3), Status.FAIL) is None


def test_a_one_day_spike_never_moves_a_rolling_median() -> None:
    settings = TrendSettings(rolling=7)
    # A mean over the spike's week would sit between warn and fail for seven days; the median does not move.
    assert WARN < sum(SPIKE[9:16]) / 7 < FAIL
    statuses = [evaluate(frame({"x": SPIKE[: today + 1]}), "x", settings).status for today in range(len(SPIKE))]
    assert set(statuses) == {Status.PASS}


@pytest.mark.parametrize(
    ("values", "size", "status", "median"),
    [
        ([0.05, 0.15, 0.2, 0.3], 3, Status.WARN, 0.2),  # above warn, not fail
        ([0.05, 0.15, 0.2, 0.3], 2, Status.WARN, 0.25),  # exactly fail: a gate fails strictly above
        ([0.05, 0.15, 0.2, 0.31], 2, Status.FAIL, 0.255),
        ([0.05, 0.15, 0.2, 0.3], 4, Status.WARN, 0.175),
        ([0.1, 0.1, 0.1, 0.1], 4, Status.PASS, 0.1),  # exactly warn
        ([0.03, 0.03, 0.9, 0.03, 0.03], 5, Status.PASS, 0.03),  # one broken day: the mean would be 0.204
        ([0.03, 0.3, 0.9, 0.28, 0.03], 5, Status.FAIL, 0.28),  # three bad days of five
    ],
)
def test_rolling_median(values: list[float], size: int, status: Status, median: float) -> None:
    result = evaluate(frame({"x": values}), "x", TrendSettings(rolling=size))
    assert result.status is status
    assert result.values == pytest.approx(values[-size:])
    if status is not Status.PASS:
        threshold = WARN if status is Status.WARN else FAIL
        assert (
            result.reason
            == f"trend of psi: median over the last {size} partitions {median:.4g} > {status} {threshold:g}"
        )


@pytest.mark.parametrize(
    ("values", "steps", "status"),
    [
        ([0.1, 0.2, 0.3, 0.25, 0.3, 0.35, 0.4], 3, Status.FAIL),  # 0.25 < 0.3 < 0.35 < 0.4
        ([0.1, 0.2, 0.3, 0.25, 0.3, 0.35, 0.4], 4, Status.PASS),  # 0.3 > 0.25 breaks it
        ([0.1, 0.2, 0.2, 0.3], 3, Status.PASS),  # level is not rising
        ([0.3, 0.2, 0.1, 0.0], 1, Status.PASS),
        ([0.3, 0.2, 0.1, 0.11], 1, Status.FAIL),
    ],
)
def test_rising(values: list[float], steps: int, status: Status) -> None:
    assert evaluate(frame({"x": values}), "x", TrendSettings(rising=steps)).status is status


def test_too_short_a_history_passes_and_says_why() -> None:
    result = evaluate(frame({"x": [0.5, 0.6]}), "x", TrendSettings(rising=3, rolling=5))
    assert result.status is Status.PASS
    assert result.reason == (
        "rising 3 needs 4 partitions with a value, the history has 2; "
        "rolling 5 needs 5 partitions with a value, the history has 2"
    )
    assert evaluate(frame({"x": [0.5]}), "other", TrendSettings(rising=1)).reason == "no history for other"


def test_the_worst_gate_wins_and_both_reasons_show() -> None:
    result = evaluate(frame({"x": [0.12, 0.13, 0.14]}), "x", TrendSettings(rising=2, rolling=3))
    assert result.status is Status.FAIL
    assert result.reason.startswith("trend of psi: rose on 2 consecutive partitions")
    assert "; trend of psi: median over the last 3 partitions 0.13 > warn 0.1" in result.reason


def test_partitions_without_a_value_are_left_out() -> None:
    # Day 2 could not be compared: the slide 0.01 < 0.02 < 0.03 < 0.04 is still four rising partitions.
    result = evaluate(frame({"x": [0.01, 0.02, None, 0.03, 0.04]}), "x", TrendSettings(rising=3))
    assert result.status is Status.FAIL
    assert result.values == [0.01, 0.02, 0.03, 0.04]


def test_a_re_audited_partition_counts_once_with_its_latest_run() -> None:
    history = frame({"x": [0.01, 0.02, 0.03]})
    assert evaluate(history, "x", TrendSettings(rising=2)).status is Status.FAIL
    redone = pl.concat([history, rows(1, {"x": 0.05}, run=30)])  # day 1 audited again: 0.01 < 0.05 > 0.03
    result = evaluate(redone, "x", TrendSettings(rising=2))
    assert result.status is Status.PASS
    assert result.values == [0.01, 0.05, 0.03]


def test_one_baseline_at_a_time() -> None:
    rising = frame({"x": [0.01, 0.02, 0.03]})
    falling = pl.concat([rows(i, {"x": v}, run=1, baseline_id="baseline-2") for i, v in enumerate([0.3, 0.2, 0.1])])
    both = pl.concat([rising, falling])
    assert evaluate(both, "x", TrendSettings(rising=2), baseline_id="baseline-1").status is Status.FAIL
    assert evaluate(both, "x", TrendSettings(rising=2), baseline_id="baseline-2").status is Status.PASS
    # Without one, the baseline of the latest run: baseline-2 ran a minute later each day.
    assert evaluate(both, "x", TrendSettings(rising=2)).status is Status.PASS


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="rising must be at least 1"):
        TrendSettings(rising=0)
    with pytest.raises(ValueError, match="rolling must be at least 1"):
        TrendSettings(rolling=-2)
    assert TrendSettings(rising=5, rolling=3).window == 6
    assert TrendSettings(rolling=7).window == 7
    assert TrendSettings().window == 0
    # No gate set: a leap from 0.1 to 0.9 passes, with nothing to say and no values looked at.
    assert evaluate(frame({"x": [0.1, 0.9]}), "x", TrendSettings()) == TrendResult(Status.PASS, "", [])


def test_rising_within_the_noise_level_is_not_a_trend() -> None:
    # history_data's gates carry noise 0.02: a metric creeping up below it is sampling noise.
    quiet = frame({"x": [0.001, 0.002, 0.003, 0.004, 0.005]})
    assert evaluate(quiet, "x", TrendSettings(rising=3)).status is Status.PASS
    loud = frame({"x": [0.021, 0.03, 0.04, 0.05, 0.06]})
    assert evaluate(loud, "x", TrendSettings(rising=3)).status is Status.FAIL


def with_noise(history: pl.DataFrame, levels: list[float]) -> pl.DataFrame:
    """The same history, day i's noise level set to levels[i] (the gates read it from the stored rows)."""
    by_day = pl.DataFrame({"partition_date": [day(i) for i in range(len(levels))], "level": levels})
    return history.join(by_day, on="partition_date").with_columns(noise=pl.col("level")).drop("level")


def test_a_rolling_median_within_the_noise_of_its_days_passes() -> None:
    """Seven small days, each near 0.3 by chance (noise level 0.35): the median 0.3 is above fail 0.25, and noise."""
    values = [0.29, 0.31, 0.3, 0.28, 0.32, 0.3, 0.31]
    noisy = with_noise(frame({"x": values}), [0.35] * 7)
    assert evaluate(noisy, "x", TrendSettings(rolling=7)).status is Status.PASS
    # The same median above the median noise level of the days it spans (0.2) fails.
    quieter = with_noise(frame({"x": values}), [0.5, 0.5, 0.5, 0.2, 0.2, 0.2, 0.2])
    result = evaluate(quieter, "x", TrendSettings(rolling=7))
    assert result.status is Status.FAIL
    assert result.reason == "trend of psi: median over the last 7 partitions 0.3 > fail 0.25"


def test_a_rise_within_the_noise_of_the_days_it_spans_passes() -> None:
    values = [0.1, 0.12, 0.14, 0.16]
    assert evaluate(with_noise(frame({"x": values}), [0.2] * 4), "x", TrendSettings(rising=3)).status is Status.PASS
    assert evaluate(with_noise(frame({"x": values}), [0.1] * 4), "x", TrendSettings(rising=3)).status is Status.FAIL
