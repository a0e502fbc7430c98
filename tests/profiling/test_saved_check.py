"""Damaged `.skprofile` files (issue 14): one line naming the file and the field, exit 2, never an AttributeError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.helpers import FIXTURES, assert_one_line_error, invoke
from tests.profiling.helpers import DEMO_SCHEMA, save

SERVING = FIXTURES / "serving.jsonl.gz"


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("profile")
    return save(FIXTURES / "train.parquet", DEMO_SCHEMA, folder / "good.skprofile")


def _with_metadata(good: Path, target: Path, change: Any) -> Path:
    table = pq.read_table(good)
    metadata = json.loads(table.schema.metadata[b"skewcheck"])
    changed = change(metadata)
    pq.write_table(table.replace_schema_metadata({b"skewcheck": json.dumps(changed).encode()}), target)
    return target


def _refused(profile: Path, *fragments: str) -> str:
    outcome = invoke(["check", profile, SERVING, "-s", DEMO_SCHEMA], 2)
    return assert_one_line_error(outcome, f"{profile}: ", *fragments)


def _set(path: str, value: Any) -> Any:
    def change(metadata: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        inner = metadata
        for key in parents:
            inner = inner[key]
        inner[last] = value
        return metadata

    return change


CASES = {
    "source.paths": ({"a": 1}, "'source.paths' should be a list, got a mapping"),
    "source": (["train.parquet"], "'source' should be a mapping, got a list"),
    "schema": ([], "'schema' should be a mapping, got a list"),
    "source.rows": ("many", "'source.rows' should be a whole number >= 0, got str 'many'"),
    "environment": ("prod", "'environment' should be one of train, serving, got 'prod'"),
    "findings": ({}, "'findings' should be a list, got a mapping"),
    "parts": (0, "'parts' should be at least 1, got 0"),
    "created_at": (None, "'created_at' should be text, got null"),
}


@pytest.mark.parametrize("field", CASES)
def test_a_field_of_the_wrong_kind_is_named(tmp_path: Path, good: Path, field: str) -> None:
    value, problem = CASES[field]
    bad = _with_metadata(good, tmp_path / "bad.skprofile", _set(field, value))
    line = _refused(bad)
    assert line.endswith(f"{bad}: a damaged profile: its metadata field {problem}")


def test_metadata_that_is_a_list_is_named_not_an_attribute_error(tmp_path: Path, good: Path) -> None:
    bad = _with_metadata(good, tmp_path / "bad.skprofile", lambda metadata: [metadata])
    assert _refused(bad).endswith("a damaged profile: its skewcheck metadata should be a mapping, got a list")


def test_a_finding_of_the_wrong_kind_is_named(tmp_path: Path, good: Path) -> None:
    def change(metadata: dict[str, Any]) -> dict[str, Any]:
        metadata["findings"] = [{**metadata["findings"][0], "examples": "a, b"}] if metadata["findings"] else [1]
        return metadata

    line = _refused(_with_metadata(good, tmp_path / "bad.skprofile", change), "its metadata field 'findings[0]")
    assert "should be" in line


def test_a_column_of_another_type_or_a_null_is_named(tmp_path: Path, good: Path) -> None:
    table = pq.read_table(good)
    as_text = table.set_column(table.column_names.index("rows"), "rows", table.column("rows").cast(pa.string()))
    pq.write_table(as_text, tmp_path / "text.skprofile")
    _refused(tmp_path / "text.skprofile", "column 'rows' should be int64, is string")
    rows = table.to_pylist()
    numeric = next(row for row in rows if row["kind"] == "numeric")
    edges, numeric["edges"] = numeric["edges"], None
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), tmp_path / "null.skprofile")
    _refused(tmp_path / "null.skprofile", f"(feature '{numeric['feature']}') has a null in column 'edges'")
    numeric["edges"] = edges
    rows[1]["feature"] = rows[0]["feature"]
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), tmp_path / "twice.skprofile")
    _refused(tmp_path / "twice.skprofile", f"row 2 names feature '{rows[0]['feature']}' again")


@pytest.mark.parametrize(
    ("cut", "problem"),
    [
        (lambda data: b"", "the file is empty"),
        (lambda data: data[: len(data) // 3], "it does not end as a Parquet file does (cut short, or not a profile)"),
        (lambda data: b"garbage " * 400, "it does not end as a Parquet file does (cut short, or not a profile)"),
    ],
    ids=["empty", "truncated", "garbage"],
)
def test_cut_or_garbage_bytes_are_one_line(tmp_path: Path, good: Path, cut: Any, problem: str) -> None:
    bad = tmp_path / "bad.skprofile"
    bad.write_bytes(cut(good.read_bytes()))
    assert _refused(bad).endswith(f"{bad}: not a readable skewcheck profile: {problem}")


def test_flipped_bytes_anywhere_are_refused_or_read_never_a_crash(tmp_path: Path, good: Path) -> None:
    from skewcheck.errors import InputError
    from skewcheck.profiling import saved

    data = good.read_bytes()
    bad = tmp_path / "bad.skprofile"
    refused = 0
    for position in range(0, len(data), max(1, len(data) // 400)):
        bad.write_bytes(data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :])
        try:
            saved.read(bad)
        except InputError as error:
            assert "\n" not in str(error)
            refused += 1
    assert refused > 0
