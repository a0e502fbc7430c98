"""Shared test helpers: run the CLI and assert its exit code, write small datasets and schemas."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from skewcheck.cli.app import app

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def invoke(args: list[str], code: int) -> Outcome:
    """Run `skewcheck ARGS` in-process; fail with stdout and stderr shown unless it exits `code`."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    outcome = Outcome(result.exit_code, result.stdout, result.stderr)
    assert outcome.exit_code == code, (
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
