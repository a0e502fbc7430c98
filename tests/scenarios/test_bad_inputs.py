"""Bad inputs: each one exits 2 with exactly one stderr line that says what is wrong and where."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import Outcome, assert_one_line_error, invoke, write_schema

SCHEMA = """
version: 1
features:
  age: {type: int}
  city: {type: category}
"""

CITIES = ["Berlin", "Hamburg", "Munich"]
ROWS = [{"age": i % 90, "city": CITIES[i % 3]} for i in range(300)]


@dataclass
class Inputs:
    """A train, serving and schema that pass together; each test breaks one of them."""

    root: Path
    train: Path
    serving: Path
    schema: Path


@pytest.fixture
def inputs(tmp_path: Path) -> Inputs:
    train = tmp_path / "train.parquet"
    pl.DataFrame(ROWS).write_parquet(train)
    serving = tmp_path / "serving.jsonl"
    serving.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    schema = write_schema(tmp_path / "schema.yaml", SCHEMA)
    return Inputs(tmp_path, train, serving, schema)


def check(train: Path | str, serving: Path | str, schema: Path, *extra: str) -> Outcome:
    """Run `skewcheck check` expecting exit 2, and no report on stdout."""
    outcome = invoke(["check", train, serving, "--schema", schema, *extra], 2)
    assert outcome.stdout == ""
    return outcome


def error_line(outcome: Outcome, *fragments: str) -> str:
    line = assert_one_line_error(outcome, *fragments)
    assert line.startswith("skewcheck: error: "), line
    return line


def test_sanity_the_baseline_inputs_pass(inputs: Inputs) -> None:
    """Every failure below is caused by the one thing each test breaks."""
    invoke(["check", inputs.train, inputs.serving, "--schema", inputs.schema], 0)


class TestMissingAndEmpty:
    def test_missing_train_file(self, inputs: Inputs) -> None:
        missing = inputs.root / "nope.parquet"
        outcome = check(missing, inputs.serving, inputs.schema)
        error_line(outcome, f"{missing}: no such file or directory")

    def test_missing_serving_file(self, inputs: Inputs) -> None:
        missing = inputs.root / "logs" / "serving.jsonl"
        outcome = check(inputs.train, missing, inputs.schema)
        error_line(outcome, f"{missing}: no such file or directory")

    @pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
    def test_empty_file(self, inputs: Inputs, suffix: str) -> None:
        empty = inputs.root / f"empty{suffix}"
        empty.write_bytes(b"")
        if suffix == ".jsonl":
            outcome = check(inputs.train, empty, inputs.schema)
        else:
            outcome = check(empty, inputs.serving, inputs.schema)
        error_line(outcome, f"{empty}: file is empty")

    def test_glob_matching_nothing(self, inputs: Inputs) -> None:
        pattern = f"{inputs.root}/daily/*.parquet"
        outcome = check(pattern, inputs.serving, inputs.schema)
        error_line(outcome, f"{pattern}: no files match this pattern")

    def test_directory_with_no_data_files(self, inputs: Inputs) -> None:
        folder = inputs.root / "spark_out"
        folder.mkdir()
        (folder / "_SUCCESS").write_text("")
        (folder / ".part-00000.parquet.crc").write_bytes(b"crc")
        outcome = check(folder, inputs.serving, inputs.schema)
        error_line(outcome, f"{folder}: directory has no data files")

    def test_csv_with_only_a_header_has_no_rows(self, inputs: Inputs) -> None:
        header_only = inputs.root / "train.csv"
        header_only.write_text("age,city\n", encoding="utf-8")
        outcome = check(header_only, inputs.serving, inputs.schema)
        error_line(outcome, f"{header_only}: no rows (train data)")

    def test_parquet_with_columns_and_zero_rows(self, inputs: Inputs) -> None:
        zero = inputs.root / "zero.parquet"
        pl.DataFrame(schema={"age": pl.Int64, "city": pl.String}).write_parquet(zero)
        outcome = check(inputs.train, zero, inputs.schema)
        error_line(outcome, f"{zero}: no rows (serving data)")


class TestUnreadableData:
    def test_corrupt_parquet(self, inputs: Inputs) -> None:
        corrupt = inputs.root / "train.parquet"
        corrupt.write_bytes(random.Random(7).randbytes(4096))
        outcome = check(corrupt, inputs.serving, inputs.schema)
        error_line(outcome, f"{corrupt}: not a readable Parquet file")

    def test_ragged_csv_names_the_line(self, inputs: Inputs) -> None:
        ragged = inputs.root / "train.csv"
        lines = ["age,city", "31,Berlin", "45,Hamburg", "27,Munich", "52,Berlin,oops", "38,Munich"]
        ragged.write_text("\n".join(lines) + "\n", encoding="utf-8")
        outcome = check(ragged, inputs.serving, inputs.schema)
        error_line(outcome, f"{ragged}: line 5: 3 fields where the header has 2")

    @pytest.mark.parametrize(
        "document",
        [
            [{"age": 31, "city": "Berlin"}, {"age": 45, "city": "Hamburg"}],
            {"age": 31, "city": "Berlin"},
        ],
        ids=["array", "object"],
    )
    def test_pretty_printed_json_is_not_json_lines(self, inputs: Inputs, document: object) -> None:
        pretty = inputs.root / "serving.jsonl"
        pretty.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        outcome = check(inputs.train, pretty, inputs.schema)
        error_line(outcome, f"{pretty}: line 1:", "not JSON Lines")

    def test_invalid_json_names_the_line(self, inputs: Inputs) -> None:
        broken = inputs.root / "serving.jsonl"
        lines = [
            '{"age": 31, "city": "Berlin"}',
            '{"age": 45, "city": "Hamburg"}',
            '{"age": 27, "city": ',
            '{"age": 1}',
        ]
        broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
        outcome = check(inputs.train, broken, inputs.schema)
        error_line(outcome, f"{broken}: line 3: not valid JSON")

    def test_csv_that_is_not_utf8(self, inputs: Inputs) -> None:
        latin1 = inputs.root / "train.csv"
        latin1.write_bytes("age,city\n31,Köln\n45,Düsseldorf\n".encode("latin-1"))
        outcome = check(latin1, inputs.serving, inputs.schema)
        error_line(outcome, f"{latin1}: line 2: not UTF-8 text")


class TestBadSchema:
    def test_schema_file_missing(self, inputs: Inputs) -> None:
        missing = inputs.root / "schemas" / "eta.yaml"
        outcome = check(inputs.train, inputs.serving, missing)
        error_line(outcome, f"{missing}: schema file not found")

    def schema(self, inputs: Inputs, text: str) -> Path:
        return write_schema(inputs.root / "bad_schema.yaml", text)

    def test_unknown_type_names_file_line_and_feature(self, inputs: Inputs) -> None:
        schema = self.schema(
            inputs,
            """
            version: 1
            features:
              age: {type: int}
              city:
                type: categori
            """,
        )
        outcome = check(inputs.train, inputs.serving, schema)
        error_line(outcome, f"{schema}:5: feature 'city': unknown type 'categori'", "did you mean 'category'?")

    def test_unknown_key_hints_the_closest_key(self, inputs: Inputs) -> None:
        schema = self.schema(
            inputs,
            """
            version: 1
            features:
              age:
                type: int
                nullabel: false
              city: {type: category}
            """,
        )
        outcome = check(inputs.train, inputs.serving, schema)
        error_line(outcome, f"{schema}:5: feature 'age': unknown key 'nullabel'", "(did you mean 'nullable'?)")

    def test_warn_above_fail(self, inputs: Inputs) -> None:
        schema = self.schema(
            inputs,
            """
            version: 1
            features:
              age:
                type: int
                drift: {metric: psi, warn: 0.5, fail: 0.2}
              city: {type: category}
            """,
        )
        outcome = check(inputs.train, inputs.serving, schema)
        error_line(outcome, f"{schema}:5: feature 'age':", "warn threshold 0.5 is above fail threshold 0.2")

    def test_negative_threshold(self, inputs: Inputs) -> None:
        schema = self.schema(
            inputs,
            """
            version: 1
            features:
              age: {type: int}
              city:
                type: category
                max_unseen_rate: {warn: -0.01, fail: 0.05}
            """,
        )
        outcome = check(inputs.train, inputs.serving, schema)
        error_line(outcome, f"{schema}:6: feature 'city':", "'warn' must be at least 0, got -0.01")

    def test_schema_that_is_not_yaml_names_the_line(self, inputs: Inputs) -> None:
        schema = self.schema(
            inputs,
            """
            version: 1
            features:
              age:
                type: int
               city: {type: category}
            """,
        )
        outcome = check(inputs.train, inputs.serving, schema)
        error_line(outcome, f"{schema}:5: not valid YAML")

    def test_feature_found_in_neither_file(self, inputs: Inputs) -> None:
        schema = self.schema(inputs, SCHEMA.rstrip("\n") + "\n  tip_amount: {type: float}\n")
        outcome = check(inputs.train, inputs.serving, schema)
        error_line(
            outcome,
            f"{schema}: feature 'tip_amount' found in neither {inputs.train} nor {inputs.serving}",
        )


class TestJsonReportOverAnInput:
    @pytest.mark.parametrize("target", ["train", "serving", "schema"])
    def test_report_over_an_input_file_is_refused(self, inputs: Inputs, target: str) -> None:
        victim: Path = getattr(inputs, target)
        before = victim.read_bytes()
        outcome = check(inputs.train, inputs.serving, inputs.schema, "--json", str(victim))
        error_line(outcome, f"{victim}: refusing to write the --json report over an input file")
        assert victim.read_bytes() == before

    @pytest.mark.parametrize("as_glob", [False, True], ids=["directory", "glob"])
    def test_report_over_a_file_of_an_input_directory_or_glob_is_refused(self, inputs: Inputs, as_glob: bool) -> None:
        folder = inputs.root / "train"
        folder.mkdir()
        victim = folder / "part-00000.parquet"
        pl.DataFrame(ROWS).write_parquet(victim)
        before = victim.read_bytes()
        train = f"{folder}/*.parquet" if as_glob else str(folder)
        outcome = invoke(["check", train, inputs.serving, "--schema", inputs.schema, "--json", victim], 2)
        assert victim.read_bytes() == before
        error_line(outcome, f"{victim}: refusing to write the --json report over an input file")
