"""A run over partitions owns its verdict: the worst partition's exit code, or the newest's with `latest`."""

from __future__ import annotations

import pytest

from skewcheck.audit.partition_run import PartitionResult, PartitionRun
from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult, Gate, Status
from skewcheck.errors import ExitCode
from skewcheck.schema.model import FeatureType


def report(status: Status) -> Report:
    feature = FeatureResult("x", FeatureType.FLOAT)
    feature = feature.with_gate(Gate("psi", 0.3 if status is Status.FAIL else 0.0, 0.1, 0.25, status, f"psi {status}"))
    return Report(train=None, serving=None, schema_path="s.yaml", schema_sha256="", findings=[], features=[feature])


FAILED = PartitionResult("date=2026-01-01", report(Status.FAIL))
PASSED = PartitionResult("date=2026-01-02", report(Status.PASS))


def test_the_worst_partition_decides_unless_latest() -> None:
    assert PartitionRun((FAILED, PASSED)).exit_code is ExitCode.DRIFT_FAILED
    assert PartitionRun((FAILED, PASSED), latest=True).exit_code is ExitCode.PASS


def test_a_partition_that_could_not_be_read_makes_the_run_exit_2() -> None:
    run = PartitionRun((PASSED, PartitionResult("date=2026-01-03", None, error="empty")))
    assert (run.exit_code, run.status) == (ExitCode.COULD_NOT_RUN, "error")
    assert run.summary == "ERROR: 0 of 1 partitions failed, 1 could not be read (date=2026-01-03)"


def test_skipped_partitions_pass_and_are_counted() -> None:
    run = PartitionRun((PartitionResult("date=2026-01-01", None, skipped="already in the history"),))
    assert run.exit_code is ExitCode.PASS
    assert run.summary == "PASS: 0 of 0 partitions failed, 1 already in the history, skipped"


def test_a_run_never_changes() -> None:
    run = PartitionRun((PASSED,))
    with pytest.raises(AttributeError):
        run.latest = True  # type: ignore[misc]
