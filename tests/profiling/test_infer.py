"""skewcheck.profiling.infer: every inference rule on small frames, the YAML it writes, and `check DATA DATA`."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from skewcheck.audit.run import Options, run
from skewcheck.errors import InputError, UsageError
from skewcheck.io.read import InputFormat
from skewcheck.profiling.infer import InferOptions, infer, infer_schema
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Defaults, Feature, FeatureType, Role, Rule, Schema
from tests.helpers import FIXTURES

PINNED_EPOCH = "1767312000"  # 2026-01-02T00:00:00Z
PINNED_DATE = "2026-01-02"


@pytest.fixture(autouse=True)
def _pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)


def write(frame: pl.DataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame.write_parquet(path)
    elif path.suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_ndjson(path)
    return path


def inferred(data: Path, **options: Any) -> tuple[str, Schema, Path]:
    """The YAML inferred from `data`, the Schema it loads as (checked equal to the inferred features), its path."""
    text = infer_schema(str(data), InferOptions(**options))
    schema_path = data.parent / f"{data.name}.schema.yaml"
    schema_path.write_text(text, encoding="utf-8")
    schema = load_schema(schema_path)
    assert schema.features == infer(str(data), InferOptions(**options)).features
    return text, schema, schema_path


def declared(text: str) -> dict[str, Any]:
    """What the file says about each feature, as plain YAML."""
    features: dict[str, Any] = yaml.safe_load(text)["features"]
    return features


def assert_checks_itself(data: Path, schema_path: Path, fmt: InputFormat | None = None) -> None:
    report = run(str(data), str(data), schema_path, Options(train_format=fmt, serving_format=fmt))
    problems = [(f.feature, f.check, f.message) for f in report.findings if f.severity != "info"]
    problems += [(f.name, f.status, f.reasons) for f in report.features if f.status in ("fail", "error")]
    assert report.exit_code == 0, problems


def one(tmp_path: Path, values: list[Any], dtype: Any = None, name: str = "x", **options: Any) -> Feature:
    """The feature inferred from a single Parquet column."""
    data = write(pl.DataFrame({name: pl.Series(values, dtype=dtype)}), tmp_path / "data.parquet")
    _, schema, schema_path = inferred(data, **options)
    assert_checks_itself(data, schema_path)
    return schema.features[0]


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
        "i": FeatureType.INT, "f": FeatureType.FLOAT, "b": FeatureType.BOOL, "s": FeatureType.STRING,
        "t": FeatureType.DATETIME, "d": FeatureType.DATE, "huge": FeatureType.FLOAT, "c": FeatureType.STRING,
    }  # fmt: skip
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
        "i": FeatureType.INT, "f": FeatureType.FLOAT, "whole": FeatureType.FLOAT, "b": FeatureType.BOOL,
        "d": FeatureType.DATE, "t": FeatureType.DATETIME, "zip": FeatureType.STRING, "mixed": FeatureType.STRING,
        "nothing": FeatureType.STRING, "y": FeatureType.STRING,
    }  # fmt: skip
    assert_checks_itself(data, schema_path)


def test_json_strings_become_dates_only_when_they_are_iso(tmp_path: Path) -> None:
    data = tmp_path / "log.jsonl"
    lines = [{"at": f"2024-01-0{i}T10:00:00Z", "day": f"2024-01-0{i}", "rating": "4.7", "code": f"2024010{i}"}
             for i in range(1, 6)]  # fmt: skip
    data.write_text("".join(json.dumps(line) + "\n" for line in lines))
    _, schema, schema_path = inferred(data)
    assert [f.type for f in schema.features] == [
        FeatureType.DATETIME, FeatureType.DATE, FeatureType.CATEGORY, FeatureType.STRING,
    ]  # fmt: skip
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


# Categories and keys


def test_few_frequent_strings_are_a_category_most_frequent_first(tmp_path: Path) -> None:
    feature = one(tmp_path, ["b"] * 7 + ["c"] * 9 + ["a"] * 7 + [None])
    assert feature.type is FeatureType.CATEGORY
    assert feature.values == ("c", "a", "b")  # equal counts in value order, so the file is stable


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, FeatureType.CATEGORY),
        ({"min_category_count": 6}, FeatureType.STRING),  # 'rare' is seen 5 times only
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


# Serving logs


def test_a_serving_log_gives_paths_into_nested_objects(tmp_path: Path) -> None:
    data = tmp_path / "log.jsonl.gz"
    records = [{"request_id": f"r{i}", "user": {"age": 30 + i % 3}, "features": {"age": 31, "country": "NO"}}
               for i in range(6)]  # fmt: skip
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


# The file


def test_header_names_source_rows_date_and_command(tmp_path: Path) -> None:
    data = write(pl.DataFrame({"x": [1, 2, 3]}), tmp_path / "data.parquet")
    text = infer_schema(str(data), command="skewcheck infer data.parquet -o schema.yaml")
    assert text.startswith(
        f"# Schema inferred by skewcheck from {data} (parquet, 3 rows) on {PINNED_DATE}.\n"
        "# Command: skewcheck infer data.parquet -o schema.yaml\n"
    )
    assert "\nversion: 1\nfeatures:\n  x:\n    type: int\n" in text


def test_output_is_byte_identical_run_to_run(tmp_path: Path) -> None:
    frame = pl.DataFrame({"c": ["b", "a", "c", "d"] * 5, "x": [0.1, 0.2, 0.3, None] * 5})
    data = write(frame, tmp_path / "data.parquet")
    first = infer_schema(str(data))
    write(frame.reverse(), data)  # same values, other order: category ties still sort the same
    assert infer_schema(str(data)) == first


def test_the_date_is_today_in_utc_without_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write(pl.DataFrame({"x": [1]}), tmp_path / "data.parquet")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = dt.datetime.now(dt.UTC).date().isoformat()
    text = infer_schema(str(data))
    assert f" on {before}." in text or f" on {dt.datetime.now(dt.UTC).date().isoformat()}." in text
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        infer_schema(str(data))


HOSTILE = ["NO", "yes", "y", "01", "1e3", "0o17", "null", "~", "a: b", "#x", "x #y", "a,b", "[x]", "", " pad ",
           "line\nbreak", "tab\tx", "\x85", "'q'", '"dq"', "- x", "*a", "ünï", "emoji 😀", "\ufeffbom"]  # fmt: skip


def test_yaml_hostile_strings_round_trip(tmp_path: Path) -> None:
    frame = pl.DataFrame({"value": HOSTILE * 5, **{name: [1] * len(HOSTILE) * 5 for name in HOSTILE if name}})
    data = write(frame, tmp_path / "data.parquet")
    text, schema, schema_path = inferred(data)
    assert schema.features[0].values == tuple(sorted(HOSTILE))
    assert [f.name for f in schema.features[1:]] == [name for name in HOSTILE if name]
    for quoted in ("'NO'", "'yes'", "'y'", "'01'", "'1e3'", "'0o17'", "'null'", "'a: b'", "'#x'", '"line\\nbreak"'):
        assert quoted in text
    assert "\n  'NO':\n    type: int\n" in text
    assert_checks_itself(data, schema_path)


def test_comment_text_cannot_break_the_yaml(tmp_path: Path) -> None:
    data = write(pl.DataFrame({"x": [1]}), tmp_path / "data.parquet")
    text = infer_schema(str(data), command="skewcheck infer 'a\nb: 1' \x00")
    assert yaml.safe_load(text) == {"version": 1, "features": {"x": {"type": "int", "nullable": False, "min": 1,
                                                                      "max": 1}}}  # fmt: skip
    assert "# Command: skewcheck infer 'a\\nb: 1' \\x00\n" in text


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
