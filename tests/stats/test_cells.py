"""Fine cells placed by arithmetic: KS and Wasserstein within their stated bounds of scipy's on the raw values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from skewcheck.stats import cells
from skewcheck.stats.cells import Counted

N = 200_000


def compared(train: np.ndarray, serving: np.ndarray) -> cells.Comparison:
    chosen = cells.choose(train)
    assert chosen is not None
    grid, train_leaf = chosen
    counted_train = Counted.of(train, grid, train_leaf, serving=False)
    counted_serving = Counted.of(serving, grid, grid.place(serving))
    low, high = min(train.min(), serving.min()), max(train.max(), serving.max())
    return cells.compare(grid, counted_train, counted_serving, low, high)


def draw(kind: str, seed: int, shift: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.normal(shift, 1.0, N)
    if kind == "skewed":
        return rng.lognormal(1.0 + shift, 0.6, N)
    if kind == "discrete":
        return rng.poisson(3.0 + shift, N).astype(np.float64)
    if kind == "rounded":
        return np.round(rng.normal(shift, 1.0, N), 2)
    if kind == "constant":
        return np.full(N, 7.5 + shift)
    if kind == "timestamps":  # epoch seconds: large values, a small spread relative to them
        return 1.6e9 + rng.uniform(0, 86_400 * (30 + shift), N)
    raise AssertionError(kind)


KINDS = ["normal", "skewed", "discrete", "rounded", "constant", "timestamps"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shift", [0.0, 0.05, 1.0])
def test_ks_and_wasserstein_lie_within_the_stated_bounds_of_scipy(kind: str, shift: float) -> None:
    train, serving = draw(kind, 1), draw(kind, 2, shift)
    found = compared(train, serving)
    exact_ks = stats.ks_2samp(train, serving).statistic
    exact_w1 = stats.wasserstein_distance(train, serving)
    assert found.ks <= exact_ks + 1e-12 <= found.ks + found.ks_bound + 2e-12
    assert abs(found.wasserstein - exact_w1) <= found.wasserstein_bound + 1e-9 * max(exact_w1, 1.0)


@pytest.mark.parametrize("kind", KINDS)
def test_the_ks_bound_is_below_a_tenth_of_the_noise_level(kind: str) -> None:
    """No cell holds more than a tenth of Kolmogorov's 1% noise level at training's size (any serving size)."""
    train, serving = draw(kind, 1), draw(kind, 2)
    level = float(special.kolmogi(0.01)) / np.sqrt(N)
    assert compared(train, serving).ks_bound <= level / 10


def test_a_discrete_column_is_exact_where_serving_takes_training_values() -> None:
    found = compared(draw("discrete", 1), draw("discrete", 2, 0.3))
    assert found.ks_bound == 0.0
    assert found.ks == stats.ks_2samp(draw("discrete", 1), draw("discrete", 2, 0.3)).statistic


def test_a_constant_training_column_against_spread_serving_is_exact() -> None:
    train, serving = draw("constant", 1), np.random.default_rng(3).normal(7.5, 1.0, N)
    found = compared(train, serving)
    assert found.ks_bound == 0.0 and found.wasserstein_bound == 0.0
    assert found.ks == pytest.approx(stats.ks_2samp(train, serving).statistic, abs=1e-15)
    assert found.wasserstein == pytest.approx(stats.wasserstein_distance(train, serving), rel=1e-9)


def test_serving_beyond_training_lands_in_the_outer_cells() -> None:
    train = draw("normal", 1)
    serving = np.concatenate([draw("normal", 2), [-50.0, 60.0, 70.0]])
    chosen = cells.choose(train)
    assert chosen is not None
    counted = Counted.of(serving, chosen[0], chosen[0].place(serving))
    below, above = counted.outside()
    assert (below, above) == (int((serving < train.min()).sum()), int((serving > train.max()).sum()))


@pytest.mark.parametrize("kind", ["heavy", "cauchy", "point mass"])
def test_no_cells_for_heavy_tails_or_point_masses_amid_other_values(kind: str) -> None:
    """Where equal cells cannot keep every cell below the cap, the caller sorts instead (exact)."""
    rng = np.random.default_rng(4)
    values = {
        "heavy": rng.lognormal(0.0, 2.5, N),
        "cauchy": rng.standard_cauchy(N),
        "point mass": np.where(rng.random(N) < 0.15, 0.0, rng.normal(0.0, 1.0, N)),
    }[kind]
    assert cells.choose(values) is None


def test_placing_is_the_same_arithmetic_for_both_sides() -> None:
    """A value lands in the same leaf whichever side it is on, and leaves are in the values' order."""
    train = draw("skewed", 1)
    chosen = cells.choose(train)
    assert chosen is not None
    grid, leaf = chosen
    assert np.array_equal(grid.place(train), leaf)
    order = np.argsort(train, kind="stable")
    assert (np.diff(leaf[order]) >= 0).all()


def test_order_statistics_and_counts_at_edges_are_exact() -> None:
    values = draw("rounded", 5)
    chosen = cells.choose(values)
    assert chosen is not None
    grid, leaf = chosen
    ranks = np.array([0, 17, N // 2, N - 1])
    edges = np.quantile(values, [0.1, 0.5, 0.9])
    found, at_most = cells.order_statistics(
        values, leaf, Counted.of(values, grid, leaf, serving=False), grid, ranks, edges
    )
    ordered = np.sort(values)
    assert found.tolist() == ordered[ranks].tolist()
    assert at_most.tolist() == [int((values <= edge).sum()) for edge in edges]
