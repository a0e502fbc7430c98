"""Where reports go: files (atomically, under the write rules of io.outputs_guard), stdout, the step summary."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import polars as pl

from skewcheck.audit.partition_run import PartitionRun
from skewcheck.audit.report import Report
from skewcheck.cli import terminal
from skewcheck.errors import SkewcheckError, UsageError, os_error_line
from skewcheck.io import remote
from skewcheck.io.atomic import write_atomic
from skewcheck.io.outputs_guard import Output, check_outputs, output_mode
from skewcheck.io.sources import InputFormat, resolve_source
from skewcheck.reporters import OutputFormat, partitions, render, table
from skewcheck.reporters.console import printable


def emit_partitions(
    run: PartitionRun,
    output_format: OutputFormat,
    outputs: dict[OutputFormat, str],
    quiet: bool,
    step_summary: bool,
    inputs: list[str],
) -> None:
    document = partitions.to_json(run)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and summary_file:
        _append(summary_file, partitions.markdown(run), inputs)
    path = outputs.get(OutputFormat.JSON)
    if path is not None and path != "-":
        write(path, document, inputs, "the --json report")
    line = run.summary
    failed = [result for result in run.partitions if result.error]
    if failed:  # exit 2: one stderr line names the (first) partition that could not be read, and why
        more = f" (and {terminal.plural(len(failed) - 1, 'more partition')} that could not be read)"
        reason = " ".join(failed[0].error.split())
        terminal.note(f"skewcheck: error: partition {failed[0].partition}: {reason}{more if len(failed) > 1 else ''}")
    if output_format is OutputFormat.JSON or path == "-":
        sys.stdout.write(document)
        if not failed:
            terminal.stderr().print(line, highlight=False, markup=False)
    elif quiet:
        terminal.stdout().print(line, highlight=False, markup=False)
    else:
        console = terminal.stdout()
        console.print(partitions.table(run.partitions))
        for note in partitions.notes(run):
            console.print(note, highlight=False, markup=False, style="dim")
        console.print(line, highlight=False, markup=False)


_SUMMARY = "the step summary ($GITHUB_STEP_SUMMARY)"
_storage: dict[str, str] = {}
"""The command's --storage-option settings, for the outputs it writes to object stores (one command a process)."""


def use_storage(pairs: list[str] | None) -> dict[str, str]:
    """Parse --storage-option KEY=VALUE pairs: kept for this command's outputs, returned for its library call."""
    _storage.clear()
    _storage.update(remote.parse_options(pairs or []))
    return dict(_storage)


def requested(
    json_path: str | None, markdown_path: str | None, junit_path: str | None, html_path: str | None
) -> dict[OutputFormat, str]:
    """The report files asked for; at most one of them may be '-' (stdout)."""
    asked = {
        OutputFormat.JSON: json_path,
        OutputFormat.MARKDOWN: markdown_path,
        OutputFormat.JUNIT: junit_path,
        OutputFormat.HTML: html_path,
    }
    outputs = {output_format: path for output_format, path in asked.items() if path is not None}
    if sum(path == "-" for path in outputs.values()) > 1:
        raise UsageError("only one report can go to stdout ('-')")
    return outputs


def refuse_unsafe(
    reports: dict[OutputFormat, str],
    inputs: list[str],
    *,
    others: dict[str, str | None] | None = None,
    history: str | None = None,
    stores: tuple[str, ...] = (),
    step_summary: bool = False,
) -> None:
    """Every output of the run checked against the write rules (io.outputs_guard) before any work is done.

    `others`: what else is written, as {what: path or None}; `history`: the store `--history` writes into;
    `stores`: history stores read.
    """
    wanted = [Output(path, f"the --{file_format.value} report") for file_format, path in reports.items()]
    wanted += [Output(path, what) for what, path in (others or {}).items() if path is not None]
    if history is not None:
        stores += (history,)
        wanted.append(Output(history, "the --history store", folder=True))
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and summary_file is not None:
        wanted.append(Output(summary_file, _SUMMARY))
    check_outputs(wanted, inputs, stores)


def inputs_of(spec: str | Path | None, data_format: InputFormat | None = None) -> list[str]:
    """An input and the files it stands for (a directory's, a glob's): none of them is ever written over.

    An input that cannot be resolved is left to the run, which says why in its own words.
    """
    if spec is None:
        return []
    try:
        files = resolve_source(str(spec), data_format, storage_options=_storage).files
        return [str(spec), *map(str, files)]
    except (SkewcheckError, OSError):
        return [str(spec)]


def emit(
    report: Report,
    output_format: OutputFormat,
    outputs: dict[OutputFormat, str],
    quiet: bool,
    step_summary: bool,
    inputs: list[str],
) -> None:
    """Report files, the GitHub step summary, then the payload on stdout (the summary on stderr when it is data)."""
    rendered: dict[OutputFormat, str] = {}  # Markdown for a file and for the step summary is rendered once

    def text(file_format: OutputFormat) -> str:
        if file_format not in rendered:
            rendered[file_format] = render(report, file_format)
        return rendered[file_format]

    for file_format, path in outputs.items():
        if path != "-":
            write(path, text(file_format), inputs, f"the --{file_format.value} report")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and summary_file:
        _append(summary_file, text(OutputFormat.MARKDOWN), inputs)
    payload = next((file_format for file_format, path in outputs.items() if path == "-"), output_format)
    if payload.is_human:
        terminal.stdout().print(table.summary(report) if quiet else table.renderable(report))
    else:  # JSON escapes control characters itself; other text formats are escaped as the terminal's text is
        shown = text(payload)
        sys.stdout.write(shown if payload is OutputFormat.JSON else printable(shown, one_line=False))
        terminal.stderr().print(table.summary(report))


def _append(path: str, text: str, inputs: list[str]) -> None:
    # GitHub hands each step its own summary file to append to: appending is the contract, not a rename.
    check_outputs([Output(path, _SUMMARY)], inputs)
    try:
        with Path(path).open("a", encoding="utf-8") as stream:
            stream.write(text + "\n")
    except OSError as error:
        raise UsageError(os_error_line(error, f"{path} ($GITHUB_STEP_SUMMARY)")) from None


def write(path: str, data: str | bytes, inputs: list[str], what: str = "the report") -> None:
    """Write an output atomically, never more readable than its inputs, under the write rules (exit 2 otherwise).

    The rules were checked before the run; they are checked again here, where the file is written.
    """
    check_outputs([Output(path, what)], inputs)
    if remote.is_url(path):  # one PUT of the whole object, which object stores make visible all at once
        remote.write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data, _storage)
        return
    try:
        write_atomic(path, data, output_mode(inputs))
    except OSError as error:
        raise UsageError(os_error_line(error, path)) from None


def check_mismatches_path(path: str | None) -> None:
    """--mismatches is Parquet: a file, never stdout."""
    if path == "-":
        raise UsageError("--mismatches needs a file: Parquet is not for stdout")


def write_mismatches(report: Report, path: str | None, inputs: list[str]) -> None:
    """Every differing row of the row-level comparison, as Parquet (keys, feature, train, serving)."""
    if path is None:
        return
    # Options(mismatched_rows=True) refuses a run without a join, and a join with it collects the rows.
    assert report.differing_rows is not None, "a run asked for its differing rows has them"
    write(path, _parquet_bytes(report.differing_rows), inputs, what="the mismatching rows")


def _parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()
