"""The history in the terminal: one row per feature, worst trend first, fewer columns on a narrow terminal.

Features no drift gate ever judged (keys, timestamps, labels) have nothing to chart: they are named in one line.
"""

from __future__ import annotations

import io

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from skewcheck.history.series import Overview, Series
from skewcheck.reporters import history_text
from skewcheck.reporters.console import EscapingConsole
from skewcheck.reporters.numbers import number

WIDE = 120
"""Below this many columns the terminal table leaves out the metric, min, max and thresholds."""
_COMPACT = ("latest", "per partition", "failed", "warned", "slope")
_FULL = ("metric", "latest", "min", "max", "per partition", "warn / fail", "failed", "warned", "slope")


def table(view: Overview, width: int = 120) -> str:
    """The terminal view as plain text, as a file or a CI log shows it."""
    console = EscapingConsole(file=io.StringIO(), width=width, color_system=None, legacy_windows=False, soft_wrap=False)
    console.print(renderable(view))
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def renderable(view: Overview) -> RenderableType:
    """One row per feature, worst trend first; fewer columns on a narrow terminal."""
    return _View(view)


class _View:
    def __init__(self, view: Overview) -> None:
        self.view = view

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.view.features:
            yield "the history holds no audits"
            return
        if self.view.checked:
            yield self._table(self.view.checked, options)
        if self.view.unchecked:
            yield Text(history_text.unchecked_line(self.view.unchecked), style="dim")

    def _table(self, found: list[Series], options: ConsoleOptions) -> Table:
        compact = options.max_width < WIDE
        partitions = self.view.partitions
        title = f"Drift over {partitions} partition{'s' * (partitions != 1)}, worst trend first"
        result = Table(title=title, title_justify="left", expand=False)
        result.add_column("feature", overflow="fold", min_width=8)
        columns = _COMPACT if compact else _FULL
        for column in columns:
            result.add_column(
                column, no_wrap=True, justify="left" if column in ("metric", "per partition") else "right"
            )
        points = history_text.SPARKLINE_POINTS
        if compact:
            points = max(8, min(points, options.max_width - 60))
        for one in found:
            cells = _cells(one, points)
            result.add_row(one.feature, *(cells[column] for column in columns))
        return result


def _cells(one: Series, points: int) -> dict[str, str]:
    failed, others = history_text.failed(one)
    return {
        "metric": one.metric,
        "latest": number(one.latest),
        "min": number(min(one.present, default=None)),
        "max": number(max(one.present, default=None)),
        "per partition": history_text.series_sparkline(one, points),
        "warn / fail": history_text.thresholds(one),
        "failed": f"{failed} ({others})" if others else failed,
        "warned": str(one.count("warn")),
        "slope": history_text.signed(one.slope),
    }
