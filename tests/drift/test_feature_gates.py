"""The out-of-range gate: out_of_range_rate against a numpy count on numbers, dates and datetimes, its thresholds,
its noise level, its reason, and the schema's `false`."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from skewcheck.drift.features import FeatureResult, compare_feature
from skewcheck.drift.gates import Gate, Status
from skewcheck.profiling.profiles import profile_numeric
from skewcheck.schema.model import FeatureType
from skewcheck.schema.registry import Thresholds
from skewcheck.stats.noise import noise_level
from tests.drift.features_data import NEVER, compare_numeric, gate, numeric_feature

UNIFORM = np.random.default_rng(11).uniform(10, 20, 4_000)


def with_outside(below: int, above: int, n: int = 2_000) -> np.ndarray:
    """n serving values inside training's range, `below` of them replaced by 0 and `above` by 100."""
    values = np.random.default_rng(12).uniform(11, 19, n)
    values[:below] = 0.0
    values[below : below + above] = 100.0
    return values


def range_gate(result: FeatureResult) -> Gate:
    return gate(result, "out_of_range_rate")


@pytest.mark.parametrize(
    ("below", "above", "status"),
    [(0, 0, Status.PASS), (15, 0, Status.PASS), (30, 0, Status.WARN), (0, 30, Status.WARN), (150, 0, Status.FAIL)],
)
def test_the_rate_against_a_numpy_count_at_pass_warn_and_fail(below: int, above: int, status: Status) -> None:
    serving = with_outside(below, above)
    result = compare_numeric(numeric_feature("psi", *vars(NEVER).values()), UNIFORM, serving)
    expected = float(np.mean((serving < UNIFORM.min()) | (serving > UNIFORM.max())))
    assert result.metrics["out_of_range_rate"] == expected == (below + above) / 2_000
    found = range_gate(result)
    assert (found.value, found.warn, found.fail, found.status) == (expected, 0.01, 0.05, status)
    assert found.noise == noise_level("out_of_range_rate", 4_000, 2_000, 0, 0.01)
    assert result.status is status


def test_the_reason_names_the_metric_the_side_and_training_s_bound() -> None:
    result = compare_numeric(numeric_feature("psi", *vars(NEVER).values()), UNIFORM, with_outside(150, 0))
    minimum = f"{UNIFORM.min():.4g}"
    assert result.reasons == (f"out_of_range_rate 7.5% > fail 5.0%: serving values below training's minimum {minimum}",)
    both = compare_numeric(numeric_feature("psi", *vars(NEVER).values()), UNIFORM, with_outside(100, 40))
    assert both.reasons == (
        f"out_of_range_rate 7.0% > fail 5.0%: serving values below training's minimum {minimum} (5.0%) "
        f"and above its maximum {UNIFORM.max():.4g} (2.0%)",
    )


def test_personal_data_keeps_training_s_extremes_out_of_the_reason() -> None:
    feature = numeric_feature("psi", *vars(NEVER).values(), pii=True)
    result = compare_numeric(feature, UNIFORM, with_outside(0, 150))
    assert result.reasons == ("out_of_range_rate 7.5% > fail 5.0%: serving values above training's maximum",)


def test_within_noise_the_gate_passes() -> None:
    """On 100 training values a fresh sample lands outside their range about 2% of the time, often far more:
    8% of 100 serving values outside is within the noise level, above both thresholds, and passes."""
    train = np.random.default_rng(13).uniform(10, 20, 100)
    serving = np.random.default_rng(14).uniform(train.min(), train.max(), 100)
    serving[:8] = 0.0
    found = range_gate(compare_numeric(numeric_feature("psi", *vars(NEVER).values(), min_rows=1), train, serving))
    assert found.value == 0.08 and found.noise is not None and found.value <= found.noise
    assert (found.status, found.reason) == (Status.PASS, "")
    serving[:20] = 0.0
    found = range_gate(compare_numeric(numeric_feature("psi", *vars(NEVER).values(), min_rows=1), train, serving))
    assert found.value == 0.2 and found.status is Status.FAIL


def test_the_noise_level_is_the_exact_tail_of_exchangeable_samples() -> None:
    """P(K > k) <= 1% at the level and > 1% just below it; the mean rate is 2/(n_t+1), simulated."""
    rng = np.random.default_rng(15)
    counts = np.array([np.sum((s < t.min()) | (s > t.max())) for t, s in (rng.random((2, 100)) for _ in range(20_000))])
    assert counts.mean() / 100 == pytest.approx(2 / 101, rel=0.03)
    level = round(noise_level("out_of_range_rate", 100, 100, 0, 0.05) * 100)
    assert np.mean(counts > level) <= 0.05 < np.mean(counts > level - 1)
    assert noise_level("out_of_range_rate", 100, 100, 0, 0.01) == 0.08
    assert noise_level("out_of_range_rate", 20_000, 20_000, 0, 0.01) == 0.00045


def test_false_in_the_schema_turns_the_gate_off_but_keeps_the_metric() -> None:
    feature = numeric_feature("psi", *vars(NEVER).values(), max_out_of_range_rate=None)
    result = compare_numeric(feature, UNIFORM, with_outside(150, 0))
    assert [g.metric for g in result.gates] == ["psi", "null_rate_increase"]
    assert result.metrics["out_of_range_rate"] == 0.075 and result.status is Status.PASS


def test_its_own_thresholds() -> None:
    feature = numeric_feature("psi", *vars(NEVER).values(), max_out_of_range_rate=Thresholds(0.1, 0.2))
    assert range_gate(compare_numeric(feature, UNIFORM, with_outside(150, 0))).status is Status.PASS


def epoch_seconds(values: pl.Series) -> np.ndarray:
    unit = pl.Datetime("us") if values.dtype == pl.Date else values.dtype
    return values.cast(unit).dt.epoch("us").to_numpy() / 1e6


@pytest.mark.parametrize(
    ("type_", "start", "step", "shown"),
    [
        (FeatureType.DATE, dt.date(2024, 1, 1), dt.timedelta(days=1), "2024-01-01"),
        (FeatureType.DATETIME, dt.datetime(2024, 1, 1, 6), dt.timedelta(minutes=7), "2024-01-01T06:00:00"),
    ],
)
def test_dates_and_datetimes_against_a_numpy_count(
    type_: FeatureType, start: dt.date, step: dt.timedelta, shown: str
) -> None:
    train = pl.Series("x", [start + i * step for i in range(1_000)])
    serving = pl.Series("x", [start + (i - 60) * step for i in range(1_000)])  # 60 before training's first
    train_p = profile_numeric(train)
    result = compare_feature(
        numeric_feature("psi", *vars(NEVER).values(), type_=type_), train_p, profile_numeric(serving, train_p.edges)
    )
    t, s = epoch_seconds(train), epoch_seconds(serving)
    expected = float(np.mean((s < t.min()) | (s > t.max())))
    assert result.metrics["out_of_range_rate"] == expected == 0.06
    assert result.reasons == (f"out_of_range_rate 6.0% > fail 5.0%: serving values below training's minimum {shown}",)
