"""What the hostile-input scenarios share: a small training set with its schema beside it, and `check`, which
expects an exit code and, on 2, exactly one stderr line naming the serving file."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.helpers import assert_one_line_error, invoke, write_schema

SCHEMA = """
version: 1
features:
  age: {type: int}
  city: {type: category}
"""
ROWS = [{"age": i % 90, "city": ["Berlin", "Hamburg", "Munich"][i % 3]} for i in range(300)]


def write_train(folder: Path) -> Path:
    """ROWS as train.parquet, and SCHEMA as schema.yaml beside it."""
    path = folder / "train.parquet"
    pl.DataFrame(ROWS).write_parquet(path)
    write_schema(folder / "schema.yaml", SCHEMA)
    return path


def check(train: Path, serving: Path, code: int, *extra: str) -> str:
    """`skewcheck check` with the schema beside train; exit `code`; on 2 its one stderr line, else stdout."""
    outcome = invoke(["check", train, serving, "--schema", train.parent / "schema.yaml", *extra], code)
    return assert_one_line_error(outcome, str(serving)) if code == 2 else outcome.stdout
