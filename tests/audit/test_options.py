"""Options refuse what cannot run, in the library's own words: its parameters, not the command line's flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from skewcheck.audit.options import Options
from skewcheck.cli.options import flag_spelling
from skewcheck.errors import SkewcheckError, UsageError
from skewcheck.io.sources import InputFormat
from skewcheck.schema.model import Dataset


def test_rows_only_without_a_join_names_the_parameters() -> None:
    with pytest.raises(UsageError) as caught:
        Options(rows_only=True)
    assert (
        str(caught.value) == "rows_only=True compares rows: give keys=... (or rows=True to join on the schema's keys)"
    )
    assert caught.value.render(flag_spelling) == (
        "--rows-only compares rows: give --key COLUMN (or --rows to join on the schema's keys)"
    )


def test_approx_refuses_a_row_join() -> None:
    with pytest.raises(UsageError, match=r"^approx=True reads the data in batches"):
        Options(approx=True, keys=("id",))


def test_mismatched_rows_need_a_join() -> None:
    with pytest.raises(UsageError) as caught:
        Options(mismatched_rows=True)
    assert str(caught.value).startswith("mismatched_rows=True keeps the rows a join finds different: give keys=...")
    assert caught.value.render(flag_spelling).startswith("--mismatches keeps the rows")


def test_a_value_is_spelled_as_python_and_as_a_flag() -> None:
    error = UsageError("{keys}: not a feature", keys=("nope",))
    assert str(error) == "keys=('nope',): not a feature"
    assert error.render(flag_spelling) == "--key nope: not a feature"


def test_a_run_resolves_each_dataset_with_its_own_format_and_names_that_parameter(tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_text("x\n1\n", encoding="utf-8")
    options = Options(train_format=InputFormat.CSV, serving_format=None)
    assert options.source(str(data), Dataset.TRAIN).format is InputFormat.CSV
    with pytest.raises(SkewcheckError) as refused:
        options.source(str(data), Dataset.SERVING)  # .txt says no format, and none was given for serving
    assert "serving_format" in str(refused.value) and "train_format" not in str(refused.value)
