"""max_out_of_range_rate in the schema file: loaded and inherited like the other rate gates, `false` to turn the gate
off, in the JSON Schema (which agrees with the loader), and in schema diffs."""

from __future__ import annotations

from pathlib import Path

import pytest

from skewcheck.schema.diff import ChangeKind, diff_schemas
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Schema
from skewcheck.schema.registry import Thresholds
from tests.helpers import write_schema
from tests.schema.test_diff import diff, only
from tests.schema.test_json_schema import json_accepts, loader_accepts, one_feature
from tests.schema.test_load import schema_error


class TestLoading:
    """max_out_of_range_rate: thresholds like the other rate gates, inherited from defaults; `false` turns it off."""

    def load(self, tmp_path: Path, text: str) -> Schema:
        return load_schema(write_schema(tmp_path / "s.yaml", text))

    def test_per_feature_and_from_defaults(self, tmp_path: Path) -> None:
        schema = self.load(
            tmp_path,
            """
            defaults:
              max_out_of_range_rate: {warn: 0.02}
            features:
              a: {type: float}
              b: {type: date, max_out_of_range_rate: {fail: 0.2}}
              c: {type: int, max_out_of_range_rate: false}
            """,
        )
        assert schema.defaults.max_out_of_range_rate == Thresholds(0.02, 0.05)
        assert schema.feature("a").max_out_of_range_rate == Thresholds(0.02, 0.05)
        assert schema.feature("b").max_out_of_range_rate == Thresholds(0.02, 0.2)
        assert schema.feature("c").max_out_of_range_rate is None

    def test_false_in_defaults_and_a_feature_turning_it_back_on(self, tmp_path: Path) -> None:
        schema = self.load(
            tmp_path,
            """
            defaults:
              max_out_of_range_rate: false
            features:
              a: {type: float}
              b: {type: float, max_out_of_range_rate: {warn: 0.03}}
            """,
        )
        assert schema.defaults.max_out_of_range_rate is None
        assert schema.feature("a").max_out_of_range_rate is None
        assert schema.feature("b").max_out_of_range_rate == Thresholds(0.03, 0.05)  # the rest from the built-in

    def test_bad_thresholds_name_the_line_and_feature(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a: {type: int, max_out_of_range_rate: {warn: 0.5, fail: 0.1}}\n")
        assert message.endswith(":2: feature 'a': warn threshold 0.5 is above fail threshold 0.1")


ACCEPTED = [
    one_feature("{type: float, max_out_of_range_rate: false}"),
    one_feature("{type: date, max_out_of_range_rate: {fail: 0.1}}"),
    "defaults: {max_out_of_range_rate: false}\nfeatures:\n  x: {type: int, max_out_of_range_rate: {warn: 0.02}}\n",
]
REFUSED = [
    one_feature("{type: int, max_out_of_range_rate: true}"),
    one_feature("{type: int, max_out_of_range_rate: {warn: -0.1}}"),
    "defaults: {max_out_of_range_rate: {fial: 0.1}}\nfeatures:\n  x: {type: int}\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_the_json_schema_and_the_loader_accept(tmp_path: Path, text: str) -> None:
    assert loader_accepts(tmp_path, text)
    assert json_accepts(text)


@pytest.mark.parametrize("text", REFUSED)
def test_the_json_schema_and_the_loader_refuse(tmp_path: Path, text: str) -> None:
    assert not loader_accepts(tmp_path, text)
    assert not json_accepts(text)


def test_warn_above_fail_only_the_loader_refuses(tmp_path: Path) -> None:
    text = one_feature("{type: int, max_out_of_range_rate: {warn: 0.5, fail: 0.1}}")
    assert not loader_accepts(tmp_path, text)
    assert json_accepts(text)


def test_a_changed_threshold_is_a_threshold_change(tmp_path: Path) -> None:
    change = only(
        diff(
            tmp_path,
            "{type: float, max_out_of_range_rate: {fail: 0.05}}",
            "{type: float, max_out_of_range_rate: {fail: 0.1}}",
        )
    )
    assert (change.kind, change.breaking) == (ChangeKind.THRESHOLD_CHANGED, False)


def test_a_gate_turned_off_reads_false(tmp_path: Path) -> None:
    change = only(diff(tmp_path, "{type: float}", "{type: float, max_out_of_range_rate: false}"))
    assert (change.kind, change.breaking, change.new) == (ChangeKind.THRESHOLD_CHANGED, False, "false")
    assert change.message.startswith("x: max_out_of_range_rate ") and change.message.endswith("→ false")


def test_defaults_turned_off_reads_false(tmp_path: Path) -> None:
    before = load_schema(write_schema(tmp_path / "a.yaml", "features:\n  x: {type: float}\n"))
    after = load_schema(
        write_schema(tmp_path / "b.yaml", "defaults: {max_out_of_range_rate: false}\nfeatures:\n  x: {type: float}\n")
    )
    (change,) = diff_schemas(before, after)
    assert (change.kind, change.new) == (ChangeKind.DEFAULTS_CHANGED, "false")
