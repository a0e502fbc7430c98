"""Broken text inputs (issue 14): one stderr line in the user's words, with the line where the problem is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.scenarios.hostile_inputs import ROWS, check, write_train

CSV_LINES = ["age,city", *(f"{row['age']},{row['city']}" for row in ROWS)]


@pytest.fixture
def train(tmp_path: Path) -> Path:
    return write_train(tmp_path)


def test_csv_that_is_not_utf8_names_the_line(train: Path) -> None:
    lines = [*CSV_LINES[:150], "7,München", *CSV_LINES[150:]]
    serving = train.parent / "serving.csv"
    serving.write_bytes("\n".join(lines).encode("latin-1"))
    assert "line 151: not UTF-8 text" in check(train, serving, 2)


def test_an_unterminated_quote_names_the_line_it_opens_on(train: Path) -> None:
    lines = [*CSV_LINES[:100], '7,"Berlin', *CSV_LINES[100:]]
    serving = train.parent / "serving.csv"
    serving.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "line 101: a quoted value starts here and its closing quote never comes" in check(train, serving, 2)


def test_a_damaged_zstd_file_is_called_one(train: Path) -> None:
    serving = train.parent / "serving.csv.zst"
    serving.write_bytes(b"\x28\xb5\x2f\xfd" + bytes(range(60)))
    assert ": a damaged zstd file: it cannot be decompressed" in check(train, serving, 2)


def test_a_zstd_file_whose_text_is_not_utf8_names_the_line(train: Path) -> None:
    import pyarrow as pa

    lines = [*CSV_LINES[:20], "7,München", *CSV_LINES[20:]]
    serving = train.parent / "serving.csv.zst"
    serving.write_bytes(pa.compress("\n".join(lines).encode("latin-1"), codec="zstd", asbytes=True))
    assert "line 21: not UTF-8 text" in check(train, serving, 2)


def test_a_json_lines_byte_order_mark_is_accepted_as_csv_accepts_one(train: Path) -> None:
    serving = train.parent / "serving.jsonl"
    serving.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8-sig")
    assert serving.read_bytes().startswith(b"\xef\xbb\xbf")
    report = json.loads(check(train, serving, 0, "--format", "json"))
    assert report["serving"]["rows"] == 300


def test_a_null_json_line_is_called_null(train: Path) -> None:
    serving = train.parent / "serving.jsonl"
    serving.write_text("".join(json.dumps(row) + "\n" for row in ROWS[:5]) + "null\n", encoding="utf-8")
    line = check(train, serving, 2)
    assert "line 6 is null, not an object (JSON Lines holds one object per line)" in line
    assert "NoneType" not in line


def test_unexpected_json_lines_columns_are_counted_past_the_first_100_lines(train: Path) -> None:
    rows = [*ROWS[:50], *({**row, f"extra_{i}": 1} for i, row in enumerate(ROWS[50:]))]
    serving = train.parent / "serving.jsonl"
    serving.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    report = json.loads(check(train, serving, 0, "--format", "json"))
    unexpected = [f["feature"] for f in report["schema_findings"] if f["check"] == "unexpected_column"]
    assert len(unexpected) == 250
    table = check(train, serving, 0)
    assert "(238 more)" in table  # twelve named, the rest counted: every one of them
