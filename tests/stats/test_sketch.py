"""Sketch: exact counts, moments and tails; quantiles, CDF and bin counts within the stated rank error; exact merges."""

from __future__ import annotations

import numpy as np
import pytest

from skewcheck.stats.sketch import TAIL, Sketch

RNG = np.random.default_rng(20261204)
LEFT = np.sort(RNG.normal(10.0, 3.0, 60_000))
RIGHT = np.sort(RNG.exponential(4.0, 25_000) + 5.0)
BOTH = np.sort(np.concatenate([LEFT, RIGHT]))
MARGIN = 1.5  # rank_error is a ~99% bound over the whole CDF; the margin keeps a chance miss from failing the test


def true_rank(sorted_values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The share of values at or below each point."""
    return np.searchsorted(sorted_values, points, side="right") / len(sorted_values)


def test_counts_moments_and_tails_are_exact() -> None:
    sketch = Sketch.of(LEFT)
    assert sketch.count == len(LEFT)
    assert sketch.mean == pytest.approx(np.mean(LEFT), rel=1e-12)
    assert sketch.std == pytest.approx(np.std(LEFT, ddof=1), rel=1e-12)
    assert (sketch.minimum, sketch.maximum) == (LEFT[0], LEFT[-1])
    assert np.array_equal(sketch.low, LEFT[:TAIL]) and np.array_equal(sketch.high, LEFT[-TAIL:])


def test_a_merge_is_exact_for_counts_moments_and_tails() -> None:
    merged = Sketch.of(LEFT).merged(Sketch.of(RIGHT))
    assert merged.count == len(BOTH)
    assert merged.mean == pytest.approx(np.mean(BOTH), rel=1e-12)
    assert merged.m2 == pytest.approx(np.sum((BOTH - np.mean(BOTH)) ** 2), rel=1e-10)
    assert merged.std == pytest.approx(np.std(BOTH, ddof=1), rel=1e-12)
    assert np.array_equal(merged.low, BOTH[:TAIL]) and np.array_equal(merged.high, BOTH[-TAIL:])
    assert (merged.minimum, merged.maximum) == (BOTH[0], BOTH[-1])


def test_merging_is_symmetric_where_it_is_exact() -> None:
    one, other = Sketch.of(LEFT).merged(Sketch.of(RIGHT)), Sketch.of(RIGHT).merged(Sketch.of(LEFT))
    assert (one.count, one.mean, one.m2) == pytest.approx((other.count, other.mean, other.m2), rel=1e-12)


@pytest.mark.parametrize("values", [LEFT, BOTH], ids=["one", "merged"])
def test_quantiles_are_numpys_in_the_tails_and_within_the_rank_error_between(values: np.ndarray) -> None:
    sketch = Sketch.of(values) if values is LEFT else Sketch.of(LEFT).merged(Sketch.of(RIGHT))
    in_tails = np.array([0.0, 0.001, 0.01, 0.99, 0.999, 1.0])
    assert sketch.quantiles(in_tails) == pytest.approx(np.quantile(values, in_tails), rel=1e-12)
    middle = np.linspace(0.05, 0.95, 19)
    ranks = true_rank(values, sketch.quantiles(middle))
    assert np.max(np.abs(ranks - middle)) <= MARGIN * sketch.rank_error
    assert 0 < sketch.rank_error < 0.01


def test_the_cdf_is_exact_in_the_tails_and_within_the_rank_error_between() -> None:
    sketch = Sketch.of(LEFT).merged(Sketch.of(RIGHT))
    cdf = sketch.cdf()
    expected = true_rank(BOTH, cdf.points)
    tails = (cdf.points < sketch.low[-1]) | (cdf.points >= sketch.high[0])
    assert np.allclose(cdf.cdf[tails], expected[tails], rtol=0, atol=1e-12)
    assert np.max(np.abs(cdf.cdf[~tails] - expected[~tails])) <= MARGIN * sketch.rank_error
    assert cdf.cdf[-1] == 1.0 and cdf.count == len(BOTH)


def test_bin_counts_add_up_and_each_is_within_the_rank_error() -> None:
    sketch = Sketch.of(BOTH)
    edges = np.quantile(BOTH, np.linspace(0.1, 0.9, 9))
    counts = sketch.pmf_counts(edges)
    exact = np.diff(np.searchsorted(BOTH, edges, side="right"), prepend=0, append=len(BOTH))  # right-closed bins
    assert counts.sum() == len(BOTH) and len(counts) == len(edges) + 1
    assert np.max(np.abs(counts - exact)) <= 2 * MARGIN * sketch.rank_error * len(BOTH)


def test_few_values_are_all_kept_and_answered_exactly() -> None:
    values = np.array([1.0, 2.0, 2.0, 3.0, 10.0])
    sketch = Sketch.of(values)
    assert np.array_equal(sketch.low, values) and np.array_equal(sketch.high, values)
    quantiles = np.array([0.0, 0.3, 0.5, 0.9, 1.0])
    assert sketch.quantiles(quantiles) == pytest.approx(np.quantile(values, quantiles))
    cdf = sketch.cdf()
    assert cdf.points.tolist() == [1.0, 2.0, 3.0, 10.0]
    assert cdf.cdf == pytest.approx([0.2, 0.6, 0.8, 1.0], abs=1e-12)
    assert list(sketch.quantile_edges(np.array([0.5]))) == [2.0]  # the quantiles only, not min and max
    assert list(sketch.quantile_edges(np.array([0.3, 0.5]))) == [2.0]  # ties merged


def test_one_repeated_value_has_no_spread_and_a_mean_of_huge_values_does_not_overflow() -> None:
    assert Sketch.of(np.full(10, 7.0)).std == 0.0
    assert Sketch.of(np.full(10, 1.7e308)).std == 0.0
    assert Sketch.of(np.array([1.5e308, 1.6e308, 1.7e308])).mean == pytest.approx(1.6e308, rel=1e-12)


def test_a_read_only_array_is_sketched() -> None:
    values = LEFT[:100].copy()
    values.setflags(write=False)
    assert Sketch.of(values).count == 100
