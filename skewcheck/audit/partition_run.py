"""The result of a run over partitions (`check --each`): each partition's result, and the run's own verdict."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from skewcheck.audit.report import Report
from skewcheck.errors import ExitCode

ALREADY_STORED = "already in the history"
"""The skip reason of a partition the history holds for this baseline and schema (`skip_done`)."""
_RANK = {ExitCode.PASS: 0, ExitCode.DRIFT_FAILED: 1, ExitCode.SCHEMA_FAILED: 2, ExitCode.COULD_NOT_RUN: 3}


@dataclass(frozen=True)
class PartitionResult:
    partition: str
    report: Report | None
    """None when the partition was not audited: see `skipped` or `error`."""
    skipped: str = ""
    """Why it was not audited: already in the history, or older than --retain keeps."""
    error: str = ""
    """Why it could not be audited (an unreadable or empty partition); the others still are."""

    @property
    def exit_code(self) -> ExitCode:
        return self.report.exit_code if self.report is not None else ExitCode.COULD_NOT_RUN


@dataclass(frozen=True)
class PartitionRun:
    """Every partition's result, oldest first, and the verdict of the whole run."""

    partitions: tuple[PartitionResult, ...]
    latest: bool = False
    """Exit with the newest partition's code instead of the worst's (the daily cron job's question)."""
    notes: tuple[str, ...] = ()
    """What the run did beside auditing that its user should hear of (a history moved to a new layout)."""

    def __iter__(self) -> Iterator[PartitionResult]:
        return iter(self.partitions)

    def __len__(self) -> int:
        return len(self.partitions)

    def __getitem__(self, index: int) -> PartitionResult:
        return self.partitions[index]

    @property
    def exit_code(self) -> ExitCode:
        """The worst partition's exit code, or with `latest` the newest one's; 2 whenever one could not be read.

        An unreadable partition is never stored, so each run retries it and says so until it is fixed.
        """
        tried = [result for result in self.partitions if not result.skipped]
        if not tried:
            return ExitCode.PASS
        if any(result.error for result in tried):
            return ExitCode.COULD_NOT_RUN
        if self.latest:
            return tried[-1].exit_code
        return max((result.exit_code for result in tried), key=lambda code: _RANK[code])

    @property
    def status(self) -> str:
        """The worst partition's status word, whatever decides the exit code: a summary never hides a failure."""
        if any(result.error for result in self.partitions):
            return "error"
        statuses = {str(result.report.status) for result in self.partitions if result.report is not None}
        return next((word for word in ("fail", "warn") if word in statuses), "pass")

    @property
    def summary(self) -> str:
        """One line: `FAIL: 2 of 30 partitions failed, latest failing: date=2026-11-20, ...`."""
        return f"{self.status.upper()}: {self.details}"

    @property
    def details(self) -> str:
        """The summary after its status word: `2 of 30 partitions failed, latest failing: date=2026-11-20, ...`."""
        audited = [result for result in self.partitions if result.report is not None]
        failed = [result.partition for result in audited if result.exit_code is not ExitCode.PASS]
        errors = [result.partition for result in self.partitions if result.error]
        skipped = [result for result in self.partitions if result.skipped]
        parts = [f"{len(failed)} of {len(audited)} partitions failed"]
        if failed:
            parts.append(f"latest failing: {failed[-1]}")
        if errors:
            listed = ", ".join(errors[:3]) + (", ..." if len(errors) > 3 else "")
            parts.append(f"{len(errors)} could not be read ({listed})")
        done = sum(1 for result in skipped if result.skipped == ALREADY_STORED)
        if done:
            parts.append(f"{done} {ALREADY_STORED}, skipped")
        if len(skipped) > done:
            parts.append(f"{len(skipped) - done} older than --retain keeps, skipped")
        if self.latest and audited:
            parts.append(f"exit code from the newest partition, {audited[-1].partition}")
        return ", ".join(parts)
