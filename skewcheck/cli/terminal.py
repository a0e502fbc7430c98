"""What the command line draws on a terminal: consoles sized for a terminal or a log, and the progress display.

Every console here escapes control characters in what it prints (reporters.console): names and values from
the data never reach the terminal or the log raw.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console

from skewcheck.progress import SILENT, Progress
from skewcheck.reporters.console import EscapingConsole, printable

if TYPE_CHECKING:
    from rich import progress as bars


def stdout() -> Console:
    return EscapingConsole(width=None if sys.stdout.isatty() else plain_width(), soft_wrap=False)


class _TerminalProgress:
    """The run's stages as a spinner or bar on stderr, erased when the run ends (rich.progress)."""

    def __init__(self, bar: bars.Progress) -> None:
        self._bar = bar
        self._task: bars.TaskID | None = None

    def stage(self, description: str, total: int | None = None) -> None:
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, steps)


@contextmanager
def progress(quiet: bool) -> Iterator[Progress]:
    """What the run is doing, on a terminal only: CI logs and pipes get no progress lines."""
    if quiet or not sys.stderr.isatty():
        yield SILENT
        return
    from rich import progress as bars  # a fifth of rich's start-up, for a terminal only

    columns = (
        bars.SpinnerColumn(),
        bars.TextColumn("{task.description}", markup=False),
        bars.BarColumn(),
        bars.MofNCompleteColumn(),
        bars.TimeElapsedColumn(),
    )
    with bars.Progress(*columns, console=stderr(), transient=True) as bar:
        yield _TerminalProgress(bar)


def stderr() -> Console:
    return EscapingConsole(stderr=True, width=None if sys.stderr.isatty() else plain_width())


def plain_width() -> int:
    # A CI log has no width: use COLUMNS when set, else wide enough for the table.
    try:
        return int(os.environ.get("COLUMNS", "160"))
    except ValueError:
        return 160


def note(line: str) -> None:
    """One line for the person at the terminal, on stderr: no markup, never wrapped, control characters escaped
    (a file name holding a newline still makes one line)."""
    stderr().print(printable(line), markup=False, highlight=False, soft_wrap=True)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"
