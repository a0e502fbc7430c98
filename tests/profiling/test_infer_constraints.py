"""skewcheck.profiling.infer: the constraints it declares (categories, keys, drift, nulls, bounds) on small frames."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from skewcheck.schema.model import Defaults, FeatureType, Role, Rule
from tests.profiling.infer_helpers import (
    PINNED_EPOCH,
    assert_checks_itself,
    declared,
    inferred,
    one,
    write,
)


@pytest.fixture(autouse=True)
def _pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)


# Categories and keys


def test_few_frequent_strings_are_a_category_most_frequent_first(tmp_path: Path) -> None:
    feature = one(tmp_path, ["b"] * 7 + ["c"] * 9 + ["a"] * 7 + [None])
    assert feature.type is FeatureType.CATEGORY
    assert feature.values == ("c", "a", "b")  # equal counts in value order, so the file is stable


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, FeatureType.CATEGORY),
        ({"min_category_count": 6}, FeatureType.CATEGORY),  # 'rare' is seen 5 times only: one rare value may be
        ({"min_category_count": 9}, FeatureType.STRING),  # 'b' and 'rare' both rare: two of three values
        ({"max_categories": 3}, FeatureType.CATEGORY),
        ({"max_categories": 2}, FeatureType.STRING),
    ],
)
def test_category_thresholds(tmp_path: Path, options: dict[str, int], expected: FeatureType) -> None:
    feature = one(tmp_path, ["a"] * 10 + ["b"] * 8 + ["rare"] * 5, **options)
    assert feature.type is expected
    assert (feature.values is not None) is (expected is FeatureType.CATEGORY)


@pytest.mark.parametrize(
    ("distinct", "rows", "role"),
    [(200, 200, Role.KEY), (198, 200, Role.KEY), (150, 200, Role.FEATURE), (40, 40, Role.FEATURE)],
)
def test_nearly_unique_strings_are_keys(tmp_path: Path, distinct: int, rows: int, role: Role) -> None:
    ids = [f"id-{i % distinct:05d}" for i in range(rows)]
    feature = one(tmp_path, ids)
    assert (feature.type, feature.role) == (FeatureType.STRING, role)


# Drift


@pytest.mark.parametrize("name", ["ts", "timestamp", "created_at", "event_time", "order_ts", "date", "createdAt"])
def test_timestamp_named_datetimes_are_not_drift_checked(tmp_path: Path, name: str) -> None:
    times = [dt.datetime(2024, 1, 1) + dt.timedelta(hours=i) for i in range(10)]
    assert one(tmp_path, times, name=name).drift is None
    assert one(tmp_path, times, name=name, timestamp_drift=True).drift == Defaults().numeric


@pytest.mark.parametrize("name", ["birthday", "start", "format"])
def test_other_datetimes_are_drift_checked(tmp_path: Path, name: str) -> None:
    assert one(tmp_path, [dt.date(2024, 1, 1), dt.date(1990, 5, 6)], name=name).drift == Defaults().numeric


def test_columns_with_no_value_to_compare_are_not_drift_checked(tmp_path: Path) -> None:
    assert one(tmp_path, [None, None], dtype=pl.String).drift is None
    assert one(tmp_path, [math.nan, math.inf, None]).drift is None
    assert one(tmp_path, [math.nan, 1.0]).drift == Defaults().numeric


# Nulls


@pytest.mark.parametrize(
    ("nulls", "tolerance", "nullable", "rules"),
    [
        (0, 0.0, False, {}),
        (1, 0.0, True, {}),
        (5, 0.1, False, {"nullable": Rule(mostly=0.9)}),  # 5% nulls within a 10% tolerance
        (0, 0.1, False, {"nullable": Rule(mostly=0.9)}),
        (11, 0.1, True, {}),
    ],
)
def test_nullable_from_the_null_rate(
    tmp_path: Path, nulls: int, tolerance: float, nullable: bool, rules: dict[str, Rule]
) -> None:
    feature = one(tmp_path, [None] * nulls + [1] * (100 - nulls), dtype=pl.Int64, nullable_tolerance=tolerance)
    assert (feature.nullable, dict(feature.rules)) == (nullable, rules)


def test_nullable_tolerance_is_written_as_mostly(tmp_path: Path) -> None:
    data = write(pl.DataFrame({"x": [None] + [1] * 99}), tmp_path / "data.parquet")
    text, _, _ = inferred(data, nullable_tolerance=0.01)
    assert "    nullable: {value: false, mostly: 0.99}\n" in text


# Bounds


@pytest.mark.parametrize(
    ("values", "options", "bounds"),
    [
        ([0, 5, 10], {}, (0, 10)),
        ([-10, -5, -1], {}, (-10, -1)),
        ([-1, 5], {}, (None, None)),  # both signs: no invented bounds
        ([-1, 5], {"signed_bounds": True}, (-1, 5)),
        ([-1, 5], {"signed_bounds": True, "range_margin": 0.5}, (-4, 8)),
        ([2, 12], {"range_margin": 0.1}, (1, 13)),
        ([2, 12], {"range_margin": 0.5}, (0, 17)),  # widening stops at zero
        ([-12, -2], {"range_margin": 0.5}, (-17, 0)),
        ([2, 5], {"range_margin": 0.1}, (1, 6)),  # int bounds widen to whole numbers
        ([7, 7], {"range_margin": 0.5}, (7, 7)),
    ],
)
def test_int_bounds(tmp_path: Path, values: list[int], options: dict[str, Any], bounds: tuple[Any, Any]) -> None:
    feature = one(tmp_path, values, **options)
    assert (feature.min, feature.max) == bounds


def test_bounds_are_written_as_the_type_reads_them(tmp_path: Path) -> None:
    frame = pl.DataFrame({"n": [1, 3], "x": [0.1, 0.25], "when": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]})
    text, _, _ = inferred(write(frame, tmp_path / "data.parquet"), range_margin=0.1)
    assert declared(text)["n"] == {"type": "int", "nullable": False, "min": 0, "max": 4}
    assert declared(text)["x"] == {"type": "float", "nullable": False, "min": 0.085, "max": 0.265}
    assert declared(text)["when"] == {"type": "date", "nullable": False}  # time moves on: no date range


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.5, math.nan, 2.0], {"min": 1.5, "max": 2.0, "allow_nan": True}),  # NaN is the nan check's, not max's
        ([1.5, math.inf, 2.0], {"min": 1.5, "allow_inf": True}),
        ([-math.inf, -1.5, -2.0], {"max": -1.5, "allow_inf": True}),
        ([-1.5, math.nan], {"min": -1.5, "max": -1.5, "allow_nan": True}),
        ([-math.inf, 1.5, 2.0], {"allow_inf": True}),  # -inf is a negative value: both signs, no bounds
    ],
)
def test_floats_allow_the_nan_and_infinity_they_hold(
    tmp_path: Path, values: list[float], expected: dict[str, Any]
) -> None:
    data = write(pl.DataFrame({"x": values}), tmp_path / "data.parquet")
    text, _, schema_path = inferred(data)
    assert declared(text)["x"] == {"type": "float", "nullable": False, **expected}
    assert_checks_itself(data, schema_path)


def test_bounds_of_huge_ints_hold_after_the_loader_reads_them_as_floats(tmp_path: Path) -> None:
    # float(2**53 + 3) rounds up and float(2**53 + 5) down: the bounds must step outward instead.
    feature = one(tmp_path, [2**53 + 3, 2**53 + 5])
    assert (feature.min, feature.max) == (2.0**53 + 2, 2.0**53 + 6)
    feature = one(tmp_path, [-(2**53) - 5, -(2**53) - 3])
    assert (feature.min, feature.max) == (-(2.0**53) - 6, -(2.0**53) - 2)
    feature = one(tmp_path, [-(2**63), 2**63 - 1], signed_bounds=True)
    assert (feature.min, feature.max) == (-(2.0**63), 2.0**63)
