"""The metric registry: every record is computed, stored and defined, and the lists derived from it are the old ones.

Adding a metric is one record in the registry and one function in stats; these tests say what else is missing.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skewcheck.audit import records
from skewcheck.drift.features import compare_feature
from skewcheck.history import store
from skewcheck.profiling.profiles import Profile, profile_categorical, profile_numeric
from skewcheck.schema.model import Defaults, DriftGate, Feature, FeatureType
from skewcheck.schema.registry import (
    DEFINITIONS,
    GATE_METRICS,
    HISTORY_COLUMNS,
    METRIC_THRESHOLDS,
    METRICS,
    Kind,
    Thresholds,
    gate_metrics_for,
    metrics_for,
)

TYPES = {Kind.NUMERIC: FeatureType.FLOAT, Kind.CATEGORICAL: FeatureType.STRING}


def profiles(kind: Kind) -> tuple[Profile, Profile]:
    rng = np.random.default_rng(5)
    if kind is Kind.NUMERIC:
        train = profile_numeric(pl.Series(rng.normal(size=500)))
        return train, profile_numeric(pl.Series(rng.normal(0.3, 1.0, size=400)), train.edges)
    return (
        profile_categorical(pl.Series(rng.choice(list("abcd"), 500))),
        profile_categorical(pl.Series(rng.choice(list("abcde"), 400))),
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_the_comparison_computes_exactly_the_records_of_a_kind(kind: Kind) -> None:
    train, serving = profiles(kind)
    feature = Feature("x", TYPES[kind], drift=Defaults().gate_for(kind))
    computed = compare_feature(feature, train, serving).metrics
    assert set(computed) == set(metrics_for(kind))
    assert all(value is not None for value in computed.values())


@pytest.mark.parametrize(("metric", "kind"), [(m, k) for m, kinds in GATE_METRICS.items() for k in kinds])
def test_each_gate_metric_gates_with_its_noise_model(metric: str, kind: Kind) -> None:
    train, serving = profiles(kind)
    feature = Feature("x", TYPES[kind], drift=DriftGate(metric, METRIC_THRESHOLDS[metric]))
    gate = compare_feature(feature, train, serving).drift_gate
    assert gate is not None and gate.metric == metric and gate.value is not None
    assert (gate.noise is not None) == (METRICS[metric].noise is not None)


def test_every_metric_has_a_history_column_and_a_definition() -> None:
    assert sorted(store.METRIC_COLUMNS) == sorted(METRICS)
    assert set(METRICS) <= set(store.SCHEMA)
    assert sorted(m.history_column for m in METRICS.values()) == list(range(len(METRICS)))
    definitions = records.definitions()
    assert {name: definitions[name] for name in METRICS} == DEFINITIONS
    assert all(m.definition for m in METRICS.values())


def test_the_derived_lists_are_the_ones_files_and_reports_already_hold() -> None:
    """Written out: history files, JSON Schemas and reports already written depend on these names and orders."""
    assert HISTORY_COLUMNS == (
        "null_rate_train",
        "null_rate_serving",
        "psi",
        "jensen_shannon",
        "ks_statistic",
        "ks_pvalue",
        "wasserstein",
        "linf",
        "chi2_pvalue",
        "unseen_rate",
        "out_of_range_rate",
    )
    assert list(DEFINITIONS) == [
        "psi",
        "jensen_shannon",
        "wasserstein",
        "ks_statistic",
        "ks_pvalue",
        "linf",
        "chi2_pvalue",
        "unseen_rate",
        "out_of_range_rate",
        "null_rate_train",
        "null_rate_serving",
    ]
    assert {
        "psi": Thresholds(0.1, 0.25),
        "jensen_shannon": Thresholds(0.1, 0.2),
        "wasserstein": Thresholds(0.1, 0.2),
        "ks_statistic": Thresholds(0.1, 0.2),
        "linf": Thresholds(0.1, 0.2),
    } == METRIC_THRESHOLDS
    assert list(METRIC_THRESHOLDS) == list(GATE_METRICS)
    # L-infinity on numeric bins is refused (TFDV reports 0 there); Wasserstein and KS need values.
    assert gate_metrics_for(Kind.NUMERIC) == ["psi", "jensen_shannon", "wasserstein", "ks_statistic"]
    assert gate_metrics_for(Kind.CATEGORICAL) == ["psi", "jensen_shannon", "linf"]
