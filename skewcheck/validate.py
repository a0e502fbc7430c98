"""Check one dataset against the schema, collecting every problem as a Finding.

Bad data never raises here: a missing column, an unreadable value or a value out of
range is a Finding with a stable check name, a count, a rate and a few examples, and
the audit goes on. Validation also hands on the columns read as their declared types,
which is what the profiles are computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from skewcheck.coerce import coerce
from skewcheck.readers import Table
from skewcheck.schema import Dataset, Feature, FeatureType, Schema

MAX_EXAMPLES = 5


class Severity(StrEnum):
    FAIL = "fail"
    WARN = "warn"
    INFO = "info"


class Check(StrEnum):
    MISSING_COLUMN = "missing_column"
    UNEXPECTED_COLUMN = "unexpected_column"
    TYPE = "type"
    NULL = "null"
    MIN = "min"
    MAX = "max"
    DOMAIN = "domain"


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


@dataclass(frozen=True)
class Validation:
    dataset: Dataset
    rows: int
    findings: tuple[Finding, ...]
    typed: pl.DataFrame
    """The features present in the dataset, each read as its declared type."""


def validate(table: Table, schema: Schema) -> Validation:
    """Every schema problem of one dataset, and its features read as their declared types."""
    findings = [*_missing(table, schema), *_unexpected(table)]
    typed_columns = []
    for feature in schema.features:
        if feature.name not in table.frame.columns:
            continue
        raw = table.frame.get_column(feature.name)
        coerced = coerce(raw, feature.type)
        typed_columns.append(coerced.values)
        check = _FeatureCheck(table, feature, raw, coerced.values)
        findings += check.type_findings(
            coerced.unreadable, None if feature.name in table.untyped else coerced.stored_as
        )
        findings += check.null_findings()
        findings += check.range_findings()
        findings += check.domain_findings()
    return Validation(table.dataset, table.rows, tuple(findings), pl.DataFrame(typed_columns))


def _missing(table: Table, schema: Schema) -> list[Finding]:
    findings = []
    for name in table.missing:
        feature = schema.feature(name)
        if not feature.expected_in(table.dataset):
            continue
        path = ".".join(feature.path_in(table.dataset))
        where = f"'{name}'" if path == name else f"'{name}' (at {path})"
        findings.append(
            Finding(
                table.dataset, name, Check.MISSING_COLUMN, Severity.FAIL, table.rows, 1.0, (),
                f"{where} is not in the {table.dataset} data",
            )
        )  # fmt: skip
    return findings


def _unexpected(table: Table) -> list[Finding]:
    return [
        Finding(table.dataset, column, Check.UNEXPECTED_COLUMN, Severity.INFO, None, None, (),
                f"'{column}' is in the {table.dataset} data but not in the schema")
        for column in table.unexpected
    ]  # fmt: skip


@dataclass
class _FeatureCheck:
    table: Table
    feature: Feature
    raw: pl.Series
    typed: pl.Series

    def finding(self, check: Check, severity: Severity, mask: pl.Series, source: pl.Series, message: str) -> Finding:
        count = int(mask.sum())
        return Finding(
            dataset=self.table.dataset,
            feature=self.feature.name,
            check=check,
            severity=severity,
            count=count,
            rate=count / self.table.rows,
            examples=_examples(source.filter(mask)),
            message=message.format(count=f"{count:,}"),
        )

    def type_findings(self, unreadable: pl.Series, stored_as: str | None) -> list[Finding]:
        declared = self.feature.type
        if unreadable.any():
            stored = f" (stored as {stored_as})" if stored_as else ""
            message = f"{{count}} values cannot be read as {declared}{stored}"
            return [self.finding(Check.TYPE, Severity.FAIL, unreadable, self.raw, message)]
        present = self.raw.is_not_null()
        if stored_as and present.any() and not _is_text_temporal(declared, stored_as, self.table):
            message = f"stored as {stored_as}: every value reads as {declared}, but the model saw {stored_as} values"
            return [self.finding(Check.TYPE, Severity.WARN, present, self.raw, message)]
        return []

    def null_findings(self) -> list[Finding]:
        if self.feature.nullable:
            return []
        nulls = self.raw.is_null()
        if not nulls.any():
            return []
        return [
            self.finding(
                Check.NULL, Severity.FAIL, nulls, self.raw, "{count} nulls in a feature declared nullable: false"
            )
        ]

    def range_findings(self) -> list[Finding]:
        findings = []
        if self.feature.min is not None:
            below = (self.typed < self.feature.min).fill_null(False)
            if below.any():
                message = f"{{count}} values below min {self.feature.min}"
                findings.append(self.finding(Check.MIN, Severity.FAIL, below, self.typed, message))
        if self.feature.max is not None:
            above = (self.typed > self.feature.max).fill_null(False)
            if above.any():
                message = f"{{count}} values above max {self.feature.max}"
                findings.append(self.finding(Check.MAX, Severity.FAIL, above, self.typed, message))
        return findings

    def domain_findings(self) -> list[Finding]:
        if self.feature.values is None:
            return []
        allowed = pl.Series(self.feature.values, dtype=self.typed.dtype)
        outside = (~self.typed.is_in(allowed.implode())).fill_null(False) & self.typed.is_not_null()
        if not outside.any():
            return []
        message = f"{{count}} values outside the declared values ({len(self.feature.values)} allowed)"
        return [self.finding(Check.DOMAIN, Severity.FAIL, outside, self.typed, message)]


def _is_text_temporal(declared: FeatureType, stored_as: str, table: Table) -> bool:
    # CSV and JSON have no datetime type: ISO-8601 strings there are simply datetimes.
    return declared.is_temporal and stored_as == "string" and table.source.format.is_text


def _examples(values: pl.Series) -> tuple[str, ...]:
    distinct = values.drop_nulls().unique(maintain_order=True).head(MAX_EXAMPLES)
    return tuple(str(value) for value in distinct.to_list())
