"""Read a column as its declared type, keeping track of what could not be read.

A column arrives with whatever type its file gave it: CSV gives text, a JSON log may give
the string "12.5" for a float, a Parquet export may give float64 for an int. `coerce`
returns the values as the declared type (null where a value cannot be read as it) and,
when every value could be read but the column was stored as something else, the type
it was stored as: the model saw that type, which is worth a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from skewcheck.schema.model import FeatureType

# The polars type each declared type is compared and profiled in.
POLARS_TYPES: dict[FeatureType, pl.DataType] = {
    FeatureType.INT: pl.Int64(),
    FeatureType.FLOAT: pl.Float64(),
    FeatureType.BOOL: pl.Boolean(),
    FeatureType.STRING: pl.String(),
    FeatureType.CATEGORY: pl.String(),
    FeatureType.DATETIME: pl.Datetime("us"),
    FeatureType.DATE: pl.Date(),
}

_BOOL_WORDS = {"true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True)
class Coerced:
    values: pl.Series
    """The column as the declared type; null where the raw value was null or unreadable."""
    unreadable: pl.Series
    """True where a raw value was present but could not be read as the declared type."""
    stored_as: str | None
    """The stored type, when it is not the declared one (None when it is, or untyped)."""


def coerce(raw: pl.Series, declared: FeatureType) -> Coerced:
    """The raw column read as `declared`."""
    # Dictionary-encoded text (pandas categories, Arrow dictionaries) is text: convert once, here.
    text_like = raw.dtype == pl.Categorical or isinstance(raw.dtype, pl.Enum)
    values = _CONVERTERS[declared](raw.cast(pl.String) if text_like else raw)
    if declared.is_temporal:
        values = _within_calendar(values)
    unreadable = raw.is_not_null() & values.is_null()
    return Coerced(values=values.alias(raw.name), unreadable=unreadable, stored_as=_stored_as(raw.dtype, declared))


def stored_type_name(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        return "string"
    if dtype == pl.Boolean:
        return "bool"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Date:
        return "date"
    return str(dtype).lower()


def _stored_as(dtype: pl.DataType, declared: FeatureType) -> str | None:
    stored = stored_type_name(dtype)
    natural = {
        FeatureType.INT: {"int"},
        FeatureType.FLOAT: {"int", "float"},
        FeatureType.BOOL: {"bool"},
        FeatureType.STRING: {"string"},
        FeatureType.CATEGORY: {"string"},
        FeatureType.DATETIME: {"datetime", "date"},
        FeatureType.DATE: {"date"},
    }[declared]
    return None if stored in natural else stored


def _within_calendar(values: pl.Series) -> pl.Series:
    # Years past 9999 (a garbage date) cannot be shown or compared by Python: unreadable, not a crash.
    # Compared with the calendar's bounds, not by extracting each value's year: ten times faster.
    low, high = _CALENDAR[values.dtype == pl.Date]
    outside = ((values < low) | (values > high)).fill_null(False)
    if not outside.any():
        return values
    return pl.select(pl.when(outside).then(None).otherwise(values)).to_series().alias(values.name)


_CALENDAR = {
    False: (dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59, 999_999)),
    True: (dt.date(1, 1, 1), dt.date(9999, 12, 31)),
}


def _is_scalar(raw: pl.Series) -> bool:
    return not isinstance(raw.dtype, pl.Struct | pl.List | pl.Array | pl.Object)


def _nulls(raw: pl.Series, declared: FeatureType) -> pl.Series:
    return pl.Series(raw.name, [None] * raw.len(), dtype=POLARS_TYPES[declared])


def _to_float(raw: pl.Series) -> pl.Series:
    if raw.dtype.is_numeric():
        return raw.cast(pl.Float64)
    if raw.dtype == pl.String:
        return raw.str.strip_chars().cast(pl.Float64, strict=False)
    return _nulls(raw, FeatureType.FLOAT)


def _to_int(raw: pl.Series) -> pl.Series:
    if raw.dtype.is_integer():
        return raw.cast(pl.Int64, strict=False)
    as_float = _to_float(raw)
    # 34.57 where int is declared is unreadable; 34.0 reads as 34.
    whole = as_float.is_finite() & (as_float == as_float.floor()) & (as_float.abs() < 2.0**63)
    from_float = pl.select(pl.when(whole).then(as_float).otherwise(None).cast(pl.Int64)).to_series()
    if raw.dtype != pl.String:
        return from_float
    # Digits read exactly: an id above 2**53 must not be rounded through a float.
    exact = raw.str.strip_chars().cast(pl.Int64, strict=False)
    return exact.fill_null(from_float)


def _to_bool(raw: pl.Series) -> pl.Series:
    if raw.dtype == pl.Boolean:
        return raw
    if raw.dtype.is_integer():
        return raw.replace_strict({1: True, 0: False}, default=None, return_dtype=pl.Boolean)
    if raw.dtype == pl.String:
        words = raw.str.strip_chars().str.to_lowercase()
        return words.replace_strict(_BOOL_WORDS, default=None, return_dtype=pl.Boolean)
    return _nulls(raw, FeatureType.BOOL)


def _to_string(raw: pl.Series) -> pl.Series:
    if raw.dtype == pl.String:
        return raw
    if _is_scalar(raw) and not raw.dtype.is_temporal():
        return raw.cast(pl.String)
    return _nulls(raw, FeatureType.STRING)


def _to_datetime(raw: pl.Series) -> pl.Series:
    if isinstance(raw.dtype, pl.Datetime):
        values = raw
    elif raw.dtype == pl.Date:
        values = raw.cast(pl.Datetime("us"))
    elif raw.dtype == pl.String:
        values = _parse_datetimes(raw.str.strip_chars())
    else:
        return _nulls(raw, FeatureType.DATETIME)
    return _naive_utc(values).cast(pl.Datetime("us"))


def _to_date(raw: pl.Series) -> pl.Series:
    if raw.dtype == pl.Date:
        return raw
    if isinstance(raw.dtype, pl.Datetime) or raw.dtype == pl.String:
        return _to_datetime(raw).dt.date()
    return _nulls(raw, FeatureType.DATE)


def _parse_datetimes(text: pl.Series) -> pl.Series:
    try:
        return text.str.to_datetime(time_unit="us", strict=False)
    except pl.exceptions.PolarsError:
        # No format fits the first values at all: nothing here reads as a datetime.
        return pl.Series(text.name, [None] * text.len(), dtype=pl.Datetime("us"))


def _naive_utc(values: pl.Series) -> pl.Series:
    dtype = values.dtype
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return values.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return values


_CONVERTERS: dict[FeatureType, Callable[[pl.Series], pl.Series]] = {
    FeatureType.INT: _to_int,
    FeatureType.FLOAT: _to_float,
    FeatureType.BOOL: _to_bool,
    FeatureType.STRING: _to_string,
    FeatureType.CATEGORY: _to_string,
    FeatureType.DATETIME: _to_datetime,
    FeatureType.DATE: _to_date,
}
