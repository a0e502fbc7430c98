"""What validating one dataset against the schema finds: each problem a Finding with a stable Check name.

Bad data never raises: a missing column, an unreadable value or a value out of range is a Finding
with a count, a rate and a few examples, and the audit goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import polars as pl

from skewcheck.schema.model import Dataset, Severity


class Check(StrEnum):
    MISSING_COLUMN = "missing_column"
    UNEXPECTED_COLUMN = "unexpected_column"
    TYPE = "type"
    NULL = "null"
    MIN = "min"
    MAX = "max"
    DOMAIN = "domain"
    PATTERN = "pattern"
    LENGTH = "length"
    UNIQUE = "unique"
    NULL_RATE = "null_rate"
    NAN = "nan"
    INF = "inf"
    ROW_COUNT = "row_count"


@dataclass(frozen=True)
class Finding:
    dataset: Dataset
    feature: str
    check: Check
    severity: Severity
    count: int | None
    rate: float | None
    """count / rows of the dataset."""
    examples: tuple[str, ...]
    message: str

    def to_record(self) -> dict[str, Any]:
        """Builtins for JSON: the report's schema_findings and saved profiles."""
        return {
            "dataset": str(self.dataset),
            "feature": self.feature,
            "check": str(self.check),
            "severity": str(self.severity),
            "count": self.count,
            "rate": self.rate,
            "examples": list(self.examples),
            "message": self.message,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Finding:
        return cls(
            dataset=Dataset(record["dataset"]),
            feature=record["feature"],
            check=Check(record["check"]),
            severity=Severity(record["severity"]),
            count=record["count"],
            rate=record["rate"],
            examples=tuple(record["examples"]),
            message=record["message"],
        )


@dataclass(frozen=True)
class Validation:
    """One dataset validated: its findings, and its columns read as their declared types (what is profiled)."""

    dataset: Dataset
    rows: int
    findings: tuple[Finding, ...]
    typed: pl.DataFrame
    """The features present in the dataset, each read as its declared type."""
