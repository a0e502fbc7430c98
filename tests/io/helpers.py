"""What the io tests share: a small frame in every format, a schema over two of its columns, and one read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from skewcheck import load_schema
from skewcheck.io.read import Table, read_table
from skewcheck.io.sources import InputFormat, resolve_source
from skewcheck.schema.model import Dataset, Schema
from tests.helpers import write_schema

SCHEMA = """
version: 1
features:
  age: {type: int}
  city: {type: category}
"""

NESTED_SCHEMA = """
version: 1
features:
  age: {type: int, serving_path: features.age}
  city: {type: category}
"""

FRAME = pl.DataFrame({"age": [31, 45, 27], "city": ["Berlin", "Hamburg", "Munich"], "extra": [0.5, 1.5, 2.5]})
AGES = ["31", "45", "27"]
CITIES = ["Berlin", "Hamburg", "Munich"]


def schema_of(tmp_path: Path, text: str = SCHEMA) -> Schema:
    return load_schema(write_schema(tmp_path / "schema.yaml", text))


def read(
    spec: str | Path, schema: Schema, dataset: Dataset = Dataset.TRAIN, format: InputFormat | None = None
) -> Table:
    return read_table(resolve_source(str(spec), format), schema, dataset)


def as_text(table: Table, column: str) -> list[str | None]:
    """A column's values as strings, so typed and untyped formats compare alike."""
    return table.frame.get_column(column).cast(pl.String).to_list()


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


WRITERS: dict[str, Callable[[pl.DataFrame, Path], None]] = {
    ".parquet": lambda frame, path: frame.write_parquet(path),
    ".pq": lambda frame, path: frame.write_parquet(path),
    ".csv": lambda frame, path: frame.write_csv(path),
    ".tsv": lambda frame, path: frame.write_csv(path, separator="\t"),
    ".jsonl": lambda frame, path: frame.write_ndjson(path),
    ".ndjson": lambda frame, path: frame.write_ndjson(path),
    ".arrow": lambda frame, path: frame.write_ipc(path),
    ".feather": lambda frame, path: frame.write_ipc(path),
    ".ipc": lambda frame, path: frame.write_ipc(path),
}

EXPECTED_FORMAT = {
    ".parquet": InputFormat.PARQUET,
    ".pq": InputFormat.PARQUET,
    ".csv": InputFormat.CSV,
    ".tsv": InputFormat.TSV,
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    ".arrow": InputFormat.IPC,
    ".feather": InputFormat.IPC,
    ".ipc": InputFormat.IPC,
}
