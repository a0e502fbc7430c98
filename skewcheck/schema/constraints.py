"""The constraints of a feature and the row counts of a dataset, read from a schema Document.

Every constraint takes either its value (`max: 120`) or a mapping that also says how
strictly it holds (`max: {value: 120, severity: warn, mostly: 0.999}`), as Great
Expectations users expect.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import polars as pl

from skewcheck.schema.document import KeyPath, Reader, describe, key_name
from skewcheck.schema.model import ENVIRONMENTS, Bound, FeatureType, RowCount, Rule, Severity, bound_text
from skewcheck.schema.registry import Kind

CONSTRAINT_KEYS = (
    "nullable",
    "min",
    "max",
    "values",
    "pattern",
    "min_length",
    "max_length",
    "unique",
    "max_null_rate",
    "allow_nan",
    "allow_inf",
)
RULE_KEYS = {"value", "severity", "mostly"}
VALUES_TYPES = {FeatureType.INT, FeatureType.STRING, FeatureType.CATEGORY}
TEXT_TYPES = {FeatureType.STRING, FeatureType.CATEGORY}


def read_constraints(reader: Reader, key_path: KeyPath, type_: FeatureType) -> dict[str, Any]:
    """The Feature fields the constraints under `key_path` set, `rules` included."""
    data = reader.value(key_path)
    fields: dict[str, Any] = {}
    rules: dict[str, Rule] = {}
    for key in CONSTRAINT_KEYS:
        if key not in data:
            continue
        value_path, rule = _constraint(reader, (*key_path, key))
        if rule is not None:
            rules[key] = rule
        fields[key] = _read_value(reader, key, value_path, type_)
    _check_consistency(reader, key_path, fields, type_)
    fields["rules"] = rules
    return fields


def read_row_counts(reader: Reader, key_path: KeyPath) -> dict[Any, RowCount]:
    """`datasets: {training: {min_rows, max_rows}, serving: {...}}`."""
    data = reader.mapping(key_path, set(ENVIRONMENTS), "'datasets'")
    counts = {}
    for environment in data:
        path = (*key_path, environment)
        bounds = reader.mapping(path, {"min_rows", "max_rows"}, f"'{environment}'")
        values: dict[str, int | None] = {"min_rows": None, "max_rows": None}
        rules = {}
        for key in bounds:
            value_path, rule = _constraint(reader, (*path, key))
            values[key] = reader.integer(value_path, minimum=0)
            if isinstance(reader.value((*path, key)), dict) and "mostly" in reader.value((*path, key)):
                reader.fail((*path, key, "mostly"), "'mostly' does not apply to a row count")
            if rule is not None:
                rules[key] = rule
        low, high = values["min_rows"], values["max_rows"]
        if low is not None and high is not None and low > high:
            reader.fail((*path, "max_rows"), f"min_rows {low} is above max_rows {high}")
        counts[ENVIRONMENTS[environment]] = RowCount(low, high, rules)
    return counts


def _constraint(reader: Reader, key_path: KeyPath) -> tuple[KeyPath, Rule | None]:
    """Where the constraint's value is, and its rule when the mapping form is used."""
    data = reader.value(key_path)
    if not isinstance(data, dict):
        return key_path, None
    reader.mapping(key_path, RULE_KEYS, f"'{key_name(key_path)}'")
    if "value" not in data:
        reader.fail(key_path, f"'{key_name(key_path)}' as a mapping needs 'value' (and optionally severity, mostly)")
    severity = Severity.FAIL
    if "severity" in data:
        if data["severity"] not in (Severity.FAIL, Severity.WARN):
            reader.fail((*key_path, "severity"), f"severity must be fail or warn, got {describe(data['severity'])}")
        severity = Severity(data["severity"])
    mostly = reader.number((*key_path, "mostly"), minimum=0) if "mostly" in data else 1.0
    if not 0 < mostly <= 1:
        reader.fail(
            (*key_path, "mostly"), f"'mostly' is the share of values that must comply, in (0, 1], got {mostly:g}"
        )
    return (*key_path, "value"), Rule(severity, mostly)


def _read_value(reader: Reader, key: str, path: KeyPath, type_: FeatureType) -> Any:
    if key in ("nullable", "unique"):
        return reader.boolean(path)
    if key in ("allow_nan", "allow_inf"):
        _require(reader, path, type_, {FeatureType.FLOAT}, "float")
        return reader.boolean(path)
    if key in ("min", "max"):
        _require(
            reader, path, type_, {t for t in FeatureType if t.kind is Kind.NUMERIC}, "int, float, datetime and date"
        )
        return _bound(reader, path, type_)
    if key == "values":
        _require(reader, path, type_, VALUES_TYPES, "category, string and int")
        return _values(reader, path, type_)
    if key == "pattern":
        _require(reader, path, type_, TEXT_TYPES, "string and category")
        return _pattern(reader, path)
    if key in ("min_length", "max_length"):
        _require(reader, path, type_, TEXT_TYPES, "string and category")
        return reader.integer(path, minimum=0)
    if key == "max_null_rate":
        rate = reader.number(path, minimum=0)
        if rate > 1:
            reader.fail(path, f"'max_null_rate' is a share of rows, at most 1, got {rate:g}")
        return rate
    raise AssertionError(key)


def _require(reader: Reader, path: KeyPath, type_: FeatureType, types: set[FeatureType], names: str) -> None:
    if type_ not in types:
        reader.fail(path, f"'{key_name(path)}' applies to {names} features, not {type_}")


def _check_consistency(reader: Reader, key_path: KeyPath, fields: dict[str, Any], type_: FeatureType) -> None:
    low, high = fields.get("min"), fields.get("max")
    if low is not None and high is not None and low > high:
        reader.fail((*key_path, "max"), f"min {bound_text(low)} is above max {bound_text(high)}")
    shortest, longest = fields.get("min_length"), fields.get("max_length")
    if shortest is not None and longest is not None and shortest > longest:
        reader.fail((*key_path, "max_length"), f"min_length {shortest} is above max_length {longest}")
    if fields.get("max_null_rate") is not None and fields.get("nullable") is False:
        reader.fail(
            (*key_path, "max_null_rate"), "'max_null_rate' needs a nullable feature (nullable: false allows none)"
        )


def _bound(reader: Reader, path: KeyPath, type_: FeatureType) -> Bound:
    if not type_.is_temporal:
        return reader.number(path)
    value = reader.value(path)
    if isinstance(value, dt.date):
        parsed: dt.date = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            reader.fail(path, f"'{key_name(path)}' must be an ISO-8601 date or datetime, got {value!r}")
    # Compare like with like: date features against dates, datetime features against naive UTC datetimes.
    if type_ is FeatureType.DATE:
        return parsed.date() if isinstance(parsed, dt.datetime) else parsed
    if not isinstance(parsed, dt.datetime):
        return dt.datetime(parsed.year, parsed.month, parsed.day)
    return parsed if parsed.tzinfo is None else parsed.astimezone(dt.UTC).replace(tzinfo=None)


def _values(reader: Reader, path: KeyPath, type_: FeatureType) -> tuple[Any, ...]:
    values = reader.value(path)
    if not isinstance(values, list) or not values:
        reader.fail(path, "'values' must be a non-empty list")
    if type_ is FeatureType.INT:
        for index, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, int):
                reader.fail((*path, index), f"value {value!r} is not a whole number")
            if not -(2**63) <= value < 2**63:
                reader.fail((*path, index), f"value {describe(value)} does not fit a 64-bit integer")
        parsed: list[Any] = list(values)
    else:
        # The raw text keeps `NO` (Norway) a string where YAML 1.1 would say False.
        parsed = [reader.document.raw_text((*path, i)) or str(v) for i, v in enumerate(values)]
    duplicates = sorted(str(value) for value, count in Counter(parsed).items() if count > 1)  # linear: 1M values
    if duplicates:
        reader.fail(path, f"'values' lists {', '.join(duplicates)} more than once")
    return tuple(parsed)


def _pattern(reader: Reader, path: KeyPath) -> str:
    pattern = reader.value(path)
    if not isinstance(pattern, str) or not pattern:
        reader.fail(path, f"'pattern' must be a regular expression, got {describe(pattern)}")
    try:
        # The regex engine that will run it (Rust's, through polars) decides what is valid.
        pl.Series([""], dtype=pl.String).str.contains(pattern)
    except pl.exceptions.PolarsError as error:
        limit = _SIZE_LIMIT.search(str(error))
        if limit is not None:
            reader.fail(
                path,
                f"'pattern' is too large: compiled, it exceeds the regex engine's limit of {int(limit[1]):,} bytes "
                "(counted repetitions such as {1000} multiply its size)",
            )
        reader.fail(path, f"'pattern' is not a valid regular expression: {_regex_problem(pattern, str(error))}")
    return pattern


# Rust's regex refuses a pattern whose compiled program is larger than this (polars keeps the default).
_SIZE_LIMIT = re.compile(r"exceeds size limit of (\d+) bytes")
_RUST_PROBLEM = re.compile(r"^error: (.+)$", re.MULTILINE)


def _regex_problem(pattern: str, polars_message: str) -> str:
    # Python's own explanation reads better than polars' expression dump, and the common mistakes agree.
    try:
        re.compile(pattern)
    except re.error as error:
        return f"{error.msg} at position {error.pos}"
    rust = _RUST_PROBLEM.search(polars_message)
    problem = f": {rust[1]}" if rust else ""
    return f"{pattern!r} is not Rust regex syntax (polars runs it){problem}"
