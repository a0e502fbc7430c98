"""Reading a column as its declared type: what reads, what does not, and what it was stored as."""

from __future__ import annotations

import datetime as dt

import polars as pl

from skewcheck.io.coerce import coerce
from skewcheck.schema.model import FeatureType


class TestInt:
    def test_ints_read_as_they_are(self) -> None:
        result = coerce(pl.Series("a", [1, None, 3]), FeatureType.INT)
        assert result.values.to_list() == [1, None, 3]
        assert result.unreadable.to_list() == [False, False, False]
        assert result.stored_as is None

    def test_fractional_floats_are_unreadable_whole_ones_read(self) -> None:
        """34.57 where int is declared is a type error; 34.0 is the int 34 stored as float."""
        result = coerce(pl.Series("a", [34.0, 34.57, None, float("nan")]), FeatureType.INT)
        assert result.values.to_list() == [34, None, None, None]
        assert result.unreadable.to_list() == [False, True, False, True]
        assert result.stored_as == "float"

    def test_strings(self) -> None:
        result = coerce(pl.Series("a", ["12", " 7 ", "12.5", "abc", "3.0"]), FeatureType.INT)
        assert result.values.to_list() == [12, 7, None, None, 3]
        assert result.unreadable.to_list() == [False, False, True, True, False]
        assert result.stored_as == "string"


class TestFloat:
    def test_ints_are_floats_without_complaint(self) -> None:
        result = coerce(pl.Series("a", [1, 2]), FeatureType.FLOAT)
        assert result.values.dtype == pl.Float64
        assert result.stored_as is None

    def test_numeric_strings_read_and_say_so(self) -> None:
        result = coerce(pl.Series("a", ["12.5", "1e3", "abc", None]), FeatureType.FLOAT)
        assert result.values.to_list() == [12.5, 1000.0, None, None]
        assert result.unreadable.to_list() == [False, False, True, False]
        assert result.stored_as == "string"

    def test_booleans_are_not_floats(self) -> None:
        result = coerce(pl.Series("a", [True, False]), FeatureType.FLOAT)
        assert result.unreadable.all()


class TestBool:
    def test_words_and_digits(self) -> None:
        result = coerce(pl.Series("a", ["true", "False", " 1", "0", "yes", None]), FeatureType.BOOL)
        assert result.values.to_list() == [True, False, True, False, None, None]
        assert result.unreadable.to_list() == [False, False, False, False, True, False]

    def test_zero_one_integers(self) -> None:
        result = coerce(pl.Series("a", [0, 1, 2]), FeatureType.BOOL)
        assert result.values.to_list() == [False, True, None]
        assert result.stored_as == "int"


class TestStrings:
    def test_numbers_in_a_category_read_as_text_and_say_so(self) -> None:
        result = coerce(pl.Series("a", [12, 7]), FeatureType.CATEGORY)
        assert result.values.to_list() == ["12", "7"]
        assert result.stored_as == "int"

    def test_categorical_dtype_is_a_string(self) -> None:
        result = coerce(pl.Series("a", ["x", "y"], dtype=pl.Categorical), FeatureType.CATEGORY)
        assert result.values.to_list() == ["x", "y"]
        assert result.stored_as is None

    def test_nested_values_are_unreadable(self) -> None:
        result = coerce(pl.Series("a", [{"x": 1}, {"x": 2}]), FeatureType.STRING)
        assert result.unreadable.all()


class TestTemporal:
    def test_iso_strings_with_offsets_become_naive_utc(self) -> None:
        result = coerce(pl.Series("t", ["2026-01-01T10:00:00Z", "2026-01-01T12:00:00Z"]), FeatureType.DATETIME)
        assert result.values.to_list() == [dt.datetime(2026, 1, 1, 10), dt.datetime(2026, 1, 1, 12)]
        assert result.values.dtype == pl.Datetime("us")

    def test_unparseable_strings_are_unreadable(self) -> None:
        result = coerce(pl.Series("t", ["2026-01-01 10:00:00", "soon"]), FeatureType.DATETIME)
        assert result.values.to_list() == [dt.datetime(2026, 1, 1, 10), None]
        assert result.unreadable.to_list() == [False, True]

    def test_timezone_aware_datetimes_convert_to_utc(self) -> None:
        aware = pl.Series("t", [dt.datetime(2026, 1, 1, 12)]).dt.replace_time_zone("Europe/Berlin")
        assert coerce(aware, FeatureType.DATETIME).values.to_list() == [dt.datetime(2026, 1, 1, 11)]

    def test_dates_from_strings_and_datetimes(self) -> None:
        from_text = coerce(pl.Series("d", ["2026-03-01", "nope"]), FeatureType.DATE)
        assert from_text.values.to_list() == [dt.date(2026, 3, 1), None]
        from_datetime = coerce(pl.Series("d", [dt.datetime(2026, 3, 1, 23, 59)]), FeatureType.DATE)
        assert from_datetime.values.to_list() == [dt.date(2026, 3, 1)]

    def test_numbers_are_not_datetimes(self) -> None:
        """An epoch integer could mean seconds or milliseconds: refuse to guess."""
        assert coerce(pl.Series("t", [1_700_000_000]), FeatureType.DATETIME).unreadable.all()


class TestCalendar:
    def test_datetimes_past_year_9999_are_unreadable_not_a_crash(self) -> None:
        """Epoch microseconds of year ~20,000 (a garbage timestamp) and the last microsecond of 9999."""
        last = dt.datetime(9999, 12, 31, 23, 59, 59, 999_999)
        garbage = pl.Series("t", [570_000_000_000_000_000], dtype=pl.Int64).cast(pl.Datetime("us"))
        raw = pl.Series("t", [last, None]).append(garbage)
        result = coerce(raw, FeatureType.DATETIME)
        assert result.values.to_list() == [last, None, None]
        assert result.unreadable.to_list() == [False, False, True]

    def test_dates_past_year_9999_are_unreadable(self) -> None:
        raw = pl.Series("d", [dt.date(9999, 12, 31)]).append(pl.Series("d", [3_000_000], dtype=pl.Int32).cast(pl.Date))
        result = coerce(raw, FeatureType.DATE)
        assert result.values.to_list() == [dt.date(9999, 12, 31), None]
        assert result.unreadable.to_list() == [False, True]
