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

from skewcheck.io.coerce import coerce
from skewcheck.io.read import Table, json_numbers
from skewcheck.io.sources import InputFormat
from skewcheck.schema.model import STRICT, Dataset, Feature, FeatureType, Schema, Severity, bound_text

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
    tally = Tally(schema, table.dataset)
    typed = tally.add(table)
    return Validation(table.dataset, table.rows, tally.findings(table), typed)


@dataclass(frozen=True)
class Evidence:
    """What one check saw in one batch of rows: how many values broke it, and the first few of them.

    A dataset read in batches adds up each batch's evidence; findings are made from the totals,
    because a rate, a `mostly` tolerance or a null-rate limit is about the whole dataset.
    """

    feature: str
    check: Check
    key: str
    """The schema rule the check reads its severity and `mostly` from."""
    template: str
    """The message, with {count} (and {rate}) filled in from the totals."""
    count: int
    examples: tuple[str, ...]
    per_row: bool = False
    """Judged on every row (checks of nulls) rather than on the non-null values."""
    severity: Severity | None = None
    """A fixed severity (a value stored as another type: warn), else the rule's."""
    above_rate: float | None = None
    """A finding only when count / rows is above this (max_null_rate)."""

    @property
    def slot(self) -> tuple[str, Check, str, str]:
        return self.feature, self.check, self.key, self.template

    def plus(self, other: Evidence) -> Evidence:
        examples = tuple(dict.fromkeys([*self.examples, *other.examples]))[:MAX_EXAMPLES]
        return replace(self, count=self.count + other.count, examples=examples)


class Tally:
    """Validation of one dataset, whole or in batches: each batch's evidence added up.

    Memory stays with the batch, except for features declared unique: their values' 64-bit hashes
    are kept (8 bytes a row) so that a value repeating one of an earlier batch is counted.
    """

    def __init__(self, schema: Schema, dataset: Dataset) -> None:
        self.schema = schema
        self.dataset = dataset
        self.rows = 0
        self.batches = 0
        self._evidence: dict[tuple[str, Check, str, str], Evidence] = {}
        self._non_null: dict[str, int] = {}
        self._hashes: dict[str, list[pl.Series]] = {}

    def add(self, table: Table) -> pl.DataFrame:
        """Validate one batch (or the whole table); returns its features read as their declared types."""
        self.rows += table.rows
        self.batches += 1
        typed_columns = []
        for feature in self.schema.features:
            if feature.name not in table.frame.columns:
                continue
            raw = table.frame.get_column(feature.name)
            coerced = coerce(raw, feature.type)
            typed_columns.append(coerced.values)
            self._non_null[feature.name] = self._non_null.get(feature.name, 0) + coerced.values.len()
            self._non_null[feature.name] -= coerced.values.null_count()
            if feature.unique:
                self._hashes.setdefault(feature.name, []).append(coerced.values.drop_nulls().hash(seed=0))
            check = _FeatureCheck(table, feature, raw, coerced.values)
            stored_as = None if feature.name in table.untyped else coerced.stored_as
            for evidence in [*check.type_evidence(coerced.unreadable, stored_as), *check.constraints()]:
                known = self._evidence.get(evidence.slot)
                self._evidence[evidence.slot] = evidence if known is None else known.plus(evidence)
        return pl.DataFrame(typed_columns)

    def findings(self, table: Table) -> tuple[Finding, ...]:
        """The dataset's findings; `table` describes the whole of it (its rows, missing and unexpected columns)."""
        findings = [*_row_count(table, self.schema), *_missing(table, self.schema), *_unexpected(table)]
        # Unreadable values say more than values stored as another type: one type finding per feature.
        unreadable = {
            e.feature for e in self._evidence.values() if e.check is Check.TYPE and not e.severity and e.count
        }
        # In the order a whole read finds them: by feature, then by check, whichever batch saw one first.
        position = {feature.name: i for i, feature in enumerate(self.schema.features)}
        ordered = sorted(self._evidence.values(), key=lambda e: (position[e.feature], _CHECK_ORDER.index(e.check)))
        for evidence in ordered:
            if evidence.check is Check.TYPE and evidence.severity is not None and evidence.feature in unreadable:
                continue
            total = evidence
            if evidence.check is Check.UNIQUE and self.batches > 1:
                total = replace(evidence, count=self._repeats(evidence.feature))
            finding = self._finding(total)
            if finding is not None:
                findings.append(finding)
        return tuple(findings)

    def _repeats(self, name: str) -> int:
        hashes = pl.concat(self._hashes[name])
        return hashes.len() - hashes.n_unique()

    def _finding(self, evidence: Evidence) -> Finding | None:
        count = evidence.count
        if count == 0 or (evidence.above_rate is not None and count / self.rows <= evidence.above_rate):
            return None
        rule = self.schema.feature(evidence.feature).rule(evidence.key)
        checked = self.rows if evidence.per_row else self._non_null.get(evidence.feature, 0)
        severity = rule.severity
        # replace, not format: a message may quote a regular expression with braces in it.
        text = evidence.template.replace("{count}", f"{count:,}").replace("{rate}", f"{count / self.rows:.2%}")
        if count == 1:  # "1 value below min 0", not "1 values"
            text = re.sub(r"^1 ((?:\w+ )?)(value|null)s\b", r"1 \1\2", text)
        if rule.mostly < 1 and checked and (checked - count) / checked >= rule.mostly - 1e-12:
            severity = Severity.INFO
            text += f" (within mostly: {rule.mostly:g})"
        return Finding(
            dataset=self.dataset,
            feature=evidence.feature,
            check=evidence.check,
            severity=evidence.severity or severity,
            count=count,
            rate=count / self.rows,
            examples=evidence.examples,
            message=text,
        )


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

    def evidence(
        self, check: Check, key: str, mask: pl.Series, source: pl.Series, template: str, *, per_row: bool = False
    ) -> list[Evidence]:
        """The evidence for the values `mask` marks (none may be marked: a batch's zero still counts)."""
        count = int(mask.sum())
        examples = _examples(source.filter(mask)) if count else ()
        return [Evidence(self.feature.name, check, key, template, count, examples, per_row=per_row)]

    def constraints(self) -> list[Evidence]:
        return [evidence for constraint in _CONSTRAINTS for evidence in constraint(self)]

    def type_evidence(self, unreadable: pl.Series, stored_as: str | None) -> list[Evidence]:
        declared = self.feature.type
        stored = f" (stored as {stored_as})" if stored_as else ""
        found = self.evidence(
            Check.TYPE, "type", unreadable, self.raw, f"{{count}} values cannot be read as {declared}{stored}"
        )
        if found[0].count or not stored_as or _is_text_temporal(declared, stored_as, self.table):
            return found
        present = self._stored_as_other(stored_as)
        message = f"{{count}} values stored as {stored_as}: each reads as {declared}, "
        message += f"but the model saw {stored_as}s"
        return [
            replace(e, severity=Severity.WARN) for e in self.evidence(Check.TYPE, "type", present, self.raw, message)
        ]

    def _stored_as_other(self, stored_as: str | None) -> pl.Series:
        """The values stored as another type: in a JSON log mixing numbers and strings, only the strings."""
        present = self.raw.is_not_null()
        source = self.table.source
        if stored_as == "string" and source.format is InputFormat.JSONL and self.feature.type in _NUMBERS:
            numbers = json_numbers(source, self.feature.path_in(self.table.dataset))
            present = present & ~numbers.slice(self.table.first_row, self.raw.len())
        return present

    def nulls(self) -> list[Evidence]:
        if self.feature.nullable:
            return []
        message = "{count} nulls in a feature declared nullable: false"
        return self.evidence(Check.NULL, "nullable", self.raw.is_null(), self.raw, message, per_row=True)

    def null_rate(self) -> list[Evidence]:
        limit = self.feature.max_null_rate
        if limit is None:
            return []
        message = f"{{count}} nulls: a null rate of {{rate}}, above max_null_rate {limit:.2%}"
        evidence = self.evidence(Check.NULL_RATE, "max_null_rate", self.raw.is_null(), self.raw, message, per_row=True)
        return [replace(e, above_rate=limit) for e in evidence]

    def minimum(self) -> list[Evidence]:
        if self.feature.min is None:
            return []
        below = (self.typed < self.feature.min).fill_null(False) & self._not_nan()
        return self.evidence(
            Check.MIN, "min", below, self.typed, f"{{count}} values below min {bound_text(self.feature.min)}"
        )

    def maximum(self) -> list[Evidence]:
        if self.feature.max is None:
            return []
        # polars orders NaN above every number; NaN is the nan check's business, not max's.
        above = (self.typed > self.feature.max).fill_null(False) & self._not_nan()
        return self.evidence(
            Check.MAX, "max", above, self.typed, f"{{count}} values above max {bound_text(self.feature.max)}"
        )

    def _not_nan(self) -> pl.Series | bool:
        # polars orders NaN above every number; NaN is the nan check's business, not the range's.
        return ~self.typed.is_nan().fill_null(False) if self.typed.dtype.is_float() else True

    def domain(self) -> list[Evidence]:
        if self.feature.values is None:
            return []
        allowed = pl.Series(self.feature.values, dtype=self.typed.dtype)
        outside = (~self.typed.is_in(allowed.implode())).fill_null(False) & self.typed.is_not_null()
        message = f"{{count}} values outside the declared values ({len(self.feature.values)} allowed)"
        return self.evidence(Check.DOMAIN, "values", outside, self.typed, message)

    def pattern(self) -> list[Evidence]:
        if self.feature.pattern is None:
            return []
        mismatched = (~self.typed.str.contains(self.feature.pattern)).fill_null(False)
        message = f"{{count}} values do not match pattern {self.feature.pattern!r}"
        return self.evidence(Check.PATTERN, "pattern", mismatched, self.typed, message)

    def length(self) -> list[Evidence]:
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
            findings += self.evidence(Check.LENGTH, key, broken, self.typed, message)
        return findings

    def unique(self) -> list[Evidence]:
        if not self.feature.unique:
            return []
        repeated = self.typed.is_duplicated() & ~self.typed.is_first_distinct() & self.typed.is_not_null()
        message = "values repeating an earlier value in a feature declared unique: {count}"
        return self.evidence(Check.UNIQUE, "unique", repeated, self.typed, message)

    def non_finite(self) -> list[Evidence]:
        if self.feature.type is not FeatureType.FLOAT:
            return []
        # Both counts in one query: almost every column has neither, and then no mask is built at all.
        column = pl.col(self.typed.name)
        nan, inf = self.typed.to_frame().select(column.is_nan().sum(), column.is_infinite().sum().alias("inf")).row(0)
        checks = (
            (Check.NAN, "allow_nan", self.feature.allow_nan, nan, pl.Series.is_nan, "NaN"),
            (Check.INF, "allow_inf", self.feature.allow_inf, inf, pl.Series.is_infinite, "infinite"),
        )
        findings = []
        for check, key, allowed, count, marks, word in checks:
            if allowed:
                continue
            message = f"{{count}} {word} values (set {key}: true to permit them)"
            mask = marks(self.typed).fill_null(False) if count else pl.Series([], dtype=pl.Boolean)
            findings += self.evidence(check, key, mask, self.typed, message)
        return findings


_CHECK_ORDER = [Check.TYPE, Check.NULL, Check.NULL_RATE, Check.MIN, Check.MAX, Check.DOMAIN, Check.PATTERN,
                Check.LENGTH, Check.UNIQUE, Check.NAN, Check.INF]  # fmt: skip
"""The order validate runs a feature's checks in (type, then _CONSTRAINTS)."""

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
