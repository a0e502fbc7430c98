"""`skewcheck history DIR`: a missing or empty history is one line and exit 2."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import assert_one_line_error, invoke


def test_a_missing_directory_says_how_to_make_one(tmp_path: Path) -> None:
    outcome = invoke(["history", tmp_path / "nowhere"], 2)
    assert_one_line_error(
        outcome,
        "no such history directory",
        "no such history directory; an audit that keeps one creates it (check --history DIR)",
    )


def test_an_empty_history_says_so(tmp_path: Path) -> None:
    assert_one_line_error(invoke(["history", tmp_path, "--feature", "x"], 2), "no history of x")
