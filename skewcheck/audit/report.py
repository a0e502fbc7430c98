"""The finished result of an audit: what was read, what was found, and the exit code.

Reporters only render a Report; `to_records` gives them (and JSON users) plain builtins
in a stable layout, version 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import polars as pl

from skewcheck.audit import records
from skewcheck.drift.feature_gates import noise_note
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Status
from skewcheck.drift.rows import RowSkew
from skewcheck.errors import ExitCode
from skewcheck.io.sources import InputSummary
from skewcheck.schema.model import Dataset, Severity
from skewcheck.validation.findings import Finding

REPORT_VERSION = 1


class FailOn(StrEnum):
    """The lowest status that makes the exit code non-zero."""

    FAIL = "fail"
    WARN = "warn"


@dataclass(frozen=True)
class Report:
    train: InputSummary | None
    serving: InputSummary | None
    """`skewcheck validate` reads one dataset: the other side is None."""
    schema_path: str
    schema_sha256: str
    findings: Sequence[Finding]
    """Stored as a tuple whatever was passed: a Report's verdict never changes once it is made."""
    features: Sequence[FeatureResult]
    fail_on: FailOn = FailOn.FAIL
    skewcheck_version: str = ""
    created_at: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    rows: RowSkew | None = None
    """Row-level skew: the join on the key and each feature's value-by-value comparison."""
    differing_rows: pl.DataFrame | None = field(default=None, repr=False)
    """Every differing row (keys, feature, train, serving), for --mismatches; not in the JSON report."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", tuple(self.findings))
        object.__setattr__(self, "features", tuple(self.features))

    @property
    def schema_failed(self) -> bool:
        return self._findings_at(Severity.FAIL) > 0 or (
            self.fail_on is FailOn.WARN and self._findings_at(Severity.WARN) > 0
        )

    @property
    def drift_failed(self) -> bool:
        failing = {Status.FAIL, Status.ERROR} | ({Status.WARN} if self.fail_on is FailOn.WARN else set())
        rows_failed = self.rows is not None and self.rows.status in failing
        return rows_failed or any(feature.status in failing for feature in self.features)

    @property
    def status(self) -> Status:
        """pass, warn or fail: the worst of every feature and finding (error counts as fail)."""
        statuses = [f.status for f in self.features] + ([self.rows.status] if self.rows is not None else [])
        if self._findings_at(Severity.FAIL) or any(s in (Status.FAIL, Status.ERROR) for s in statuses):
            return Status.FAIL
        if self._findings_at(Severity.WARN) or Status.WARN in statuses:
            return Status.WARN
        return Status.PASS

    @property
    def exit_code(self) -> ExitCode:
        if self.schema_failed:
            return ExitCode.SCHEMA_FAILED
        if self.drift_failed:
            return ExitCode.DRIFT_FAILED
        return ExitCode.PASS

    def _findings_at(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    def summary_line(self) -> str:
        """One line a person reads first: `FAIL: 3 of 24 features drifted, 2 schema violations in serving`."""
        parts = []
        if self.train is not None and self.serving is not None and (self.features or self.rows is None):
            checked = [f for f in self.features if f.status is not Status.SKIPPED]
            drifted = sum(1 for f in checked if f.status is Status.FAIL)
            uncompared = sum(1 for f in checked if f.status is Status.ERROR)
            warned = sum(1 for f in checked if f.status is Status.WARN)
            parts.append(f"{drifted} of {len(checked)} features drifted")
            if uncompared:
                parts.append(f"{uncompared} could not be compared")
            if warned:
                parts.append(f"{warned} warned")
        if self.rows is not None:
            # A join that matched nothing is the headline: every row-level verdict after it stands on no rows.
            parts.insert(0 if self.rows.coverage.both == 0 else len(parts), _rows_summary(self.rows))
        for dataset in Dataset:
            violations = sum(1 for f in self.findings if f.dataset is dataset and f.severity is Severity.FAIL)
            warnings = sum(1 for f in self.findings if f.dataset is dataset and f.severity is Severity.WARN)
            if violations:
                parts.append(f"{violations} schema violation{'s' * (violations != 1)} in {dataset}")
            if warnings:
                parts.append(f"{warnings} schema warning{'s' * (warnings != 1)} in {dataset}")
        if not parts:
            parts.append("the data matches the schema")
        return f"{self.status.upper()}: {', '.join(parts)}"

    def noise_notes(self) -> list[str]:
        """One line per feature whose drift threshold sits below its noise level: said once, with what would fit."""
        notes = []
        for feature in self.features:
            gate = feature.drift_gate
            note = noise_note(gate) if gate is not None and feature.status is not Status.SKIPPED else ""
            if note:
                notes.append(f"{feature.name}: {note}")
        return notes

    def to_records(self) -> dict[str, Any]:
        """The JSON report (version 1): builtins only, NaN and infinity as null."""
        return records.finite(
            {
                "version": REPORT_VERSION,
                "status": str(self.status),
                "exit_code": int(self.exit_code),
                "summary": self.summary_line(),
                "fail_on": str(self.fail_on),
                "skewcheck_version": self.skewcheck_version,
                "created_at": self.created_at,
                "schema": {"path": self.schema_path, "sha256": self.schema_sha256},
                "train": records.input_record(self.train),
                "serving": records.input_record(self.serving),
                "schema_findings": [f.to_record() for f in self.findings],
                "features": [records.feature_record(f) for f in self.features],
                "notes": self.noise_notes(),
                "definitions": records.definitions(),
                "row_skew": None if self.rows is None else records.rows_record(self.rows),
                "timings_seconds": {k: round(v, 4) for k, v in self.timings.items()},
            }
        )


def _rows_summary(rows: RowSkew) -> str:
    keys = ", ".join(rows.keys)
    if rows.coverage.both == 0:
        # Nothing was compared row by row: that, not "0 features differ", is the news.
        coverage = rows.coverage
        return (
            f"no rows joined on {keys} ({coverage.train.keys:,} training keys, {coverage.serving.keys:,} serving keys)"
        )
    differing = sum(1 for f in rows.features if f.status in (Status.FAIL, Status.WARN))
    joined = f"{rows.coverage.both:,} rows joined on {keys}"
    return f"{differing} of {len(rows.features)} features differ row by row ({joined})"
