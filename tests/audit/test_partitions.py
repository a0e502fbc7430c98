"""run_each's history: trend gates judged on the series up to each partition, and each audit stored for the next."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from skewcheck.audit.partitions import _History, _up_to, partition_label
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Status
from skewcheck.history import kept, store
from skewcheck.schema.model import Feature, FeatureType, Schema, TrendSettings
from tests.history_data import FAIL, SCHEMA_SHA, WARN, label, make_report, rows

BASELINE = "baseline-1"  # the baseline tests/history_data.rows stores
RISING = TrendSettings(rising=3)  # fail when the gate metric rose on 3 consecutive partitions


def schema(trend: TrendSettings | None = RISING) -> Schema:
    return Schema("schema.yaml", SCHEMA_SHA, (Feature("x", FeatureType.FLOAT, trend=trend),))


def history(directory: Path, days: dict[int, float], trend: TrendSettings | None = RISING) -> _History:
    """A run's history over `directory`, after the given days' audits of feature x were stored."""
    for index, value in days.items():
        store.write(directory, rows(index, {"x": value}))
    return _History(directory, schema(trend), BASELINE, "run-now")


def judge(log: _History, index: int, value: float) -> FeatureResult:
    gates = log.trend_gates(label(index))
    assert gates is not None
    (judged,) = gates(list(make_report({"x": value}).features))
    return judged


def test_a_rise_up_to_the_partition_fails_with_a_trend_gate(tmp_path: Path) -> None:
    log = history(tmp_path, {0: 0.01, 1: 0.02, 2: 0.03})
    judged = judge(log, 3, 0.04)  # rose on 3 consecutive partitions, this one included
    assert judged.status is Status.FAIL
    trend = judged.gates[-1]
    assert (trend.metric, trend.value, trend.warn, trend.fail) == ("trend of psi", 0.04, WARN, FAIL)
    assert trend.status is Status.FAIL and "rose" in trend.reason
    assert [gate.metric for gate in judged.gates] == ["psi", "trend of psi"]


def test_the_audit_as_judged_is_not_changed_in_place(tmp_path: Path) -> None:
    log = history(tmp_path, {0: 0.01, 1: 0.02, 2: 0.03})
    gates = log.trend_gates(label(3))
    assert gates is not None
    features = list(make_report({"x": 0.04}).features)
    (judged,) = gates(features)
    assert judged is not features[0]
    assert [gate.metric for gate in features[0].gates] == ["psi"] and features[0].status is Status.PASS


def test_a_broken_rise_adds_no_gate(tmp_path: Path) -> None:
    log = history(tmp_path, {0: 0.01, 1: 0.02, 2: 0.03})
    features = list(make_report({"x": 0.025}).features)
    gates = log.trend_gates(label(3))
    assert gates is not None
    assert gates(features) == features  # a passing trend leaves the feature as it was
    assert [gate.metric for gate in features[0].gates] == ["psi"]


def test_a_catch_up_run_judges_a_day_on_the_days_before_it_not_after(tmp_path: Path) -> None:
    # Day 4 (lower) is already stored; day 3 is audited late. Judged on days 0-3 it rose 3 times: it fails.
    # Judged on everything stored, the newest partition would be day 4, and the rise would be broken.
    log = history(tmp_path, {0: 0.01, 1: 0.02, 2: 0.03, 4: 0.001})
    assert judge(log, 3, 0.04).status is Status.FAIL
    assert judge(log, 5, 0.05).status is Status.PASS  # after day 4's drop, no rise of 3


def test_this_audit_replaces_an_earlier_audit_of_its_partition(tmp_path: Path) -> None:
    # Day 3 was stored at 0.5 (a rise); audited again at 0.025 it is this audit, not the stored one, that counts.
    log = history(tmp_path, {0: 0.01, 1: 0.02, 2: 0.03, 3: 0.5})
    assert judge(log, 3, 0.025).gates[-1].metric == "psi"


def test_recorded_audits_count_for_the_next_partition(tmp_path: Path) -> None:
    log = history(tmp_path, {})
    for index, value in enumerate([0.01, 0.02, 0.03]):
        assert judge(log, index, value).status is Status.PASS  # fewer than 4 partitions: cannot rise 3 times yet
        log.record(make_report({"x": value}, created_at=f"2026-12-0{index + 1}T06:00:00+00:00"), label(index))
    assert judge(log, 3, 0.04).status is Status.FAIL
    stored = kept.read(tmp_path)
    assert sorted(stored["partition"].to_list()) == [label(0), label(1), label(2)]
    assert set(stored["run_id"].to_list()) == {"run-now"} and set(stored["baseline_id"].to_list()) == {BASELINE}


def test_skipped_and_errored_features_are_not_judged(tmp_path: Path) -> None:
    log = history(tmp_path, {0: 0.01, 1: 0.02, 2: 0.03})
    gates = log.trend_gates(label(3))
    assert gates is not None
    skipped = FeatureResult("x", FeatureType.FLOAT, Status.SKIPPED, reasons=["drift: false"])
    (errored,) = make_report({"x": None}).features
    assert gates([skipped]) == [skipped]
    assert gates([errored])[0].gates == errored.gates


def test_without_trend_settings_there_are_no_gates_and_the_history_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "partition=broken").mkdir()
    (tmp_path / "partition=broken" / "rows.parquet").write_text("not parquet")
    log = _History(tmp_path, schema(None), BASELINE, "run-now")
    assert log.stored is None and log.trend_gates(label(0)) is None


def test_up_to_keeps_dated_partitions_by_date_and_others_by_label() -> None:
    dated = pl.concat([rows(index, {"x": 0.1}) for index in (0, 1, 2, 3)])
    assert sorted(_up_to(dated, label(1))["partition"].to_list()) == [label(0), label(1)]
    undated = pl.concat([rows(0, {"x": 0.1}, partition=name) for name in ("region=a", "region=b", "region=c")])
    assert sorted(_up_to(undated, "region=b")["partition"].to_list()) == ["region=a", "region=b"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("exports/date=2026-11-01/part-0.parquet", "date=2026-11-01"),
        ("exports/region=eu/date=2026-11-01/", "date=2026-11-01"),
        ("exports/serving.parquet", "exports/serving.parquet"),
        ("exports/=odd/serving.parquet", "exports/=odd/serving.parquet"),
    ],
)
def test_a_partition_without_each_is_named_by_its_last_key_value_folder(spec: str, expected: str) -> None:
    assert partition_label(spec) == expected
