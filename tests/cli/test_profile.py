"""`skewcheck profile`: what it refuses before reading anything."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import FIXTURES, assert_one_line_error, invoke


def test_a_profile_s_name_ends_in_its_suffix(tmp_path: Path) -> None:
    outcome = invoke(["profile", FIXTURES / "train.parquet", "-s", FIXTURES / "schema.yaml", "-o", tmp_path / "p"], 2)
    assert_one_line_error(outcome, ".skprofile")


def test_profile_needs_a_schema(tmp_path: Path) -> None:
    outcome = invoke(["profile", FIXTURES / "train.parquet", "-o", tmp_path / "p.skprofile"], 2)
    assert_one_line_error(outcome, "profile needs --schema")


def test_merge_needs_two_profiles(tmp_path: Path) -> None:
    outcome = invoke(["profile", "--merge", tmp_path / "a.skprofile", "-o", tmp_path / "p.skprofile"], 2)
    assert_one_line_error(outcome, "--merge needs two or more profiles")
