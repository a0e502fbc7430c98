"""Reading: every format and compression, hive and nested columns, read into one Table per dataset."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest

from skewcheck.io.sources import InputFormat
from skewcheck.schema.model import Dataset
from tests.helpers import invoke, write_schema
from tests.io.helpers import (
    AGES,
    CITIES,
    EXPECTED_FORMAT,
    FRAME,
    NESTED_SCHEMA,
    SCHEMA,
    WRITERS,
    as_text,
    read,
    schema_of,
    write_jsonl,
)

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class TestFormats:
    @pytest.mark.parametrize("suffix", list(WRITERS))
    def test_every_format_is_read_by_its_extension(self, tmp_path: Path, suffix: str) -> None:
        path = tmp_path / f"data{suffix}"
        WRITERS[suffix](FRAME, path)
        table = read(path, schema_of(tmp_path))
        assert table.source.format is EXPECTED_FORMAT[suffix]
        assert table.source.files == (path,)
        assert table.rows == 3
        assert as_text(table, "age") == AGES
        assert as_text(table, "city") == CITIES
        assert table.missing == ()
        assert table.unexpected == ("extra",)

    @pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".arrow"])
    def test_typed_formats_keep_their_types_and_are_not_untyped(self, tmp_path: Path, suffix: str) -> None:
        path = tmp_path / f"data{suffix}"
        WRITERS[suffix](FRAME, path)
        table = read(path, schema_of(tmp_path))
        assert table.frame.schema == pl.Schema({"age": pl.Int64(), "city": pl.String()})
        assert table.untyped == frozenset()

    @pytest.mark.parametrize("suffix", [".csv", ".tsv"])
    def test_csv_is_read_as_text_and_its_features_are_untyped(self, tmp_path: Path, suffix: str) -> None:
        path = tmp_path / f"data{suffix}"
        WRITERS[suffix](FRAME, path)
        table = read(path, schema_of(tmp_path))
        # No inference: "31" stays text, and coercion later says which values are not numbers.
        assert table.frame.schema == pl.Schema({"age": pl.String(), "city": pl.String()})
        assert table.frame.get_column("age").to_list() == AGES
        assert table.untyped == frozenset({"age", "city"})

    def test_format_options_on_the_command_line(self, tmp_path: Path) -> None:
        rows = [{"age": i % 90, "city": CITIES[i % 3]} for i in range(300)]
        train = tmp_path / "train.txt"
        pl.DataFrame(rows).write_csv(train)
        serving = write_jsonl(tmp_path / "serving.log", rows)
        schema = write_schema(tmp_path / "schema.yaml", SCHEMA)
        args = ["check", train, serving, "--schema", schema, "--format", "json"]
        report = invoke([*args, "--train-format", "csv", "--serving-format", "jsonl"], 0).json()
        assert (report["train"]["format"], report["train"]["rows"]) == ("csv", 300)
        assert (report["serving"]["format"], report["serving"]["rows"]) == ("jsonl", 300)


class TestCompression:
    @staticmethod
    def gzip_file(path: Path, text: str) -> None:
        with gzip.open(path, "wt", encoding="utf-8") as stream:
            stream.write(text)

    @staticmethod
    def zstd_file(path: Path, text: str) -> None:
        # pyarrow is a dependency of skewcheck and always has the zstd codec.
        with pa.CompressedOutputStream(str(path), "zstd") as stream:
            stream.write(text.encode("utf-8"))

    @pytest.mark.parametrize(
        ("name", "magic", "format"),
        [
            ("data.jsonl.gz", GZIP_MAGIC, InputFormat.JSONL),
            ("data.csv.gz", GZIP_MAGIC, InputFormat.CSV),
            ("data.csv.zst", ZSTD_MAGIC, InputFormat.CSV),
            ("data.jsonl.zst", ZSTD_MAGIC, InputFormat.JSONL),
        ],
    )
    def test_compressed_text_files_are_read(self, tmp_path: Path, name: str, magic: bytes, format: InputFormat) -> None:
        path = tmp_path / name
        text = FRAME.write_csv() if format is InputFormat.CSV else FRAME.write_ndjson()
        (self.gzip_file if magic == GZIP_MAGIC else self.zstd_file)(path, text)
        assert path.read_bytes()[: len(magic)] == magic  # really compressed, not plain text
        table = read(path, schema_of(tmp_path))
        assert table.source.format is format
        assert table.rows == 3
        assert as_text(table, "age") == AGES
        assert as_text(table, "city") == CITIES
        assert table.unexpected == ("extra",)


class TestHivePartitions:
    DAYS = ("2026-11-01", "2026-11-02")

    def hive(self, root: Path) -> Path:
        for day in self.DAYS:
            (root / f"date={day}").mkdir(parents=True)
            FRAME.write_parquet(root / f"date={day}" / "part-0.parquet")
        return root

    def test_partition_folder_becomes_a_text_column(self, tmp_path: Path) -> None:
        root = self.hive(tmp_path / "train")
        schema = schema_of(tmp_path, SCHEMA + "  date: {type: date}\n")
        table = read(root, schema)
        assert table.source.partition_keys == {"date"}
        assert table.frame.columns == ["age", "city", "date"]
        assert table.frame.get_column("date").to_list() == [self.DAYS[0]] * 3 + [self.DAYS[1]] * 3
        assert "date" in table.untyped
        assert table.missing == ()

    def test_partition_column_through_a_glob(self, tmp_path: Path) -> None:
        root = self.hive(tmp_path / "train")
        schema = schema_of(tmp_path, SCHEMA + "  date: {type: date}\n")
        table = read(f"{root}/date=*/*.parquet", schema)
        assert sorted(set(table.frame.get_column("date").to_list())) == list(self.DAYS)

    def test_partition_column_not_in_the_schema_is_unexpected(self, tmp_path: Path) -> None:
        root = self.hive(tmp_path / "train")
        table = read(root, schema_of(tmp_path))
        assert table.frame.columns == ["age", "city"]
        assert sorted(table.unexpected) == ["date", "extra"]

    def test_partition_column_is_reported_as_unexpected_column(self, tmp_path: Path) -> None:
        root = tmp_path / "train"
        rows = [{"age": i % 90, "city": CITIES[i % 3]} for i in range(300)]
        for day in self.DAYS:
            (root / f"date={day}").mkdir(parents=True)
            pl.DataFrame(rows).write_parquet(root / f"date={day}" / "part-0.parquet")
        serving = write_jsonl(tmp_path / "serving.jsonl", rows)
        schema = write_schema(tmp_path / "schema.yaml", SCHEMA)
        report = invoke(["check", root, serving, "--schema", schema, "--format", "json"], 0).json()
        unexpected = [
            (f["dataset"], f["feature"]) for f in report["schema_findings"] if f["check"] == "unexpected_column"
        ]
        assert unexpected == [("train", "date")]
        assert report["train"]["rows"] == 600


class TestNestedJson:
    def test_nested_path_is_read_and_unused_fields_are_unexpected(self, tmp_path: Path) -> None:
        rows = [
            {"features": {"age": age, "x": 1.0}, "city": city, "other": 7}
            for age, city in zip(AGES, CITIES, strict=True)
        ]
        table = read(write_jsonl(tmp_path / "serving.jsonl", rows), schema_of(tmp_path, NESTED_SCHEMA), Dataset.SERVING)
        assert table.frame.columns == ["age", "city"]
        assert table.frame.get_column("age").to_list() == AGES
        assert table.missing == ()
        assert sorted(table.unexpected) == ["features.x", "other"]

    def test_serving_path_is_not_used_for_training(self, tmp_path: Path) -> None:
        path = tmp_path / "train.parquet"
        FRAME.write_parquet(path)
        table = read(path, schema_of(tmp_path, NESTED_SCHEMA), Dataset.TRAIN)
        assert table.frame.get_column("age").to_list() == [31, 45, 27]
        assert table.missing == ()

    def test_missing_nested_field_is_missing(self, tmp_path: Path) -> None:
        rows = [{"features": {"x": 1.0}, "city": city} for city in CITIES]
        table = read(write_jsonl(tmp_path / "serving.jsonl", rows), schema_of(tmp_path, NESTED_SCHEMA), Dataset.SERVING)
        assert table.missing == ("age",)
        assert table.frame.columns == ["city"]
        assert table.unexpected == ("features.x",)

    def test_flat_column_whose_name_contains_a_dot(self, tmp_path: Path) -> None:
        path = tmp_path / "serving.parquet"
        pl.DataFrame({"features.age": [31, 45, 27], "city": CITIES}).write_parquet(path)
        table = read(path, schema_of(tmp_path, NESTED_SCHEMA), Dataset.SERVING)
        assert table.frame.get_column("age").to_list() == [31, 45, 27]
        assert table.missing == ()
        assert table.unexpected == ()

    def test_field_first_seen_after_line_100_is_found(self, tmp_path: Path) -> None:
        rows: list[dict[str, Any]] = [{"features": {"x": 1}} for _ in range(150)]
        rows.append({"features": {"x": 1, "age": 42}, "city": "Berlin"})
        table = read(write_jsonl(tmp_path / "serving.jsonl", rows), schema_of(tmp_path, NESTED_SCHEMA), Dataset.SERVING)
        assert table.missing == ()
        assert table.rows == 151
        assert table.frame.get_column("age").to_list() == [None] * 150 + [42]
        assert table.frame.get_column("city").to_list() == [None] * 150 + ["Berlin"]

    def test_field_whose_type_changes_after_line_100_is_still_read(self, tmp_path: Path) -> None:
        rows: list[dict[str, Any]] = [{"age": i, "city": "Berlin"} for i in range(150)]
        rows.append({"age": "x", "city": "Berlin"})
        table = read(write_jsonl(tmp_path / "serving.jsonl", rows), schema_of(tmp_path), Dataset.SERVING)
        assert table.rows == 151
        ages = as_text(table, "age")
        assert ages[:3] == ["0", "1", "2"]
        assert ages[-1] == "x"

    def test_type_change_after_line_100_becomes_a_type_finding(self, tmp_path: Path) -> None:
        train_rows = [{"age": i % 90, "city": CITIES[i % 3]} for i in range(300)]
        train = tmp_path / "train.parquet"
        pl.DataFrame(train_rows).write_parquet(train)
        serving_rows: list[dict[str, Any]] = [{"features": {"age": r["age"]}, "city": r["city"]} for r in train_rows]
        serving_rows.append({"features": {"age": "x"}, "city": "Berlin"})
        serving = write_jsonl(tmp_path / "serving.jsonl", serving_rows)
        schema = write_schema(tmp_path / "schema.yaml", NESTED_SCHEMA)
        outcome = invoke(["check", train, serving, "--schema", schema, "--format", "json"], 3)
        assert "Traceback" not in outcome.stderr
        findings = [f for f in outcome.json()["schema_findings"] if f["check"] == "type"]
        assert [(f["dataset"], f["feature"], f["count"], f["examples"]) for f in findings] == [
            ("serving", "age", 1, ["x"])
        ]


class TestColumnsCollected:
    def test_only_schema_features_are_collected_in_schema_order(self, tmp_path: Path) -> None:
        wide = FRAME.with_columns(pl.lit(1).alias(f"unused_{i}") for i in range(10))
        path = tmp_path / "train.parquet"
        wide.write_parquet(path)
        schema = schema_of(
            tmp_path,
            """
            version: 1
            features:
              city: {type: category}
              ghost: {type: float}
              age: {type: int}
            """,
        )
        table = read(path, schema)
        assert table.frame.columns == ["city", "age"]
        assert table.missing == ("ghost",)
        assert sorted(table.unexpected) == sorted(["extra", *(f"unused_{i}" for i in range(10))])

    def test_missing_lists_every_absent_feature(self, tmp_path: Path) -> None:
        path = write_jsonl(tmp_path / "serving.jsonl", [{"age": 1}, {"age": 2}])
        schema = schema_of(
            tmp_path,
            """
            version: 1
            features:
              age: {type: int}
              city: {type: category}
              label: {type: int, environments: [training]}
            """,
        )
        table = read(path, schema, Dataset.SERVING)
        assert table.missing == ("city", "label")
        assert table.frame.columns == ["age"]
        assert table.rows == 2

    def test_rows_are_counted_when_no_feature_is_found(self, tmp_path: Path) -> None:
        path = tmp_path / "serving.parquet"
        pl.DataFrame({"other": [1, 2, 3, 4]}).write_parquet(path)
        table = read(path, schema_of(tmp_path), Dataset.SERVING)
        assert table.rows == 4
        assert table.missing == ("age", "city")
        assert table.frame.columns == []
