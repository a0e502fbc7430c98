"""compare_feature: the drift gate, its metric and the verdict, on hand-built features and generated data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from skewcheck.drift.gates import Status
from skewcheck.schema.model import FeatureType
from tests.drift.features_data import (
    CATEGORICAL_METRICS,
    NEVER,
    NUMERIC_METRICS,
    categorical_feature,
    categories,
    compare_categorical,
    compare_numeric,
    gate,
    normal,
    numeric_feature,
    reference_categorical,
    reference_numeric,
    with_nulls,
)
from tests.helpers import FIXTURES

# --- drift gate ---------------------------------------------------------------------------------


class TestDriftVerdicts:
    def test_identical_samples_pass(self) -> None:
        values = normal(1, 10_000)
        result = compare_numeric(numeric_feature(), values, values)
        assert result.status is Status.PASS
        assert result.reasons == ()
        assert result.drift_gate is not None
        assert result.drift_gate.value == pytest.approx(0.0, abs=1e-12)

    @pytest.mark.parametrize("metric", NUMERIC_METRICS)
    def test_two_large_samples_of_one_distribution_pass(self, metric: str) -> None:
        train, serving = normal(1, 20_000), normal(2, 20_000)
        result = compare_numeric(numeric_feature(metric, 0.1, 0.2), train, serving)
        assert reference_numeric(metric, train, serving) < 0.05
        assert result.status is Status.PASS, result.reasons
        assert [g.status for g in result.gates] == [Status.PASS, Status.PASS, Status.PASS]

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


def test_category_histogram_names_the_unseen_values_and_buckets_the_rest() -> None:
    from skewcheck import run

    report = run(str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), FIXTURES / "schema.yaml")
    city = next(feature for feature in report.features if feature.name == "city")
    histogram = city.histogram
    assert histogram is not None and histogram.categories is not None and histogram.unseen is not None
    assert histogram.unseen == ["Leipzig"]
    assert "Leipzig" not in histogram.categories
    assert len(histogram.train) == len(histogram.categories) + len(histogram.unseen) + 2
    leipzig = len(histogram.categories)
    assert histogram.train[leipzig] == 0.0
    assert histogram.serving[leipzig] == pytest.approx(city.metrics["unseen_rate"])
    assert sum(histogram.train) == pytest.approx(1.0) and sum(histogram.serving) == pytest.approx(1.0)


def test_category_histogram_keeps_the_largest_categories_and_sums_the_rest() -> None:
    from skewcheck.drift.features import HISTOGRAM_CATEGORIES, compare_feature
    from skewcheck.profiling.profiles import CategoricalProfile
    from skewcheck.schema.model import Defaults, Feature, FeatureType

    # 20 trained values of falling frequency; serving adds two values nobody trained on.
    train_counts = {f"v{i:02d}": 100 - i for i in range(20)}
    serving_counts = {**train_counts, "new1": 50, "new2": 5}
    feature = Feature("f", FeatureType.CATEGORY, drift=Defaults().categorical)
    result = compare_feature(
        feature,
        CategoricalProfile(rows=sum(train_counts.values()), nulls=0, counts=train_counts),
        CategoricalProfile(rows=sum(serving_counts.values()), nulls=0, counts=serving_counts),
    )
    histogram = result.histogram
    assert histogram is not None and histogram.categories is not None
    assert histogram.categories == [f"v{i:02d}" for i in range(HISTOGRAM_CATEGORIES)]
    assert histogram.unseen == ["new1", "new2"]
    train_total, serving_total = sum(train_counts.values()), sum(serving_counts.values())
    rest = sum(100 - i for i in range(HISTOGRAM_CATEGORIES, 20))
    assert histogram.train[-2] == pytest.approx(rest / train_total)
    assert histogram.serving[-2] == pytest.approx(rest / serving_total)
    assert histogram.serving[-1] == 0.0  # both unseen values are shown by name
    assert histogram.serving[len(histogram.categories)] == pytest.approx(50 / serving_total)


def test_a_result_never_changes_once_made() -> None:
    """A gate makes a new result: the one a Report holds keeps its status, gates and reasons."""
    import dataclasses

    from skewcheck.drift.features import FeatureResult
    from skewcheck.drift.gates import Gate, Status

    passed = FeatureResult("amount", FeatureType.FLOAT, gates=[Gate("psi", 0.01, 0.1, 0.25, Status.PASS, "")])
    failed = passed.with_gate(Gate("null_rate_increase", 0.2, 0.02, 0.05, Status.FAIL, "nulls rose"))
    assert (passed.status, len(passed.gates), passed.reasons) == (Status.PASS, 1, ())
    assert (failed.status, len(failed.gates), failed.reasons) == (Status.FAIL, 2, ("nulls rose",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        passed.status = Status.FAIL  # type: ignore[misc]
    with pytest.raises(AttributeError):
        passed.gates.append(failed.gates[1])  # type: ignore[attr-defined]
