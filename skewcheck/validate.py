"""Check one dataset against the schema, collecting every problem as a Finding.

Bad data never raises here: a missing column, an unreadable value or a value out of
range is a Finding with a stable check name, a count, a rate and a few examples, and
the audit goes on. Validation also hands on the columns read as their declared types,
which is what the profiles are computed from.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import polars as pl

from skewcheck.coerce import coerce
from skewcheck.readers import InputFormat, Table, json_numbers
from skewcheck.schema import STRICT, Dataset, Feature, FeatureType, Schema, Severity, bound_text

MAX_EXAMPLES = 5
_NUMBERS = (FeatureType.INT, FeatureType.FLOAT)


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
    dataset: Dataset
    rows: int
    findings: tuple[Finding, ...]
    typed: pl.DataFrame
    """The features present in the dataset, each read as its declared type."""


def validate(table: Table, schema: Schema) -> Validation:
    """Every schema problem of one dataset, and its features read as their declared types."""
    findings = [*_row_count(table, schema), *_missing(table, schema), *_unexpected(table)]
    typed_columns = []
    for feature in schema.features:
        if feature.name not in table.frame.columns:
            continue
        raw = table.frame.get_column(feature.name)
        coerced = coerce(raw, feature.type)
        typed_columns.append(coerced.values)
        check = _FeatureCheck(table, feature, raw, coerced.values)
        stored_as = None if feature.name in table.untyped else coerced.stored_as
        findings += check.type_findings(coerced.unreadable, stored_as)
        for constraint in _CONSTRAINTS:
            findings += constraint(check)
    return Validation(table.dataset, table.rows, tuple(findings), pl.DataFrame(typed_columns))


def _row_count(table: Table, schema: Schema) -> list[Finding]:
    bounds = schema.row_counts.get(table.dataset)
    if bounds is None:
        return []
    findings = []
    for key, limit, broken in (
        ("min_rows", bounds.min_rows, bounds.min_rows is not None and table.rows < bounds.min_rows),
        ("max_rows", bounds.max_rows, bounds.max_rows is not None and table.rows > bounds.max_rows),
    ):
        if broken:
            severity = bounds.rules.get(key, STRICT).severity
            message = (
                f"{table.rows:,} rows; the schema asks for {'at least' if key == 'min_rows' else 'at most'} {limit:,}"
            )
            findings.append(Finding(table.dataset, "", Check.ROW_COUNT, severity, table.rows, None, (), message))
    return findings


def _missing(table: Table, schema: Schema) -> list[Finding]:
    findings = []
    for name in table.missing:
        feature = schema.feature(name)
        if not feature.expected_in(table.dataset):
            continue
        path = ".".join(feature.path_in(table.dataset))
        where = f"'{name}'" if path == name else f"'{name}' (at {path})"
        hint = _where_it_might_be(feature.path_in(table.dataset), table)
        findings.append(
            Finding(
                table.dataset, name, Check.MISSING_COLUMN, Severity.FAIL, table.rows, 1.0, (),
                f"{where} is not in the {table.dataset} data{hint}",
            )
        )  # fmt: skip
    return findings


def _where_it_might_be(path: tuple[str, ...], table: Table) -> str:
    """A column the data has in another place (features.age for age), or one spelled nearly alike."""
    same_name = [column for column in table.unexpected if column.split(".")[-1] == path[-1]]
    candidates = same_name or difflib.get_close_matches(".".join(path), table.unexpected, n=1)
    if not candidates:
        return ""
    key = "serving_path" if table.dataset is Dataset.SERVING else "training_path"
    return f"; the data has '{candidates[0]}' (set {key}: {candidates[0]} if that is it)"


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

    def finding(
        self, check: Check, key: str, mask: pl.Series, source: pl.Series, message: str, *, per_row: bool = False
    ) -> list[Finding]:
        """A finding for the values `mask` marks, unless none; its severity and tolerance come from the schema.

        `mostly` is judged on the non-null values (on all rows for checks of nulls, `per_row`).
        """
        count = int(mask.sum())
        if count == 0:
            return []
        rule = self.feature.rule(key)
        checked = self.table.rows if per_row else self.typed.len() - self.typed.null_count()
        severity = rule.severity
        # replace, not format: a message may quote a regular expression with braces in it.
        text = message.replace("{count}", f"{count:,}")
        if count == 1:  # "1 value below min 0", not "1 values"
            text = re.sub(r"^1 ((?:\w+ )?)(value|null)s\b", r"1 \1\2", text)
        if rule.mostly < 1 and checked and (checked - count) / checked >= rule.mostly - 1e-12:
            severity = Severity.INFO
            text += f" (within mostly: {rule.mostly:g})"
        return [
            Finding(
                dataset=self.table.dataset,
                feature=self.feature.name,
                check=check,
                severity=severity,
                count=count,
                rate=count / self.table.rows,
                examples=_examples(source.filter(mask)),
                message=text,
            )
        ]

    def type_findings(self, unreadable: pl.Series, stored_as: str | None) -> list[Finding]:
        declared = self.feature.type
        if unreadable.any():
            stored = f" (stored as {stored_as})" if stored_as else ""
            return self.finding(
                Check.TYPE, "type", unreadable, self.raw, f"{{count}} values cannot be read as {declared}{stored}"
            )
        present = self._stored_as_other(stored_as)
        if stored_as and present.any() and not _is_text_temporal(declared, stored_as, self.table):
            message = f"{{count}} values stored as {stored_as}: each reads as {declared}, "
            message += f"but the model saw {stored_as}s"
            finding = self.finding(Check.TYPE, "type", present, self.raw, message)
            return [replace(f, severity=Severity.WARN) for f in finding]
        return []

    def _stored_as_other(self, stored_as: str | None) -> pl.Series:
        """The values stored as another type: in a JSON log mixing numbers and strings, only the strings."""
        present = self.raw.is_not_null()
        source = self.table.source
        if stored_as == "string" and source.format is InputFormat.JSONL and self.feature.type in _NUMBERS:
            present = present & ~json_numbers(source, self.feature.path_in(self.table.dataset))
        return present

    def nulls(self) -> list[Finding]:
        if self.feature.nullable:
            return []
        message = "{count} nulls in a feature declared nullable: false"
        return self.finding(Check.NULL, "nullable", self.raw.is_null(), self.raw, message, per_row=True)

    def null_rate(self) -> list[Finding]:
        limit = self.feature.max_null_rate
        nulls = self.raw.is_null()
        rate = int(nulls.sum()) / self.table.rows
        if limit is None or rate <= limit:
            return []
        message = f"{{count}} nulls: a null rate of {rate:.2%}, above max_null_rate {limit:.2%}"
        return self.finding(Check.NULL_RATE, "max_null_rate", nulls, self.raw, message, per_row=True)

    def minimum(self) -> list[Finding]:
        if self.feature.min is None:
            return []
        below = (self.typed < self.feature.min).fill_null(False) & self._not_nan()
        return self.finding(
            Check.MIN, "min", below, self.typed, f"{{count}} values below min {bound_text(self.feature.min)}"
        )

    def maximum(self) -> list[Finding]:
        if self.feature.max is None:
            return []
        # polars orders NaN above every number; NaN is the nan check's business, not max's.
        above = (self.typed > self.feature.max).fill_null(False) & self._not_nan()
        return self.finding(
            Check.MAX, "max", above, self.typed, f"{{count}} values above max {bound_text(self.feature.max)}"
        )

    def _not_nan(self) -> pl.Series | bool:
        # polars orders NaN above every number; NaN is the nan check's business, not the range's.
        return ~self.typed.is_nan().fill_null(False) if self.typed.dtype.is_float() else True

    def domain(self) -> list[Finding]:
        if self.feature.values is None:
            return []
        allowed = pl.Series(self.feature.values, dtype=self.typed.dtype)
        outside = (~self.typed.is_in(allowed.implode())).fill_null(False) & self.typed.is_not_null()
        message = f"{{count}} values outside the declared values ({len(self.feature.values)} allowed)"
        return self.finding(Check.DOMAIN, "values", outside, self.typed, message)

    def pattern(self) -> list[Finding]:
        if self.feature.pattern is None:
            return []
        mismatched = (~self.typed.str.contains(self.feature.pattern)).fill_null(False)
        message = f"{{count}} values do not match pattern {self.feature.pattern!r}"
        return self.finding(Check.PATTERN, "pattern", mismatched, self.typed, message)

    def length(self) -> list[Finding]:
        findings = []
        lengths = self.typed.str.len_chars() if self.typed.dtype == pl.String else None
        for key, limit, word in (
            ("min_length", self.feature.min_length, "shorter"),
            ("max_length", self.feature.max_length, "longer"),
        ):
            if limit is None or lengths is None:
                continue
            broken = ((lengths < limit) if word == "shorter" else (lengths > limit)).fill_null(False)
            message = f"{{count}} values {word} than {key} {limit}"
            findings += self.finding(Check.LENGTH, key, broken, self.typed, message)
        return findings

    def unique(self) -> list[Finding]:
        if not self.feature.unique:
            return []
        repeated = self.typed.is_duplicated() & ~self.typed.is_first_distinct() & self.typed.is_not_null()
        message = "values repeating an earlier value in a feature declared unique: {count}"
        return self.finding(Check.UNIQUE, "unique", repeated, self.typed, message)

    def non_finite(self) -> list[Finding]:
        if self.feature.type is not FeatureType.FLOAT:
            return []
        findings = []
        if not self.feature.allow_nan:
            message = "{count} NaN values (set allow_nan: true to permit them)"
            findings += self.finding(Check.NAN, "allow_nan", self.typed.is_nan().fill_null(False), self.typed, message)
        if not self.feature.allow_inf:
            message = "{count} infinite values (set allow_inf: true to permit them)"
            findings += self.finding(
                Check.INF, "allow_inf", self.typed.is_infinite().fill_null(False), self.typed, message
            )
        return findings


_CONSTRAINTS = (
    _FeatureCheck.nulls,
    _FeatureCheck.null_rate,
    _FeatureCheck.minimum,
    _FeatureCheck.maximum,
    _FeatureCheck.domain,
    _FeatureCheck.pattern,
    _FeatureCheck.length,
    _FeatureCheck.unique,
    _FeatureCheck.non_finite,
)


def _is_text_temporal(declared: FeatureType, stored_as: str, table: Table) -> bool:
    # CSV and JSON have no datetime type: ISO-8601 strings there are simply datetimes.
    return declared.is_temporal and stored_as == "string" and table.source.format.is_text


def _examples(values: pl.Series) -> tuple[str, ...]:
    distinct = values.drop_nulls().unique(maintain_order=True).head(MAX_EXAMPLES)
    return tuple(str(value) for value in distinct.to_list())
