"""One dataset read and validated: the wrong file is refused, by name, before anything is compared."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from skewcheck.audit.reading import input_summary, read_validated
from skewcheck.errors import InputError
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset
from tests.helpers import write_schema


def test_data_without_any_feature_is_the_wrong_file(tmp_path: Path) -> None:
    pl.DataFrame({"other": [1.0, 2.0]}).write_parquet(tmp_path / "data.parquet")
    schema = load_schema(write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float}\n"))
    with pytest.raises(InputError, match="none of the features"):
        read_validated(str(tmp_path / "data.parquet"), schema, Dataset.SERVING, None)
    table, _ = read_validated(str(tmp_path / "data.parquet"), schema, Dataset.TRAIN, None, require_features=False)
    assert table.missing == ("x",)


def test_the_summary_counts_rows_and_what_a_sample_reads(tmp_path: Path) -> None:
    pl.DataFrame({"x": [1.0, 2.0, 3.0]}).write_parquet(tmp_path / "data.parquet")
    schema = load_schema(write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float}\n"))
    timings: dict[str, float] = {}
    table, validation = read_validated(str(tmp_path / "data.parquet"), schema, Dataset.TRAIN, None, timings=timings)
    assert {*timings} == {"read", "validate"} and not validation.findings
    summary = input_summary(table, sample=2)
    assert (summary.rows, summary.sampled_rows, summary.format) == (3, 2, "parquet")
