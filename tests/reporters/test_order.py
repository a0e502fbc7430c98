"""The order every human-readable report lists features in: worst status first, then largest drift."""

from __future__ import annotations

import math

from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.reporters.order import PROBLEMS, gate_value, ranked
from skewcheck.schema.model import FeatureType


def feature(name: str, status: Status, value: float | None = None) -> FeatureResult:
    result = FeatureResult(name, FeatureType.FLOAT)
    if status is Status.SKIPPED:
        return FeatureResult(name, FeatureType.FLOAT, status, reasons=["drift: false"])
    result = result.with_gate(Gate("psi", value, 0.1, 0.25, status, "why"))
    return result


def test_worst_status_first_then_the_largest_drift() -> None:
    features = [
        feature("skipped", Status.SKIPPED),
        feature("pass_small", Status.PASS, 0.01),
        feature("warn", Status.WARN, 0.15),
        feature("fail_small", Status.FAIL, 0.3),
        feature("pass_large", Status.PASS, 0.09),
        feature("error", Status.ERROR, None),
        feature("fail_large", Status.FAIL, 2.5),
    ]
    assert [f.name for f in ranked(features)] == [
        "fail_large",
        "fail_small",
        "error",
        "warn",
        "pass_large",
        "pass_small",
        "skipped",
    ]


def test_no_value_or_nan_goes_last_of_its_status_and_ties_keep_their_order() -> None:
    features = [
        feature("nan", Status.PASS, math.nan),
        feature("none", Status.PASS, None),
        feature("b", Status.PASS, 0.05),
        feature("a", Status.PASS, 0.05),
    ]
    assert [f.name for f in ranked(features)] == ["b", "a", "nan", "none"]
    assert gate_value(features[0]) == gate_value(features[1]) == -math.inf
    assert gate_value(features[2]) == 0.05
    assert gate_value(feature("skipped", Status.SKIPPED)) == -math.inf


def test_the_drift_gate_decides_not_a_later_gate() -> None:
    small = feature("small", Status.WARN, 0.12)
    small = small.with_gate(Gate("null_rate_increase", 0.9, 0.02, 0.05, Status.WARN, "nulls"))
    large = feature("large", Status.WARN, 0.2)
    assert [f.name for f in ranked([small, large])] == ["large", "small"]


def test_problems_are_the_statuses_a_report_calls_out() -> None:
    assert PROBLEMS == (Status.FAIL, Status.ERROR, Status.WARN)
