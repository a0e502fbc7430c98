"""Validating a small file of rows against one schema: the tests of validation's modules share this."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from skewcheck.io.read import read_table
from skewcheck.io.sources import resolve_source
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset
from skewcheck.validation.findings import Check, Finding, Validation
from skewcheck.validation.tally import validate
from tests.helpers import write_schema

SCHEMA = """
version: 1
features:
  age: {type: int, nullable: false, min: 0, max: 120}
  score: {type: float}
  country: {type: category, values: [US, DE, NO]}
  label: {type: int, environments: [training]}
  ts: {type: datetime}
"""


def run_validation(
    tmp_path: Path, name: str, rows: list[dict[str, object]] | pl.DataFrame, dataset: Dataset
) -> Validation:
    schema = load_schema(write_schema(tmp_path / "schema.yaml", SCHEMA))
    path = tmp_path / name
    if name.endswith(".jsonl"):
        assert isinstance(rows, list)
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    elif name.endswith(".csv"):
        assert isinstance(rows, pl.DataFrame)
        rows.write_csv(path)
    else:
        assert isinstance(rows, pl.DataFrame)
        rows.write_parquet(path)
    return validate(read_table(resolve_source(str(path)), schema, dataset), schema)


def only(validation: Validation, check: Check, feature: str) -> Finding:
    found = [f for f in validation.findings if f.check is check and f.feature == feature]
    assert len(found) == 1, validation.findings
    return found[0]


def checks_of(validation: Validation) -> set[tuple[str, str]]:
    return {(f.feature, str(f.check)) for f in validation.findings}
