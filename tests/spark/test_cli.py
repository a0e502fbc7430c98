"""`skewcheck profile --spark` as a user runs it: the same report as one machine's profile gives, Spark's errors as
one line and exit 2. In-process, on the shared local Spark (the `spark` fixture)."""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.helpers import FIXTURES, assert_one_line_error, invoke
from tests.normalise import normalise_json

SCHEMA = FIXTURES / "schema.yaml"
SPARK = ["--spark", "--master", "local[2]"]


def report(tmp_path: Path, train: str, serving: str, name: str) -> tuple[int, str]:
    out = tmp_path / f"{name}.json"
    outcome = invoke(["check", train, serving, "-s", SCHEMA, "--json", out, "--no-step-summary", "-q"], None)
    # Spark names local files as URIs; the input's own name differs by run: what is left must be the same.
    text = normalise_json(out.read_text()).replace("file://", "").replace(train, "<train>")
    return outcome.exit_code, text


def assert_same_report(got: tuple[int, str], expected: tuple[int, str]) -> None:
    diff = difflib.unified_diff(expected[1].splitlines(), got[1].splitlines(), "one machine", "spark", lineterm="")
    assert got == expected, "\n".join(diff)


def test_a_spark_profile_checks_as_one_made_on_one_machine(spark: Any, tmp_path: Path) -> None:
    train = str(FIXTURES / "train.parquet")
    serving_file = tmp_path / "serving.parquet"
    pl.read_ndjson(FIXTURES / "serving.jsonl.gz").write_parquet(serving_file)
    serving = str(serving_file)
    local, on_spark = tmp_path / "local.skprofile", tmp_path / "spark.skprofile"
    invoke(["profile", train, "-s", SCHEMA, "-o", local, "-q"], 0)
    invoke(["profile", train, "-s", SCHEMA, "-o", on_spark, "-q", *SPARK], 0)
    direct = report(tmp_path, str(local), serving, "direct")
    assert direct[0] == 3  # the demo breaks the schema
    assert_same_report(report(tmp_path, str(on_spark), serving, "spark-train"), direct)
    # Serving profiled on Spark, counted on the baseline's points: checked, the same report again.
    day = tmp_path / "day.skprofile"
    args = ["profile", serving, "-s", SCHEMA, "--dataset", "serving", "--baseline", local, "-o", day, "-q", *SPARK]
    invoke(args, 0)
    two = report(tmp_path, str(local), str(day), "two-profiles")
    assert_same_report(two, direct)
    assert json.loads(two[1])["serving"]["rows"] == 20_000


def test_spark_errors_are_one_line_and_exit_2(spark: Any, tmp_path: Path) -> None:
    out = tmp_path / "x.skprofile"
    missing = invoke(["profile", tmp_path / "nowhere.parquet", "-s", SCHEMA, "-o", out, *SPARK], 2)
    assert_one_line_error(missing, "nowhere.parquet", "does not exist")
    table = invoke(["profile", "--table", "no_such_table", "-s", SCHEMA, "-o", out, *SPARK], 2)
    assert_one_line_error(table, "no_such_table")
    # --debug adds the JVM's side of it, then the same line.
    traced = invoke(["profile", "--table", "no_such_table", "-s", SCHEMA, "-o", out, *SPARK, "--debug"], 2)
    assert "Traceback" in traced.stderr and traced.stderr.rstrip().splitlines()[-1] == table.stderr.strip()
    assert not out.exists()


def test_spark_options_need_spark(tmp_path: Path) -> None:
    outcome = invoke(
        ["profile", FIXTURES / "train.parquet", "-s", SCHEMA, "-o", tmp_path / "x.skprofile", "--master", "local"], 2
    )
    assert_one_line_error(outcome, "--spark")


@pytest.mark.skipif(not Path(sys.executable).exists(), reason="needs this interpreter by path")
def test_no_java_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A new process with no java on PATH and no JAVA_HOME: refused before Spark tries to start a JVM."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'skewcheck[spark]')")
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PYSPARK_GATEWAY_PORT")}
    env["PATH"] = str(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "skewcheck",
            "profile",
            str(FIXTURES / "train.parquet"),
            "-s",
            str(SCHEMA),
            "-o",
            str(tmp_path / "x.skprofile"),
            "--spark",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Java" in lines[0], result.stderr
