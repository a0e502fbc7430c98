"""Golden cases as data: a folder per case under tests/scenarios/golden/, run through the CLI.

A case folder holds

- `args.txt`: one skewcheck command a line, as shell words (`#` starts a comment, a line ending in ` \\` goes on).
  `> NAME` sends the command's stdout to the expected file NAME, `2> NAME` its stderr. In the arguments, `{out}/NAME`
  is a file the command writes that is compared with the expected file NAME, `{tmp}/...` is scratch space that is
  not compared (a history directory, say), and `{case}` is the case folder, for inputs committed in it.
- `exit_code.txt`: the exit code of each command, one a line.
- one expected file per output named in `args.txt`, and nothing else at the top level (inputs go in subfolders).

Every command runs in-process through the CLI app, at the repo root with relative paths, in a fixed terminal
(200 columns, no colour), with no GitHub step summary and a pinned SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skewcheck.audit import run as runner
from skewcheck.audit.report import Report
from skewcheck.cli import check as check_command
from tests.helpers import REPO, invoke

GOLDEN = Path(__file__).parent / "golden"
ARGS, EXIT_CODES = "args.txt", "exit_code.txt"
OUTPUT = re.compile(r"\{out\}/([^/\s]+)")
# 2026-11-26T00:00:00Z: infer's header names the day, and that day must not be the one the tests run on.
SOURCE_DATE_EPOCH = "1795651200"


@dataclass(frozen=True)
class Command:
    args: tuple[str, ...]
    stdout: str | None = None
    """The expected file stdout is compared with, if any."""
    stderr: str | None = None


@dataclass(frozen=True)
class Case:
    name: str
    commands: tuple[Command, ...]

    @property
    def folder(self) -> Path:
        return GOLDEN / self.name

    @property
    def expected(self) -> tuple[str, ...]:
        """The expected files, in the order the commands make them."""
        names: list[str] = []
        for command in self.commands:
            names += [name for arg in command.args for name in OUTPUT.findall(arg)]
            names += [name for name in (command.stdout, command.stderr) if name]
        return tuple(dict.fromkeys(names))


@dataclass
class CaseRun:
    outputs: dict[str, str] = field(default_factory=dict)
    """Each expected file's text as the CLI wrote it, the run's temporary paths put back as `{out}` and `{tmp}`."""
    exit_codes: list[int] = field(default_factory=list)
    reports: dict[str, Report] = field(default_factory=dict)
    """Every distinct audit `runner.run` made, by its arguments: the commands of a case share them."""


def case_names() -> list[str]:
    return sorted(folder.name for folder in GOLDEN.iterdir() if (folder / ARGS).is_file())


def load_case(name: str) -> Case:
    text = (GOLDEN / name / ARGS).read_text(encoding="utf-8").replace(" \\\n", " ")
    commands = [parse_command(line) for line in text.splitlines() if shlex.split(line, comments=True)]
    return Case(name, tuple(commands))


def parse_command(line: str) -> Command:
    words = shlex.split(line, comments=True)
    redirects = {}
    while len(words) >= 2 and words[-2] in (">", "2>"):
        redirects[words[-2]] = words[-1]
        words = words[:-2]
    if {">", "2>"} & set(words):
        raise ValueError(f"a redirection goes at the end of the line: {line!r}")
    return Command(tuple(words), redirects.get(">"), redirects.get("2>"))


def run_case(case: Case, scratch: Path) -> CaseRun:
    """Run every command of the case, in order, sharing one folder of outputs and one of scratch space."""
    out, tmp = scratch / "out", scratch / "tmp"
    out.mkdir()
    tmp.mkdir()
    places = {"{out}": str(out), "{tmp}": str(tmp), "{case}": case.folder.relative_to(REPO).as_posix()}
    result = CaseRun()
    with golden_environment() as reports:
        for command in case.commands:
            args = [_substitute(arg, places) for arg in command.args]
            outcome = invoke(args, None)
            result.exit_codes.append(outcome.exit_code)
            for name, text in ((command.stdout, outcome.stdout), (command.stderr, outcome.stderr)):
                if name:
                    result.outputs[name] = text
            for name in (name for arg in command.args for name in OUTPUT.findall(arg)):
                if (out / name).is_file():
                    result.outputs[name] = (out / name).read_text(encoding="utf-8")
    result.reports = reports
    for name, text in result.outputs.items():
        result.outputs[name] = text.replace(str(out), "{out}").replace(str(tmp), "{tmp}")
    return result


def _substitute(arg: str, places: dict[str, str]) -> str:
    for placeholder, value in places.items():
        arg = arg.replace(placeholder, value)
    return arg


@contextmanager
def golden_environment() -> Iterator[dict[str, Report]]:
    """cwd at the repo root, a fixed terminal, and one audit shared by every CLI run inside (yielded, by arguments)."""
    # Module-scoped fixtures run before conftest's function-scoped ones, so the environment is set here too; and
    # forced, since conftest only defaults COLUMNS and a developer's own terminal width would rewrap the table.
    # Each stdout format needs its own CLI run, and the audit is the slow part: later runs reuse the first one's
    # Report, while every output still goes through the CLI's own rendering.
    reports: dict[str, Report] = {}
    audit = runner.run

    def memoised(*args: Any, **kwargs: Any) -> Report:
        key = repr((args, kwargs))
        if key not in reports:
            reports[key] = audit(*args, **kwargs)
        return reports[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        patch.setenv("COLUMNS", "200")
        patch.setenv("NO_COLOR", "1")
        patch.setenv("TERM", "dumb")
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        patch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        patch.setattr(check_command, "run", memoised)  # where `skewcheck check` calls it
        yield reports
