"""KS and Wasserstein-1 on empirical CDFs, checked against scipy called directly and against hand computations."""

from __future__ import annotations

import math
from unittest.mock import patch

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from skewcheck.stats import ecdf

# scipy's exact KS p-value gives up on some small samples with ties and says so before using the asymptotic one.
pytestmark = pytest.mark.filterwarnings("ignore:ks_2samp. Exact calculation unsuccessful:RuntimeWarning")


def floats(*values: float) -> npt.NDArray[np.float64]:
    return np.array(values, dtype=np.float64)


def reference_ks_statistic(a: list[float], b: list[float]) -> float:
    """D = max over every observed point x of |F_a(x) - F_b(x)|, with F the empirical CDF (share <= x)."""
    points = sorted(set(a) | set(b))
    return max(abs(sum(v <= x for v in a) / len(a) - sum(v <= x for v in b) / len(b)) for x in points)


small_samples = st.lists(st.integers(min_value=-20, max_value=20).map(float), min_size=1, max_size=25)


class TestKs:
    @pytest.mark.parametrize(
        ("a", "b", "d"),
        [
            # F_a jumps to 1/3, 2/3, 1 at 1, 2, 3; F_b is 0 until 4: D = 1
            ([1, 2, 3], [4, 5, 6], 1.0),
            # at x = 1: F_a = 1/3, F_b = 0; at 2: 2/3 vs 1/3; at 3: 1 vs 2/3; at 4: 1 vs 1 -> D = 1/3
            ([1, 2, 3], [2, 3, 4], 1 / 3),
            # ties across samples: at x = 1, F_a = 2/4, F_b = 1/2; at 2: 3/4 vs 1/2 -> 1/4; at 3: 1 vs 1
            ([1, 1, 2, 3], [1, 3], 1 / 4),
            ([0, 0, 0, 0], [0, 0], 0.0),
        ],
    )
    def test_statistic_by_hand(self, a: list[float], b: list[float], d: float) -> None:
        assert reference_ks_statistic(a, b) == pytest.approx(d, abs=1e-12)
        assert ecdf.ks(floats(*a), floats(*b)).statistic == pytest.approx(d, abs=1e-12)

    def test_matches_scipy_on_generated_data(self) -> None:
        rng = np.random.default_rng(7)
        a = np.sort(rng.normal(0, 1, 400))
        b = np.sort(rng.normal(0.3, 1.2, 300))
        expected = stats.ks_2samp(a, b)
        result = ecdf.ks(a, b)
        assert result.statistic == pytest.approx(float(expected.statistic), rel=1e-12)
        assert result.pvalue == pytest.approx(float(expected.pvalue), rel=1e-9)
        assert result.statistic == pytest.approx(reference_ks_statistic(list(a), list(b)), abs=1e-12)

    @pytest.mark.parametrize(
        ("n_train", "n_serving", "rounded"),
        [(12_000, 15_000, False), (20_000, 50, False), (30, 25_000, False), (12_000, 11_000, True)],
    )
    def test_large_samples_match_scipy(self, n_train: int, n_serving: int, rounded: bool) -> None:
        """Above scipy's exact-method limit: the same statistic and asymptotic p-value as ks_2samp, ties included."""
        rng = np.random.default_rng(n_train + n_serving)
        a = rng.normal(0, 1, n_train)
        b = rng.normal(0.05, 1.1, n_serving)
        if rounded:  # many ties within and across samples
            a, b = np.round(a, 1), np.round(b, 1)
        a, b = np.sort(a), np.sort(b)
        expected = stats.ks_2samp(a, b)
        result = ecdf.ks(a, b)
        assert result.statistic == pytest.approx(float(expected.statistic), rel=1e-12, abs=1e-15)
        assert result.pvalue == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-300)

    def test_large_identical_samples(self) -> None:
        a = np.sort(np.random.default_rng(1).integers(0, 5, 15_000).astype(np.float64))
        result = ecdf.ks(a, a.copy())
        assert result.statistic == 0.0
        assert result.pvalue == pytest.approx(1.0)

    @settings(max_examples=100, deadline=None)
    @given(small_samples, small_samples)
    def test_statistic_is_max_ecdf_gap(self, a: list[float], b: list[float]) -> None:
        result = ecdf.ks(floats(*sorted(a)), floats(*sorted(b)))
        assert result.statistic == pytest.approx(reference_ks_statistic(a, b), abs=1e-12)
        assert 0.0 <= result.pvalue <= 1.0
        assert result.pvalue == pytest.approx(float(stats.ks_2samp(a, b).pvalue), rel=1e-9, abs=1e-12)


class TestWasserstein:
    def test_shift_by_one(self) -> None:
        """[0, 1, 2] -> [1, 2, 3]: every unit of mass moves 1; training std (ddof=1) is 1."""
        train = floats(0, 1, 2)
        std = float(np.std(train, ddof=1))
        assert std == pytest.approx(1.0)
        assert ecdf.wasserstein(train, floats(1, 2, 3), std) == pytest.approx(1.0, rel=1e-12)

    def test_divides_by_training_std_ddof_1(self) -> None:
        """[0, 0, 0, 4] vs four zeros: a quarter of the mass moves 4, W1 = 1; std ddof=1 = sqrt(12 / 3) = 2."""
        train = floats(0, 0, 0, 4)
        std = float(np.std(train, ddof=1))
        assert std == pytest.approx(2.0)
        assert ecdf.wasserstein(train, floats(0, 0, 0, 0), std) == pytest.approx(0.5, rel=1e-12)

    def test_unequal_sizes(self) -> None:
        """[0, 2] vs [1]: each half moves 1, W1 = 1; [0, 1] vs [0, 0, 1, 1] is the same distribution."""
        assert ecdf.wasserstein(floats(0, 2), floats(1), 1.0) == pytest.approx(1.0, rel=1e-12)
        assert ecdf.wasserstein(floats(0, 1), floats(0, 0, 1, 1), 1.0) == pytest.approx(0.0, abs=1e-12)

    def test_matches_scipy_on_generated_data(self) -> None:
        rng = np.random.default_rng(11)
        train = np.sort(rng.normal(5, 2, 500))
        serving = np.sort(rng.exponential(3, 300))
        std = float(np.std(train, ddof=1))
        expected = float(stats.wasserstein_distance(train, serving)) / std
        assert ecdf.wasserstein(train, serving, std) == pytest.approx(expected, rel=1e-12)

    @settings(max_examples=150, deadline=None)
    @given(small_samples, small_samples)
    def test_matches_scipy_with_ties_and_unequal_sizes(self, train: list[float], serving: list[float]) -> None:
        expected = float(stats.wasserstein_distance(train, serving))
        value = ecdf.wasserstein(floats(*sorted(train)), floats(*sorted(serving)), 2.0)
        assert value == pytest.approx(expected / 2.0, rel=1e-9, abs=1e-12)

    def test_large_samples_match_scipy(self) -> None:
        rng = np.random.default_rng(12)
        train = np.sort(np.round(rng.gamma(2.0, 3.0, 25_000), 2))
        serving = np.sort(np.round(rng.gamma(2.5, 3.0, 18_000), 2))
        std = float(np.std(train, ddof=1))
        expected = float(stats.wasserstein_distance(train, serving)) / std
        assert ecdf.wasserstein(train, serving, std) == pytest.approx(expected, rel=1e-9)

    def test_constant_training(self) -> None:
        train = floats(3, 3, 3)
        assert ecdf.wasserstein(train, floats(3, 3), 0.0) == 0.0
        assert ecdf.wasserstein(train, floats(3, 4), 0.0) == math.inf

    @settings(max_examples=100, deadline=None)
    @given(small_samples.filter(lambda v: len(set(v)) > 1), st.floats(min_value=-50, max_value=50))
    def test_pure_shift_moves_by_the_shift(self, train: list[float], shift: float) -> None:
        """Shifting every value by c moves the distribution by |c|, in units of the training std."""
        array = floats(*sorted(train))
        std = float(np.std(array, ddof=1))
        assert ecdf.wasserstein(array, array + shift, std) == pytest.approx(abs(shift) / std, rel=1e-9, abs=1e-9)


class TestMergedInSlices:
    """KS and W1 are computed a slice of values at a time: the slices must add up to the whole."""

    @settings(max_examples=200, deadline=None)
    @given(small_samples, small_samples, st.integers(min_value=1, max_value=4))
    def test_any_slice_size_gives_scipy_statistic_and_distance(
        self, train: list[float], serving: list[float], slice_size: int
    ) -> None:
        """Slices of 1-4 values a side put every boundary case (ties across a cut, one side empty) in play."""
        a, b = floats(*sorted(train)), floats(*sorted(serving))
        whole, whole_w1 = ecdf.ks_and_wasserstein(a, b, 1.0)  # one slice
        with patch.object(ecdf, "MERGE_SLICE", slice_size):
            ks, w1 = ecdf.ks_and_wasserstein(a, b, 1.0)
        assert ks == whole  # the same counts divided the same way: bit for bit
        # scipy's exact mode rounds D to a multiple of 1/lcm(n, m): an ulp away at most
        assert ks.statistic == pytest.approx(float(stats.ks_2samp(train, serving).statistic), rel=1e-15, abs=1e-15)
        assert ks.statistic == pytest.approx(reference_ks_statistic(train, serving), rel=1e-15, abs=1e-15)
        assert w1 == pytest.approx(float(stats.wasserstein_distance(train, serving)), rel=1e-12, abs=1e-12)
        assert w1 == pytest.approx(whole_w1, rel=1e-12, abs=1e-12)

    @pytest.mark.parametrize(("n_train", "n_serving"), [(200_000, 150_000), (150_000, 400), (300, 120_000)])
    def test_many_slices_with_runs_of_ties_longer_than_a_slice(self, n_train: int, n_serving: int) -> None:
        """Zero-inflated, rounded data: runs of zeros far longer than MERGE_SLICE, many ties across sides."""
        rng = np.random.default_rng(n_train)
        train = np.sort(np.where(rng.random(n_train) < 0.4, 0.0, np.round(rng.gamma(2.0, 3.0, n_train), 1)))
        serving = np.sort(np.where(rng.random(n_serving) < 0.3, 0.0, np.round(rng.gamma(2.2, 3.0, n_serving), 1)))
        assert max(n_train, n_serving) > 3 * ecdf.MERGE_SLICE
        ks, w1 = ecdf.ks_and_wasserstein(train, serving, 2.0)
        assert ks.statistic == float(stats.ks_2samp(train, serving).statistic)
        assert w1 == pytest.approx(float(stats.wasserstein_distance(train, serving)) / 2.0, rel=1e-12)

    def test_distinct_values_over_many_slices(self) -> None:
        rng = np.random.default_rng(3)
        train, serving = np.sort(rng.normal(0, 1, 250_000)), np.sort(rng.normal(0.01, 1.02, 180_000))
        ks, w1 = ecdf.ks_and_wasserstein(train, serving, 1.0)
        assert ks.statistic == float(stats.ks_2samp(train, serving).statistic)
        assert w1 == pytest.approx(float(stats.wasserstein_distance(train, serving)), rel=1e-12)

    def test_disjoint_samples(self) -> None:
        """Serving entirely above training: D = 1, and every unit of mass moves by the gap between the means."""
        train = np.arange(100_000, dtype=np.float64)
        serving = np.arange(200_000, 270_000, dtype=np.float64)
        ks, w1 = ecdf.ks_and_wasserstein(train, serving, 1.0)
        assert ks.statistic == 1.0
        assert w1 == pytest.approx(float(serving.mean() - train.mean()), rel=1e-12)

    @pytest.mark.parametrize("constant_side", ["train", "serving"])
    def test_a_constant_side(self, constant_side: str) -> None:
        """All 100,000 values at 5 against 0..99,999: D is the share of the other side below 5, or above."""
        varied, constant = np.arange(100_000, dtype=np.float64), np.full(100_000, 5.0)
        train, serving = (constant, varied) if constant_side == "train" else (varied, constant)
        ks, w1 = ecdf.ks_and_wasserstein(train, serving, 1.0)
        assert ks.statistic == pytest.approx(1 - 6 / 100_000, abs=1e-15)  # F = 1 at 5 against 6 values <= 5
        assert ks.statistic == float(stats.ks_2samp(train, serving).statistic)
        # W1 = mean |v - 5| over 0..99,999
        assert w1 == pytest.approx(float(np.mean(np.abs(varied - 5.0))), rel=1e-12)

    def test_an_empty_side_is_refused(self) -> None:
        with pytest.raises(ValueError, match="at least one value on each side"):
            ecdf.ks_and_wasserstein(floats(), floats(1, 2), 1.0)
        with pytest.raises(ValueError, match="at least one value on each side"):
            ecdf.ks_and_wasserstein(floats(1, 2), floats(), 1.0)


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=50),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=50),
)
def test_merging_two_sorted_grids_is_their_union(first: list[float], second: list[float]) -> None:
    a, b = np.unique(np.array(first, dtype=float)), np.unique(np.array(second, dtype=float))
    np.testing.assert_array_equal(ecdf._merged(a, b), np.union1d(a, b))


@pytest.mark.parametrize("effective_n", [20_001, 50_000, 500_000])
def test_ks_pvalue_at_serving_volumes_is_within_a_thousandth_of_kstwo(effective_n: int) -> None:
    # Two equal sides of 2n give an effective n of n; scipy's kstwo.sf is the reference it approximates.
    for statistic in np.linspace(0.2 / np.sqrt(effective_n), 4 / np.sqrt(effective_n), 25):
        expected = float(stats.kstwo.sf(statistic, effective_n))
        assert ecdf.ks_pvalue(statistic, 2 * effective_n, 2 * effective_n) == pytest.approx(expected, abs=1e-3)
