"""Infer a schema from one dataset: the library half of `skewcheck infer`.

The schema describes the data it came from, so `check DATA DATA` passes: every constraint
holds on that data, and nothing is declared that a fresh sample of the same source would
break needlessly (no unique, pattern, lengths, row counts or date ranges). The rules:

- Type from the stored type. Text with no types of its own (CSV, TSV, hive folders) is tried as int (digits
  only), float, bool, ISO date, ISO datetime, else string; `007` stays text. JSON's ISO strings become dates.
- A string with at most `max_categories` distinct values, each seen `min_category_count` times or more (one, or a
  tenth, may be rarer: `judgements`), is a `category`, most frequent first; one nearly all distinct
  (KEY_UNIQUE_SHARE) with more values is an id: `role: key`.
- `nullable: false` when the null rate is at most `nullable_tolerance`.
- int / float `min` / `max` from the data (a calendar field's from the calendar: `judgements`), widened by
  `range_margin` of the range but never across zero; none for columns with both signs unless `signed_bounds`.
- `allow_nan` / `allow_inf` for float columns holding them.
- `drift: false` for timestamp-named datetime / date columns, and for columns with no value to compare (the gate
  could only error). Drift gates and min_rows stay the defaults. Each judgement call is explained in one line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from skewcheck.errors import InputError, UsageError
from skewcheck.io.coerce import coerce
from skewcheck.io.diagnose import diagnose_unreadable
from skewcheck.io.nested import field_expression, walk
from skewcheck.io.read import scan_source
from skewcheck.io.remote import StorageOptions
from skewcheck.io.sources import InputFormat, Source, resolve_source
from skewcheck.profiling import judgements
from skewcheck.profiling.inferred import Inferred, render, with_serving_paths
from skewcheck.schema.model import Defaults, Feature, FeatureType, Role, Rule

KEY_UNIQUE_SHARE = 0.99
"""A string column is an id when its distinct values are at least this share of its non-null values."""

_LEADING_ZERO = r"^[+-]?0[0-9]"
# What text must look like before coercion is asked whether every value reads as the type.
_TEXT_SHAPES = {
    FeatureType.INT: r"^[+-]?[0-9]+$",
    FeatureType.DATE: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    FeatureType.DATETIME: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]",
}
_TEMPORAL = (FeatureType.DATE, FeatureType.DATETIME)
_UNTYPED = (FeatureType.INT, FeatureType.FLOAT, FeatureType.BOOL, *_TEMPORAL)
_SCALARS = (pl.Boolean, pl.String, pl.Categorical, pl.Date, pl.Null)


@dataclass(frozen=True)
class InferOptions:
    max_categories: int = 50
    min_category_count: int = 5
    range_margin: float = 0.0
    """Widen min/max by this fraction of the observed range (never across zero)."""
    signed_bounds: bool = False
    """Give min/max to columns that hold both negative and positive values too."""
    nullable_tolerance: float = 0.0
    """nullable: false when the null rate is at most this; above 0 it is written with `mostly: 1 - tolerance`."""
    serving: bool = False
    """A nested serving log: fields of nested objects become features with serving_path and training_path."""
    timestamp_drift: bool = False
    """Drift-check timestamp-named datetime / date columns too (by default they get drift: false)."""
    source_format: InputFormat | None = None
    max_rows: int | None = None
    storage_options: StorageOptions = field(default_factory=dict, repr=False, compare=False)
    """How to reach data in an object store (never shown)."""
    """Infer from the first this many rows only (`check --approx` without a schema: memory bounded)."""

    def __post_init__(self) -> None:
        if self.max_categories < 1 or self.min_category_count < 1:
            raise UsageError("max_categories and min_category_count must be at least 1")
        if not 0 <= self.range_margin < math.inf:
            raise UsageError(f"range_margin must be a fraction >= 0, got {self.range_margin}")
        if not 0 <= self.nullable_tolerance < 1:
            raise UsageError(f"nullable_tolerance must be in [0, 1), got {self.nullable_tolerance}")


@dataclass(frozen=True)
class _Column:
    name: str
    path: tuple[str, ...]
    untyped: bool
    """Text with no types of its own (CSV, hive folders): the type comes from the values."""

    def read(self) -> pl.Expr:
        return field_expression(self.path)


def infer_schema(
    spec: str,
    options: InferOptions = InferOptions(),
    *,
    command: str = "skewcheck infer",
    serving_log: str | None = None,
) -> str:
    """The inferred schema as YAML text (deterministic), `command` recorded in its header; with `serving_log`,
    features that log nests get their serving_path, and ones it lacks are training-only (with_serving_paths)."""
    return infer_explained(spec, options, command=command, serving_log=serving_log)[0]


def infer_explained(
    spec: str,
    options: InferOptions = InferOptions(),
    *,
    command: str = "skewcheck infer",
    serving_log: str | None = None,
) -> tuple[str, tuple[str, ...]]:
    """`infer_schema`'s text, and its judgement calls one line each (the file has them as comments too)."""
    inferred = infer(spec, options)
    if serving_log is not None:
        inferred = with_serving_paths(inferred, resolve_source(serving_log, storage_options=options.storage_options))
    return render(inferred, command), inferred.notes


def infer(spec: str, options: InferOptions = InferOptions()) -> Inferred:
    """The features of a dataset, read once; InputError when it cannot be read or has no rows."""
    source = resolve_source(
        spec, options.source_format, format_parameter="source_format", storage_options=options.storage_options
    )
    # Every JSON line, not the first 100: types and late fields must be those of the whole file.
    frame = scan_source(source, infer_all_rows=True)
    try:
        columns, skipped = _columns(source, frame.collect_schema(), options.serving)
        head = frame if options.max_rows is None else frame.head(options.max_rows)
        raw = head.select(c.read().alias(f"c{i}") for i, c in enumerate(columns)).collect()
    except (pl.exceptions.PolarsError, OSError) as error:
        raise diagnose_unreadable(source.files, source.format, error) from None
    if not columns:
        raise InputError(f"{spec}: no column has a type a schema can declare ({', '.join(skipped)})")
    if raw.height == 0:
        raise InputError(f"{spec}: no rows")
    types = [_type_of(raw.get_column(f"c{i}"), c, source.format) for i, c in enumerate(columns)]
    # Statistics of the values as validation reads them, so every bound and domain holds on this data.
    typed = pl.DataFrame([coerce(raw.get_column(f"c{i}"), t).values for i, t in enumerate(types)])
    stats = typed.select(pl.struct(_stats(f"c{i}", t, options)).alias(f"c{i}") for i, t in enumerate(types)).row(0)
    found = [_feature(c, t, s, raw.height, options) for c, t, s in zip(columns, types, stats, strict=True)]
    notes = [note for _, calls in found for note in calls]
    bounded = [f.name for f, calls in found if f.min is not None and not any(c.startswith(f.name + ":") for c in calls)]
    if bounded:
        notes.append(f"bounds are the data's minimum and maximum (a later sample can pass them): {', '.join(bounded)}")
    return Inferred(source, raw.height, tuple(f for f, _ in found), tuple(skipped), tuple(notes))


def _columns(source: Source, schema: pl.Schema, serving: bool) -> tuple[list[_Column], list[str]]:
    """Top-level columns in file order; with `serving`, the scalar fields of nested objects in their place."""
    paths: list[tuple[str, ...]] = []
    skipped: list[str] = []
    for path, dtype in walk(schema, descend=lambda path, dtype: serving):
        if dtype.is_numeric() or dtype in _SCALARS or isinstance(dtype, pl.Datetime | pl.Enum):
            paths.append(path)
        else:
            skipped.append(f"{'.'.join(path)} ({dtype})")
    leaves = [path[-1] for path in paths]
    untyped = source.format in (InputFormat.CSV, InputFormat.TSV)
    # A nested field is named by its own name unless another column has that name too.
    names = [p[-1] if len(p) == 1 or leaves.count(p[-1]) == 1 else ".".join(p) for p in paths]
    columns = [_Column(n, p, untyped or p[0] in source.partition_keys) for n, p in zip(names, paths, strict=True)]
    return columns, skipped


def _type_of(raw: pl.Series, column: _Column, source_format: InputFormat) -> FeatureType:
    dtype = raw.dtype
    if dtype == pl.Boolean:
        return FeatureType.BOOL
    if dtype.is_integer():  # unsigned values past the int64 range read only as float
        return FeatureType.FLOAT if coerce(raw, FeatureType.INT).unreadable.any() else FeatureType.INT
    if dtype.is_numeric():
        return FeatureType.FLOAT  # whole numbers stored as float stay float: the model saw floats
    if isinstance(dtype, pl.Datetime) or dtype == pl.Date:
        return FeatureType.DATETIME if isinstance(dtype, pl.Datetime) else FeatureType.DATE
    if dtype == pl.String and (column.untyped or source_format.is_text):
        return _text_type(raw, _UNTYPED if column.untyped else _TEMPORAL)
    return FeatureType.STRING


def _text_type(raw: pl.Series, candidates: tuple[FeatureType, ...]) -> FeatureType:
    """The first candidate every value reads as (by the coercion validation uses), else string."""
    text = raw.drop_nulls().str.strip_chars()
    if text.is_empty():
        return FeatureType.STRING
    codes = text.str.contains(_LEADING_ZERO).any()
    for candidate in candidates:
        if codes and candidate in (FeatureType.INT, FeatureType.FLOAT):
            continue
        shape = _TEXT_SHAPES.get(candidate)
        if (shape is None or text.str.contains(shape).all()) and not coerce(raw, candidate).unreadable.any():
            return candidate
    return FeatureType.STRING


def _stats(key: str, type_: FeatureType, options: InferOptions) -> list[pl.Expr]:
    """The statistics of one column, as expressions for the one select over the typed frame."""
    column = pl.col(key)
    # NaN and infinity are left out of the distribution (as profiles do): they are no value to compare.
    present = column.filter(column.is_finite()) if type_ is FeatureType.FLOAT else column
    exprs = [column.null_count().alias("nulls"), present.count().alias("present")]
    if type_ in (FeatureType.INT, FeatureType.FLOAT):
        exprs += [present.min().alias("min"), present.max().alias("max")]
    if type_ is FeatureType.FLOAT:
        exprs += [column.is_nan().sum().alias("nan"), (column == math.inf).sum().alias("pos_inf")]
        exprs += [(column == -math.inf).sum().alias("neg_inf")]
    if type_ is FeatureType.STRING:
        values = column.drop_nulls().alias("value")
        # Only categories need counts, and they have at most max_categories values: all of them fit.
        counts = values.value_counts(sort=True, name="n").head(options.max_categories).implode()
        exprs += [values.n_unique().alias("distinct"), counts.alias("counts")]
    return exprs


def _feature(
    column: _Column, type_: FeatureType, stats: dict[str, Any], rows: int, options: InferOptions
) -> tuple[Feature, list[str]]:
    """The feature, and the judgement calls made on it, one line each (`judgements`)."""
    nullable = stats["nulls"] / rows > options.nullable_tolerance
    tolerated = not nullable and options.nullable_tolerance > 0
    # Rounded so the file says 0.99, not 0.9900000000000001; validation allows 1e-12 of slack.
    rules = {"nullable": Rule(mostly=round(1 - options.nullable_tolerance, 12))} if tolerated else {}
    low, high = _bounds(type_, stats, options)
    calls = []
    calendar = judgements.calendar_bounds(column.name, low, high) if type_ is FeatureType.INT else None
    if calendar is not None:
        low, high, note = calendar
        calls += [note] if note else []
    kind: tuple[FeatureType, tuple[str, ...] | None, Role] = (type_, None, Role.FEATURE)
    if type_ is FeatureType.STRING:
        kind = _string_kind(column.name, stats, options, calls)
    type_, values, role = kind
    timestamp = type_.is_temporal and judgements.is_timestamp_name(column.name) and not options.timestamp_drift
    compared = stats["present"] > 0 and not timestamp  # with no values the drift gate could only error
    if timestamp:
        calls.append(f"{column.name}: a timestamp ({type_} named as one): drift: false, time moves on")
    elif type_.is_temporal and compared:
        calls.append(f"{column.name}: a {type_} not named as a timestamp: drift-checked; if it is one, drift: false")
    path = column.path if len(column.path) > 1 else ()
    feature = Feature(
        name=column.name,
        type=type_,
        nullable=nullable,
        min=low,
        max=high,
        values=values,
        role=role,
        drift=Defaults().gate_for(type_.kind) if compared else None,
        serving_path=path,
        training_path=path,
        allow_nan=stats.get("nan", 0) > 0,
        allow_inf=stats.get("pos_inf", 0) + stats.get("neg_inf", 0) > 0,
        rules=rules,
    )
    return feature, calls


def _bounds(type_: FeatureType, stats: dict[str, Any], options: InferOptions) -> tuple[float | None, float | None]:
    """min / max every value satisfies; none for dates (time moves on) or, unless asked, for mixed signs."""
    if type_ not in (FeatureType.INT, FeatureType.FLOAT) or stats["min"] is None:
        return None, None
    low, high, neg_inf, pos_inf = stats["min"], stats["max"], stats.get("neg_inf", 0), stats.get("pos_inf", 0)
    if (low < 0 or neg_inf) and (high > 0 or pos_inf) and not options.signed_bounds:
        return None, None
    margin = options.range_margin * (high - low)
    margin = math.ceil(margin) if type_ is FeatureType.INT else margin  # int arithmetic stays exact
    wide_low, wide_high = (low - margin, high + margin) if math.isfinite(margin) else (low, high)
    # A count stays a count: widening never takes a non-negative column below zero (nor the reverse).
    wide_low, wide_high = max(wide_low, 0) if low >= 0 else wide_low, min(wide_high, 0) if high <= 0 else wide_high
    # -inf is below any min and +inf above any max (NaN is no range's business: the nan check has it);
    # a margin past the largest float leaves that side unbounded rather than writing .inf.
    low_holds = not neg_inf and math.isfinite(float(wide_low))
    high_holds = not pos_inf and math.isfinite(float(wide_high))
    return _as_float(wide_low, -math.inf) if low_holds else None, _as_float(wide_high, math.inf) if high_holds else None


def _as_float(value: float, outward: float) -> float:
    """The float nearest `value`, stepping outward if rounding moved it inward: the loader reads bounds as floats."""
    result = float(value)  # compared below with the exact int: Python compares int and float exactly
    moved_inward = result < value if outward > 0 else result > value
    return math.nextafter(result, outward) if moved_inward else result


def _string_kind(
    name: str, stats: dict[str, Any], options: InferOptions, calls: list[str]
) -> tuple[FeatureType, tuple[str, ...] | None, Role]:
    distinct, present = stats["distinct"], stats["present"]
    counts = sorted((-row["n"], row["value"]) for row in stats["counts"])  # ties in value order: deterministic
    if present > options.max_categories and distinct >= KEY_UNIQUE_SHARE * present:
        calls.append(f"{name}: an id (role: key): {distinct / present:.1%} of its values distinct; never drift-checked")
        return FeatureType.STRING, None, Role.KEY
    counted = [(value, -n) for n, value in counts]
    category, note = judgements.category_call(
        name, counted, distinct, options.max_categories, options.min_category_count
    )
    calls += [note] if note else []
    if category:
        return FeatureType.CATEGORY, tuple(value for value, _ in counted), Role.FEATURE
    return FeatureType.STRING, None, Role.FEATURE
