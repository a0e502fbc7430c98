"""validate and the Tally: a dataset's findings, whole or added up batch by batch, and its typed columns."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import polars as pl

from skewcheck.io.read import read_batches, read_table
from skewcheck.io.sources import Source, resolve_source
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset, Schema
from skewcheck.validation.findings import Check
from skewcheck.validation.tally import Tally, validate
from tests.helpers import write_schema
from tests.validation.helpers import run_validation


class TestCleanData:
    def test_clean_data_has_no_findings(self, tmp_path: Path) -> None:
        rows = [{"age": 30, "score": 0.5, "country": "US", "ts": "2026-01-01T00:00:00Z", "label": 1}] * 3
        validation = run_validation(tmp_path, "train.jsonl", rows, Dataset.TRAIN)
        assert validation.findings == ()
        assert validation.typed.columns == ["age", "score", "country", "label", "ts"]


RANGED = """
version: 1
features:
  score: {type: float, nullable: false, min: 0, max: 1}
  user: {type: string, unique: true}
"""


def ranged_table(tmp_path: Path) -> tuple[Schema, Source]:
    schema = load_schema(write_schema(tmp_path / "schema.yaml", RANGED))
    scores = [0.5, -1.0, None, 2.0, math.nan, 0.25, -3.0, None, 5.0, 0.75]
    users = ["a", "b", "a", "c", "d", "b", "e", "f", "a", None]
    pl.DataFrame({"score": scores, "user": users}).write_parquet(tmp_path / "serving.parquet")
    return schema, resolve_source(str(tmp_path / "serving.parquet"))


class TestTally:
    def test_batches_add_up_to_the_whole_tables_findings(self, tmp_path: Path) -> None:
        schema, source = ranged_table(tmp_path)
        whole = read_table(source, schema, Dataset.SERVING)
        tally = Tally(schema, Dataset.SERVING)
        for batch in read_batches(source, schema, Dataset.SERVING, 3):
            tally.add(batch)
        assert (tally.rows, tally.batches) == (10, 4)
        in_batches = tally.findings(whole)
        # A repeat's examples depend on which batch saw the value first; its count does not.
        assert [replace(f, examples=()) for f in in_batches] == [
            replace(f, examples=()) for f in validate(whole, schema).findings
        ]
        assert {f.check: f.count for f in in_batches if f.feature == "user"} == {Check.UNIQUE: 3}

    def test_a_features_findings_come_in_the_order_its_checks_run(self, tmp_path: Path) -> None:
        schema, source = ranged_table(tmp_path)
        findings = validate(read_table(source, schema, Dataset.SERVING), schema).findings
        # By feature as the schema lists them, then each feature's checks in validation's order (CHECK_ORDER).
        assert [(f.feature, f.check) for f in findings] == [
            ("score", Check.NULL),
            ("score", Check.MIN),
            ("score", Check.MAX),
            ("score", Check.NAN),
            ("user", Check.UNIQUE),
        ]
