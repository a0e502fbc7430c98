"""Simulated noise levels for rare categories: they hold their false-alarm rate where the chi-square does not."""

from __future__ import annotations

import numpy as np
import pytest

from skewcheck.stats import metrics, null_draws
from skewcheck.stats.noise import noise_level

ALPHA = 0.001


def zipf_counts(categories: int, rows: int, seed: int) -> np.ndarray:
    weights = 1 / np.arange(1, categories + 1) ** 1.1
    return np.random.default_rng(seed).multinomial(rows, weights / weights.sum()).astype(np.int64)


def exceeded(metric: str, train_counts: np.ndarray, serving_count: int, level: float, draws: int = 4_000) -> float:
    """How often two fresh samples of training's shares exceed `level`, computed by stats.metrics itself."""
    rng = np.random.default_rng(99)
    shares = train_counts / train_counts.sum()
    function = getattr(metrics, metric)
    train = rng.multinomial(int(train_counts.sum()), shares, size=draws)
    serving = rng.multinomial(serving_count, shares, size=draws)
    return float(np.mean([function(t, s) > level for t, s in zip(train, serving, strict=True)]))


@pytest.mark.parametrize("metric", ["jensen_shannon", "psi"])
def test_the_vectorised_metrics_are_the_metrics(metric: str) -> None:
    train, serving = zipf_counts(50, 3_000, 1), zipf_counts(50, 200, 2)
    by_row = null_draws._psi if metric == "psi" else null_draws._js_divergence
    found = by_row(train[None, :].astype(float), serving[None, :].astype(float))[0]
    expected = getattr(metrics, metric)(train, serving)
    assert found == pytest.approx(expected if metric == "psi" else expected**2, rel=1e-9)


def test_a_hundred_categories_on_900_rows_break_the_chi_square_not_the_simulation() -> None:
    """The README's numbers: the chi-square level is exceeded about 5% of the time instead of 0.1%."""
    train = zipf_counts(100, 100_000, 3)
    assert null_draws.is_sparse(train, 900)
    chi_square = noise_level("jensen_shannon", 100_000, 900, 100, ALPHA)
    simulated = noise_level("jensen_shannon", 100_000, 900, 100, ALPHA, train)
    assert chi_square is not None and simulated is not None and simulated > chi_square
    assert round(exceeded("jensen_shannon", train, 900, chi_square), 2) == 0.05
    assert exceeded("jensen_shannon", train, 900, simulated) <= 3 * ALPHA


def test_psi_on_rare_categories_holds_its_rate() -> None:
    train = zipf_counts(100, 20_000, 4)
    level = noise_level("psi", 20_000, 300, 100, ALPHA, train)
    assert level is not None
    assert exceeded("psi", train, 300, level) <= 3 * ALPHA


def test_common_categories_keep_the_chi_square() -> None:
    train = np.array([5_000, 3_000, 2_000], dtype=np.int64)
    assert not null_draws.is_sparse(train, 900)
    assert noise_level("jensen_shannon", 10_000, 900, 3, ALPHA, train) == noise_level(
        "jensen_shannon", 10_000, 900, 3, ALPHA
    )


def test_the_level_is_the_same_on_every_run_and_in_any_category_order() -> None:
    train = zipf_counts(80, 5_000, 5)
    first = null_draws.simulated_level("jensen_shannon", train, 700, ALPHA)
    null_draws._level.cache_clear()
    assert null_draws.simulated_level("jensen_shannon", train[::-1].copy(), 700, ALPHA) == first
