"""What a `.skprofile` must hold before any of it is believed: its metadata's fields and its columns, checked.

A damaged or hand-edited profile (a mapping turned into a list, a count into text, a column of another type, a
cut or overwritten file) is refused in one line naming the file and the field, in the user's words, never as the
AttributeError or TypeError reading it would otherwise raise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from skewcheck.errors import InputError
from skewcheck.schema.model import Dataset, Severity
from skewcheck.validation.findings import Check

if TYPE_CHECKING:  # annotations only: a check of data never loads pyarrow for a profile it does not read
    import pyarrow as pa


@dataclass(frozen=True)
class _Is:
    """One value's expectation: its kinds, and a least value or the choices it has."""

    kinds: tuple[type, ...]
    what: str
    minimum: int | None = None
    choices: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        if (isinstance(value, bool) and bool not in self.kinds) or not isinstance(value, self.kinds):
            return f"should be {self.what}, got {_describe(value)}"
        if self.minimum is not None and isinstance(value, int) and value < self.minimum:
            return f"should be at least {self.minimum}, got {value}"
        if self.choices and value not in self.choices:
            return f"should be one of {', '.join(self.choices)}, got {value!r}"
        return None


_TEXT, _COUNT = _Is((str,), "text"), _Is((int,), "a whole number >= 0", minimum=0)
_FINDING = {
    "dataset": _Is((str,), "a dataset", choices=tuple(Dataset)),
    "feature": _TEXT,
    "check": _Is((str,), "a check", choices=tuple(Check)),
    "severity": _Is((str,), "a severity", choices=tuple(Severity)),
    "count": _Is((int, type(None)), "a whole number or null"),
    "rate": _Is((int, float, type(None)), "a number or null"),
    "examples": [_TEXT],
    "message": _TEXT,
}
_METADATA: dict[str, Any] = {
    "skewcheck_version": _TEXT,
    "created_at": _TEXT,
    "schema": {"path": _TEXT, "sha256": _TEXT},
    "environment": _Is((str,), "a dataset", choices=tuple(Dataset)),
    "source": {"spec": _TEXT, "format": _TEXT, "paths": [_TEXT], "rows": _COUNT},
    "findings": [_FINDING],
}
_OPTIONAL = {"parts": _Is((int,), "a whole number >= 1", minimum=1), "columns": [_TEXT]}


def metadata(raw: bytes, path: str | Path) -> dict[str, Any]:
    """The metadata as JSON, as a mapping; its fields are checked by `check_metadata` once its version is known."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InputError(f"{path}: a damaged profile: its skewcheck metadata is not JSON") from None
    if not isinstance(value, dict):
        raise InputError(
            f"{path}: a damaged profile: its skewcheck metadata should be a mapping, got {_describe(value)}"
        )
    return value


def check_metadata(value: dict[str, Any], path: str | Path) -> None:
    """Every field of a current profile's metadata, of the kind it must be."""
    _check(value, _METADATA, "", path)
    for key, expected in _OPTIONAL.items():
        if key in value:
            _check(value[key], expected, key, path)


def _check(value: Any, expected: Any, field: str, path: str | Path) -> None:
    if isinstance(expected, dict):
        if not isinstance(value, dict):
            _damaged(path, field, f"should be a mapping, got {_describe(value)}")
        for key, inner in expected.items():
            if key not in value:
                _damaged(path, f"{field}.{key}".lstrip("."), "is missing")
            _check(value[key], inner, f"{field}.{key}".lstrip("."), path)
    elif isinstance(expected, list):
        if not isinstance(value, list):
            _damaged(path, field, f"should be a list, got {_describe(value)}")
        for index, item in enumerate(value):
            _check(item, expected[0], f"{field}[{index}]", path)
    else:
        problem = expected.problem(value)
        if problem is not None:
            _damaged(path, field, problem)


def _damaged(path: str | Path, field: str, problem: str) -> NoReturn:
    raise InputError(f"{path}: a damaged profile: its metadata field '{field}' {problem}")


# The columns each kind of feature needs (see saved._arrow_schema); a numeric feature has `values` or a sketch.
_NEEDED = {
    "categorical": ("categories", "category_counts"),
    "numeric": ("nonfinite", "edges", "bin_counts", "bins_exact"),
}
_SKETCH = ("sketch_count", "sketch_mean", "sketch_m2", "sketch_low", "sketch_high", "sketch_kll")
_GRID = (
    "sketch_count",
    "sketch_mean",
    "sketch_m2",
    "grid_points",
    "grid_counts",
    "grid_sums",
    "grid_minimum",
    "grid_maximum",
)
"""A serving profile's numeric feature beyond exact values: counts on its baseline's points (see streaming)."""
_LATER = frozenset(_GRID) - frozenset(_SKETCH)
"""Columns added after version 2 was first written: a profile without them was saved before serving profiles."""


def check_columns(table: pa.Table, expected: pa.Schema, path: str | Path) -> list[dict[str, Any]]:
    """The table's rows, once its columns are the types a profile writes and each row has what its kind needs."""
    try:
        return _checked_rows(table, expected, path)
    except UnicodeDecodeError:  # Parquet does not check that its text is text: a flipped byte in a name
        raise InputError(f"{path}: a damaged profile: a column name or a value in it is not UTF-8 text") from None


def _checked_rows(table: pa.Table, expected: pa.Schema, path: str | Path) -> list[dict[str, Any]]:
    for field in expected:
        if field.name not in table.column_names:
            if field.name in _LATER:
                continue
            raise InputError(f"{path}: a damaged profile: it has no column '{field.name}'")
        actual = table.schema.field(field.name).type
        if actual != field.type:
            raise InputError(f"{path}: a damaged profile: column '{field.name}' should be {field.type}, is {actual}")
    rows: list[dict[str, Any]] = table.to_pylist()
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        name = row["feature"]
        where = f"{path}: a damaged profile: row {number}"
        if name is None or name in seen:
            raise InputError(f"{where} names {'no feature' if name is None else f'feature {name!r} again'}")
        seen.add(name)
        if row["kind"] not in _NEEDED:
            raise InputError(f"{where} (feature {name!r}) has kind {row['kind']!r}, not numeric or categorical")
        needed = ("rows", "nulls", *_NEEDED[row["kind"]])
        if row["kind"] == "numeric":
            grid = row.get("grid_points") is not None
            needed += ("values",) if row["values"] is not None else _GRID if grid else _SKETCH
        empty = next((column for column in needed if _has_null(row[column])), None)
        if empty is not None:
            raise InputError(f"{where} (feature {name!r}) has a null in column '{empty}'")
    return rows


def _has_null(value: Any) -> bool:
    return value is None or (isinstance(value, list) and any(item is None for item in value))


def unreadable(path: str | Path, error: Exception) -> InputError:
    """A file Parquet cannot read, in words: an empty, cut or foreign file, or a page whose checksum fails."""
    text = str(error)
    if "size is 0 bytes" in text:
        problem = "the file is empty"
    elif "magic bytes not found" in text or "smaller than the minimum file footer" in text:
        problem = "it does not end as a Parquet file does (cut short, or not a profile)"
    elif "thrift" in text:
        problem = "its footer, where Parquet describes the file, is damaged"
    elif "CRC checksum verification failed" in text:
        problem = "a page's checksum does not match its bytes (the file was damaged after it was written)"
    else:
        problem = f"Parquet cannot read it: {text.splitlines()[0] if text else type(error).__name__}"
    return InputError(f"{path}: not a readable skewcheck profile: {problem}")


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return f"{type(value).__name__} {value!r}"[:80]
