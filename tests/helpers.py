"""Shared test helpers: run the CLI and assert its exit code, write small datasets and schemas."""

from __future__ import annotations

import json
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from skewcheck.__main__ import entry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def invoke(args: list[str], code: int | None) -> Outcome:
    """Run `skewcheck ARGS` in-process, through the console script's own error boundary (its exit codes and
    one-line messages); fail with stdout and stderr shown unless it exits `code` (None: any code)."""
    with CliRunner().isolation() as (stdout, stderr, _):
        try:
            entry([str(a) for a in args])
        except SystemExit as exit:
            exit_code = exit.code if isinstance(exit.code, int) else 1
        sys.stdout.flush()  # the isolation's text streams buffer what sys.stdout.write wrote
        sys.stderr.flush()
        outcome = Outcome(exit_code, stdout.getvalue().decode(), stderr.getvalue().decode())
    assert code is None or outcome.exit_code == code, (
        f"expected exit {code}, got {outcome.exit_code}\n--- stdout\n{outcome.stdout}\n--- stderr\n{outcome.stderr}"
    )
    return outcome


def write_schema(path: Path, text: str) -> Path:
    """Write a schema file from an indented YAML literal."""
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def assert_one_line_error(outcome: Outcome, *fragments: str) -> str:
    """The CLI said what is wrong in exactly one stderr line, with no traceback, naming each fragment."""
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{outcome.stderr}"
    assert "Traceback" not in outcome.stderr
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]
