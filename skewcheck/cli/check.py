"""`skewcheck check TRAIN SERVING`: one audit, or one per partition with --each (and a history with --history)."""

from __future__ import annotations

from typing import Annotated

import typer

from skewcheck.audit.inferred import infer_for_audit
from skewcheck.audit.options import HistoryOptions, Options
from skewcheck.audit.partitions import run_each
from skewcheck.audit.report import FailOn
from skewcheck.audit.run import run
from skewcheck.cli import outputs, terminal
from skewcheck.cli.options import (
    DebugOption,
    ExamplesOption,
    FailOnOption,
    FormatOption,
    HtmlOption,
    JsonOption,
    JunitOption,
    MarkdownOption,
    QuietOption,
    ServingFormatOption,
    StepSummaryOption,
    StorageOption,
    TrainFormatOption,
)
from skewcheck.drift.join import KeepDuplicates
from skewcheck.errors import UsageError
from skewcheck.reporters import OutputFormat
from skewcheck.schema.model import Schema


def check(
    train: Annotated[
        str,
        typer.Argument(
            metavar="TRAIN", help="Training data: a file, a quoted glob, a directory, or a saved profile (.skprofile)."
        ),
    ],
    serving: Annotated[
        str, typer.Argument(metavar="SERVING", help="Serving data (e.g. a JSON Lines log): a file, glob or directory.")
    ],
    schema: Annotated[
        str | None,
        typer.Option(
            "--schema",
            "-s",
            metavar="PATH",
            help="The schema file (YAML or JSON). Without it, one is inferred from TRAIN.",
        ),
    ] = None,
    save_schema: Annotated[
        str | None, typer.Option("--save-schema", metavar="PATH", help="Keep the schema inferred without --schema.")
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    json_path: JsonOption = None,
    markdown_path: MarkdownOption = None,
    junit_path: JunitOption = None,
    html_path: HtmlOption = None,
    step_summary: StepSummaryOption = True,
    examples: ExamplesOption = True,
    fail_on: FailOnOption = FailOn.FAIL,
    train_format: TrainFormatOption = None,
    serving_format: ServingFormatOption = None,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample", min=1, metavar="N", help="Numeric drift metrics on at most N values per feature and side."
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Random seed for --sample.")] = 0,
    approx: Annotated[
        bool,
        typer.Option("--approx", help="Read both sides in batches onto a grid: memory bounded, metrics approximate."),
    ] = False,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact/--no-exact",
            help="KS and Wasserstein from sorted values (scipy's); --no-exact counts large columns on fine cells "
            "instead, within stated bounds.",
        ),
    ] = True,
    each: Annotated[
        str | None,
        typer.Option("--each", metavar="KEY|file", help="Audit each file, or each KEY=value folder, on its own."),
    ] = None,
    history_dir: Annotated[
        str | None,
        typer.Option("--history", metavar="DIR", help="Keep every partition's metrics here (a Delta table; or a URL)."),
    ] = None,
    skip_done: Annotated[
        bool, typer.Option("--skip-done", help="Skip partitions the history holds for this baseline and schema.")
    ] = False,
    retain: Annotated[
        int | None,
        typer.Option(
            "--retain",
            metavar="DAYS",
            min=1,
            help="Keep DAYS days of history: older entries are removed, and older partitions are not audited "
            "(they would be removed at once).",
        ),
    ] = None,
    latest: Annotated[
        bool, typer.Option("--latest", help="With --each: exit with the newest partition's code, not the worst's.")
    ] = False,
    key: Annotated[
        list[str] | None, typer.Option("--key", metavar="COLUMN", help="Join on this column; compare rows.")
    ] = None,
    rows: Annotated[bool, typer.Option("--rows", help="Join on the schema's role: key features.")] = False,
    rows_only: Annotated[bool, typer.Option("--rows-only", help="Only the row-by-row comparison.")] = False,
    keep_duplicates: Annotated[
        KeepDuplicates | None, typer.Option("--allow-duplicate-keys", help="Which row a duplicated key keeps.")
    ] = None,
    mismatches: Annotated[
        str | None, typer.Option("--mismatches", metavar="PATH", help="Write every differing row (Parquet).")
    ] = None,
    train_version: Annotated[
        int | None, typer.Option("--train-version", min=0, metavar="N", help="Read this version of a Delta table.")
    ] = None,
    serving_version: Annotated[
        int | None, typer.Option("--serving-version", min=0, metavar="N", help="Read this version of a Delta table.")
    ] = None,
    storage_option: StorageOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> int:
    """Compare TRAIN and SERVING against the schema and report drift per feature."""
    options = Options(
        train_format=train_format,
        serving_format=serving_format,
        sample=sample,
        seed=seed,
        fail_on=fail_on,
        examples=examples,
        keys=tuple(key or ()),
        rows=rows,
        rows_only=rows_only,
        keep_duplicates=keep_duplicates,
        mismatched_rows=mismatches is not None,
        approx=approx,
        exact=exact,
        train_version=train_version,
        serving_version=serving_version,
        storage_options=outputs.use_storage(storage_option),
    )
    report_files = outputs.requested(json_path, markdown_path, junit_path, html_path)
    outputs.check_mismatches_path(mismatches)
    if save_schema == "-":
        raise UsageError("--save-schema needs a file: stdout carries the report")
    inputs = [*outputs.inputs_of(train, train_format), *outputs.inputs_of(serving, serving_format)]
    inputs += outputs.inputs_of(schema)
    others = {"the --mismatches rows": mismatches, "the schema": save_schema}
    outputs.refuse_unsafe(report_files, inputs, others=others, history=history_dir, step_summary=step_summary)
    if schema is None:
        audit_schema: str | Schema = _inferred_schema(train, serving, options, save_schema, inputs)
    elif save_schema is not None:
        raise UsageError("--save-schema keeps an inferred schema; with --schema there is none to save")
    else:
        audit_schema = schema
    keep = None if history_dir is None else HistoryOptions(history_dir, skip_done, retain)
    _check_scheduled(each, keep, skip_done, retain, output_format, report_files, mismatches)
    if each is None and keep is None and not latest:  # run_each refuses --latest without --each
        with terminal.progress(quiet) as progress:
            report = run(train, serving, audit_schema, options, progress=progress)
        outputs.write_mismatches(report, mismatches, inputs)
        outputs.emit(report, output_format, report_files, quiet, step_summary, inputs)
        return int(report.exit_code)
    with terminal.progress(quiet) as progress:
        partitions = run_each(train, serving, audit_schema, each, options, keep=keep, latest=latest, progress=progress)
    for note in partitions.notes:
        terminal.note(f"skewcheck: {note}")
    if each is None and partitions[0].report is not None:
        outputs.write_mismatches(partitions[0].report, mismatches, inputs)
        outputs.emit(partitions[0].report, output_format, report_files, quiet, step_summary, inputs)
    else:
        outputs.emit_partitions(partitions, output_format, report_files, quiet, step_summary, inputs)
    return int(partitions.exit_code)


def _check_scheduled(
    each: str | None,
    keep: HistoryOptions | None,
    skip_done: bool,
    retain: int | None,
    output_format: OutputFormat,
    report_files: dict[OutputFormat, str],
    mismatches: str | None,
) -> None:
    if keep is None and (skip_done or retain is not None):
        raise UsageError(f"{'--skip-done' if skip_done else '--retain'} works on a history: add --history DIR")
    if each is not None and mismatches is not None:
        raise UsageError("--mismatches keeps one audit's rows: run check on that partition, without --each")
    if each is not None and ({*report_files} - {OutputFormat.JSON} or output_format not in _PARTITION_FORMATS):
        raise UsageError(
            "with --each, the report is the partition table or --json (and $GITHUB_STEP_SUMMARY); for one "
            "partition's Markdown, JUnit, HTML or GitHub annotations, run check on that partition"
        )


_PARTITION_FORMATS = (OutputFormat.TABLE, OutputFormat.JSON)


def _inferred_schema(train: str, serving: str, options: Options, save_to: str | None, inputs: list[str]) -> Schema:
    text, schema = infer_for_audit(train, serving, options)
    if save_to is not None:
        outputs.write(save_to, text, inputs, "the schema")
    kept = f"saved to {save_to}" if save_to else "--save-schema PATH keeps it for review"
    features = terminal.plural(len(schema.features), "feature")
    terminal.note(f"skewcheck: no --schema given: inferred one from {train} ({features}); {kept}")
    return schema
