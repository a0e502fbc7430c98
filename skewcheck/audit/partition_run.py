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
    def audited(self) -> list[PartitionResult]:
        return [result for result in self.partitions if result.report is not None]

    @property
    def errors(self) -> list[PartitionResult]:
        return [result for result in self.partitions if result.error]

    @property
    def nothing_new(self) -> bool:
        """Nothing audited because the history holds every partition it keeps: the daily job's quiet morning."""
        skipped = [result.skipped for result in self.partitions]
        return bool(skipped) and all(skipped) and ALREADY_STORED in skipped

    @property
    def deciding(self) -> PartitionResult | None:
        """With `latest`, the newest audited partition, whose exit code is the run's (unless one could not be read)."""
        audited = self.audited
        return audited[-1] if self.latest and audited else None

    @property
    def exit_code(self) -> ExitCode:
        """The worst partition's exit code, or with `latest` the newest one's; 2 whenever one could not be read, and
        when nothing was audited (no partition, or all older than the history keeps) unless the history already
        held every partition it keeps.

        An unreadable partition is never stored, so each run retries it and says so until it is fixed.
        """
        if self.errors or (not self.audited and not self.nothing_new):
            return ExitCode.COULD_NOT_RUN
        if not self.audited:
            return ExitCode.PASS
        deciding = self.deciding
        if deciding is not None:
            return deciding.exit_code
        return max((result.exit_code for result in self.audited), key=lambda code: _RANK[code])

    @property
    def status(self) -> str:
        """The status word of what decided the exit code: error, fail, warn or pass. It never contradicts the exit
        code; the details name every failure the verdict did not count (with `latest`, the older partitions')."""
        code = self.exit_code
        if code is ExitCode.COULD_NOT_RUN:
            return "error"
        if code is not ExitCode.PASS:
            return "fail"
        deciding = [self.deciding] if self.deciding is not None else self.audited
        warned = any(result.report is not None and result.report.status == "warn" for result in deciding)
        return "warn" if warned else "pass"

    @property
    def summary(self) -> str:
        """One line: `FAIL: 2 of 30 partitions failed, latest failing: date=2026-11-20, ...`."""
        return f"{self.status.upper()}: {self.details}"

    @property
    def details(self) -> str:
        """The summary after its status word: what decided the exit code first, then the counts."""
        audited, errors = self.audited, self.errors
        failed = [result.partition for result in audited if result.exit_code is not ExitCode.PASS]
        skipped = [result for result in self.partitions if result.skipped]
        done = sum(1 for result in skipped if result.skipped == ALREADY_STORED)
        parts = []
        if errors:
            listed = ", ".join(result.partition for result in errors[:3]) + (", ..." if len(errors) > 3 else "")
            parts.append(f"{len(errors)} of {len(self)} partitions could not be read ({listed})")
        if not audited:
            if self.nothing_new:
                parts.append(f"nothing new: all {done} partitions kept are already in the history")
            elif not self.partitions:
                parts.append("no partitions to audit")
            elif not errors:
                parts.append(f"nothing audited: all {len(self)} partitions are older than --retain keeps")
        elif self.deciding is not None and not errors:
            word = "passed" if self.deciding.exit_code is ExitCode.PASS else "failed"
            parts.append(f"the newest partition {self.deciding.partition} {word} (it alone decides the exit code)")
        if audited:
            counted = f"{len(failed)} of {len(audited)} audited partitions failed"
            parts.append(counted + (f", latest failing: {failed[-1]}" if failed else ""))
        if done and audited:
            parts.append(f"{done} {ALREADY_STORED}, skipped")
        if len(skipped) > done and (audited or done):  # else the reason above already says it
            parts.append(f"{len(skipped) - done} older than --retain keeps, skipped")
        return ", ".join(parts)
