"""compare_feature: metrics, the three gates and the verdict, on hand-built features and generated data."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from scipy import stats
from scipy.spatial import distance

from skewcheck.drift.features import FeatureResult, Gate, Status, compare_feature
from skewcheck.profiling.profiles import CategoricalProfile, NumericProfile, profile_categorical, profile_numeric
from skewcheck.schema.model import DriftGate, Feature, FeatureType, Thresholds
from skewcheck.stats import metrics

NUMERIC_METRICS = ("psi", "jensen_shannon", "wasserstein", "ks_statistic")
CATEGORICAL_METRICS = ("psi", "jensen_shannon", "linf")
NEVER = Thresholds(1e9, 1e9)  # a drift gate that cannot trigger, to look at the other gates alone

FloatArray = npt.NDArray[np.float64]


# --- building features and profiles -------------------------------------------------------------


def numeric_feature(
    metric: str = "psi", warn: float = 0.1, fail: float = 0.25, type_: FeatureType = FeatureType.FLOAT, **kw: Any
) -> Feature:
    return Feature("x", type_, drift=DriftGate(metric, Thresholds(warn, fail)), **kw)


def categorical_feature(
    metric: str = "jensen_shannon",
    warn: float = 0.1,
    fail: float = 0.2,
    type_: FeatureType = FeatureType.CATEGORY,
    **kw: Any,
) -> Feature:
    return Feature("c", type_, drift=DriftGate(metric, Thresholds(warn, fail)), **kw)


def numeric_profiles(train: Any, serving: Any) -> tuple[NumericProfile, NumericProfile]:
    train_profile = profile_numeric(pl.Series("x", train))
    return train_profile, profile_numeric(pl.Series("x", serving), train_profile.edges)


def categorical_profiles(train: Any, serving: Any) -> tuple[CategoricalProfile, CategoricalProfile]:
    return profile_categorical(pl.Series("c", train)), profile_categorical(pl.Series("c", serving))


def compare_numeric(feature: Feature, train: Any, serving: Any) -> FeatureResult:
    return compare_feature(feature, *numeric_profiles(train, serving))


def compare_categorical(feature: Feature, train: Any, serving: Any) -> FeatureResult:
    return compare_feature(feature, *categorical_profiles(train, serving))


def gate(result: FeatureResult, metric: str) -> Gate:
    matches = [g for g in result.gates if g.metric == metric]
    assert len(matches) == 1, f"expected one {metric} gate, got {[g.metric for g in result.gates]}"
    return matches[0]


def normal(seed: int, n: int, loc: float = 0.0, scale: float = 1.0) -> FloatArray:
    return np.random.default_rng(seed).normal(loc, scale, n)


def with_nulls(values: Any, nulls: int) -> list[float | None]:
    return [*list(values), *([None] * nulls)]


def categories(spec: dict[str, int], seed: int = 0) -> list[str]:
    """A shuffled list with each value repeated the given number of times."""
    values = [value for value, n in spec.items() for _ in range(n)]
    order = np.random.default_rng(seed).permutation(len(values))
    return [values[i] for i in order]


# --- independent references ---------------------------------------------------------------------


def reference_bins(values: FloatArray, edges: FloatArray) -> FloatArray:
    """Right-closed bins (-inf, e0], (e0, e1], ..., (e_last, inf), counted by comparison."""
    inner = [np.sum((values > low) & (values <= high)) for low, high in itertools.pairwise(edges)]
    return np.array([np.sum(values <= edges[0]), *inner, np.sum(values > edges[-1])], dtype=np.float64)


def reference_psi(train: FloatArray, serving: FloatArray) -> float:
    t = (train + 0.5) / (train.sum() + 0.5 * len(train))
    s = (serving + 0.5) / (serving.sum() + 0.5 * len(serving))
    return float(np.sum((s - t) * np.log(s / t)))


def reference_numeric(metric: str, train: FloatArray, serving: FloatArray) -> float:
    """The gate metric recomputed from the raw arrays with scipy and the definitions, not skewcheck."""
    if metric == "ks_statistic":
        return float(stats.ks_2samp(train, serving).statistic)
    if metric == "wasserstein":
        return float(stats.wasserstein_distance(train, serving)) / float(np.std(train, ddof=1))
    edges = np.unique(np.quantile(train, np.linspace(0, 1, 11)))
    t, s = reference_bins(train, edges), reference_bins(serving, edges)
    if metric == "psi":
        return reference_psi(t, s)
    assert metric == "jensen_shannon"
    return float(distance.jensenshannon(t / t.sum(), s / s.sum(), base=2))


def aligned(train: list[Any], serving: list[Any]) -> tuple[FloatArray, FloatArray]:
    present = Counter(v for v in train if v is not None), Counter(v for v in serving if v is not None)
    keys = sorted(set(present[0]) | set(present[1]))
    return (
        np.array([present[0][k] for k in keys], dtype=np.float64),
        np.array([present[1][k] for k in keys], dtype=np.float64),
    )


def reference_categorical(metric: str, train: list[Any], serving: list[Any]) -> float:
    t, s = aligned(train, serving)
    if metric == "psi":
        return reference_psi(t, s)
    if metric == "linf":
        return float(np.max(np.abs(t / t.sum() - s / s.sum())))
    assert metric == "jensen_shannon"
    return float(distance.jensenshannon(t / t.sum(), s / s.sum(), base=2))


# --- drift gate ---------------------------------------------------------------------------------


class TestDriftVerdicts:
    def test_identical_samples_pass(self) -> None:
        values = normal(1, 10_000)
        result = compare_numeric(numeric_feature(), values, values)
        assert result.status is Status.PASS
        assert result.reasons == []
        assert result.drift_gate is not None
        assert result.drift_gate.value == pytest.approx(0.0, abs=1e-12)

    @pytest.mark.parametrize("metric", NUMERIC_METRICS)
    def test_two_large_samples_of_one_distribution_pass(self, metric: str) -> None:
        train, serving = normal(1, 20_000), normal(2, 20_000)
        result = compare_numeric(numeric_feature(metric, 0.1, 0.2), train, serving)
        assert reference_numeric(metric, train, serving) < 0.05
        assert result.status is Status.PASS, result.reasons
        assert [g.status for g in result.gates] == [Status.PASS, Status.PASS]

    def test_shifted_distribution_fails_naming_metric_value_and_threshold(self) -> None:
        train, serving = normal(1, 10_000), normal(2, 10_000, loc=1.0)
        expected = reference_numeric("psi", train, serving)
        assert expected > 0.25
        result = compare_numeric(numeric_feature("psi", 0.1, 0.25), train, serving)
        assert result.status is Status.FAIL
        drift = result.drift_gate
        assert drift is not None
        assert drift.metric == "psi"
        assert drift.status is Status.FAIL
        assert drift.value == pytest.approx(expected, rel=1e-9)
        assert (drift.warn, drift.fail) == (0.1, 0.25)
        assert "psi" in drift.reason
        assert f"{expected:.4g}" in drift.reason
        assert "0.25" in drift.reason
        assert drift.reason in result.reasons

    @pytest.mark.parametrize("metric", NUMERIC_METRICS)
    def test_value_between_warn_and_fail_warns(self, metric: str) -> None:
        train, serving = normal(1, 5_000), normal(2, 5_000, loc=0.3, scale=1.1)
        expected = reference_numeric(metric, train, serving)
        result = compare_numeric(numeric_feature(metric, expected / 2, expected * 2), train, serving)
        assert result.status is Status.WARN
        drift = result.drift_gate
        assert drift is not None
        assert drift.status is Status.WARN
        assert metric in drift.reason
        assert f"{expected / 2:g}" in drift.reason  # names the warn threshold it exceeded

    def test_default_psi_thresholds_warn_on_a_moderate_shift(self) -> None:
        train, serving = normal(1, 20_000), normal(2, 20_000, loc=0.4)
        expected = reference_numeric("psi", train, serving)
        assert 0.1 < expected < 0.25
        result = compare_numeric(numeric_feature("psi", 0.1, 0.25), train, serving)
        assert result.status is Status.WARN
        assert result.drift_gate is not None
        assert "0.1" in result.drift_gate.reason

    @pytest.mark.parametrize("constant", [3.0, 0.1, 0.3, 123.456])
    def test_constant_training_and_moved_serving_fails_with_infinite_wasserstein(self, constant: float) -> None:
        """Training has no spread: any move is infinitely many training stds (0.1 * 500 sums inexactly)."""
        train = np.full(500, constant)
        result = compare_numeric(numeric_feature("wasserstein", 0.1, 0.2), train, train + 1.0)
        assert result.status is Status.FAIL
        assert result.metrics["wasserstein"] == float("inf")
        assert result.drift_gate is not None
        assert "inf" in result.drift_gate.reason

    @pytest.mark.parametrize("constant", [3.0, 0.1])
    def test_constant_training_and_same_serving_passes(self, constant: float) -> None:
        train = np.full(500, constant)
        result = compare_numeric(numeric_feature("wasserstein", 0.1, 0.2), train, train.copy())
        assert result.metrics["wasserstein"] == 0.0
        assert result.status is Status.PASS


class TestStrictThresholds:
    @pytest.mark.parametrize("metric", NUMERIC_METRICS)
    def test_numeric_value_exactly_at_a_threshold_does_not_trigger_it(self, metric: str) -> None:
        train, serving = normal(3, 2_000), normal(4, 2_000, loc=0.5)
        train_p, serving_p = numeric_profiles(train, serving)
        ks = metrics.ks(train_p.values, serving_p.values)
        value = {
            "psi": metrics.psi(train_p.bin_counts, serving_p.bin_counts),
            "jensen_shannon": metrics.jensen_shannon(train_p.bin_counts, serving_p.bin_counts),
            "wasserstein": metrics.wasserstein(train_p.values, serving_p.values, train_p.std),
            "ks_statistic": ks.statistic,
        }[metric]
        assert value > 0
        at_warn = compare_feature(numeric_feature(metric, value, value * 10), train_p, serving_p)
        assert at_warn.status is Status.PASS
        at_fail = compare_feature(numeric_feature(metric, value / 2, value), train_p, serving_p)
        assert at_fail.status is Status.WARN
        just_below = compare_feature(numeric_feature(metric, value / 2, np.nextafter(value, 0)), train_p, serving_p)
        assert just_below.status is Status.FAIL

    @pytest.mark.parametrize("metric", CATEGORICAL_METRICS)
    def test_categorical_value_exactly_at_a_threshold_does_not_trigger_it(self, metric: str) -> None:
        train_p, serving_p = categorical_profiles(
            categories({"a": 500, "b": 300, "c": 200}), categories({"a": 300, "b": 300, "c": 400})
        )
        keys = sorted(train_p.counts)
        t = np.array([train_p.counts[k] for k in keys], dtype=np.int64)
        s = np.array([serving_p.counts[k] for k in keys], dtype=np.int64)
        value = {"psi": metrics.psi, "jensen_shannon": metrics.jensen_shannon, "linf": metrics.linf}[metric](t, s)
        assert value > 0
        at_warn = compare_feature(categorical_feature(metric, value, value * 10), train_p, serving_p)
        assert at_warn.status is Status.PASS
        at_fail = compare_feature(categorical_feature(metric, value / 2, value), train_p, serving_p)
        assert at_fail.status is Status.WARN

    def test_null_rate_increase_exactly_at_warn_passes(self) -> None:
        values = normal(5, 10_000)
        # 0 -> 200 / 10,000 = 0.02, exactly the warn threshold
        result = compare_numeric(numeric_feature(), values, with_nulls(values[:9_800], 200))
        assert gate(result, "null_rate_increase").status is Status.PASS
        result = compare_numeric(numeric_feature(), values, with_nulls(values[:9_799], 201))
        assert gate(result, "null_rate_increase").status is Status.WARN

    def test_null_rate_increase_exactly_at_fail_warns(self) -> None:
        values = normal(5, 10_000)
        result = compare_numeric(numeric_feature(), values, with_nulls(values[:9_500], 500))
        assert gate(result, "null_rate_increase").status is Status.WARN

    def test_unseen_rate_exactly_at_thresholds(self) -> None:
        train = categories({"a": 5_000, "b": 5_000})
        feature = categorical_feature(warn=NEVER.warn, fail=NEVER.fail)
        at_warn = compare_categorical(feature, train, categories({"a": 4_950, "b": 4_950, "z": 100}))
        assert gate(at_warn, "unseen_rate").status is Status.PASS
        at_fail = compare_categorical(feature, train, categories({"a": 4_750, "b": 4_750, "z": 500}))
        assert gate(at_fail, "unseen_rate").status is Status.WARN


class TestGateMetric:
    @pytest.mark.parametrize("metric", NUMERIC_METRICS)
    def test_numeric_gate_uses_the_schema_metric(self, metric: str) -> None:
        train, serving = normal(6, 3_000), normal(7, 3_000, loc=0.3, scale=1.2)
        result = compare_numeric(numeric_feature(metric, 0.01, 0.02), train, serving)
        drift = result.drift_gate
        assert drift is not None
        assert drift.metric == metric
        assert drift.value == result.metrics[metric]
        assert drift.value == pytest.approx(reference_numeric(metric, train, serving), rel=1e-9)
        assert drift.status is Status.FAIL
        assert drift.reason.startswith(metric)

    @pytest.mark.parametrize("metric", CATEGORICAL_METRICS)
    def test_categorical_gate_uses_the_schema_metric(self, metric: str) -> None:
        train = categories({"a": 600, "b": 300, "c": 100})
        serving = categories({"a": 400, "b": 300, "c": 250, "d": 50})
        result = compare_categorical(categorical_feature(metric, 0.01, 0.02, max_unseen_rate=NEVER), train, serving)
        drift = result.drift_gate
        assert drift is not None
        assert drift.metric == metric
        assert drift.value == result.metrics[metric]
        assert drift.value == pytest.approx(reference_categorical(metric, train, serving), rel=1e-9)
        assert drift.status is Status.FAIL

    def test_date_feature_wasserstein_in_training_stds(self) -> None:
        """Every date moved 30 days later: W1 is 30 days, in units of the training std of epoch seconds."""
        days = np.random.default_rng(8).integers(0, 365, 2_000)
        train = [dt.date(2023, 1, 1) + dt.timedelta(days=int(d)) for d in days]
        serving = [d + dt.timedelta(days=30) for d in train]
        result = compare_numeric(numeric_feature("wasserstein", 0.1, 0.2, type_=FeatureType.DATE), train, serving)
        std_seconds = float(np.std(days * 86_400.0, ddof=1))
        assert result.metrics["wasserstein"] == pytest.approx(30 * 86_400 / std_seconds, rel=1e-9)
        assert result.status is Status.FAIL


# --- null-rate gate -----------------------------------------------------------------------------


class TestNullGate:
    def test_warns_naming_both_rates(self) -> None:
        values = normal(10, 10_000)
        # 1% null in training, 4% in serving: +3 points, between warn 2% and fail 5%
        result = compare_numeric(numeric_feature(), with_nulls(values[:9_900], 100), with_nulls(values[:9_600], 400))
        null_gate = gate(result, "null_rate_increase")
        assert null_gate.status is Status.WARN
        assert null_gate.value == pytest.approx(0.03)
        assert "1.0%" in null_gate.reason
        assert "4.0%" in null_gate.reason
        assert result.drift_gate is not None
        assert result.drift_gate.status is Status.PASS
        assert result.status is Status.WARN
        assert result.reasons == [null_gate.reason]

    def test_fails_naming_both_rates(self) -> None:
        values = normal(10, 10_000)
        result = compare_numeric(numeric_feature(), with_nulls(values[:9_900], 100), with_nulls(values[:9_000], 1_000))
        null_gate = gate(result, "null_rate_increase")
        assert null_gate.status is Status.FAIL
        assert null_gate.value == pytest.approx(0.09)
        assert "1.0%" in null_gate.reason
        assert "10.0%" in null_gate.reason
        assert "5.0%" in null_gate.reason  # the fail threshold
        assert result.status is Status.FAIL

    def test_falling_null_rate_passes(self) -> None:
        values = normal(10, 10_000)
        result = compare_numeric(numeric_feature(), with_nulls(values[:5_000], 5_000), values)
        assert gate(result, "null_rate_increase").status is Status.PASS
        assert result.status is Status.PASS

    def test_custom_thresholds(self) -> None:
        values = normal(10, 10_000)
        feature = numeric_feature(max_null_rate_increase=Thresholds(0.001, 0.002))
        result = compare_numeric(feature, values, with_nulls(values[:9_970], 30))
        assert gate(result, "null_rate_increase").status is Status.FAIL

    @pytest.mark.parametrize("type_", [FeatureType.FLOAT, FeatureType.INT])
    def test_numeric_column_all_null_in_serving_fails(self, type_: FeatureType) -> None:
        train = np.random.default_rng(11).integers(0, 100, 10_000).astype(np.float64)
        serving = pl.Series("x", [None] * 10_000, dtype=pl.Float64)
        result = compare_numeric(numeric_feature(type_=type_), train, serving)
        assert result.status is Status.FAIL
        null_gate = gate(result, "null_rate_increase")
        assert null_gate.status is Status.FAIL
        assert "0.0%" in null_gate.reason
        assert "100.0%" in null_gate.reason
        assert all("insufficient data" not in reason for reason in result.reasons)
        assert result.metrics["null_rate_serving"] == 1.0

    @pytest.mark.parametrize("type_", [FeatureType.STRING, FeatureType.CATEGORY, FeatureType.BOOL])
    def test_categorical_column_all_null_in_serving_fails(self, type_: FeatureType) -> None:
        if type_ is FeatureType.BOOL:
            train: pl.Series = pl.Series("c", [True, False] * 5_000)
            serving = pl.Series("c", [None] * 10_000, dtype=pl.Boolean)
        else:
            train = pl.Series("c", categories({"a": 5_000, "b": 5_000}))
            serving = pl.Series("c", [None] * 10_000, dtype=pl.String)
        result = compare_categorical(categorical_feature(type_=type_), train, serving)
        assert result.status is Status.FAIL
        assert gate(result, "null_rate_increase").status is Status.FAIL
        assert "100.0%" in gate(result, "null_rate_increase").reason
        assert all("insufficient data" not in reason for reason in result.reasons)

    def test_small_sample_caps_fail_to_warn(self) -> None:
        values = normal(12, 40)
        result = compare_numeric(numeric_feature(min_rows=1), with_nulls(values, 0), with_nulls(values[:20], 20))
        assert gate(result, "null_rate_increase").status is Status.FAIL
        capped = compare_numeric(numeric_feature(min_rows=100), with_nulls(values, 0), with_nulls(values[:20], 20))
        null_gate = gate(capped, "null_rate_increase")
        assert null_gate.status is Status.WARN
        assert "insufficient data" in null_gate.reason
        assert "50.0%" in null_gate.reason

    def test_small_sample_does_not_turn_a_pass_into_a_warn(self) -> None:
        values = normal(12, 40)
        result = compare_numeric(numeric_feature(min_rows=100), values, values)
        null_gate = gate(result, "null_rate_increase")
        assert null_gate.status is Status.PASS
        assert null_gate.reason == ""


# --- min_rows -----------------------------------------------------------------------------------


class TestMinRows:
    @pytest.mark.parametrize(
        ("train", "serving"),
        [
            pytest.param(normal(20, 50), normal(21, 50, loc=100.0), id="both-small-wildly-different"),
            pytest.param(normal(20, 50), normal(20, 50), id="both-small-identical"),
            pytest.param(normal(20, 10_000), normal(21, 50, loc=100.0), id="serving-small"),
            pytest.param(normal(20, 50), normal(21, 10_000, loc=100.0), id="training-small"),
            pytest.param(normal(20, 99), normal(20, 10_000), id="training-one-short"),
            pytest.param(
                with_nulls(normal(20, 50), 950), with_nulls(normal(21, 50, loc=100.0), 950), id="many-rows-few-values"
            ),
        ],
    )
    @pytest.mark.parametrize("metric", NUMERIC_METRICS)
    def test_fewer_non_null_values_than_min_rows_warns_insufficient_data(
        self, train: Any, serving: Any, metric: str
    ) -> None:
        result = compare_numeric(numeric_feature(metric, 0.1, 0.2, min_rows=100), train, serving)
        drift = result.drift_gate
        assert drift is not None
        assert drift.metric == metric
        assert drift.status is Status.WARN
        assert "insufficient data" in drift.reason
        assert result.status is Status.WARN
        assert drift.value == result.metrics[metric]

    def test_exactly_min_rows_values_is_enough(self) -> None:
        values = normal(22, 100)
        result = compare_numeric(numeric_feature(min_rows=100), values, values)
        assert result.status is Status.PASS
        shifted = compare_numeric(numeric_feature(min_rows=100), values, values + 10)
        assert shifted.status is Status.FAIL

    def test_lower_min_rows_lets_a_small_sample_fail(self) -> None:
        result = compare_numeric(numeric_feature(min_rows=10), normal(20, 50), normal(21, 50, loc=100.0))
        assert result.status is Status.FAIL
        assert result.drift_gate is not None
        assert "insufficient data" not in result.drift_gate.reason

    @pytest.mark.parametrize("metric", CATEGORICAL_METRICS)
    def test_categorical_small_sample(self, metric: str) -> None:
        result = compare_categorical(categorical_feature(metric, min_rows=100), ["a"] * 30, ["b"] * 30)
        drift = result.drift_gate
        assert drift is not None
        assert drift.status is Status.WARN
        assert "insufficient data" in drift.reason
        unseen = gate(result, "unseen_rate")
        assert unseen.value == 1.0
        assert unseen.status is Status.WARN  # would fail on a large sample
        assert "insufficient data" in unseen.reason
        assert result.status is Status.WARN


# --- unseen values ------------------------------------------------------------------------------


class TestUnseenGate:
    @pytest.mark.parametrize("type_", [FeatureType.CATEGORY, FeatureType.STRING])
    def test_warns_against_training_values(self, type_: FeatureType) -> None:
        train = categories({"a": 3_000, "b": 3_000, "c": 3_000})
        serving = categories({"a": 3_200, "b": 3_200, "c": 3_300, "d": 300})
        result = compare_categorical(categorical_feature(type_=type_, warn=1.0, fail=1.0), train, serving)
        unseen = gate(result, "unseen_rate")
        assert unseen.value == pytest.approx(300 / 10_000)
        assert result.metrics["unseen_rate"] == pytest.approx(0.03)
        assert unseen.status is Status.WARN
        assert "3.0%" in unseen.reason
        assert "training values" in unseen.reason
        assert result.status is Status.WARN

    def test_fails_against_training_values(self) -> None:
        train = categories({"a": 3_000, "b": 3_000, "c": 3_000})
        serving = categories({"a": 3_000, "b": 3_000, "c": 3_000, "d": 600, "e": 400})
        result = compare_categorical(categorical_feature(warn=1.0, fail=1.0), train, serving)
        unseen = gate(result, "unseen_rate")
        assert unseen.value == pytest.approx(0.1)
        assert unseen.status is Status.FAIL
        assert "10.0%" in unseen.reason
        assert "5.0%" in unseen.reason
        assert result.status is Status.FAIL

    def test_declared_value_absent_from_training_is_not_unseen(self) -> None:
        train = categories({"a": 3_000, "b": 3_000, "c": 3_000})
        serving = categories({"a": 3_000, "b": 3_000, "c": 3_000, "d": 1_000})
        feature = categorical_feature(warn=1.0, fail=1.0, values=("a", "b", "c", "d"))
        result = compare_categorical(feature, train, serving)
        unseen = gate(result, "unseen_rate")
        assert unseen.value == 0.0
        assert unseen.status is Status.PASS
        assert result.status is Status.PASS

    def test_declared_values_take_precedence_over_training_values(self) -> None:
        """Training has `c`, the schema does not declare it: `c` in serving is unseen."""
        train = categories({"a": 3_000, "b": 3_000, "c": 3_000})
        serving = categories({"a": 4_500, "b": 4_500, "c": 1_000})
        feature = categorical_feature(warn=1.0, fail=1.0, values=("a", "b"))
        result = compare_categorical(feature, train, serving)
        unseen = gate(result, "unseen_rate")
        assert unseen.value == pytest.approx(0.1)
        assert unseen.status is Status.FAIL
        assert "declared values" in unseen.reason
        assert "10.0%" in unseen.reason

    def test_custom_thresholds(self) -> None:
        train = categories({"a": 5_000, "b": 5_000})
        serving = categories({"a": 4_995, "b": 4_995, "z": 10})
        feature = categorical_feature(warn=1.0, fail=1.0, max_unseen_rate=Thresholds(0.0001, 0.0005))
        assert gate(compare_categorical(feature, train, serving), "unseen_rate").status is Status.FAIL

    def test_bool_has_no_unseen_gate(self) -> None:
        train = [True] * 10_000
        serving = [True] * 5_000 + [False] * 5_000  # `false` never seen in training
        result = compare_categorical(categorical_feature(type_=FeatureType.BOOL), train, serving)
        assert [g.metric for g in result.gates] == ["jensen_shannon", "null_rate_increase"]
        assert not any("outside" in reason for reason in result.reasons)

    @pytest.mark.parametrize("type_", [FeatureType.STRING, FeatureType.CATEGORY])
    def test_string_and_category_have_all_three_gates(self, type_: FeatureType) -> None:
        values = categories({"a": 500, "b": 500})
        result = compare_categorical(categorical_feature(type_=type_), values, values)
        assert [g.metric for g in result.gates] == ["jensen_shannon", "null_rate_increase", "unseen_rate"]
        assert result.status is Status.PASS

    def test_numeric_has_no_unseen_gate(self) -> None:
        values = normal(30, 1_000)
        result = compare_numeric(numeric_feature(), values, values)
        assert [g.metric for g in result.gates] == ["psi", "null_rate_increase"]


# --- cannot compare -----------------------------------------------------------------------------


class TestNoValues:
    def test_no_training_values_is_an_error(self) -> None:
        train = pl.Series("x", [None] * 1_000, dtype=pl.Float64)
        result = compare_numeric(numeric_feature(), train, normal(40, 1_000))
        assert result.status is Status.ERROR
        assert result.reasons
        assert any("training" in reason for reason in result.reasons)
        drift = result.drift_gate
        assert drift is not None
        assert drift.status is Status.ERROR
        assert drift.value is None
        assert all(result.metrics[m] is None for m in (*NUMERIC_METRICS, "ks_pvalue"))

    def test_no_training_values_bool_is_an_error(self) -> None:
        train = pl.Series("c", [None] * 1_000, dtype=pl.Boolean)
        result = compare_categorical(categorical_feature(type_=FeatureType.BOOL), train, [True, False] * 500)
        assert result.status is Status.ERROR
        assert any("training" in reason for reason in result.reasons)

    def test_no_training_values_with_declared_values_is_an_error(self) -> None:
        train = pl.Series("c", [None] * 1_000, dtype=pl.String)
        feature = categorical_feature(values=("a", "b"))
        result = compare_categorical(feature, train, categories({"a": 500, "b": 500}))
        assert gate(result, "unseen_rate").status is Status.PASS
        assert result.status is Status.ERROR

    def test_error_outranks_warn(self) -> None:
        train = pl.Series("c", [None] * 10_000, dtype=pl.String)
        feature = categorical_feature(values=("a", "b"))
        result = compare_categorical(feature, train, categories({"a": 4_850, "b": 4_850, "z": 300}))
        assert gate(result, "unseen_rate").status is Status.WARN
        assert result.status is Status.ERROR
        assert len(result.reasons) == 2

    def test_fail_outranks_error(self) -> None:
        """All-null serving: the drift gate cannot compare, the null-rate gate fails; the feature fails."""
        result = compare_numeric(numeric_feature(), normal(41, 10_000), pl.Series("x", [None] * 10_000, pl.Float64))
        assert {g.status for g in result.gates} == {Status.ERROR, Status.FAIL}
        assert result.status is Status.FAIL


# --- the metrics dict ---------------------------------------------------------------------------


class TestMetricsDict:
    def test_numeric_names_and_values(self) -> None:
        train_raw, serving_raw = normal(50, 3_000), normal(51, 2_000, loc=0.2, scale=1.3)
        train_p, serving_p = numeric_profiles(with_nulls(train_raw, 30), with_nulls(serving_raw, 500))
        result = compare_feature(numeric_feature(), train_p, serving_p)
        assert set(result.metrics) == {
            "psi",
            "jensen_shannon",
            "wasserstein",
            "ks_statistic",
            "ks_pvalue",
            "null_rate_train",
            "null_rate_serving",
        }
        ks = metrics.ks(train_p.values, serving_p.values)
        assert result.metrics["psi"] == metrics.psi(train_p.bin_counts, serving_p.bin_counts)
        assert result.metrics["jensen_shannon"] == metrics.jensen_shannon(train_p.bin_counts, serving_p.bin_counts)
        assert result.metrics["wasserstein"] == pytest.approx(
            metrics.wasserstein(train_p.values, serving_p.values, float(np.std(train_raw, ddof=1))), rel=1e-12
        )
        assert result.metrics["ks_statistic"] == ks.statistic
        assert result.metrics["ks_pvalue"] == ks.pvalue
        assert result.metrics["ks_pvalue"] == pytest.approx(float(stats.ks_2samp(train_raw, serving_raw).pvalue))
        assert result.metrics["null_rate_train"] == pytest.approx(30 / 3_030)
        assert result.metrics["null_rate_serving"] == pytest.approx(500 / 2_500)
        for metric in NUMERIC_METRICS:
            assert result.metrics[metric] == pytest.approx(reference_numeric(metric, train_raw, serving_raw), rel=1e-9)

    def test_categorical_names_and_values(self) -> None:
        train = categories({"a": 600, "b": 300, "c": 100}) + [None] * 10
        serving = categories({"a": 450, "b": 300, "c": 200, "d": 50}) + [None] * 40
        train_p, serving_p = categorical_profiles(train, serving)
        result = compare_feature(categorical_feature(), train_p, serving_p)
        assert set(result.metrics) == {
            "psi",
            "jensen_shannon",
            "linf",
            "chi2_pvalue",
            "unseen_rate",
            "null_rate_train",
            "null_rate_serving",
        }
        keys = sorted(set(train_p.counts) | set(serving_p.counts))
        t = np.array([train_p.counts.get(k, 0) for k in keys], dtype=np.int64)
        s = np.array([serving_p.counts.get(k, 0) for k in keys], dtype=np.int64)
        assert result.metrics["psi"] == pytest.approx(metrics.psi(t, s), rel=1e-12)
        assert result.metrics["jensen_shannon"] == pytest.approx(metrics.jensen_shannon(t, s), rel=1e-12)
        assert result.metrics["linf"] == pytest.approx(metrics.linf(t, s), rel=1e-12)
        assert result.metrics["chi2_pvalue"] == pytest.approx(metrics.chi2_pvalue(t, s), rel=1e-9)
        assert result.metrics["unseen_rate"] == metrics.unseen_rate(serving_p.counts, set(train_p.counts))
        # and against references computed from the raw lists
        for metric in CATEGORICAL_METRICS:
            assert result.metrics[metric] == pytest.approx(reference_categorical(metric, train, serving), rel=1e-9)
        table = np.vstack(aligned(train, serving))
        expected_p = float(stats.chi2_contingency(table, correction=False).pvalue)
        assert result.metrics["chi2_pvalue"] == pytest.approx(expected_p, rel=1e-9)
        assert result.metrics["unseen_rate"] == pytest.approx(50 / 1_000)
        assert result.metrics["null_rate_train"] == pytest.approx(10 / 1_010)
        assert result.metrics["null_rate_serving"] == pytest.approx(40 / 1_040)

    def test_names_present_when_a_side_is_empty(self) -> None:
        numeric = compare_numeric(numeric_feature(), normal(52, 500), pl.Series("x", [None] * 500, pl.Float64))
        assert set(numeric.metrics) == {*NUMERIC_METRICS, "ks_pvalue", "null_rate_train", "null_rate_serving"}
        categorical = compare_categorical(
            categorical_feature(), ["a"] * 500, pl.Series("c", [None] * 500, dtype=pl.String)
        )
        assert set(categorical.metrics) == {
            *CATEGORICAL_METRICS,
            "chi2_pvalue",
            "unseen_rate",
            "null_rate_train",
            "null_rate_serving",
        }
