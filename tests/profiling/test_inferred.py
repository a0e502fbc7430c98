"""skewcheck.profiling.inferred: the schema file written for an inference, and what an unreviewed one may assert."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import yaml

from skewcheck.errors import UsageError
from skewcheck.io.sources import resolve_source
from skewcheck.profiling.infer import InferOptions, infer, infer_schema
from skewcheck.profiling.inferred import with_serving_paths, without_constraints
from skewcheck.schema.model import Dataset, FeatureType, Role
from tests.profiling.infer_helpers import (
    HOSTILE,
    PINNED_DATE,
    PINNED_EPOCH,
    assert_checks_itself,
    inferred,
    write,
)


@pytest.fixture(autouse=True)
def _pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)


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
    assert yaml.safe_load(text) == {
        "version": 1,
        "features": {"x": {"type": "int", "nullable": False, "min": 1, "max": 1}},
    }
    assert "# Command: skewcheck infer 'a\\nb: 1' \\x00\n" in text


def test_without_constraints_keeps_types_keys_and_paths_only(tmp_path: Path) -> None:
    frame = pl.DataFrame({"id": [f"r{i}" for i in range(20)], "c": ["a", "b"] * 10, "x": [1, 2, None, 4] * 5})
    strict = infer(str(write(frame, tmp_path / "data.parquet")), InferOptions(max_categories=5, nullable_tolerance=0.3))
    assert [(f.name, f.type, f.role) for f in strict.features] == [
        ("id", FeatureType.STRING, Role.KEY),
        ("c", FeatureType.CATEGORY, Role.FEATURE),
        ("x", FeatureType.INT, Role.FEATURE),
    ]
    assert strict.features[2].rules  # nullable: false, mostly 0.7
    loose = without_constraints(strict)
    assert [(f.name, f.type, f.role) for f in loose.features] == [(f.name, f.type, f.role) for f in strict.features]
    assert all(f.nullable and f.min is None and f.max is None for f in loose.features)
    assert all(f.values is None and f.rules == {} for f in loose.features)
    assert [f.drift for f in loose.features] == [f.drift for f in strict.features]


def test_with_serving_paths_finds_a_feature_nested_in_exactly_one_place(tmp_path: Path) -> None:
    train = write(pl.DataFrame({"age": [30, 31], "city": ["a", "b"], "label": [0, 1]}), tmp_path / "train.parquet")
    log = [{"user": {"age": 30}, "features": {"city": "a"}, "meta": {"city": "a"}}] * 2
    serving = write(pl.DataFrame(log), tmp_path / "serving.jsonl")
    placed = with_serving_paths(infer(str(train)), resolve_source(str(serving)))
    assert [(f.name, f.serving_path, f.environments) for f in placed.features] == [
        ("age", ("user", "age"), frozenset(Dataset)),
        ("city", (), frozenset(Dataset)),  # in two places: left as it is
        ("label", (), frozenset({Dataset.TRAIN})),  # not in the log: training only
    ]
