"""The terminal report: features worst first, then schema findings, then the summary line."""

from __future__ import annotations

import io

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Status
from skewcheck.drift.rows import RowSkew
from skewcheck.io.sources import InputSummary
from skewcheck.reporters import row_text
from skewcheck.reporters.console import EscapingConsole
from skewcheck.reporters.numbers import number, percent
from skewcheck.reporters.order import MAX_ROWS, ranked
from skewcheck.reporters.reasons import reasons
from skewcheck.reporters.sparkline import sparkline
from skewcheck.validation.findings import Check, Finding

STYLES = {
    "pass": "green",
    "warn": "yellow",
    "fail": "bold red",
    "error": "bold red",
    "skipped": "dim",
    "info": "dim",
}


def render(report: Report, width: int = 120) -> str:
    """Plain text, as a file or a CI log would show it."""
    console = EscapingConsole(file=io.StringIO(), width=width, color_system=None, legacy_windows=False, soft_wrap=False)
    console.print(renderable(report))
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


# Below this many columns the tables drop what the reasons already say (types, null rates, shapes, rates);
# at this many or more they keep it only when the wide table fits with every cell whole.
WIDE = 160


class _Audit:
    """The report laid out for the width it is printed at: a narrow terminal gets fewer, wider columns."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        narrow = options.max_width < WIDE
        yield _heading(self.report)
        if self.report.features:
            features = None if narrow else _features_table(self.report)
            if features is None or _needed_width(features, console, options) > options.max_width:
                features = _features_table(self.report, compact=True)
            yield _fitted(features, console, options)
        if self.report.rows is not None:
            yield from _rows_section(self.report.rows, narrow or options.max_width < WIDE)
        problems = [f for f in self.report.findings if f.check is not Check.UNEXPECTED_COLUMN]
        if problems:
            yield _fitted(_findings_table(problems, narrow), console, options)
        yield from _info_lines(self.report)
        yield summary(self.report)


def _needed_width(table: Table, console: Console, options: ConsoleOptions) -> int:
    """The columns `table` needs to show every cell whole: a no-wrap column its longest line, another its
    longest word (or its min_width), plus padding and borders. Wider than the console, rich would crop it."""
    unbounded = options.update_width(1_000_000)
    padding = table.padding[1] + table.padding[3]
    total = (2 if table.box and table.show_edge else 0) + (len(table.columns) - 1 if table.box else 0)
    for column in table.columns:
        sizes = [Measurement.get(console, unbounded, cell) for cell in (column.header, *column.cells)]
        widest = max(size.maximum if column.no_wrap else size.minimum for size in sizes)
        total += max(widest, column.min_width or 0) + padding
    return total


def _fitted(table: Table, console: Console, options: ConsoleOptions) -> Table:
    """The table, its long names folded onto more lines where it is still too wide: never cropped or cut."""
    if _needed_width(table, console, options) > options.max_width:
        for column in table.columns:
            column.no_wrap, column.overflow = False, "fold"
    return table


def _rows_section(rows: RowSkew, compact: bool) -> RenderResult:
    # Narrow: no example column; the --mismatches file and the other formats have the rows.
    columns = ("feature", "status", "mismatch rate", "rows", "what differs", *(() if compact else ("example",)))
    table = Table(title=f"Row-level skew: {row_text.heading(rows)}", title_justify="left", show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold", justify="right" if column == "mismatch rate" else "left")
    cells: list[str | Text]
    for gate in rows.gates:
        if gate.status is not Status.PASS:
            status = Text(str(gate.status), style=STYLES[str(gate.status)])
            cells = ["(join)", status, "", "", Text(gate.reason), ""]
            table.add_row(*cells[: len(columns)])
    for feature in row_text.problems(rows):
        status = Text(str(feature.status), style=STYLES[str(feature.status)])
        what = [Text(row_text.pattern(feature)), Text(row_text.example(feature, rows.keys))]
        cells = [Text(feature.name), status, percent(feature.mismatch_rate), row_text.counts(feature), *what]
        table.add_row(*cells[: len(columns)])
    yield table
    matching = len(rows.features) - len(row_text.problems(rows))
    if matching and rows.coverage.both:  # on no joined row, nothing matches
        yield Text(f"{matching} other features match on every joined row (within their tolerance)", style="dim")


def renderable(report: Report) -> RenderableType:
    return _Audit(report)


def summary(report: Report) -> Text:
    return Text(report.summary_line(), style=STYLES[str(report.status)])


def _heading(report: Report) -> Text:
    inputs = [f"{_input(summary)}" for summary in (report.train, report.serving) if summary is not None]
    # An archived log must say what was audited, with what, and when.
    traced = f"  schema {report.schema_path} ({report.schema_sha256[:12]})  skewcheck {report.skewcheck_version}"
    return Text.assemble(("skewcheck ", "bold"), " vs ".join(inputs), traced, f"  {report.created_at}")


def _input(summary: InputSummary) -> str:
    sampled = f", sampled {summary.sampled_rows:,}" if summary.sampled_rows is not None else ""
    return f"{summary.spec} ({summary.rows:,} rows{sampled})"


def _features_table(report: Report, compact: bool = False) -> Table:
    features = ranked(report.features)
    # The worst MAX_ROWS: rich lays a table out as a whole, and ten thousand rows took a minute to lay out.
    more = len(features) - MAX_ROWS
    caption = f"… and {more:,} more features, in the order above (every feature is in --json)" if more > 0 else None
    table = Table(title="Features", title_justify="left", expand=False, caption=caption, caption_justify="left")
    features = features[:MAX_ROWS]
    if compact:
        # The type is in the schema; thresholds and null-rate changes are in the reason when they matter.
        table.add_column("feature", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("gate", no_wrap=True)
        table.add_column("reason", overflow="fold", ratio=1, min_width=12)
        for feature in features:
            name, _, status, metric, value, _, _, reason = _feature_cells(feature)
            table.add_row(name, status, f"{metric} {value}".strip(), reason)
        return table
    # Two header lines: the column is only as wide as its values ("100.0% → 100.0%").
    for column in ("feature", "type", "status", "gate", "value", "warn / fail", "nulls\ntrain → serving"):
        table.add_column(column, no_wrap=True, justify="right" if column == "value" else "left")
    table.add_column("shape train → serving", no_wrap=True)
    table.add_column("reason", overflow="fold", ratio=1, min_width=20)
    for feature in features:
        cells = _feature_cells(feature)
        table.add_row(*cells[:7], sparklines(feature), cells[7])
    return table


def sparklines(feature: FeatureResult) -> str:
    """Both histograms on one scale, for a drifted or warned feature: the skew at a glance."""
    if feature.status not in (Status.FAIL, Status.WARN) or feature.histogram is None:
        return ""
    sides = [feature.histogram.train, feature.histogram.serving]
    top = max(max(side, default=0.0) for side in sides) or 1.0
    return " → ".join(sparkline(side, top) for side in sides)


def _feature_cells(feature: FeatureResult) -> list[str | Text]:
    gate = feature.drift_gate
    nulls = ""
    if "null_rate_train" in feature.metrics:
        nulls = f"{percent(feature.metrics['null_rate_train'])} → {percent(feature.metrics['null_rate_serving'])}"
    return [
        Text(feature.name),  # Text, not str: a name such as "[bold]" is not rich markup
        str(feature.type),
        Text(str(feature.status), style=STYLES[str(feature.status)]),
        gate.metric if gate else "",
        number(gate.value) if gate else "",
        f"{gate.warn:g} / {gate.fail:g}" if gate else "",
        nulls,
        Text("; ".join(reasons(feature))),
    ]


def _findings_table(findings: list[Finding], compact: bool = False) -> Table:
    table = Table(title="Schema findings", title_justify="left")
    if compact:  # the message carries the count; examples follow it
        for column in ("dataset", "feature", "check", "severity"):
            table.add_column(column, no_wrap=True)
        table.add_column("message", overflow="fold", ratio=1, min_width=20)
        for finding in findings:
            shown = f"; e.g. {', '.join(repr(e) for e in finding.examples[:3])}" if finding.examples else ""
            severity = Text(str(finding.severity), style=STYLES[str(finding.severity)])
            table.add_row(str(finding.dataset), finding.feature, str(finding.check), severity, finding.message + shown)
        return table
    for column in ("dataset", "feature", "check", "severity", "count", "rate", "examples", "message"):
        table.add_column(column, overflow="fold", justify="right" if column in ("count", "rate") else "left")
    for finding in findings:  # the report's order: failures first, training before serving
        table.add_row(
            str(finding.dataset),
            finding.feature,
            str(finding.check),
            Text(str(finding.severity), style=STYLES[str(finding.severity)]),
            "" if finding.count is None else f"{finding.count:,}",
            percent(finding.rate),
            ", ".join(repr(e) for e in finding.examples),
            finding.message,
        )
    return table


def _info_lines(report: Report) -> list[Text]:
    lines = []
    for dataset in ("train", "serving"):
        columns = [f.feature for f in report.findings if f.check is Check.UNEXPECTED_COLUMN and f.dataset == dataset]
        if columns:
            shown = ", ".join(columns[:12]) + (f", … ({len(columns) - 12} more)" if len(columns) > 12 else "")
            lines.append(Text(f"info: {dataset} has columns the schema does not mention: {shown}", style="dim"))
    lines += [Text(f"note: {note}", style="dim") for note in report.noise_notes()]
    return lines
