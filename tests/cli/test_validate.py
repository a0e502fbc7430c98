"""`skewcheck validate`: one dataset against the schema, no drift, exit 0 / 3 / 2."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.helpers import FIXTURES, assert_one_line_error, invoke, write_schema

SCHEMA = """
features:
  amount: {type: float, min: 0, nullable: false}
  label: {type: int, environments: [training]}
"""


def write(tmp_path: Path, amounts: list[float | None], *, label: bool = False) -> tuple[str, str]:
    frame = pl.DataFrame({"amount": amounts}, schema={"amount": pl.Float64})
    if label:
        frame = frame.with_columns(pl.lit(1).alias("label"))
    frame.write_parquet(tmp_path / "data.parquet")
    return str(tmp_path / "data.parquet"), str(write_schema(tmp_path / "schema.yaml", SCHEMA))


def test_clean_serving_data_passes(tmp_path: Path) -> None:
    data, schema = write(tmp_path, [1.0, 2.0])
    outcome = invoke(["validate", data, "--schema", schema], 0)
    assert outcome.stdout.strip().splitlines()[-1] == "PASS: the data matches the schema"


def test_violations_exit_3_with_the_same_findings_as_check(tmp_path: Path) -> None:
    data, schema = write(tmp_path, [1.0, -5.0, None])
    outcome = invoke(["validate", data, "--schema", schema, "--json", "-"], 3)
    report = outcome.json()
    assert {(f["check"], f["count"]) for f in report["schema_findings"]} == {("min", 1), ("null", 1)}
    assert report["features"] == []
    assert report["train"] is None
    assert report["serving"]["rows"] == 3
    assert outcome.stderr.strip() == "FAIL: 2 schema violations in serving"


def test_environment_decides_which_features_must_be_present(tmp_path: Path) -> None:
    data, schema = write(tmp_path, [1.0])
    invoke(["validate", data, "--schema", schema, "--environment", "serving"], 0)
    outcome = invoke(["validate", data, "--schema", schema, "--environment", "training", "--json", "-"], 3)
    missing = outcome.json()["schema_findings"]
    assert [(f["dataset"], f["feature"], f["check"]) for f in missing] == [("train", "label", "missing_column")]


def test_warnings_fail_only_with_fail_on_warn(tmp_path: Path) -> None:
    args = ["validate", str(FIXTURES / "train.parquet"), "-s", str(FIXTURES / "schema.yaml"), "-e", "training"]
    invoke(args, 0)
    frame = pl.read_parquet(FIXTURES / "train.parquet").with_columns(pl.col("items_count").cast(pl.Float64))
    frame.write_parquet(tmp_path / "train.parquet")
    args[1] = str(tmp_path / "train.parquet")
    assert "1 schema warning in train" in invoke([*args, "--quiet"], 0).stdout
    invoke([*args, "--fail-on", "warn"], 3)


def test_the_demo_log_fails_validation() -> None:
    args = ["validate", str(FIXTURES / "serving.jsonl.gz"), "-s", str(FIXTURES / "schema.yaml"), "-q"]
    outcome = invoke(args, 3)
    assert outcome.stdout.strip() == "FAIL: 1 schema violation in serving, 1 schema warning in serving"


def test_unreadable_data_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"amount": 1}\n{"amount": \n')
    schema = write_schema(tmp_path / "schema.yaml", SCHEMA)
    outcome = invoke(["validate", str(tmp_path / "bad.jsonl"), "-s", str(schema)], 2)
    assert_one_line_error(outcome, "bad.jsonl", "line 2")


def test_a_file_with_none_of_the_features_exits_2(tmp_path: Path) -> None:
    pl.DataFrame({"other": [1]}).write_parquet(tmp_path / "other.parquet")
    schema = write_schema(tmp_path / "schema.yaml", SCHEMA)
    outcome = invoke(["validate", str(tmp_path / "other.parquet"), "-s", str(schema)], 2)
    assert_one_line_error(outcome, "other.parquet", "none of the features")
