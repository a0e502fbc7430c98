"""A run over partitions owns its verdict: the worst partition's exit code, or the newest's with `latest`."""

from __future__ import annotations

import pytest

from skewcheck.audit.partition_run import ALREADY_STORED, PartitionResult, PartitionRun
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


DONE = PartitionResult("date=2025-12-31", None, skipped=ALREADY_STORED)
OLD = PartitionResult("date=2025-01-01", None, skipped="older than --retain keeps (2025-01-01 < 2025-10-02)")
UNREADABLE = PartitionResult("date=2026-01-03", None, error="empty")


def test_the_worst_partition_decides_unless_latest() -> None:
    run = PartitionRun((FAILED, PASSED))
    assert (run.exit_code, run.summary) == (
        ExitCode.DRIFT_FAILED,
        "FAIL: 1 of 2 audited partitions failed, latest failing: date=2026-01-01",
    )


def test_with_latest_the_summary_names_the_newest_partition_and_agrees_with_the_exit_code() -> None:
    run = PartitionRun((FAILED, PASSED), latest=True)
    assert (run.exit_code, run.status) == (ExitCode.PASS, "pass")
    assert run.summary == (
        "PASS: the newest partition date=2026-01-02 passed (it alone decides the exit code), "
        "1 of 2 audited partitions failed, latest failing: date=2026-01-01"
    )
    run = PartitionRun((PASSED, FAILED), latest=True)
    assert (run.exit_code, run.summary.split(" (")[0]) == (
        ExitCode.DRIFT_FAILED,
        "FAIL: the newest partition date=2026-01-01 failed",
    )


@pytest.mark.parametrize("latest", [False, True])
def test_a_partition_that_could_not_be_read_makes_the_run_exit_2_and_says_so_first(latest: bool) -> None:
    run = PartitionRun((PASSED, UNREADABLE), latest=latest)
    assert (run.exit_code, run.status) == (ExitCode.COULD_NOT_RUN, "error")
    assert run.summary == (
        "ERROR: 1 of 2 partitions could not be read (date=2026-01-03), 0 of 1 audited partitions failed"
    )


def test_nothing_new_passes_and_says_so() -> None:
    for partitions in ((DONE,), (OLD, DONE)):
        run = PartitionRun(partitions)
        assert run.exit_code is ExitCode.PASS
        assert run.summary.startswith("PASS: nothing new: all 1 partitions kept are already in the history")
    assert PartitionRun((OLD, DONE)).summary.endswith(", 1 older than --retain keeps, skipped")


def test_auditing_nothing_because_of_retain_or_no_partitions_is_exit_2() -> None:
    run = PartitionRun((OLD, OLD))
    assert (run.exit_code, run.summary) == (
        ExitCode.COULD_NOT_RUN,
        "ERROR: nothing audited: all 2 partitions are older than --retain keeps",
    )
    assert (PartitionRun(()).exit_code, PartitionRun(()).summary) == (
        ExitCode.COULD_NOT_RUN,
        "ERROR: no partitions to audit",
    )


def test_a_warning_is_the_status_word_when_nothing_failed() -> None:
    warned = PartitionResult("date=2026-01-04", report(Status.WARN))
    assert PartitionRun((PASSED, warned)).summary.startswith("WARN: 0 of 2 audited partitions failed")


def test_a_run_never_changes() -> None:
    run = PartitionRun((PASSED,))
    with pytest.raises(AttributeError):
        run.latest = True  # type: ignore[misc]
