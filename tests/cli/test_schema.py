"""`skewcheck schema json-schema` and `skewcheck diff-schema` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from skewcheck.schema.json_schema import json_schema
from tests.helpers import FIXTURES, assert_one_line_error, invoke


def test_json_schema_prints_the_format_as_json() -> None:
    printed = invoke(["schema", "json-schema"], 0).json()
    assert printed == json.loads(json.dumps(json_schema()))
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(printed["properties"]) == {"version", "defaults", "features", "datasets"}


def test_diff_of_identical_schemas_is_empty_and_exits_0() -> None:
    schema = str(FIXTURES / "schema.yaml")
    assert invoke(["diff-schema", schema, schema], 0).stdout.strip() == "no changes"


def test_breaking_changes_exit_1_and_are_marked(tmp_path: Path) -> None:
    text = (FIXTURES / "schema.yaml").read_text()
    narrowed = text.replace("values: [Berlin, Hamburg, Munich, Cologne, Frankfurt]", "values: [Berlin, Hamburg]")
    new = tmp_path / "new.yaml"
    new.write_text(
        narrowed.replace("drift: {metric: wasserstein, warn: 0.1, fail: 0.2}", "drift: {metric: wasserstein}")
    )
    outcome = invoke(["diff-schema", str(FIXTURES / "schema.yaml"), str(new)], 1)
    lines = outcome.stdout.strip().splitlines()
    assert any(
        line.startswith("BREAKING") and "city" in line and "removed Munich, Cologne, Frankfurt" in line
        for line in lines
    )
    assert lines[-1].endswith("1 breaking")


def test_widening_is_not_breaking(tmp_path: Path) -> None:
    text = (FIXTURES / "schema.yaml").read_text()
    new = tmp_path / "new.yaml"
    new.write_text(
        text.replace(
            "[Berlin, Hamburg, Munich, Cologne, Frankfurt]", "[Berlin, Hamburg, Munich, Cologne, Frankfurt, Leipzig]"
        )
    )
    outcome = invoke(["diff-schema", str(FIXTURES / "schema.yaml"), str(new)], 0)
    assert "added Leipzig" in outcome.stdout


def test_a_broken_schema_exits_2_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("features:\n  a: {type: integer}\n")
    outcome = invoke(["diff-schema", str(FIXTURES / "schema.yaml"), str(broken)], 2)
    assert_one_line_error(outcome, "broken.yaml:2", "unknown type 'integer'")
