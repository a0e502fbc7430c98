"""Reports for the CI reporters' tests: the demo run, and synthetic reports built to be awkward."""

from __future__ import annotations

from functools import cache

import skewcheck
from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.io.sources import InputSummary
from skewcheck.schema.model import Dataset, FeatureType, Severity
from skewcheck.validation.findings import Check, Finding
from tests.helpers import FIXTURES

NASTY = 'a|b\nc `d` <e> & "f" \\'
"""Pipe, newline, backtick, HTML and a trailing backslash: everything that could break a table or a document."""


@cache
def demo() -> Report:
    return skewcheck.run(str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), FIXTURES / "schema.yaml")


def feature(name: str, status: Status, reasons: list[str], metric: str = "psi", value: float = 0.5) -> FeatureResult:
    result = FeatureResult(name, FeatureType.FLOAT)
    if status is Status.SKIPPED:
        return FeatureResult(name, FeatureType.FLOAT, status, reasons=reasons)
    result = result.with_gate(Gate(metric, value, 0.1, 0.25, status, "; ".join(reasons)))
    return result


def finding(name: str, severity: Severity, examples: tuple[str, ...] = ("x",), message: str = "bad") -> Finding:
    return Finding(Dataset.SERVING, name, Check.DOMAIN, severity, 3, 0.03, examples, message)


def synthetic(features: list[FeatureResult], findings: list[Finding], *, validate: bool = False) -> Report:
    train = InputSummary("train.csv", "csv", ("train.csv",), 100)
    serving = InputSummary("logs/*.jsonl", "jsonl", ("logs/a.jsonl", "logs/b.jsonl"), 100, sampled_rows=50)
    return Report(
        None if validate else train,
        serving,
        "schema.yaml",
        "ab" * 32,
        findings,
        features,
        skewcheck_version="9.9.9",
        created_at="2025-01-02T03:04:05+02:00",
        timings={"read": 1.0, "compare": 0.5},
    )


MIXED = synthetic(
    [
        feature("ok_feature", Status.PASS, []),
        feature("warm_feature", Status.WARN, ["psi 0.15 > warn 0.1"], value=0.15),
        feature("hot_feature", Status.FAIL, ["psi 0.5 > fail 0.25"]),
        feature("quiet_feature", Status.SKIPPED, ["drift: false in the schema"]),
    ],
    [
        finding("warned_col", Severity.WARN),
        finding("failed_col", Severity.FAIL),
        finding("noted_col", Severity.INFO),
    ],
)
