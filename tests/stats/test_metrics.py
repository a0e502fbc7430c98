"""Drift metrics on counts, each checked against an independent reference: a hand computation or scipy directly."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial import distance

from skewcheck.schema import registry
from skewcheck.stats import metrics


def counts(*values: int) -> npt.NDArray[np.int64]:
    return np.array(values, dtype=np.int64)


def reference_psi(train: list[int], serving: list[int], floor: float = 1e-4) -> float:
    """PSI written out from its definition: shares, each raised to at least the floor (no renormalising), then
    sum (s - t) ln(s / t)."""
    total = 0.0
    for t_count, s_count in zip(train, serving, strict=True):
        t = max(t_count / sum(train), floor)
        s = max(s_count / sum(serving), floor)
        total += (s - t) * math.log(s / t)
    return total


def reference_js(train: list[int], serving: list[int]) -> float:
    """Jensen-Shannon distance from the KL definition with log2: sqrt((KL(p||m) + KL(q||m)) / 2)."""
    p = [c / sum(train) for c in train]
    q = [c / sum(serving) for c in serving]
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]

    def kl(a: list[float], b: list[float]) -> float:
        return sum(x * math.log2(x / y) for x, y in zip(a, b, strict=True) if x > 0)

    return math.sqrt(max(0.0, (kl(p, m) + kl(q, m)) / 2))


# Aligned count vectors of the same length, both with a positive total.
count_lists = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=0, max_value=1000), min_size=n, max_size=n).filter(lambda c: sum(c) > 0),
        st.lists(st.integers(min_value=0, max_value=1000), min_size=n, max_size=n).filter(lambda c: sum(c) > 0),
    )
)


class TestPsi:
    def test_textbook_example_step_by_step(self) -> None:
        """Train 30/40/30, serving 20/40/40 (100 rows each): the expected value worked out bin by bin."""
        # No bin is empty, so the floor changes nothing: the textbook shares.
        # Bin 1: t = 0.3, s = 0.2, (s - t) * ln(s / t) = -0.1 * ln(2/3) = 0.040547
        # Bin 2: t = s = 0.4, contributes 0.
        # Bin 3: t = 0.3, s = 0.4, 0.1 * ln(4/3) = 0.028768
        # PSI = 0.040547 + 0 + 0.028768 = 0.069315 (= 0.1 * ln 2)
        bin1 = -0.1 * math.log(0.2 / 0.3)
        bin3 = 0.1 * math.log(0.4 / 0.3)
        assert bin1 == pytest.approx(0.040547, abs=1e-6)
        assert bin3 == pytest.approx(0.028768, abs=1e-6)
        value = metrics.psi(counts(30, 40, 30), counts(20, 40, 40))
        assert value == pytest.approx(bin1 + bin3, rel=1e-12)
        assert value == pytest.approx(0.1 * math.log(2), rel=1e-12)

    def test_share_floor_is_a_share_not_a_count(self) -> None:
        """An empty bin counts as a share of 1e-4 whatever the sample size: 2% of serving in a bin training never
        filled gives (0.02 - 1e-4) * ln(0.02 / 1e-4) from that bin, at 100 rows as at a million."""
        assert registry.PSI_SHARE_FLOOR == 1e-4
        new_bin = (0.02 - 1e-4) * math.log(0.02 / 1e-4)
        for n in (100, 10_000, 1_000_000):
            value = metrics.psi(counts(n, 0), counts(n * 98 // 100, n * 2 // 100))
            assert value == pytest.approx(-0.02 * math.log(0.98) + new_bin, rel=1e-12), n

    @pytest.mark.parametrize(
        ("train", "serving"),
        [
            ([10, 20, 30, 40], [40, 30, 20, 10]),
            ([1, 1], [1000, 3]),
            ([500, 0, 0, 500], [0, 1000, 0, 0]),
            ([7], [3]),
            ([3, 5, 0, 9, 11], [4, 4, 4, 4, 4]),
        ],
    )
    def test_matches_hand_formula(self, train: list[int], serving: list[int]) -> None:
        assert metrics.psi(counts(*train), counts(*serving)) == pytest.approx(reference_psi(train, serving), rel=1e-12)

    def test_without_empty_bins_it_is_the_textbook_psi(self) -> None:
        """No share below the floor: the classic formula on raw shares, at any sample size."""
        train, serving = np.array([0.2, 0.3, 0.5]), np.array([0.25, 0.25, 0.5])
        classic = float(np.sum((serving - train) * np.log(serving / train)))
        for scale in (20, 10**9):
            value = metrics.psi((train * scale).astype(np.int64), (serving * scale).astype(np.int64))
            assert value == pytest.approx(classic, rel=1e-12)

    def test_identical_counts_give_zero(self) -> None:
        assert metrics.psi(counts(5, 0, 17, 3), counts(5, 0, 17, 3)) == 0.0

    def test_same_shares_different_totals_near_zero(self) -> None:
        """Same shares, different sample sizes: nothing separates them."""
        assert metrics.psi(counts(100_000, 200_000), counts(1_000_000, 2_000_000)) == pytest.approx(0.0, abs=1e-15)

    def test_finite_with_empty_bins(self) -> None:
        """Disjoint supports: each empty bin is a share of 1e-4; worked out PSI = 2 * (1 - 1e-4) * ln(1e4)."""
        value = metrics.psi(counts(10, 0), counts(0, 10))
        assert math.isfinite(value)
        assert value == pytest.approx(2 * (1 - 1e-4) * math.log(1e4), rel=1e-12)

    def test_finite_when_a_bin_is_empty_on_both_sides(self) -> None:
        value = metrics.psi(counts(10, 0, 5), counts(3, 0, 12))
        assert math.isfinite(value)
        assert value == pytest.approx(reference_psi([10, 0, 5], [3, 0, 12]), rel=1e-12)

    @settings(max_examples=150, deadline=None)
    @given(count_lists)
    def test_properties(self, pair: tuple[list[int], list[int]]) -> None:
        """Non-negative, finite, symmetric in its arguments, equal to the hand formula."""
        train, serving = pair
        forward = metrics.psi(counts(*train), counts(*serving))
        backward = metrics.psi(counts(*serving), counts(*train))
        assert math.isfinite(forward)
        assert forward >= 0.0
        assert forward == pytest.approx(backward, rel=1e-9, abs=1e-12)
        assert forward == pytest.approx(reference_psi(train, serving), rel=1e-9, abs=1e-12)


class TestJensenShannon:
    def test_hand_computed_example(self) -> None:
        """p = (1/2, 1/2), q = (1, 0), m = (3/4, 1/4).

        KL(p||m) = 1/2 log2(2/3) + 1/2 log2(2) = 0.207519; KL(q||m) = log2(4/3) = 0.415037;
        JSD = (0.207519 + 0.415037) / 2 = 0.311278; distance = sqrt(0.311278) = 0.557923.
        """
        assert metrics.jensen_shannon(counts(5, 5), counts(10, 0)) == pytest.approx(0.557923, abs=1e-6)

    @pytest.mark.parametrize(
        ("train", "serving"),
        [
            ([10, 20, 30, 40], [40, 30, 20, 10]),
            ([1, 0, 0], [0, 1, 1]),
            ([3, 5, 0, 9, 11], [4, 4, 4, 4, 4]),
            ([1000, 1], [1, 1000]),
        ],
    )
    def test_matches_scipy_and_kl_definition(self, train: list[int], serving: list[int]) -> None:
        value = metrics.jensen_shannon(counts(*train), counts(*serving))
        p = np.array(train) / sum(train)
        q = np.array(serving) / sum(serving)
        assert value == pytest.approx(float(distance.jensenshannon(p, q, base=2)), rel=1e-12)
        assert value == pytest.approx(reference_js(train, serving), rel=1e-9)

    def test_disjoint_supports_give_one(self) -> None:
        assert metrics.jensen_shannon(counts(10, 0, 0), counts(0, 4, 6)) == pytest.approx(1.0, abs=1e-12)

    def test_identical_gives_zero_not_nan(self) -> None:
        for train, serving in [
            ((7, 3, 1), (7, 3, 1)),
            ((1, 1, 1), (2, 2, 2)),
            ((1, 2, 3, 4, 5, 6), (2, 4, 6, 8, 10, 12)),
        ]:
            value = metrics.jensen_shannon(counts(*train), counts(*serving))
            assert not math.isnan(value)
            assert value == pytest.approx(0.0, abs=1e-7)

    def test_uses_shares_not_counts(self) -> None:
        """Scaling either side's counts leaves the distance unchanged."""
        base = metrics.jensen_shannon(counts(1, 2, 3), counts(3, 2, 1))
        assert metrics.jensen_shannon(counts(100, 200, 300), counts(3, 2, 1)) == pytest.approx(base, rel=1e-12)

    @settings(max_examples=150, deadline=None)
    @given(count_lists)
    def test_properties(self, pair: tuple[list[int], list[int]]) -> None:
        """In [0, 1], symmetric, equal to the KL definition."""
        train, serving = pair
        forward = metrics.jensen_shannon(counts(*train), counts(*serving))
        backward = metrics.jensen_shannon(counts(*serving), counts(*train))
        assert 0.0 <= forward <= 1.0 + 1e-12
        assert forward == pytest.approx(backward, abs=1e-9)
        assert forward == pytest.approx(reference_js(train, serving), abs=1e-7)


class TestLinf:
    def test_by_hand(self) -> None:
        # shares (0.1, 0.3, 0.6) vs (0.2, 0.2, 0.6): largest gap 0.1
        assert metrics.linf(counts(10, 30, 60), counts(20, 20, 60)) == pytest.approx(0.1, abs=1e-12)
        # different totals: (0.25, 0.75) vs (0.75, 0.25)
        assert metrics.linf(counts(1, 3), counts(30, 10)) == pytest.approx(0.5, abs=1e-12)
        # disjoint: a whole share moves
        assert metrics.linf(counts(5, 0), counts(0, 9)) == pytest.approx(1.0, abs=1e-12)
        assert metrics.linf(counts(2, 4), counts(1, 2)) == pytest.approx(0.0, abs=1e-12)

    @settings(max_examples=100, deadline=None)
    @given(count_lists)
    def test_properties(self, pair: tuple[list[int], list[int]]) -> None:
        train, serving = pair
        value = metrics.linf(counts(*train), counts(*serving))
        expected = max(abs(t / sum(train) - s / sum(serving)) for t, s in zip(train, serving, strict=True))
        assert value == pytest.approx(expected, abs=1e-12)
        assert 0.0 <= value <= 1.0
        assert value == pytest.approx(metrics.linf(counts(*serving), counts(*train)), abs=1e-12)


class TestChi2:
    def test_hand_computed_statistic(self) -> None:
        """Table [[10, 20, 30], [20, 20, 20]]: rows 60/60, columns 30/40/50, N = 120.

        Expected [[15, 20, 25], [15, 20, 25]]; chi2 = 2 * (25/15 + 0 + 25/25) = 16/3; dof = 2;
        with 2 degrees of freedom the survival function is exp(-x / 2) = exp(-8/3) = 0.069483.
        """
        value = metrics.chi2_pvalue(counts(10, 20, 30), counts(20, 20, 20))
        assert value == pytest.approx(float(stats.chi2.sf(16 / 3, 2)), rel=1e-12)
        assert value == pytest.approx(math.exp(-8 / 3), rel=1e-12)
        assert value == pytest.approx(0.069483, abs=1e-6)

    @pytest.mark.parametrize(
        ("train", "serving"),
        [
            ([10, 20, 30, 40], [40, 30, 20, 10]),
            ([100, 200], [110, 190]),
            ([5, 7, 9, 11, 13], [13, 11, 9, 7, 5]),
        ],
    )
    def test_matches_scipy(self, train: list[int], serving: list[int]) -> None:
        expected = stats.chi2_contingency(np.array([train, serving]), correction=False).pvalue
        assert metrics.chi2_pvalue(counts(*train), counts(*serving)) == pytest.approx(float(expected), rel=1e-12)

    def test_two_by_two_has_no_yates_correction(self) -> None:
        """[[100, 200], [110, 190]] differs with and without Yates' correction; the plain test is expected."""
        table = np.array([[100, 200], [110, 190]])
        plain = float(stats.chi2_contingency(table, correction=False).pvalue)
        yates = float(stats.chi2_contingency(table, correction=True).pvalue)
        assert plain != pytest.approx(yates, rel=1e-3)
        assert metrics.chi2_pvalue(counts(100, 200), counts(110, 190)) == pytest.approx(plain, rel=1e-12)

    def test_category_on_one_side_only(self) -> None:
        """Table [[10, 0], [5, 5]]: expected [[7.5, 2.5], [7.5, 2.5]].

        chi2 = 2 * (6.25/7.5 + 6.25/2.5) = 20/3 with 1 degree of freedom.
        """
        expected = float(stats.chi2.sf(20 / 3, 1))
        assert metrics.chi2_pvalue(counts(10, 0), counts(5, 5)) == pytest.approx(expected, rel=1e-12)
        # the same with the sides swapped
        assert metrics.chi2_pvalue(counts(5, 5), counts(10, 0)) == pytest.approx(expected, rel=1e-12)

    def test_category_seen_on_neither_side_is_dropped(self) -> None:
        """A zero column would make an expected count of 0; dropping it leaves the same test as above."""
        expected = float(stats.chi2.sf(20 / 3, 1))
        value = metrics.chi2_pvalue(counts(10, 0, 0), counts(5, 0, 5))
        assert math.isfinite(value)
        assert value == pytest.approx(expected, rel=1e-12)

    def test_single_category_gives_one(self) -> None:
        assert metrics.chi2_pvalue(counts(10), counts(20)) == 1.0
        assert metrics.chi2_pvalue(counts(10, 0, 0), counts(20, 0, 0)) == 1.0

    def test_identical_shares_give_one(self) -> None:
        assert metrics.chi2_pvalue(counts(10, 20, 30), counts(20, 40, 60)) == pytest.approx(1.0, abs=1e-12)


class TestUnseenRate:
    def test_by_hand(self) -> None:
        serving = {"a": 3, "b": 1, "c": 6}
        assert metrics.unseen_rate(serving, {"a"}) == pytest.approx(7 / 10)
        assert metrics.unseen_rate(serving, {"a", "b", "c"}) == 0.0
        assert metrics.unseen_rate(serving, set()) == 1.0
        assert metrics.unseen_rate(serving, {"a", "z"}) == pytest.approx(7 / 10)

    def test_no_serving_values(self) -> None:
        assert metrics.unseen_rate({}, {"a"}) == 0.0
