"""The schema's rules applied to data: a feature's checks, which give Evidence, and the dataset's own checks.

A feature's checks run on one batch of rows (or the whole table) and say what they saw as Evidence:
a count, a few examples and a message template; the Tally adds up the batches and makes Findings.
The dataset's checks (row counts, missing and unexpected columns) need the whole dataset's description.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import polars as pl

from skewcheck.io.read import Table, json_numbers
from skewcheck.io.sources import InputFormat
from skewcheck.schema.model import STRICT, Dataset, Feature, FeatureType, Schema, Severity, bound_text
from skewcheck.validation.findings import Check, Finding

MAX_EXAMPLES = 5
_NUMBERS = (FeatureType.INT, FeatureType.FLOAT)


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

    def message(self, count: int, rows: int) -> str:
        """The template filled in with a total `count` of `rows`."""
        # replace, not format: a message may quote a regular expression with braces in it.
        text = self.template.replace("{count}", f"{count:,}").replace("{rate}", f"{count / rows:.2%}")
        if count == 1:  # "1 value below min 0", not "1 values"
            text = re.sub(r"^1 ((?:\w+ )?)(value|null)s\b", r"1 \1\2", text)
        return text


@dataclass
class FeatureCheck:
    """One feature's checks on one batch: its raw column and the same column read as the declared type."""

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
        return [evidence for rule, _ in FEATURE_RULES for evidence in rule(self)]

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
        # Read again to tell numbers from strings: from its files, when we read it (Spark gives rows, no files).
        mixed = stored_as == "string" and source.format is InputFormat.JSONL and self.feature.type in _NUMBERS
        if mixed and source.files:
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


FEATURE_RULES: tuple[tuple[Callable[[FeatureCheck], list[Evidence]], tuple[Check, ...]], ...] = (
    (FeatureCheck.nulls, (Check.NULL,)),
    (FeatureCheck.null_rate, (Check.NULL_RATE,)),
    (FeatureCheck.minimum, (Check.MIN,)),
    (FeatureCheck.maximum, (Check.MAX,)),
    (FeatureCheck.domain, (Check.DOMAIN,)),
    (FeatureCheck.pattern, (Check.PATTERN,)),
    (FeatureCheck.length, (Check.LENGTH,)),
    (FeatureCheck.unique, (Check.UNIQUE,)),
    (FeatureCheck.non_finite, (Check.NAN, Check.INF)),
)
"""A feature's constraint checks, in the order they run, each with the checks its evidence names."""

CHECK_ORDER = (Check.TYPE, *(check for _, checks in FEATURE_RULES for check in checks))
"""The order a feature's findings are listed in: type, then FEATURE_RULES's."""


def dataset_findings(table: Table, schema: Schema) -> list[Finding]:
    """The findings about the dataset as a whole: its row count, and its missing and unexpected columns."""
    return [*_row_count(table, schema), *_missing(table, schema), *_unexpected(table)]


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
        message = f"{where} is not in the {table.dataset} data{hint}"
        findings.append(Finding(table.dataset, name, Check.MISSING_COLUMN, Severity.FAIL, table.rows, 1.0, (), message))
    return findings


def _where_it_might_be(path: tuple[str, ...], table: Table) -> str:
    """A column the data has in another place (features.age for age), or one spelled nearly alike; missing from
    serving with no column of its name anywhere, it may be the label, which serving never has."""
    same_name = [column for column in table.unexpected if column.split(".")[-1] == path[-1]]
    candidates = same_name or difflib.get_close_matches(".".join(path), table.unexpected, n=1)
    label = "declare environments: [training] if it is the label or another training-only column"
    if not candidates:
        return f"; {label}" if table.dataset is Dataset.SERVING else ""
    key = "serving_path" if table.dataset is Dataset.SERVING else "training_path"
    hint = f"; the data has '{candidates[0]}' (set {key}: {candidates[0]} if that is it)"
    return hint + (f", or {label}" if table.dataset is Dataset.SERVING and not same_name else "")


def _unexpected(table: Table) -> list[Finding]:
    findings = []
    for column in table.unexpected:
        message = f"'{column}' is in the {table.dataset} data but not in the schema"
        findings.append(Finding(table.dataset, column, Check.UNEXPECTED_COLUMN, Severity.INFO, None, None, (), message))
    return findings


def _is_text_temporal(declared: FeatureType, stored_as: str, table: Table) -> bool:
    # CSV and JSON have no datetime type: ISO-8601 strings there are simply datetimes.
    return declared.is_temporal and stored_as == "string" and table.source.format.is_text


def _examples(values: pl.Series) -> tuple[str, ...]:
    distinct = values.drop_nulls().unique(maintain_order=True).head(MAX_EXAMPLES)
    return tuple(str(value) for value in distinct.to_list())
