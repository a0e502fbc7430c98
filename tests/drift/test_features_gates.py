"""compare_feature's threshold edges, null-rate and unseen-value gates."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skewcheck.drift.features import compare_feature
from skewcheck.drift.gates import Status
from skewcheck.schema.model import FeatureType
from skewcheck.schema.registry import Thresholds
from skewcheck.stats import ecdf, metrics
from tests.drift.features_data import (
    CATEGORICAL_METRICS,
    NEVER,
    NUMERIC_METRICS,
    categorical_feature,
    categorical_profiles,
    categories,
    compare_categorical,
    compare_numeric,
    gate,
    normal,
    numeric_feature,
    numeric_profiles,
    with_nulls,
)


class TestStrictThresholds:
    @pytest.mark.parametrize("metric", NUMERIC_METRICS)
    def test_numeric_value_exactly_at_a_threshold_does_not_trigger_it(self, metric: str) -> None:
        train, serving = normal(3, 2_000), normal(4, 2_000, loc=0.5)
        train_p, serving_p = numeric_profiles(train, serving)
        ks = ecdf.ks(train_p.values, serving_p.values)
        value = {
            "psi": metrics.psi(train_p.bin_counts, serving_p.bin_counts),
            "jensen_shannon": metrics.jensen_shannon(train_p.bin_counts, serving_p.bin_counts),
            "wasserstein": ecdf.wasserstein(train_p.values, serving_p.values, train_p.std),
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
        assert result.reasons == (null_gate.reason,)

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
        assert [g.metric for g in result.gates] == ["psi", "null_rate_increase", "out_of_range_rate"]
