"""A run over partitions (`check --each`): one line per partition, an overall verdict, the JSON of all."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from skewcheck.errors import ExitCode
from skewcheck.partitioned import PartitionResult
from skewcheck.report import REPORT_VERSION

_RANK = {ExitCode.PASS: 0, ExitCode.DRIFT_FAILED: 1, ExitCode.SCHEMA_FAILED: 2}
_STYLES = {"pass": "green", "warn": "yellow", "fail": "bold red", "skipped": "dim"}


def exit_code(results: Sequence[PartitionResult], *, latest: bool = False) -> ExitCode:
    """The worst partition's exit code, or with `latest` the newest audited partition's."""
    codes = [result.report.exit_code for result in results if result.report is not None]
    if not codes:
        return ExitCode.PASS
    return codes[-1] if latest else max(codes, key=lambda code: _RANK[code])


def summary(results: Sequence[PartitionResult], *, latest: bool = False) -> str:
    audited = [r for r in results if r.report is not None]
    failed = [r.partition for r in audited if r.report is not None and r.report.exit_code is not ExitCode.PASS]
    skipped = len(results) - len(audited)
    code = exit_code(results, latest=latest)
    status = "PASS" if code is ExitCode.PASS else "FAIL"
    parts = [f"{len(failed)} of {len(audited)} partitions failed"]
    if failed:
        parts.append(f"latest failing: {failed[-1]}")
    if skipped:
        parts.append(f"{skipped} already in the history, skipped")
    if latest and audited:
        parts.append(f"exit code from the newest partition, {audited[-1].partition}")
    return f"{status}: {', '.join(parts)}"


def table(results: Sequence[PartitionResult]) -> Table:
    grid = Table(title="Partitions", title_justify="left", show_edge=False, pad_edge=False)
    for column in ("partition", "serving rows", "status", "summary"):
        grid.add_column(column, justify="right" if column == "serving rows" else "left", overflow="fold")
    for result in results:
        report = result.report
        if report is None:
            grid.add_row(result.partition, "", Text("skipped", style=_STYLES["skipped"]), "already in the history")
            continue
        status = str(report.status)
        rows = f"{report.serving.rows:,}" if report.serving is not None else ""
        grid.add_row(result.partition, rows, Text(status, style=_STYLES[status]), report.summary_line())
    return grid


def to_json(results: Sequence[PartitionResult], *, latest: bool = False) -> str:
    """Every partition's full JSON report (version 1), in order, with the overall verdict."""
    code = exit_code(results, latest=latest)
    document = {
        "version": REPORT_VERSION,
        "exit_code": int(code),
        "summary": summary(results, latest=latest),
        "partitions": [
            {
                "partition": r.partition,
                "skipped": r.report is None,
                "report": None if r.report is None else r.report.to_records(),
            }
            for r in results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
