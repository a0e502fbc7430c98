"""Sampling noise: the noise level of each gate metric, and fails that sampling noise alone cannot produce."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from skewcheck.drift.feature_gates import noise_note
from skewcheck.drift.features import compare_feature
from skewcheck.drift.gates import Status
from skewcheck.profiling.profiles import profile_categorical, profile_numeric
from skewcheck.schema import registry
from skewcheck.schema.model import DriftGate, Feature, FeatureType
from skewcheck.schema.registry import Thresholds
from skewcheck.stats import ecdf, metrics, noise
from skewcheck.stats.noise import RUN_FALSE_ALARM_RATE, noise_level

RUNS = 400
CATEGORIES = np.array(list("abcdef"))
SHARES = [0.3, 0.25, 0.2, 0.12, 0.08, 0.05]


def numeric_pair(rng: np.random.Generator, n_train: int, n_serving: int) -> tuple[np.ndarray, np.ndarray, int]:
    train = profile_numeric(pl.Series(rng.lognormal(size=n_train)))
    serving = profile_numeric(pl.Series(rng.lognormal(size=n_serving)), train.edges)
    bins = int(((train.bin_counts + serving.bin_counts) > 0).sum())
    return train.bin_counts, serving.bin_counts, bins


def category_counts(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array([(rng.choice(CATEGORIES, n, p=SHARES) == c).sum() for c in CATEGORIES], dtype=np.int64)


@pytest.mark.parametrize(("n_train", "n_serving"), [(200, 200), (2000, 300)])
@pytest.mark.parametrize("metric", ["psi", "jensen_shannon"])
def test_binned_metrics_exceed_their_noise_level_about_1_percent_of_the_time(
    metric: str, n_train: int, n_serving: int
) -> None:
    """Identical distributions: the share of runs above the noise level is near the promised 1%."""
    rng = np.random.default_rng(11)
    function = metrics.psi if metric == "psi" else metrics.jensen_shannon
    values, noises = [], []
    for _ in range(RUNS):
        train, serving, bins = numeric_pair(rng, n_train, n_serving)
        noise = noise_level(metric, n_train, n_serving, bins)
        assert noise is not None
        values.append(function(train, serving))
        noises.append(noise)
    above = np.mean(np.array(values) > np.array(noises))
    assert above <= 0.035
    # Not uselessly loose either: the noise level sits between the 95th and (1.5 x) the 99th percentile.
    assert np.quantile(values, 0.95) <= np.median(noises) <= 1.5 * np.quantile(values, 0.99)


def test_ks_noise_level_is_the_one_percent_critical_value() -> None:
    """Kolmogorov's limit: scipy's two-sample p-value at the noise level is about 0.01."""
    rng = np.random.default_rng(5)
    noise = noise_level("ks_statistic", 5000, 4000, 10)
    assert noise is not None
    above = sum(
        ecdf.ks(np.sort(rng.normal(size=5000)), np.sort(rng.normal(size=4000))).statistic > noise for _ in range(RUNS)
    )
    assert above / RUNS <= 0.03


def test_linf_noise_level_covers_identical_category_samples() -> None:
    rng = np.random.default_rng(9)
    noise = noise_level("linf", 300, 300, len(CATEGORIES))
    assert noise is not None
    above = sum(metrics.linf(category_counts(rng, 300), category_counts(rng, 300)) > noise for _ in range(RUNS))
    assert above / RUNS <= 0.02


def test_wasserstein_has_no_noise_level() -> None:
    assert noise_level("wasserstein", 100, 100, 10) is None


def test_noise_shrinks_with_sample_size() -> None:
    """As 1/n once every bin expects more than 50 values (below that, the thin-bin tail is added)."""
    small = noise_level("psi", 1_000, 1_000, 12)
    large = noise_level("psi", 1_000_000, 1_000_000, 12)
    assert small is not None and large is not None
    assert large == pytest.approx(small / 1000)


class TestVerdicts:
    feature = Feature("x", FeatureType.FLOAT, drift=DriftGate("psi", Thresholds(0.1, 0.25)))

    def test_a_fail_within_noise_passes_and_the_report_says_the_threshold_that_would_fit(self) -> None:
        """Find a same-distribution pair of 150 values whose PSI passes the fail threshold: chance, so it passes,
        and the note names the noise level and a threshold above it."""
        rng = np.random.default_rng(1)
        for _ in range(500):
            train = profile_numeric(pl.Series(rng.lognormal(size=150)))
            serving = profile_numeric(pl.Series(rng.lognormal(size=150)), train.edges)
            if metrics.psi(train.bin_counts, serving.bin_counts) > 0.25:
                break
        else:
            pytest.fail("no same-distribution pair above the fail threshold")
        result = compare_feature(self.feature, train, serving)
        gate = result.drift_gate
        assert gate is not None and gate.noise is not None
        assert gate.value is not None and 0.25 < gate.value <= gate.noise
        assert result.status is Status.PASS and not result.reasons
        note = noise_note(gate)
        assert note.startswith("psi warn 0.1 and fail 0.25 below its noise level")
        fits = float(note.rsplit("a threshold of ", 1)[1].split()[0])
        assert gate.noise <= fits <= gate.noise * 1.1

    def test_a_real_shift_on_small_samples_still_fails(self) -> None:
        rng = np.random.default_rng(2)
        train = profile_numeric(pl.Series(rng.lognormal(size=150)))
        serving = profile_numeric(pl.Series(rng.lognormal(size=150) * 3), train.edges)
        result = compare_feature(self.feature, train, serving)
        assert result.status is Status.FAIL
        gate = result.drift_gate
        assert gate is not None and gate.value is not None and gate.noise is not None
        assert gate.value > gate.noise

    def test_no_false_fails_at_300_values_per_side(self) -> None:
        rng = np.random.default_rng(4)
        category = Feature("c", FeatureType.CATEGORY, drift=DriftGate("jensen_shannon", Thresholds(0.1, 0.2)))
        statuses = []
        for _ in range(200):
            train = profile_numeric(pl.Series(rng.lognormal(size=300)))
            statuses.append(
                compare_feature(
                    self.feature, train, profile_numeric(pl.Series(rng.lognormal(size=300)), train.edges)
                ).status
            )
            pair = [profile_categorical(pl.Series(rng.choice(CATEGORIES, 300, p=SHARES))) for _ in range(2)]
            statuses.append(compare_feature(category, pair[0], pair[1]).status)
        assert Status.FAIL not in statuses


class TestRunLevel:
    """The noise guard's false-alarm rate is per run, not per feature (shared among the compared features)."""

    def test_a_wide_run_on_identical_data_rarely_fails(self) -> None:
        rng = np.random.default_rng(8)
        feature = Feature("x", FeatureType.FLOAT, drift=DriftGate("psi", Thresholds(0.1, 0.25)))
        failed_runs = 0
        for _ in range(40):
            statuses = []
            for _ in range(30):
                train = profile_numeric(pl.Series(rng.lognormal(size=100)))
                serving = profile_numeric(pl.Series(rng.lognormal(size=100)), train.edges)
                statuses.append(compare_feature(feature, train, serving, compared_features=30).status)
            failed_runs += Status.FAIL in statuses
        # Per-feature 1% would fail about a quarter of these runs; per-run 1% fails hardly any.
        assert failed_runs <= 2

    def test_more_features_raise_the_noise_level(self) -> None:
        one = noise_level("psi", 100, 100, 12)
        shared = noise_level("psi", 100, 100, 12, RUN_FALSE_ALARM_RATE / 30)
        assert one is not None and shared is not None
        assert shared > one


@pytest.mark.parametrize("categories", [2, 11, 40])
def test_noise_levels_are_scipys_quantiles(categories: int) -> None:
    """Written with scipy.special (scipy.stats costs half a second to import): the same quantiles as scipy.stats."""
    alpha, inverse_n = 0.01 / 20, 1 / 50_000 + 1 / 20_000
    chi2 = float(stats.chi2.isf(alpha, categories - 1))
    assert noise_level("psi", 50_000, 20_000, categories, alpha) == pytest.approx(chi2 * inverse_n, rel=1e-12)
    js = noise_level("jensen_shannon", 50_000, 20_000, categories, alpha)
    assert js == pytest.approx(np.sqrt(chi2 * inverse_n / (8 * np.log(2))), rel=1e-12)
    z = float(stats.norm.isf(alpha / (2 * categories)))
    linf = noise_level("linf", 50_000, 20_000, categories, alpha)
    assert linf == pytest.approx(z * 0.5 * np.sqrt(inverse_n), rel=1e-12)


@pytest.mark.parametrize("name", list(registry.METRICS))
def test_a_noise_level_for_exactly_the_metrics_whose_record_names_a_model(name: str) -> None:
    level = noise.noise_level(name, 1_000, 800, 10)
    assert (level is not None) == (registry.METRICS[name].noise is not None)
    assert level is None or 0 < level < 1
