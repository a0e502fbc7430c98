"""Where reports go: files (atomically, never over an input), stdout, and the GitHub step summary."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import polars as pl

from skewcheck.audit.partition_run import PartitionRun
from skewcheck.audit.report import Report
from skewcheck.cli import terminal
from skewcheck.errors import UsageError
from skewcheck.io import remote
from skewcheck.io.atomic import write_atomic
from skewcheck.io.sources import InputFormat, resolve_source
from skewcheck.reporters import OutputFormat, partitions, render, table


def emit_partitions(
    run: PartitionRun, output_format: OutputFormat, outputs: dict[OutputFormat, str], quiet: bool, step_summary: bool
) -> None:
    document = partitions.to_json(run)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and summary_file:
        _append(summary_file, partitions.markdown(run))
    path = outputs.get(OutputFormat.JSON)
    if path is not None and path != "-":
        write(path, document, [])
    line = run.summary
    if output_format is OutputFormat.JSON or path == "-":
        sys.stdout.write(document)
        terminal.stderr().print(line, highlight=False, markup=False)
    elif quiet:
        terminal.stdout().print(line, highlight=False, markup=False)
    else:
        console = terminal.stdout()
        console.print(partitions.table(run.partitions))
        for note in partitions.notes(run):
            console.print(note, highlight=False, markup=False, style="dim")
        console.print(line, highlight=False, markup=False)


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
    for path in outputs.values():
        check_path(path)
    return outputs


def emit(
    report: Report, output_format: OutputFormat, outputs: dict[OutputFormat, str], quiet: bool, step_summary: bool
) -> None:
    """Report files, the GitHub step summary, then the payload on stdout (the summary on stderr when it is data)."""
    rendered: dict[OutputFormat, str] = {}  # Markdown for a file and for the step summary is rendered once

    def text(file_format: OutputFormat) -> str:
        if file_format not in rendered:
            rendered[file_format] = render(report, file_format)
        return rendered[file_format]

    for file_format, path in outputs.items():
        if path != "-":
            write(path, text(file_format), _input_files(report))
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and summary_file:
        _append(summary_file, text(OutputFormat.MARKDOWN))
    payload = next((file_format for file_format, path in outputs.items() if path == "-"), output_format)
    if payload.is_human:
        terminal.stdout().print(table.summary(report) if quiet else table.renderable(report))
    else:
        sys.stdout.write(text(payload))
        terminal.stderr().print(table.summary(report))


def _append(path: str, text: str) -> None:
    # GitHub hands each step its own summary file to append to: appending is the contract, not a rename.
    try:
        with Path(path).open("a", encoding="utf-8") as stream:
            stream.write(text + "\n")
    except OSError as error:
        raise UsageError(f"{path} ($GITHUB_STEP_SUMMARY): cannot append: {error.strerror or error}") from None


def _input_files(report: Report) -> list[str]:
    read = [summary.paths for summary in (report.train, report.serving) if summary is not None]
    return [path for paths in read for path in paths] + [report.schema_path]


_storage: dict[str, str] = {}
"""The command's --storage-option settings, for the outputs it writes to object stores (one command a process)."""


def use_storage(pairs: list[str] | None) -> dict[str, str]:
    """Parse --storage-option KEY=VALUE pairs: kept for this command's outputs, returned for its library call."""
    _storage.clear()
    _storage.update(remote.parse_options(pairs or []))
    return dict(_storage)


def write(path: str, text: str | bytes, input_files: list[str], what: str = "the report") -> None:
    """Write a report or schema atomically; never over an input, and a refused write is the user's to fix (exit 2).

    A URL is written with one PUT of the whole object, which object stores make visible all at once.
    """
    if remote.is_url(path):
        if any(remote.same_object(path, name) for name in input_files):
            raise UsageError(f"{remote.shown(path)}: refusing to write {what} over an input")
        remote.write_bytes(path, text.encode("utf-8") if isinstance(text, str) else text, _storage)
        return
    target = Path(path).resolve()
    if any(not remote.is_url(name) and Path(name).resolve() == target for name in input_files):
        raise UsageError(f"{path}: refusing to write {what} over an input file")
    try:
        write_atomic(path, text)
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None


def check_mismatches_path(path: str | None) -> None:
    """--mismatches is Parquet: a file, never stdout; refused before the audit, like every output."""
    if path == "-":
        raise UsageError("--mismatches needs a file: Parquet is not for stdout")
    check_path(path)


def check_path(output: str | None) -> None:
    """Fail before the audit, not after it, when the report could not be written anyway."""
    if output in (None, "-") or remote.is_url(output):
        return
    target = Path(output).resolve()
    if target.is_dir():
        raise UsageError(f"{output}: is a directory; name a file for the report")
    if target.parent.exists() and not target.parent.is_dir():
        raise UsageError(f"{output}: {target.parent} is a file, not a folder")
    if not target.parent.is_dir():
        raise UsageError(f"{output}: folder {target.parent} does not exist")
    if not os.access(target.parent, os.W_OK):
        raise UsageError(f"{output}: folder {target.parent} is not writable")


def write_mismatches(report: Report, path: str | None) -> None:
    """Every differing row of the row-level comparison, as Parquet (keys, feature, train, serving)."""
    if path is None:
        return
    # Options(mismatched_rows=True) refuses a run without a join, and a join with it collects the rows.
    assert report.differing_rows is not None, "a run asked for its differing rows has them"
    write(path, _parquet_bytes(report.differing_rows), _input_files(report), what="the mismatching rows")


def _parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def input_files(spec: str, data_format: InputFormat | None) -> list[str]:
    """The files an input stands for: a directory's or a glob's files are inputs too (never written over)."""
    return [str(path) for path in resolve_source(spec, data_format, storage_options=_storage).files]
