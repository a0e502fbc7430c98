"""Grid: exact counts at fixed points, merged exactly; KS and Wasserstein against scipy on the raw values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from skewcheck.stats import grid
from skewcheck.stats.ecdf import StepCdf
from skewcheck.stats.grid import Grid


def step_cdf(sorted_values: np.ndarray) -> StepCdf:
    points, counts = np.unique(sorted_values, return_counts=True)
    return StepCdf(points, np.cumsum(counts) / len(sorted_values), len(sorted_values))


def against_step(train: np.ndarray, serving: np.ndarray) -> grid.GridComparison:
    """Serving counted on training's distinct values, compared with training's exact step CDF."""
    cdf = step_cdf(train)
    counted = Grid.of(serving, cdf.points)
    shares, sums = grid.step_cells(counted, cdf)
    low, high = min(train[0], serving[0]), max(train[-1], serving[-1])
    return grid.compare(shares, counted, sums, low, high)


def test_counts_and_sums_per_cell_match_a_direct_count() -> None:
    values = np.sort(np.array([0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 2.0, 3.5, 7.0]))
    counted = Grid.of(values, np.array([1.0, 2.0, 3.0]))
    # Cells: (-inf,1) {1} (1,2) {2} (2,3) {3} (3,inf)
    assert counted.counts.tolist() == [1, 2, 1, 3, 0, 0, 2]
    assert counted.origin == 2.0  # the middle point: sums are taken from it
    assert counted.sums.tolist() == [-1.5, -2.0, -0.5, 0.0, 0.0, 0.0, 6.5]
    assert (counted.count, counted.minimum, counted.maximum) == (9, 0.5, 7.0)
    assert counted.mean == pytest.approx(values.mean()) and counted.std == pytest.approx(values.std(ddof=1))
    assert counted.cdf().cdf.tolist() == pytest.approx([3 / 9, 7 / 9, 7 / 9])


def test_merged_batches_equal_the_whole() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=20_000).round(2)  # ties, some on the points
    points = np.sort(rng.choice(values, 300, replace=False))
    points = np.unique(points)
    parts = [Grid.of(np.sort(part), points) for part in np.array_split(values, 7)]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merged(part)
    whole = Grid.of(np.sort(values), points)
    assert merged.counts.tolist() == whole.counts.tolist()
    np.testing.assert_allclose(merged.sums, whole.sums, atol=1e-9)
    assert merged.mean == pytest.approx(whole.mean) and merged.std == pytest.approx(whole.std)
    with pytest.raises(ValueError, match="different points"):
        merged.merged(Grid.of(np.sort(values), points[1:]))


@pytest.mark.parametrize("shift", [0.0, 0.05, 0.7])
def test_ks_and_wasserstein_against_an_exact_training_equal_scipys(shift: float) -> None:
    rng = np.random.default_rng(5)
    train = np.sort(rng.lognormal(0, 1, 3_000).round(3))
    serving = np.sort(rng.lognormal(shift, 1, 5_000).round(3))
    found = against_step(train, serving)
    # Training has no values between its own points: its open cells are empty and KS is exact.
    assert found.ks_bound == 0.0
    assert found.ks == pytest.approx(stats.ks_2samp(train, serving).statistic, abs=1e-12)
    exact_w1 = stats.wasserstein_distance(train, serving)
    # Exact in every cell where the CDFs do not cross, a sliver short where they do: a lower bound, and close.
    assert exact_w1 * (0.99 if shift == 0 else 0.999) <= found.wasserstein <= exact_w1 + 1e-12


def test_two_grids_bound_ks_from_above() -> None:
    rng = np.random.default_rng(9)
    train = np.sort(rng.normal(0, 1, 50_000))
    serving = np.sort(rng.normal(0.02, 1.1, 40_000))
    points = np.unique(np.quantile(train, np.linspace(0, 1, 513)))
    t, s = Grid.of(train, points), Grid.of(serving, points)
    low, high = min(train[0], serving[0]), max(train[-1], serving[-1])
    shares, sums = t.cells()
    found = grid.compare(shares, s, sums, low, high)
    exact = stats.ks_2samp(train, serving).statistic
    assert 0 < found.ks_bound <= 2.5 / 512
    assert found.ks <= exact + 1e-12 <= found.ks + found.ks_bound + 1e-12
    assert found.wasserstein == pytest.approx(stats.wasserstein_distance(train, serving), rel=1e-3)


def test_quantiles_fall_in_the_right_cell() -> None:
    values = np.sort(np.random.default_rng(1).uniform(0, 100, 10_000))
    points = np.arange(0.0, 101.0, 10.0)
    counted = Grid.of(values, points)
    for q, exact in zip([0.01, 0.5, 0.99], np.quantile(values, [0.01, 0.5, 0.99]), strict=True):
        estimate = counted.quantiles(np.array([q]))[0]
        assert abs(estimate - exact) <= 10.0  # within the cell holding the rank
    assert counted.quantiles(np.array([0.0, 1.0])).tolist() == [values[0], values[-1]]


def test_values_far_from_zero_keep_their_digits() -> None:
    """Sums near 1e10 +- 1 would lose W1 to cancellation; the grid keeps them from its middle point."""
    rng = np.random.default_rng(4)
    train, serving = np.sort(1e10 + rng.normal(0, 1, 40_000)), np.sort(1e10 + rng.normal(0.05, 1, 30_000))
    found = against_step(train, serving)
    assert found.wasserstein == pytest.approx(stats.wasserstein_distance(train, serving), rel=1e-3)
