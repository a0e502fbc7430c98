"""out_of_range: serving values below training's minimum and above its maximum, counted the same way on sorted
values, on a grid on training's points, and on a step CDF, each against a numpy count."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from skewcheck.stats import metrics
from skewcheck.stats.ecdf import StepCdf
from skewcheck.stats.grid import Grid

FloatArray = npt.NDArray[np.float64]


def by_hand(train: FloatArray, serving: FloatArray) -> tuple[int, int]:
    return int(np.sum(serving < train.min())), int(np.sum(serving > train.max()))


def step_cdf(sorted_values: FloatArray) -> StepCdf:
    points, counts = np.unique(sorted_values, return_counts=True)
    return StepCdf(points, np.cumsum(counts) / len(sorted_values), len(sorted_values))


@pytest.fixture
def pair() -> tuple[FloatArray, FloatArray]:
    """Training U(0, 10) rounded to tenths (ties at its extremes); serving shifted down by one, ties at both ends."""
    rng = np.random.default_rng(7)
    train = np.sort(np.round(rng.uniform(0, 10, 5_000), 1))
    serving = np.sort(np.concatenate([np.round(rng.uniform(-1, 9, 3_000), 1), [train.min()] * 5, [train.max()] * 5]))
    return train, serving


def test_sorted_values_against_numpy(pair: tuple[FloatArray, FloatArray]) -> None:
    train, serving = pair
    below, above = metrics.out_of_range(serving, float(train.min()), float(train.max()))
    assert (below, above) == by_hand(train, serving)
    assert below > 200 and above == 0  # the values equal to training's extremes are inside


def test_a_grid_on_training_points_counts_the_same(pair: tuple[FloatArray, FloatArray]) -> None:
    """Serving read in batches is a grid on training's points, which include its minimum and maximum."""
    train, serving = pair
    grid = Grid.of(serving, np.unique(train))
    assert metrics.out_of_range(grid, float(train.min()), float(train.max())) == by_hand(train, serving)
    merged = Grid.of(serving[::2], np.unique(train)).merged(Grid.of(serving[1::2], np.unique(train)))
    assert metrics.out_of_range(merged, float(train.min()), float(train.max())) == by_hand(train, serving)


def test_a_grid_without_the_bounds_among_its_points_reads_its_cdf(pair: tuple[FloatArray, FloatArray]) -> None:
    train, serving = pair
    points = np.unique(np.concatenate([train, serving]))
    grid = Grid.of(serving, points)
    assert metrics.out_of_range(grid, float(train.min()), float(train.max())) == by_hand(train, serving)


def test_a_step_cdf_counts_the_same(pair: tuple[FloatArray, FloatArray]) -> None:
    train, serving = pair
    assert metrics.out_of_range(step_cdf(serving), float(train.min()), float(train.max())) == by_hand(train, serving)


def test_both_sides_and_none() -> None:
    train = np.array([1.0, 2.0, 3.0])
    serving = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 3.5])
    assert metrics.out_of_range(serving, 1.0, 3.0) == (2, 1)
    assert metrics.out_of_range(train, 1.0, 3.0) == (0, 0)
    assert metrics.out_of_range_rate(2, 1, 6) == 0.5
    assert metrics.out_of_range_rate(0, 0, 0) == 0.0
