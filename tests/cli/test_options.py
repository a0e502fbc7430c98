"""How library messages reach each command's line: a parameter spelled as the flag that command has for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from skewcheck.cli.options import flag_spelling, spelling_for
from skewcheck.errors import UsageError
from tests.helpers import FIXTURES, assert_one_line_error, invoke

SCHEMA = ["-s", FIXTURES / "schema.yaml"]


def test_a_parameter_is_spelled_as_its_flag() -> None:
    assert flag_spelling("keys", None) == "--key COLUMN"
    assert flag_spelling("keys", ("a", "b")) == "--key a --key b"
    assert flag_spelling("rows_only", True) == "--rows-only"
    assert flag_spelling("serving_format", None) == "--serving-format"


def test_a_command_with_a_flag_of_its_own_spells_it_so() -> None:
    error = UsageError("give {train_format}", train_format=None)
    assert str(error) == "give train_format=..."
    assert error.render(spelling_for("check")) == "give --train-format"
    assert error.render(spelling_for("validate")) == "give --data-format"
    assert error.render(spelling_for("profile")) == "give --data-format"


@pytest.mark.parametrize(
    ("words", "flag"),
    [
        (["check", "{unknown}", FIXTURES / "serving.jsonl.gz", *SCHEMA], "--train-format"),
        (["check", FIXTURES / "train.parquet", "{unknown}", *SCHEMA], "--serving-format"),
        (["check", "{unknown}", FIXTURES / "serving.jsonl.gz"], "--train-format"),  # inferred from training first
        (["validate", "{unknown}", *SCHEMA], "--data-format"),
        (["validate", "{unknown}", *SCHEMA, "--environment", "training"], "--data-format"),
        (["profile", "{unknown}", *SCHEMA, "-o", "{out}"], "--data-format"),
        (["infer", "{unknown}"], "--data-format"),
    ],
)
def test_an_unknown_suffix_suggests_the_flag_the_command_has(words: list[object], flag: str, tmp_path: Path) -> None:
    unknown = tmp_path / "data.dat"
    unknown.write_bytes(b"a,b\n1,2\n")
    fill = {"{unknown}": unknown, "{out}": tmp_path / "p.skprofile"}
    outcome = invoke([fill.get(str(word), word) for word in words], 2)
    line = assert_one_line_error(outcome, f"{unknown}: cannot tell the format from the name")
    assert line.endswith(f"; or give {flag})")
