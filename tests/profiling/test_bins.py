"""Training's bins: its nine deciles as edges, and values counted in ten right-closed bins, the outer two open."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from skewcheck.profiling.bins import bin_counts, numeric_edges
from skewcheck.profiling.profiles import profile_numeric
from tests.profiling.helpers import floats, reference_bin_counts


class TestNumericEdges:
    def test_evenly_spaced_values_give_their_deciles(self) -> None:
        """0, 1, ..., 10: the k-th decile of 11 evenly spaced values is k itself; the minimum and maximum are not
        edges (the outer bins are open, each a tenth of training)."""
        edges = numeric_edges(np.arange(11, dtype=np.float64))
        np.testing.assert_allclose(edges, np.arange(1, 10, dtype=np.float64), atol=1e-12)
        assert bin_counts(np.arange(11, dtype=np.float64), edges).tolist() == [2, 1, 1, 1, 1, 1, 1, 1, 1, 1]

    def test_ties_are_merged(self) -> None:
        """70 zeros then 1..30 (100 values, linear quantiles at position q * 99).

        q = 0 .. 0.6 land inside the zeros -> 0 (merged into one edge);
        q = 0.7 -> position 69.3 -> 0 + 0.3 * (1 - 0) = 0.3;
        q = 0.8 -> position 79.2 -> v[79] = 10, v[80] = 11 -> 10.2;
        q = 0.9 -> position 89.1 -> 20.1.
        """
        values = np.concatenate([np.zeros(70), np.arange(1, 31)]).astype(np.float64)
        edges = numeric_edges(values)
        np.testing.assert_allclose(edges, [0.0, 0.3, 10.2, 20.1], atol=1e-9)
        assert np.all(np.diff(edges) > 0)

    def test_zero_inflated_data_keeps_all_zeros_in_the_first_bin(self) -> None:
        values = np.concatenate([np.zeros(950), np.linspace(1, 50, 50)]).astype(np.float64)
        edges = numeric_edges(values)
        assert edges[0] == 0.0
        assert np.all(np.diff(edges) > 0)
        result = bin_counts(values, edges)
        assert result[0] == 950  # (-inf, 0] holds every zero and nothing else
        assert result.sum() == 1000
        assert result.tolist() == reference_bin_counts(values.tolist(), edges.tolist())

    def test_constant_data_gives_one_edge(self) -> None:
        edges = numeric_edges(floats(5, 5, 5, 5))
        np.testing.assert_array_equal(edges, [5.0])
        assert bin_counts(floats(5, 5, 5, 5), edges).tolist() == [4, 0]
        assert bin_counts(floats(4, 5, 6, 7), edges).tolist() == [2, 2]

    def test_empty_data_gives_no_edges(self) -> None:
        edges = numeric_edges(np.array([], dtype=np.float64))
        assert len(edges) == 0
        assert bin_counts(floats(1, 2), edges).tolist() == [2]

    def test_edges_are_the_nine_deciles_and_the_outer_bins_hold_a_tenth(self) -> None:
        rng = np.random.default_rng(3)
        values = np.sort(rng.normal(size=1000))
        edges = numeric_edges(values)
        np.testing.assert_allclose(edges, np.quantile(values, [i / 10 for i in range(1, 10)]), rtol=1e-12)
        counts = bin_counts(values, edges)
        assert len(counts) == 10
        assert counts[0] == counts[-1] == 100

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.integers(-5, 5).map(float),
                st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
            ),
            min_size=1,
            max_size=80,
        )
    )
    def test_equal_numpy_quantiles_exactly(self, values: list[float]) -> None:
        """Edges are numpy's linear quantiles at 0.1, ..., 0.9, ties merged, bit for bit."""
        array = floats(*sorted(values))
        expected = np.unique(np.quantile(array, np.linspace(0.1, 0.9, 9)))
        np.testing.assert_array_equal(numeric_edges(array), expected)


class TestBinCounts:
    def test_value_equal_to_an_edge_lands_in_the_bin_that_edge_closes(self) -> None:
        # bins (-inf, 0], (0, 1], (1, 2], (2, inf)
        assert bin_counts(floats(0, 1, 2), floats(0, 1, 2)).tolist() == [1, 1, 1, 0]
        assert bin_counts(floats(0.5, 1.5, 2.5), floats(0, 1, 2)).tolist() == [0, 1, 1, 1]

    def test_values_beyond_the_training_range_land_in_the_outer_bins(self) -> None:
        assert bin_counts(floats(-1e9, -5, 100, 1e12), floats(0, 1, 2)).tolist() == [2, 0, 0, 2]

    def test_count_array_has_one_more_bin_than_edges(self) -> None:
        result = bin_counts(floats(), floats(0, 1, 2, 3))
        assert result.tolist() == [0, 0, 0, 0, 0]
        assert result.dtype == np.int64

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(st.integers(-30, 30).map(float), min_size=1, max_size=60),
        st.lists(st.integers(-40, 40).map(float), min_size=0, max_size=60),
    )
    def test_matches_right_closed_definition(self, train: list[float], serving: list[float]) -> None:
        edges = numeric_edges(floats(*sorted(train)))
        result = bin_counts(floats(*sorted(serving)), edges)
        assert result.tolist() == reference_bin_counts(serving, edges.tolist())
        assert len(result) == len(edges) + 1
        assert result.sum() == len(serving)

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(st.integers(-30, 30).map(float), min_size=1, max_size=60),
        st.lists(st.integers(-40, 40).map(float), min_size=0, max_size=60),
        st.randoms(use_true_random=False),
    )
    def test_sorted_and_shuffled_values_count_alike(self, train: list[float], serving: list[float], rng: Any) -> None:
        """Sorted values are counted by searching the edges among them, others edge by value: the same bins."""
        edges = numeric_edges(floats(*sorted(train)))
        shuffled = list(serving)
        rng.shuffle(shuffled)
        expected = reference_bin_counts(serving, edges.tolist())
        assert bin_counts(floats(*sorted(serving)), edges).tolist() == expected
        assert bin_counts(floats(*shuffled), edges).tolist() == expected

    def test_descending_values_are_not_taken_for_sorted(self) -> None:
        assert bin_counts(floats(3, 2, 1, 0), floats(0, 1, 2)).tolist() == [1, 1, 1, 1]
        assert bin_counts(floats(5, 5, -1, 1.5), floats(0, 1, 2)).tolist() == [1, 0, 1, 2]

    def test_nan_lands_in_the_last_bin_sorted_or_not(self) -> None:
        """What numpy's search always did with NaN (profiles drop NaN before binning; this is the fallback)."""
        assert bin_counts(floats(0.5, 1.5, math.nan), floats(0, 1, 2)).tolist() == [0, 1, 1, 1]
        assert bin_counts(floats(math.nan, 0.5, 1.5), floats(0, 1, 2)).tolist() == [0, 1, 1, 1]


class TestProfilesOnTrainingEdges:
    def test_training_edges_and_bins(self) -> None:
        rng = np.random.default_rng(9)
        raw = rng.normal(10, 3, 5000)
        profile = profile_numeric(pl.Series("x", raw))
        np.testing.assert_allclose(profile.edges, np.quantile(raw, np.linspace(0.1, 0.9, 9)), rtol=1e-12)
        assert profile.bin_counts.tolist() == reference_bin_counts(raw.tolist(), profile.edges.tolist())
        assert profile.bin_counts.tolist() == [500] * 10  # every bin, the open outer two too, a tenth of training

    def test_serving_on_training_edges_has_the_same_bins(self) -> None:
        rng = np.random.default_rng(13)
        train = profile_numeric(pl.Series("x", rng.normal(0, 1, 3000)))
        serving_raw = rng.normal(2, 3, 700)
        serving = profile_numeric(pl.Series("x", [*serving_raw.tolist(), None]), train.edges)
        np.testing.assert_array_equal(serving.edges, train.edges)
        assert len(serving.bin_counts) == len(train.bin_counts) == len(train.edges) + 1
        assert serving.bin_counts.sum() == 700
        assert serving.bin_counts.tolist() == reference_bin_counts(serving_raw.tolist(), train.edges.tolist())
        # serving's own quantiles would have given different edges
        assert not np.allclose(numeric_edges(np.sort(serving_raw)), train.edges)
