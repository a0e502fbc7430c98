"""Every exit code of `skewcheck check`, in one place, through the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck.audit import run as runner
from skewcheck.errors import ExitCode
from tests.helpers import FIXTURES, REPO, assert_one_line_error, invoke, write_schema

SCHEMA = """
version: 1
features:
  amount: {type: float, min: 0}
  channel: {type: category}
"""


def write_pair(
    tmp_path: Path, *, shift: float = 0.0, serving_channel: str = "web", negative: bool = False
) -> list[str]:
    """A training and a serving Parquet of 5,000 rows each; `shift` moves serving's amounts."""
    rng = np.random.default_rng(7)
    train = pl.DataFrame({"amount": rng.gamma(2.0, 10.0, 5000), "channel": rng.choice(["web", "app"], 5000)})
    amounts = rng.gamma(2.0, 10.0, 5000) + shift
    if negative:
        amounts[:10] = -1.0
    channels = rng.choice(["web", "app"], 5000)
    channels[:100] = serving_channel
    serving = pl.DataFrame({"amount": amounts, "channel": channels})
    train.write_parquet(tmp_path / "train.parquet")
    serving.write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(tmp_path / "schema.yaml", SCHEMA)
    return [str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), "--schema", str(schema)]


def test_the_codes_are_the_documented_ones() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "PASS": 0,
        "DRIFT_FAILED": 1,
        "COULD_NOT_RUN": 2,
        "SCHEMA_FAILED": 3,
        "INTERNAL_ERROR": 4,
    }


def test_0_when_nothing_drifted(tmp_path: Path) -> None:
    outcome = invoke(["check", *write_pair(tmp_path)], 0)
    assert outcome.stdout.strip().splitlines()[-1] == "PASS: 0 of 2 features drifted"


def test_1_when_drift_failed_and_the_schema_held(tmp_path: Path) -> None:
    outcome = invoke(["check", *write_pair(tmp_path, shift=15.0)], 1)
    assert "FAIL: 1 of 2 features drifted" in outcome.stdout
    assert "schema violation" not in outcome.stdout


def test_3_when_the_schema_failed_even_with_drift(tmp_path: Path) -> None:
    outcome = invoke(["check", *write_pair(tmp_path, shift=15.0, negative=True)], 3)
    assert "1 schema violation in serving" in outcome.stdout


def test_3_for_the_demo_fixtures() -> None:
    args = [str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), "-s", str(FIXTURES / "schema.yaml")]
    invoke(["check", *args, "--quiet"], 3)


def test_warnings_pass_unless_fail_on_warn(tmp_path: Path) -> None:
    """2% of serving channels are new: the unseen gate warns (> 1%) but does not fail (<= 5%)."""
    args = write_pair(tmp_path, serving_channel="kiosk")
    passed = invoke(["check", *args, "--quiet"], 0)
    assert passed.stdout.startswith("WARN: 0 of 2 features drifted, 1 warned")
    failed = invoke(["check", *args, "--quiet", "--fail-on", "warn"], 1)
    assert failed.stdout.startswith("WARN:")


def test_2_when_the_audit_cannot_run(tmp_path: Path) -> None:
    args = write_pair(tmp_path)
    args[1] = str(tmp_path / "missing.parquet")
    outcome = invoke(["check", *args], 2)
    assert_one_line_error(outcome, "missing.parquet", "no such file")


def test_2_for_bad_usage(tmp_path: Path) -> None:
    invoke(["check", *write_pair(tmp_path), "--no-such-option"], 2)
    invoke(["check", *write_pair(tmp_path), "--fail-on", "sometimes"], 2)


def test_4_for_a_bug_with_a_hint_and_no_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(runner, "audit", broken)  # a bug deep in the library
    outcome = invoke(["check", *write_pair(tmp_path)], 4)
    line = assert_one_line_error(outcome, "internal error", "ZeroDivisionError", "--debug")
    assert line.startswith("skewcheck: internal error")
    debug = invoke(["check", *write_pair(tmp_path), "--debug"], 4)
    assert "Traceback" in debug.stderr


def test_help_lists_every_exit_code() -> None:
    outcome = invoke(["check", "--help"], 0)
    for code in ExitCode:
        assert f"{int(code)}: {code.meaning}" in outcome.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["check", "a", "b", "--retain", "-5"], "--retain"),
        (["history", ".", "--since", "2026-13-01"], "--since"),
        (["check", "a", "b", "--format", "nope"], "--format"),
        (["no-such-command"], "No such command"),
    ],
)
def test_command_line_mistakes_are_one_line_too(args: list[str], fragment: str) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "skewcheck", *args]
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in done.stderr, done.stderr
