"""A run over partitions (`check --each`): one line per partition, an overall verdict, the JSON of all."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from skewcheck.audit.partition_run import PartitionResult, PartitionRun
from skewcheck.audit.report import REPORT_VERSION
from skewcheck.reporters.markdown import cell, inline
from skewcheck.reporters.table import STYLES


def table(results: Sequence[PartitionResult]) -> Table:
    grid = Table(title="Partitions", title_justify="left", show_edge=False, pad_edge=False)
    for column in ("partition", "serving rows", "status", "summary"):
        grid.add_column(column, justify="right" if column == "serving rows" else "left", overflow="fold")
    for result in results:
        report = result.report
        if report is None:
            word = "error" if result.error else "skipped"
            grid.add_row(
                Text(result.partition), "", Text(word, style=STYLES[word]), Text(result.error or result.skipped)
            )
            continue
        word = str(report.status)
        rows = f"{report.serving.rows:,}" if report.serving is not None else ""
        # Text, not str: rich would read a [bracketed] path as markup.
        grid.add_row(Text(result.partition), rows, Text(word, style=STYLES[word]), Text(report.summary_line()))
    return grid


def notes(run: PartitionRun) -> list[str]:
    """The thresholds that sit below their noise level, said once for the run: the newest audited partition's."""
    audited = run.audited
    return [f"note: {note}" for note in audited[-1].report.noise_notes()] if audited and audited[-1].report else []


def markdown(run: PartitionRun) -> str:
    """The partition table for $GITHUB_STEP_SUMMARY: one row per partition, its verdict and summary.

    Labels, errors and summaries are data: escaped as the report's Markdown escapes its cells (`markdown.cell`).
    """
    lines = [
        f"**{run.status.upper()}** · {inline(run.details)}",
        "",
        "| partition | serving rows | status | summary |",
        "| --- | ---: | --- | --- |",
    ]
    for result in run:
        report = result.report
        if report is None:
            word, note, rows = ("error", result.error, "") if result.error else ("skipped", result.skipped, "")
        else:
            word, note = str(report.status), report.summary_line()
            rows = f"{report.serving.rows:,}" if report.serving is not None else ""
        lines.append(f"| {cell(result.partition)} | {rows} | {word} | {cell(note)} |")
    return "\n".join(lines) + "\n"


def to_json(run: PartitionRun) -> str:
    """Every partition's full JSON report (version 1), in order, with the overall verdict."""
    document = {
        "version": REPORT_VERSION,
        "status": run.status,
        "exit_code": int(run.exit_code),
        "summary": run.summary,
        "partitions": [
            {
                "partition": r.partition,
                "skipped": r.skipped or None,
                "error": r.error or None,
                "report": None if r.report is None else r.report.to_records(),
            }
            for r in run
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
