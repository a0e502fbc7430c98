"""The history in the terminal: one row per feature, worst first, as many columns as the width holds whole.

A log has a fixed width (a cron mail's 80 columns, a CI log's 160): the table never squeezes a cell to "0.…" or
a name to nothing. It drops whole columns instead, least needed first (min and max, the thresholds, the metric,
the slope), then shortens the sparkline; the failed cell is a count, and the gates other than drift that failed
partitions are named in lines under the table. Features no drift gate ever judged (keys, timestamps, labels) have
nothing to chart: they are named in one line.
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

COLUMNS = ("metric", "latest", "min", "max", "per partition", "warn / fail", "failed", "warned", "slope")
DROPPED_FIRST = ("min", "max", "warn / fail", "metric", "slope")
"""The columns a narrow width leaves out, in this order; feature, latest, the sparkline and the counts stay."""
_FEWEST_POINTS = 8
_NAME_WIDTH = 30
"""A longer feature name folds onto a second line rather than take the sparkline's room."""


def table(view: Overview, width: int = 120) -> str:
    """The terminal view as plain text, as a file or a CI log shows it."""
    console = EscapingConsole(file=io.StringIO(), width=width, color_system=None, legacy_windows=False, soft_wrap=False)
    console.print(renderable(view))
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def renderable(view: Overview) -> RenderableType:
    """One row per feature, worst first; as many columns as the width holds."""
    return _View(view)


class _View:
    def __init__(self, view: Overview) -> None:
        self.view = view

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.view.features:
            yield "the history holds no audits"
            return
        if self.view.checked:
            yield self._table(self.view.checked, options.max_width)
            for line in history_text.failed_on_lines(self.view.checked):
                yield Text(line)
        if self.view.unchecked:
            yield Text(history_text.unchecked_line(self.view.unchecked), style="dim")
        yield Text(history_text.summary_line(self.view))

    def _table(self, found: list[Series], width: int) -> Table:
        columns, points = layout(found, width)
        partitions = self.view.partitions
        title = f"Drift over {partitions} partition{'s' * (partitions != 1)}, worst first (failed, warned, trend)"
        result = Table(title=title, title_justify="left", expand=False)
        result.add_column("feature", overflow="fold", max_width=_NAME_WIDTH)
        for column in columns:
            result.add_column(
                column, no_wrap=True, justify="left" if column in ("metric", "per partition") else "right"
            )
        for one in found:
            cells = _cells(one, points)
            result.add_row(Text(one.feature), *(cells[column] for column in columns))
        return result


def layout(found: list[Series], width: int) -> tuple[list[str], int]:
    """The columns and sparkline points that fit `width` with every cell whole."""
    columns = list(COLUMNS)
    points = history_text.SPARKLINE_POINTS
    dropping = list(DROPPED_FIRST)
    while needed(found, columns, points) > width:
        shortest = needed(found, columns, _FEWEST_POINTS) <= width
        if dropping and not shortest:
            columns.remove(dropping.pop(0))
        elif points > _FEWEST_POINTS:
            points -= 1
        else:
            break  # the narrowest layout; the feature names fold
    return columns, points


def needed(found: list[Series], columns: list[str], points: int) -> int:
    """The width the table takes: each column its widest cell or header plus padding, and the borders."""
    name = min(max(len(one.feature) for one in found), _NAME_WIDTH)
    total = max(name, len("feature")) + 2
    rows = [_cells(one, points) for one in found]
    for column in columns:
        header = max(len(part) for part in column.split("\n"))
        total += max(header, *(len(cells[column]) for cells in rows)) + 2
    return total + len(columns) + 2


def _cells(one: Series, points: int) -> dict[str, str]:
    return {
        "metric": one.metric,
        "latest": number(one.latest),
        "min": number(min(one.present, default=None)),
        "max": number(max(one.present, default=None)),
        "per partition": history_text.series_sparkline(one, points),
        "warn / fail": history_text.thresholds(one),
        "failed": str(one.count("fail", "error")),
        "warned": str(one.count("warn")),
        "slope": history_text.signed(one.slope),
    }
