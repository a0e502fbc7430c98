"""Hostile data files (issue 14): damaged pages, names that lie, deep nesting, huge values, id-like categories.

Each one either runs as promised or exits 2 with one stderr line naming the file (and line) and what is wrong.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from skewcheck.audit.privacy import MAX_SHOWN
from tests.helpers import assert_one_line_error, invoke, write_schema
from tests.scenarios.hostile_inputs import ROWS, SCHEMA, check, write_train

LINES = [json.dumps(row) for row in ROWS]


@pytest.fixture
def train(tmp_path: Path) -> Path:
    return write_train(tmp_path)


def jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_damaged_page_of_a_file_with_checksums_is_refused_naming_the_row_group(train: Path) -> None:
    table = pl.DataFrame(ROWS).to_arrow()
    written = train.parent / "checked.parquet"
    pq.write_table(table, written, write_page_checksum=True, use_dictionary=False, compression="none")
    column = pq.ParquetFile(written).metadata.row_group(0).column(0)
    data = bytearray(written.read_bytes())
    data[column.data_page_offset + column.total_compressed_size - 10] ^= 0x01  # one bit of one age value
    damaged = train.parent / "damaged.parquet"
    damaged.write_bytes(bytes(data))
    assert pl.read_parquet(damaged).height == 300  # polars alone reads it as if clean
    line = check(train, damaged, 2)
    assert "row group 1 of 1 is damaged: a page does not match its checksum" in line
    check(train, written, 0)  # the same file undamaged passes: its checksums are verified and match


def test_parquet_bytes_named_csv_are_refused_as_a_name_that_lies(train: Path) -> None:
    lying = train.parent / "serving.csv"
    lying.write_bytes(train.read_bytes())
    assert "read as CSV, but the file holds Parquet data" in check(train, lying, 2)


def test_gzip_named_parquet_is_refused_but_gzip_named_csv_is_read(train: Path) -> None:
    import gzip

    text = "age,city\n" + "".join(f"{row['age']},{row['city']}\n" for row in ROWS)
    named_parquet = train.parent / "serving.parquet"
    named_parquet.write_bytes(gzip.compress(text.encode()))
    assert "read as Parquet, but the file holds gzip-compressed data" in check(train, named_parquet, 2)
    named_csv = train.parent / "serving.csv"
    named_csv.write_bytes(gzip.compress(text.encode()))
    check(train, named_csv, 0)  # compressed text of the named format: polars decompresses it


@pytest.mark.parametrize(("opening", "closing", "depth"), [('{"a":', "}", 5_000), ("[", "]", 100_000)])
def test_json_lines_nested_past_the_limit_name_the_line(train: Path, opening: str, closing: str, depth: int) -> None:
    deep = '{"age": 1, "city": "Berlin", "x": ' + opening * depth + ("1" if closing == "}" else "") + closing * depth
    serving = jsonl(train.parent / "serving.jsonl", [*LINES[:5], deep + "}", *LINES[5:]])
    assert "line 6: nested too deep (skewcheck reads JSON nested at most 1,024 levels)" in check(train, serving, 2)


def test_a_feature_nested_hundreds_of_levels_deep_is_refused_not_a_crash(train: Path) -> None:
    # polars hangs at 300 levels and overflows its stack at 500 when a feature reads such a column.
    write_schema(train.parent / "schema.yaml", SCHEMA + "  x: {type: string}\n")
    deep = '{"age": 1, "city": "Berlin", "x": ' + '{"a":' * 500 + "1" + "}" * 500 + "}"
    serving = jsonl(train.parent / "serving.jsonl", [*LINES[:5], deep, *LINES[5:]])
    assert "feature x holds values nested 500 levels deep (skewcheck reads at most 32)" in check(train, serving, 2)


def test_an_unused_column_nested_600_levels_deep_is_named_not_walked_to_the_bottom(train: Path) -> None:
    deep = '{"age": 1, "city": "Berlin", "x": ' + '{"a":' * 600 + "1" + "}" * 600 + "}"
    serving = jsonl(train.parent / "serving.jsonl", [*LINES[:5], deep, *LINES[5:]])
    report = json.loads(check(train, serving, 0, "--format", "json"))
    assert [f["message"] for f in report["schema_findings"]] == [
        "'" + ".".join(["x", *["a"] * 63]) + "' is in the serving data but not in the schema"
    ]


def test_every_value_shown_is_cut_to_its_limit_with_its_length_said(train: Path) -> None:
    huge = "x" * 1_000_000
    rows = [dict(row) for row in ROWS]
    rows[7]["city"] = huge
    serving = jsonl(train.parent / "serving.jsonl", [json.dumps(row) for row in rows])
    outputs = {suffix: train.parent / f"report.{suffix}" for suffix in ("json", "html", "md")}
    check(train, serving, 0, "--json", outputs["json"], "--html", outputs["html"], "--markdown", outputs["md"])
    report = json.loads(outputs["json"].read_text(encoding="utf-8"))
    city = next(feature for feature in report["features"] if feature["name"] == "city")
    cut = "x" * MAX_SHOWN + "…(1,000,000 chars)"
    assert cut in city["histogram"]["unseen"]
    assert cut in [entry["value"] for entry in city["summary"]["serving"]["top"]]
    for path in outputs.values():
        assert os.path.getsize(path) < 100_000, path


def test_a_category_with_one_value_per_row_is_said_to_be_probably_an_id(train: Path) -> None:
    ids = pl.DataFrame({"age": [i % 90 for i in range(300)], "city": [f"order-{i}" for i in range(300)]})
    ids.write_parquet(train)
    report = json.loads(check(train, train, 0, "--format", "json"))
    city = next(feature for feature in report["features"] if feature["name"] == "city")
    assert city["reasons"] == [
        "300 distinct values in 300 training values: probably an id, not a category "
        "(declare it type: string, role: key)"
    ]


def test_a_named_pipe_is_refused_as_not_supported(train: Path) -> None:
    pipe = train.parent / "serving.jsonl"
    os.mkfifo(pipe)
    line = check(train, pipe, 2)
    assert "a named pipe, not a file; pipes are not supported" in line


def test_each_with_one_broken_partition_names_it_on_one_stderr_line(train: Path) -> None:
    root = train.parent / "serving"
    (root / "day=1").mkdir(parents=True)
    (root / "day=2").mkdir()
    pl.DataFrame(ROWS).write_parquet(root / "day=1" / "part.parquet")
    (root / "day=2" / "part.parquet").write_bytes(train.read_bytes()[:500])
    for extra in ([], ["--format", "json"], ["-q"]):
        outcome = invoke(["check", train, root, "--schema", train.parent / "schema.yaml", "--each", "day", *extra], 2)
        line = assert_one_line_error(outcome, "partition day=2:", "part.parquet", "not a readable Parquet file")
        assert line.startswith("skewcheck: error: ")
