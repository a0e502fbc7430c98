"""The README's daily-job table, measured: a feature drawn from training's own distribution, a day at a time, by
its number of categories (some rare) and the day's size; the share of days that warn or fail.

A scheduled audit compares a large training set with a day of a few hundred rows. On such a day a feature with a
hundred categories reads a Jensen-Shannon distance of about 0.16 on chance alone, above the default warn threshold
of 0.1: the gate counts a threshold only above the noise level, which is simulated where categories are rare
(`stats/null_draws.py`). This test measures every cell of the table in the README (Sampling noise), so a change
to the metrics or the noise levels cannot leave it stale.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck.drift.features import compare_feature
from skewcheck.drift.gates import Status
from skewcheck.profiling.profiles import profile_categorical
from skewcheck.schema.model import DriftGate, Feature, FeatureType
from skewcheck.schema.registry import Thresholds

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
TRAINING_ROWS = 20_000
DAYS = 200
DAY_ROWS = (300, 900, 3_000)
CARDINALITIES = (6, 16, 100, 300)
FEATURE = Feature("c", FeatureType.CATEGORY, drift=DriftGate("jensen_shannon", Thresholds(0.1, 0.2)))


def zipf_shares(categories: int) -> np.ndarray:
    """Shares falling as 1/rank^1.1: a few common categories and a long tail of rare ones."""
    weights = 1 / np.arange(1, categories + 1) ** 1.1
    return weights / weights.sum()


@cache
def measured(categories: int, day_rows: int) -> tuple[float, float, float]:
    """(share of days that warned, that failed, whose value was above the warn threshold), one feature per run."""
    rng = np.random.default_rng(categories * 10_000 + day_rows)
    names = np.array([f"c{i:03d}" for i in range(categories)])
    training = rng.choice(names, TRAINING_ROWS, p=zipf_shares(categories))
    train = profile_categorical(pl.Series(training))
    statuses, above = [], []
    for _ in range(DAYS):
        day = profile_categorical(pl.Series(rng.choice(training, day_rows)))  # training's own distribution
        result = compare_feature(FEATURE, train, day)
        gate = result.drift_gate
        assert gate is not None and gate.value is not None
        statuses.append(result.status)
        above.append(gate.value > gate.warn)
    return (
        float(np.mean([s is Status.WARN for s in statuses])),
        float(np.mean([s is Status.FAIL for s in statuses])),
        float(np.mean(above)),
    )


def percent(share: float) -> str:
    return f"{share:.1%}" if 0 < share < 0.1 else f"{share:.0%}"


@pytest.mark.parametrize("day_rows", DAY_ROWS)
def test_the_readme_row_is_measured(day_rows: int) -> None:
    cells = []
    for categories in CARDINALITIES:
        warned, failed, above = measured(categories, day_rows)
        cells.append(f"{percent(warned)} / {percent(failed)} ({percent(above)})")
    assert f"| {day_rows:,} | {' | '.join(cells)} |" in README


@pytest.mark.parametrize("categories", CARDINALITIES)
def test_no_day_drawn_from_training_fails_and_at_most_one_in_twenty_warns(categories: int) -> None:
    warned, failed, _ = measured(categories, 900)
    assert failed == 0
    assert warned <= 1 / 20


def test_a_real_shift_on_a_day_of_900_rows_fails() -> None:
    """A hundred categories, its three commonest gone on one day (a storm grounding a hub's flights): it fails."""
    rng = np.random.default_rng(7)
    names = np.array([f"c{i:03d}" for i in range(100)])
    training = rng.choice(names, TRAINING_ROWS, p=zipf_shares(100))
    kept = training[~np.isin(training, names[:3])]
    result = compare_feature(
        FEATURE, profile_categorical(pl.Series(training)), profile_categorical(pl.Series(rng.choice(kept, 900)))
    )
    assert result.status is Status.FAIL
    assert result.reasons[0].startswith("jensen_shannon ")
