"""compare_feature: features it cannot compare, and the metrics it reports."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from skewcheck.drift.features import compare_feature
from skewcheck.drift.gates import Status
from skewcheck.schema.model import FeatureType
from skewcheck.stats import ecdf, metrics
from tests.drift.features_data import (
    CATEGORICAL_METRICS,
    NUMERIC_METRICS,
    aligned,
    categorical_feature,
    categorical_profiles,
    categories,
    compare_categorical,
    compare_numeric,
    gate,
    normal,
    numeric_feature,
    numeric_profiles,
    reference_categorical,
    reference_numeric,
    with_nulls,
)

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
        """All-null serving: the drift gate cannot compare, the null-rate gate fails, nothing is out of range; the
        feature fails."""
        result = compare_numeric(numeric_feature(), normal(41, 10_000), pl.Series("x", [None] * 10_000, pl.Float64))
        assert [g.status for g in result.gates] == [Status.ERROR, Status.FAIL, Status.PASS]
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
            "out_of_range_rate",
            "null_rate_train",
            "null_rate_serving",
        }
        ks = ecdf.ks(train_p.values, serving_p.values)
        assert result.metrics["psi"] == metrics.psi(train_p.bin_counts, serving_p.bin_counts)
        assert result.metrics["jensen_shannon"] == metrics.jensen_shannon(train_p.bin_counts, serving_p.bin_counts)
        assert result.metrics["wasserstein"] == pytest.approx(
            ecdf.wasserstein(train_p.values, serving_p.values, float(np.std(train_raw, ddof=1))), rel=1e-12
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
        assert set(numeric.metrics) == {
            *NUMERIC_METRICS,
            "ks_pvalue",
            "out_of_range_rate",
            "null_rate_train",
            "null_rate_serving",
        }
        assert numeric.metrics["out_of_range_rate"] is None
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
