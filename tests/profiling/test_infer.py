"""skewcheck.profiling.infer: types, serving logs, errors, and `check DATA DATA` on what infer wrote."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skewcheck.errors import InputError, UsageError
from skewcheck.io.sources import InputFormat
from skewcheck.profiling.infer import InferOptions, infer, infer_schema
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Defaults, FeatureType
from tests.helpers import FIXTURES
from tests.profiling.infer_helpers import (
    HOSTILE,
    PINNED_EPOCH,
    assert_checks_itself,
    declared,
    inferred,
    write,
)


@pytest.fixture(autouse=True)
def _pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)


# Types


def test_types_come_from_the_stored_types(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "i": pl.Series([1, 2], dtype=pl.Int32),
            "f": [1.0, 2.0],  # whole numbers stored as float stay float: the model saw floats
            "b": [True, False],
            "s": ["a", "b"],
            "t": [dt.datetime(2024, 1, 1, 10), dt.datetime(2024, 1, 2)],
            "d": [dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
            "huge": pl.Series([2**64 - 1, 1], dtype=pl.UInt64),  # past int64: readable only as float
            "c": pl.Series(["x", "y"], dtype=pl.Categorical),
            "tags": [["a"], ["b"]],
        }
    )
    _, schema, schema_path = inferred(write(frame, tmp_path / "data.parquet"))
    assert {f.name: f.type for f in schema.features} == {
        "i": FeatureType.INT,
        "f": FeatureType.FLOAT,
        "b": FeatureType.BOOL,
        "s": FeatureType.STRING,
        "t": FeatureType.DATETIME,
        "d": FeatureType.DATE,
        "huge": FeatureType.FLOAT,
        "c": FeatureType.STRING,
    }
    assert_checks_itself(tmp_path / "data.parquet", schema_path)


def test_csv_text_is_typed_by_its_values(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text(
        "i,f,whole,b,d,t,zip,mixed,nothing,y\n"
        "1,1.5,1.0,true,2024-01-01,2024-01-01T10:00:00,007,1,,1e3\n"
        "-2,2,2.0,False,2024-02-01,2024-01-02T11:30:00,123,a,,NO\n"
    )
    _, schema, schema_path = inferred(data)
    assert {f.name: f.type for f in schema.features} == {
        "i": FeatureType.INT,
        "f": FeatureType.FLOAT,
        "whole": FeatureType.FLOAT,
        "b": FeatureType.BOOL,
        "d": FeatureType.DATE,
        "t": FeatureType.DATETIME,
        "zip": FeatureType.STRING,
        "mixed": FeatureType.STRING,
        "nothing": FeatureType.STRING,
        "y": FeatureType.STRING,
    }
    assert_checks_itself(data, schema_path)


def test_json_strings_become_dates_only_when_they_are_iso(tmp_path: Path) -> None:
    data = tmp_path / "log.jsonl"
    lines = [
        {"at": f"2024-01-0{i}T10:00:00Z", "day": f"2024-01-0{i}", "rating": "4.7", "code": f"2024010{i}"}
        for i in range(1, 6)
    ]
    data.write_text("".join(json.dumps(line) + "\n" for line in lines))
    _, schema, schema_path = inferred(data)
    assert [f.type for f in schema.features] == [
        FeatureType.DATETIME,
        FeatureType.DATE,
        FeatureType.CATEGORY,
        FeatureType.STRING,
    ]
    assert_checks_itself(data, schema_path)


def test_hive_folder_values_are_typed_like_csv_text(tmp_path: Path) -> None:
    for day in ("2024-01-01", "2024-01-02"):
        folder = tmp_path / "data" / f"date={day}" / "shard=07"
        folder.mkdir(parents=True)
        write(pl.DataFrame({"x": [1.5, 2.5]}), folder / "part.parquet")
    _, schema, schema_path = inferred(tmp_path / "data")
    assert [(f.name, f.type, f.drift) for f in schema.features] == [
        ("x", FeatureType.FLOAT, Defaults().numeric),
        ("date", FeatureType.DATE, None),
        ("shard", FeatureType.STRING, Defaults().categorical),  # 07: a code, not a number
    ]
    assert_checks_itself(tmp_path / "data", schema_path)


def test_the_format_can_be_named_for_a_file_whose_name_does_not_say(tmp_path: Path) -> None:
    data = tmp_path / "export.txt"
    data.write_text("n\n1\n2\n")
    text, _, schema_path = inferred(data, source_format=InputFormat.CSV)
    assert "(csv, 2 rows)" in text
    assert declared(text) == {"n": {"type": "int", "nullable": False, "min": 1, "max": 2}}
    assert_checks_itself(data, schema_path, InputFormat.CSV)
    with pytest.raises(InputError, match="cannot tell the format"):
        infer_schema(str(data))


def test_other_stored_types(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "price": pl.Series(["1.25", "3.50"] * 5).str.to_decimal(scale=2),
            "opens": [dt.time(9), dt.time(10)] * 5,
            "color": pl.Series(["red", "blue"] * 5, dtype=pl.Enum(["red", "blue"])),
        }
    )
    text, schema, _ = inferred(write(frame, tmp_path / "data.parquet"))
    assert [(f.name, f.type, f.values) for f in schema.features] == [
        ("price", FeatureType.FLOAT, None),
        ("color", FeatureType.CATEGORY, ("blue", "red")),
    ]
    assert "# Not inferred (no schema type fits): opens (Time)\n" in text


# Serving logs


def test_a_serving_log_gives_paths_into_nested_objects(tmp_path: Path) -> None:
    data = tmp_path / "log.jsonl.gz"
    records = [
        {"request_id": f"r{i}", "user": {"age": 30 + i % 3}, "features": {"age": 31, "country": "NO"}} for i in range(6)
    ]
    data.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    text, schema, schema_path = inferred(data, serving=True)
    assert [(f.name, f.serving_path, f.training_path) for f in schema.features] == [
        ("request_id", (), ()),
        ("user.age", ("user", "age"), ("user", "age")),  # two fields named age: each named by its path
        ("features.age", ("features", "age"), ("features", "age")),
        ("country", ("features", "country"), ("features", "country")),
    ]
    assert declared(text)["country"]["serving_path"] == "features.country"
    assert_checks_itself(data, schema_path)

    text, schema, _ = inferred(data)
    assert [f.name for f in schema.features] == ["request_id"]
    assert "# Not inferred (no schema type fits): user (Struct({'age': Int64})), features (Struct(" in text


# Errors


def test_unreadable_input_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    (tmp_path / "header.csv").write_text("a,b\n")
    write(pl.DataFrame({"tags": [["a"]]}), tmp_path / "lists.parquet")
    with pytest.raises(InputError, match=r"broken\.parquet"):
        infer_schema(str(tmp_path / "broken.parquet"))
    with pytest.raises(InputError, match="no rows"):
        infer_schema(str(tmp_path / "header.csv"))
    with pytest.raises(InputError, match=r"no column .*\(tags \(List"):
        infer_schema(str(tmp_path / "lists.parquet"))
    with pytest.raises(InputError, match="no such file"):
        infer_schema(str(tmp_path / "missing.parquet"))


@pytest.mark.parametrize(
    "options",
    [{"max_categories": 0}, {"min_category_count": 0}, {"range_margin": -0.1}, {"nullable_tolerance": 1.0}],
)
def test_options_are_checked(options: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        InferOptions(**options)


# check DATA DATA passes on what infer wrote


def test_the_fixtures_check_against_themselves(tmp_path: Path) -> None:
    for data, options in ((FIXTURES / "train.parquet", {}), (FIXTURES / "serving.jsonl.gz", {"serving": True})):
        text = infer_schema(str(data), InferOptions(**options))
        schema_path = tmp_path / f"{data.name}.yaml"
        schema_path.write_text(text)
        assert load_schema(schema_path).features == infer(str(data), InferOptions(**options)).features
        assert_checks_itself(data, schema_path)
    training = declared((tmp_path / "train.parquet.yaml").read_text())
    assert training["request_id"]["role"] == "key"
    assert training["order_ts"]["drift"] is False
    assert training["city"]["values"] == ["Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt"]
    serving = declared((tmp_path / "serving.jsonl.gz.yaml").read_text())
    assert serving["distance_km"]["serving_path"] == "features.distance_km"
    assert serving["ts"] == {"type": "datetime", "nullable": False, "drift": False}


def _column(draw: st.DrawFn, rows: int, values: st.SearchStrategy[Any], dtype: pl.DataType) -> pl.Series:
    return pl.Series(draw(st.lists(st.none() | values, min_size=rows, max_size=rows)), dtype=dtype)


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    rows = draw(st.integers(1, 30))
    text = st.text(st.characters(exclude_categories=("Cs",)), max_size=6)
    times = st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31))
    return pl.DataFrame(
        [
            _column(draw, rows, st.integers(-(2**63), 2**63 - 1), pl.Int64()).alias("i"),
            _column(draw, rows, st.integers(0, 3), pl.Int64()).alias("small"),
            _column(draw, rows, st.floats(allow_nan=True, allow_infinity=True), pl.Float64()).alias("f"),
            _column(draw, rows, st.booleans(), pl.Boolean()).alias("b"),
            _column(draw, rows, st.sampled_from(HOSTILE[:4]), pl.String()).alias("cat"),
            _column(draw, rows, st.sampled_from(HOSTILE) | text, pl.String()).alias("s"),
            _column(draw, rows, times, pl.Datetime("us")).alias("created_at"),
            _column(draw, rows, times, pl.Datetime("us")).alias("seen"),
            _column(draw, rows, st.dates(), pl.Date()).alias("d"),
        ]
    )


# profiles' standard deviation of floats near the float maximum overflows numpy's square; harmless here.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@settings(max_examples=40, deadline=None)
@given(
    frame=frames(),
    suffix=st.sampled_from([".parquet", ".csv", ".jsonl"]),
    options=st.fixed_dictionaries(
        {
            "range_margin": st.sampled_from([0.0, 0.1]),
            "signed_bounds": st.booleans(),
            "nullable_tolerance": st.sampled_from([0.0, 0.2]),
            "min_category_count": st.integers(1, 3),
        }
    ),
)
def test_any_data_checks_against_the_schema_inferred_from_it(
    frame: pl.DataFrame, suffix: str, options: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = write(frame, Path(folder) / f"data{suffix}")
        text, _, schema_path = inferred(data, **options)
        assert infer_schema(str(data), InferOptions(**options)) == text
        assert_checks_itself(data, schema_path)


def test_a_margin_past_the_largest_float_leaves_that_side_unbounded(tmp_path: Path) -> None:
    """Widening 1.7e308 by half the range would overflow to infinity, which no schema may say."""
    data = write(pl.DataFrame({"x": [1.0, 1.7e308]}), tmp_path / "data.parquet")
    text, _, schema_path = inferred(data, range_margin=0.5)
    assert declared(text)["x"] == {"type": "float", "nullable": False, "min": 0.0}
    assert_checks_itself(data, schema_path)
