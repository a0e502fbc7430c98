"""What the inference tests share: data written in a format, the schema inferred from it, and `check DATA DATA`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import yaml

from skewcheck.audit.options import Options
from skewcheck.audit.run import run
from skewcheck.io.sources import InputFormat
from skewcheck.profiling.infer import InferOptions, infer, infer_schema
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Feature, Schema

PINNED_EPOCH = "1767312000"  # 2026-01-02T00:00:00Z
PINNED_DATE = "2026-01-02"

# Strings YAML reads as something else unless quoted, and characters it escapes.
HOSTILE = [
    "NO",
    "yes",
    "y",
    "01",
    "1e3",
    "0o17",
    "null",
    "~",
    "a: b",
    "#x",
    "x #y",
    "a,b",
    "[x]",
    "",
    " pad ",
    "line\nbreak",
    "tab\tx",
    "\x85",
    "'q'",
    '"dq"',
    "- x",
    "*a",
    "ünï",
    "emoji 😀",
    "\ufeffbom",
]


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
