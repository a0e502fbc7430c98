"""The unseen-values gate names the values in the terminal and Markdown reports, as privacy left them."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.helpers import invoke, write_schema

# Training knows a and b; serving adds ZZ (60 rows), YY (30), XX (20) and WW (10): four unseen, three named.
TRAIN = ["a"] * 600 + ["b"] * 400
SERVING = ["a"] * 550 + ["b"] * 330 + ["ZZ"] * 60 + ["YY"] * 30 + ["XX"] * 20 + ["WW"] * 10


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    pl.DataFrame({"code": TRAIN}).write_parquet(tmp_path / "train.parquet")
    pl.DataFrame({"code": SERVING}).write_parquet(tmp_path / "serving.parquet")
    return tmp_path / "train.parquet", tmp_path / "serving.parquet"


def schema(tmp_path: Path, pii: bool) -> Path:
    return write_schema(tmp_path / "schema.yaml", f"features:\n  code: {{type: string, pii: {str(pii).lower()}}}\n")


@pytest.mark.parametrize("output", [[], ["--markdown", "-"]])
def test_the_unseen_values_are_named_most_frequent_first(
    files: tuple[Path, Path], tmp_path: Path, output: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # the reason on one line of the table
    args = ["check", *files, "-s", schema(tmp_path, pii=False), *output]
    text = " ".join(invoke([*args, "--fail-on", "fail"], 1).stdout.split())
    assert "serving values outside the training values ('ZZ', 'YY', 'XX', …)" in text


def test_a_personal_feature_names_hashes_and_no_examples_names_nothing(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    args = ["check", *files, "-s", schema(tmp_path, pii=True), "--markdown", "-"]
    text = invoke(args, 1).stdout
    assert "ZZ" not in text and "serving values outside the training values ('hash:" in text
    plain = invoke(["check", *files, "-s", schema(tmp_path, pii=False), "--no-examples", "--markdown", "-"], 1).stdout
    assert "ZZ" not in plain and "unseen value" not in plain
    assert "serving values outside the training values" in plain
