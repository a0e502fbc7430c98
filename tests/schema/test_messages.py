"""Schema mistakes, word for word: file, line, feature and what was expected, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import assert_one_line_error, invoke, write_schema

CASES = [
    (
        "unknown type",
        "features:\n  age:\n    type: integer\n",
        "3: feature 'age': unknown type 'integer' "
        "(expected one of int, float, bool, string, category, datetime, date; did you mean 'int'?)",
    ),
    (
        "unknown key",
        "features:\n  age:\n    type: int\n    nulable: false\n",
        "4: feature 'age': unknown key 'nulable' (did you mean 'nullable'?)",
    ),
    (
        "unknown top-level key",
        "feature:\n  age: {type: int}\n",
        "1: unknown key 'feature' (did you mean 'features'?)",
    ),
    (
        "warn above fail",
        "features:\n  age:\n    type: int\n    drift: {warn: 0.5, fail: 0.2}\n",
        "4: feature 'age': warn threshold 0.5 is above fail threshold 0.2",
    ),
    (
        "negative threshold",
        "features:\n  age:\n    type: int\n    drift: {warn: -1}\n",
        "4: feature 'age': 'warn' must be at least 0, got -1",
    ),
    (
        "threshold not a number",
        "features:\n  age:\n    type: int\n    drift: {fail: high}\n",
        "4: feature 'age': 'fail' must be a finite number, got str 'high'",
    ),
    (
        "metric for the wrong kind",
        "features:\n  age:\n    type: int\n    drift: {metric: linf}\n",
        "4: feature 'age': metric 'linf' does not apply to numeric features (use psi, jensen_shannon, wasserstein, "
        "ks_statistic)",
    ),
    (
        "unknown metric",
        "features:\n  age:\n    type: int\n    drift: {metric: wasserstien}\n",
        "4: feature 'age': unknown drift metric 'wasserstien' (did you mean 'wasserstein'?)",
    ),
    (
        "min above max",
        "features:\n  age:\n    type: int\n    min: 10\n    max: 1\n",
        "5: feature 'age': min 10 is above max 1",
    ),
    (
        "constraint on the wrong type",
        "features:\n  age:\n    type: int\n    pattern: '^1'\n",
        "4: feature 'age': 'pattern' applies to string and category features, not int",
    ),
    (
        "invalid regular expression",
        "features:\n  code:\n    type: string\n    pattern: '[a-'\n",
        "4: feature 'code': 'pattern' is not a valid regular expression: ",
    ),
    (
        "mostly out of range",
        "features:\n  age:\n    type: int\n    max: {value: 120, mostly: 2}\n",
        "4: feature 'age': 'mostly' is the share of values that must comply, in (0, 1], got 2",
    ),
    (
        "severity unknown",
        "features:\n  age:\n    type: int\n    max: {value: 120, severity: critical}\n",
        "4: feature 'age': severity must be fail or warn, got str 'critical'",
    ),
    (
        "duplicate feature",
        "features:\n  age: {type: int}\n  age: {type: float}\n",
        "3: duplicate key 'age'",
    ),
    (
        "missing type",
        "features:\n  age:\n    nullable: false\n",
        "2: feature 'age': 'type' is required (one of: int, float, bool, string, category, datetime, date)",
    ),
    (
        "not YAML",
        "features:\n  age: {type: int\n",
        "3: not valid YAML or JSON: expected ',' or '}', but got '<stream end>'",
    ),
]


@pytest.mark.parametrize(("kind", "text", "message"), CASES, ids=[case[0] for case in CASES])
def test_mistake_is_one_exact_line(tmp_path: Path, kind: str, text: str, message: str) -> None:
    schema = write_schema(tmp_path / "schema.yaml", text)
    data = tmp_path / "data.csv"
    data.write_text("age,code\n1,a\n")
    outcome = invoke(["validate", str(data), "--schema", str(schema)], 2)
    line = assert_one_line_error(outcome)
    expected = f"skewcheck: error: {schema}:{message}"
    if message.endswith(": "):  # the regex engine's own wording follows
        assert line.startswith(expected)
    else:
        assert line == expected
