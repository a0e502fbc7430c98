"""A run over partitions (`check --each`): one line per partition, an overall verdict, the JSON of all."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from skewcheck.audit.partitions import PartitionResult
from skewcheck.audit.report import REPORT_VERSION
from skewcheck.errors import ExitCode
from skewcheck.reporters.markdown import cell, inline
from skewcheck.reporters.table import STYLES

_RANK = {ExitCode.PASS: 0, ExitCode.DRIFT_FAILED: 1, ExitCode.SCHEMA_FAILED: 2, ExitCode.COULD_NOT_RUN: 3}


def _code(result: PartitionResult) -> ExitCode:
    return result.report.exit_code if result.report is not None else ExitCode.COULD_NOT_RUN


def exit_code(results: Sequence[PartitionResult], *, latest: bool = False) -> ExitCode:
    """The worst partition's exit code, or with `latest` the newest one's; 2 whenever one could not be read.

    An unreadable partition is never stored, so each run retries it and says so until it is fixed.
    """
    tried = [result for result in results if not result.skipped]
    if not tried:
        return ExitCode.PASS
    if any(result.error for result in tried):
        return ExitCode.COULD_NOT_RUN
    return _code(tried[-1]) if latest else max((_code(r) for r in tried), key=lambda code: _RANK[code])


def status(results: Sequence[PartitionResult]) -> str:
    """The worst partition's status word, whatever decides the exit code: a summary never hides a failure."""
    if any(r.error for r in results):
        return "error"
    statuses = {str(r.report.status) for r in results if r.report is not None}
    return next((word for word in ("fail", "warn") if word in statuses), "pass")


def summary(results: Sequence[PartitionResult], *, latest: bool = False) -> str:
    audited = [r for r in results if r.report is not None]
    failed = [r.partition for r in audited if r.report is not None and r.report.exit_code is not ExitCode.PASS]
    errors = [r.partition for r in results if r.error]
    skipped = [r for r in results if r.skipped]
    parts = [f"{len(failed)} of {len(audited)} partitions failed"]
    if failed:
        parts.append(f"latest failing: {failed[-1]}")
    if errors:
        parts.append(f"{len(errors)} could not be read ({', '.join(errors[:3])}{', ...' if len(errors) > 3 else ''})")
    done = sum(1 for r in skipped if r.skipped == "already in the history")
    if done:
        parts.append(f"{done} already in the history, skipped")
    if len(skipped) > done:
        parts.append(f"{len(skipped) - done} older than --retain keeps, skipped")
    if latest and audited:
        parts.append(f"exit code from the newest partition, {audited[-1].partition}")
    return f"{status(results).upper()}: {', '.join(parts)}"


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


def markdown(results: Sequence[PartitionResult], *, latest: bool = False) -> str:
    """The partition table for $GITHUB_STEP_SUMMARY: one row per partition, its verdict and summary.

    Labels, errors and summaries are data: escaped as the report's Markdown escapes its cells (`markdown.cell`).
    """
    status_word, _, rest = summary(results, latest=latest).partition(": ")
    lines = [
        f"**{status_word}** · {inline(rest)}",
        "",
        "| partition | serving rows | status | summary |",
        "| --- | ---: | --- | --- |",
    ]
    for result in results:
        report = result.report
        if report is None:
            word, note, rows = ("error", result.error, "") if result.error else ("skipped", result.skipped, "")
        else:
            word, note = str(report.status), report.summary_line()
            rows = f"{report.serving.rows:,}" if report.serving is not None else ""
        lines.append(f"| {cell(result.partition)} | {rows} | {word} | {cell(note)} |")
    return "\n".join(lines) + "\n"


def to_json(results: Sequence[PartitionResult], *, latest: bool = False) -> str:
    """Every partition's full JSON report (version 1), in order, with the overall verdict."""
    code = exit_code(results, latest=latest)
    document = {
        "version": REPORT_VERSION,
        "status": status(results),
        "exit_code": int(code),
        "summary": summary(results, latest=latest),
        "partitions": [
            {
                "partition": r.partition,
                "skipped": r.skipped or None,
                "error": r.error or None,
                "report": None if r.report is None else r.report.to_records(),
            }
            for r in results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
