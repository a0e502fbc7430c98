"""The command line: options -> runner.run -> reporters -> exit code.

This is the only module that imports typer, and the one place where errors become
exit codes and one-line messages. The payload goes to stdout; messages go to stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from skewcheck.audit import partitions as partitioned
from skewcheck.audit import run as runner
from skewcheck.audit.inferred import infer_for_audit
from skewcheck.audit.options import HistoryOptions, Options
from skewcheck.audit.profile import merge_profiles, profile
from skewcheck.audit.report import FailOn
from skewcheck.audit.stamps import skewcheck_version
from skewcheck.audit.validate import validate_dataset
from skewcheck.cli import outputs, terminal
from skewcheck.drift.join import KeepDuplicates
from skewcheck.errors import ExitCode, SkewcheckError, UsageError
from skewcheck.history import series, store
from skewcheck.io.sources import InputFormat, resolve_source
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.infer import InferOptions, infer_schema
from skewcheck.reporters import OutputFormat, partitions
from skewcheck.schema.diff import diff_schemas, render_changes
from skewcheck.schema.json_schema import json_schema
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import ENVIRONMENTS, Schema

EXIT_CODES_HELP = "\n\n".join(f"{int(code)}: {code.meaning} — {code.explanation}" for code in ExitCode)

app = typer.Typer(
    name="skewcheck",
    help="Audit training-serving skew: validate a training dataset and a serving log against a schema, "
    "measure per-feature drift, and exit with a code a pipeline can act on.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"skewcheck {skewcheck_version()}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Training-serving skew auditor."""


class Environment(StrEnum):
    TRAINING = "training"
    SERVING = "serving"


SchemaOption = Annotated[Path, typer.Option("--schema", "-s", help="The schema file (YAML or JSON).")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="What to print on stdout.")]
JsonOption = Annotated[
    str | None, typer.Option("--json", metavar="PATH", help="Also write the JSON report here ('-' for stdout).")
]
MarkdownOption = Annotated[
    str | None, typer.Option("--markdown", metavar="PATH", help="Also write a Markdown report ('-' for stdout).")
]
JunitOption = Annotated[
    str | None, typer.Option("--junit", metavar="PATH", help="Also write a JUnit XML report ('-' for stdout).")
]
HtmlOption = Annotated[
    str | None, typer.Option("--html", metavar="PATH", help="Also write an HTML report with a plot per feature.")
]
ExamplesOption = Annotated[
    bool, typer.Option("--examples/--no-examples", help="Show example values in reports (pii features are hashed).")
]
StepSummaryOption = Annotated[
    bool,
    typer.Option("--step-summary/--no-step-summary", help="Append Markdown to $GITHUB_STEP_SUMMARY when it is set."),
]
FailOnOption = Annotated[FailOn, typer.Option("--fail-on", help="'warn' makes warnings fail the run too.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the one-line summary.")]
TrainFormatOption = Annotated[
    InputFormat | None, typer.Option("--train-format", help="Override the format read from the file name.")
]
ServingFormatOption = Annotated[
    InputFormat | None, typer.Option("--serving-format", help="Override the format read from the file name.")
]
DataFormatOption = Annotated[
    InputFormat | None, typer.Option("--data-format", help="Override the format read from the file name.")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]


@app.command(epilog=f"Exit codes:\n\n{EXIT_CODES_HELP}")
def check(
    train: Annotated[
        str, typer.Argument(help="Training data: a file, a quoted glob, a directory, or a saved profile (.skprofile).")
    ],
    serving: Annotated[str, typer.Argument(help="Serving data (e.g. a JSON Lines log): a file, glob or directory.")],
    schema: Annotated[
        Path | None,
        typer.Option("--schema", "-s", help="The schema file (YAML or JSON). Without it, one is inferred from TRAIN."),
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
    seed: Annotated[int, typer.Option("--seed", help="Random seed for --sample.")] = 0,
    approx: Annotated[
        bool,
        typer.Option("--approx", help="Read both sides in batches onto a grid: memory bounded, metrics approximate."),
    ] = False,
    each: Annotated[
        str | None,
        typer.Option("--each", metavar="KEY|file", help="Audit each file, or each KEY=value folder, on its own."),
    ] = None,
    history_dir: Annotated[
        Path | None, typer.Option("--history", metavar="DIR", help="Keep every partition's metrics here (Parquet).")
    ] = None,
    skip_done: Annotated[
        bool, typer.Option("--skip-done", help="Skip partitions the history holds for this baseline and schema.")
    ] = False,
    retain: Annotated[
        int | None, typer.Option("--retain", metavar="DAYS", min=1, help="Remove history older than DAYS days.")
    ] = None,
    latest: Annotated[
        bool, typer.Option("--latest", help="With --each: exit with the newest partition's code, not the worst's.")
    ] = False,
    key: Annotated[list[str] | None, typer.Option("--key", help="Join on this column; compare rows.")] = None,
    rows: Annotated[bool, typer.Option("--rows", help="Join on the schema's role: key features.")] = False,
    rows_only: Annotated[bool, typer.Option("--rows-only", help="Only the row-by-row comparison.")] = False,
    keep_duplicates: Annotated[
        KeepDuplicates | None, typer.Option("--allow-duplicate-keys", help="Which row a duplicated key keeps.")
    ] = None,
    mismatches: Annotated[
        str | None, typer.Option("--mismatches", metavar="PATH", help="Write every differing row (Parquet).")
    ] = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
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
    )
    with _errors_to_exit_codes(debug):
        report_files = outputs.requested(json_path, markdown_path, junit_path, html_path)
        outputs.check_path(mismatches)
        if schema is None:
            audit_schema: Path | Schema = _inferred_schema(train, serving, options, save_schema)
        elif save_schema is not None:
            raise UsageError("--save-schema keeps an inferred schema; with --schema there is none to save")
        else:
            audit_schema = schema
        keep = None if history_dir is None else HistoryOptions(history_dir, skip_done, retain)
        _check_scheduled(each, keep, skip_done, retain, latest, output_format, report_files)
        if each is None and keep is None:
            with terminal.progress(quiet) as progress:
                report = runner.run(train, serving, audit_schema, options, progress=progress)
            outputs.write_mismatches(report, mismatches)
            outputs.emit(report, output_format, report_files, quiet, step_summary)
            raise typer.Exit(int(report.exit_code))
        with terminal.progress(quiet) as progress:
            results = partitioned.run_each(train, serving, audit_schema, each, options, keep=keep, progress=progress)
        if each is None and results[0].report is not None:
            outputs.emit(results[0].report, output_format, report_files, quiet, step_summary)
        else:
            outputs.emit_partitions(results, output_format, report_files, quiet, latest, step_summary)
    raise typer.Exit(int(partitions.exit_code(results, latest=latest)))


def _check_scheduled(
    each: str | None,
    keep: HistoryOptions | None,
    skip_done: bool,
    retain: int | None,
    latest: bool,
    output_format: OutputFormat,
    report_files: dict[OutputFormat, str],
) -> None:
    if keep is None and (skip_done or retain is not None):
        raise UsageError(f"{'--skip-done' if skip_done else '--retain'} works on a history: add --history DIR")
    if latest and each is None:
        raise UsageError("--latest picks the newest of the partitions --each makes")
    if each is not None and ({*report_files} - {OutputFormat.JSON} or output_format not in _PARTITION_FORMATS):
        raise UsageError(
            "with --each, the report is the partition table or --json (and $GITHUB_STEP_SUMMARY); for one "
            "partition's Markdown, JUnit, HTML or GitHub annotations, run check on that partition"
        )


_PARTITION_FORMATS = (OutputFormat.TABLE, OutputFormat.JSON)


def _inferred_schema(train: str, serving: str, options: Options, save_to: str | None) -> Schema:
    if save_to == "-":
        raise UsageError("--save-schema needs a file: stdout carries the report")
    outputs.check_path(save_to)
    text, schema = infer_for_audit(train, serving, options)
    if save_to is not None:
        inputs = [*_files(train, options.train_format), *_files(serving, options.serving_format)]
        outputs.write(save_to, text, inputs, "the schema")
    kept = f"saved to {save_to}" if save_to else "--save-schema PATH keeps it for review"
    terminal.stderr().print(
        f"skewcheck: no --schema given: inferred one from {train} ({_plural(len(schema.features), 'feature')}); {kept}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return schema


@app.command()
def infer(
    data: Annotated[str, typer.Argument(help="The dataset to infer from: a file, a quoted glob, or a directory.")],
    output: Annotated[
        str | None, typer.Option("--output", "-o", metavar="PATH", help="Write the schema here (default: stdout).")
    ] = None,
    serving: Annotated[
        bool, typer.Option("--serving", help="DATA is a nested serving log: emit serving_path entries.")
    ] = False,
    serving_log: Annotated[
        str | None,
        typer.Option("--serving-log", metavar="PATH", help="Take serving_path entries (and the label) from this log."),
    ] = None,
    max_categories: Annotated[
        int, typer.Option("--max-categories", min=1, help="Most distinct values a category may have.")
    ] = 50,
    min_category_count: Annotated[
        int, typer.Option("--min-category-count", min=1, help="Fewest times each category value must occur.")
    ] = 5,
    range_margin: Annotated[
        float, typer.Option("--range-margin", min=0.0, help="Widen min/max by this fraction of the range.")
    ] = 0.0,
    signed_bounds: Annotated[
        bool, typer.Option("--signed-bounds", help="Also bound columns holding negative and positive values.")
    ] = False,
    nullable_tolerance: Annotated[
        float,
        typer.Option("--nullable-tolerance", min=0.0, max=0.999, help="nullable: false up to this null rate."),
    ] = 0.0,
    timestamp_drift: Annotated[
        bool, typer.Option("--timestamp-drift", help="Drift-check timestamp-named columns too.")
    ] = False,
    data_format: DataFormatOption = None,
    debug: DebugOption = False,
) -> None:
    """Infer a schema from a dataset, to review and commit (exit 0; 2 when DATA cannot be read)."""
    options = InferOptions(
        max_categories=max_categories,
        min_category_count=min_category_count,
        range_margin=range_margin,
        signed_bounds=signed_bounds,
        nullable_tolerance=nullable_tolerance,
        serving=serving,
        timestamp_drift=timestamp_drift,
        source_format=data_format,
    )
    with _errors_to_exit_codes(debug):
        outputs.check_path(output)
        command = _infer_command(data, options) + (f" --serving-log {shlex.quote(serving_log)}" if serving_log else "")
        text = infer_schema(data, options, command=command, serving_log=serving_log)
        if output in (None, "-"):
            sys.stdout.write(text)
        else:
            inputs = [*_files(data, data_format), *(_files(serving_log, None) if serving_log else [])]
            outputs.write(output, text, inputs, "the schema")


def _infer_command(data: str, options: InferOptions) -> str:
    """The command as a canonical line: the same data and options give the same header, byte for byte."""
    defaults = InferOptions()
    flags = [
        f"--{name.replace('_', '-')}" + ("" if isinstance(value, bool) else f" {value}")
        for name, value in vars(options).items()
        if value != getattr(defaults, name) and name != "source_format"
    ]
    if options.source_format is not None:
        flags.append(f"--data-format {options.source_format}")
    return shlex.join(["skewcheck", "infer", data]) + "".join(f" {flag}" for flag in flags)


@app.command(name="history")
def history_command(
    directory: Annotated[Path, typer.Argument(help="The history directory `check --history DIR` writes.")],
    feature: Annotated[str | None, typer.Option("--feature", help="Only this feature.")] = None,
    since: Annotated[
        dt.datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="Only partitions from this date on.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the series as JSON instead of the table.")] = False,
    html_path: Annotated[
        str | None, typer.Option("--html", metavar="PATH", help="Also write a page with a chart per feature.")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Each feature's drift metric over the audited partitions, worst trend first.

    Exit codes: 0 shown, 2 the history could not be read (or holds nothing that matches), 4 internal error.
    """
    # Imported here: their charting library is a fifth of a second of start-up every other command would pay.
    from skewcheck.reporters import history_html, history_json, history_table

    with _errors_to_exit_codes(debug):
        outputs.check_path(html_path)
        if not directory.is_dir():
            raise UsageError(f"{directory}: no such history directory (check --history {directory} creates it)")
        view = series.overview(store.read(directory, feature=feature, since=since.date() if since else None))
        if not view.features:
            raise UsageError(
                f"{directory}: no history{f' of {feature}' if feature else ''}{' since then' if since else ''}"
            )
        if html_path is not None:
            outputs.write(html_path, history_html.html(view), [])
        if as_json:
            sys.stdout.write(history_json.to_json(view))
        else:
            terminal.stdout().print(history_table.renderable(view))


@app.command(name="profile")
def profile_command(
    data: Annotated[
        list[str],
        typer.Argument(
            help="Training data: a file, a quoted glob or a directory. With --merge: the profiles to merge."
        ),
    ],
    output: Annotated[str, typer.Option("--output", "-o", metavar="PATH", help="The profile to write (.skprofile).")],
    schema: Annotated[
        Path | None, typer.Option("--schema", "-s", help="The schema file (YAML or JSON); not with --merge.")
    ] = None,
    merge: Annotated[
        bool, typer.Option("--merge", help="Merge saved profiles of parts into the profile of the whole.")
    ] = False,
    data_format: DataFormatOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Save a training dataset's profile, for `skewcheck check PROFILE SERVING` without reading it again.

    Exit codes: 0 written, 2 could not (bad input, a bad option, a file that cannot be written), 4 internal error.
    """
    with _errors_to_exit_codes(debug):
        if not output.endswith(profile_file.SUFFIX):
            raise UsageError(f"{output}: a profile's name ends in {profile_file.SUFFIX} (that is how `check` knows it)")
        outputs.check_path(output)
        if merge:
            if schema is not None:
                raise UsageError("--merge combines saved profiles, which carry their schema: drop --schema")
            if len(data) < 2:
                raise UsageError("--merge needs two or more profiles")
            saved, inputs = merge_profiles(data), list(data)
        else:
            if schema is None:
                raise UsageError("profile needs --schema: it decides which columns are features and how to read them")
            if len(data) != 1:
                raise UsageError("profile reads one DATA (a file, a quoted glob or a directory); to combine profiles "
                                 "of parts, profile each, then use --merge")  # fmt: skip
            with terminal.progress(quiet) as progress:
                saved = profile(data[0], schema, Options(train_format=data_format), progress=progress)
            inputs = [*_files(data[0], data_format), str(schema)]
        outputs.write(output, profile_file.to_bytes(saved), inputs, what="the profile")
        findings = len(saved.findings)
        noted = (
            f"; {_plural(findings, 'schema finding')} in training, shown in every check against it" if findings else ""
        )
        terminal.stderr().print(
            f"wrote {output}: {_plural(len(saved.features), 'feature')} from {saved.source.rows:,} rows{noted}",
            highlight=False,
            markup=False,
        )


@app.command(epilog=f"Exit codes:\n\n{EXIT_CODES_HELP}")
def validate(
    data: Annotated[str, typer.Argument(help="The dataset: a file, a quoted glob, or a directory.")],
    schema: SchemaOption,
    environment: Annotated[
        Environment, typer.Option("--environment", "-e", help="Which features must be present: by their environments.")
    ] = Environment.SERVING,
    output_format: FormatOption = OutputFormat.TABLE,
    json_path: JsonOption = None,
    markdown_path: MarkdownOption = None,
    junit_path: JunitOption = None,
    html_path: HtmlOption = None,
    step_summary: StepSummaryOption = True,
    examples: ExamplesOption = True,
    fail_on: FailOnOption = FailOn.FAIL,
    data_format: DataFormatOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Validate one dataset against the schema (no drift): exit 0, 3, or 2."""
    dataset = ENVIRONMENTS[environment]
    options = Options(train_format=data_format, serving_format=data_format, fail_on=fail_on, examples=examples)
    with _errors_to_exit_codes(debug):
        report_files = outputs.requested(json_path, markdown_path, junit_path, html_path)
        with terminal.progress(quiet) as progress:
            report = validate_dataset(data, schema, dataset, options, progress=progress)
        outputs.emit(report, output_format, report_files, quiet, step_summary)
    raise typer.Exit(int(report.exit_code))


schema_app = typer.Typer(help="Work with schema files.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


@schema_app.command("json-schema")
def json_schema_command() -> None:
    """Print a JSON Schema of the schema file format, for editors to autocomplete and validate."""
    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


@app.command("diff-schema")
def diff_schema(
    old: Annotated[Path, typer.Argument(help="The schema as it was.")],
    new: Annotated[Path, typer.Argument(help="The schema as it is proposed.")],
    debug: DebugOption = False,
) -> None:
    """What changed between two schema versions; exit 1 when a change can break serving, else 0."""
    with _errors_to_exit_codes(debug):
        changes = diff_schemas(load_schema(old), load_schema(new))
        sys.stdout.write(render_changes(changes) + "\n")
    raise typer.Exit(1 if any(change.breaking for change in changes) else 0)


@contextmanager
def _errors_to_exit_codes(debug: bool) -> Iterator[None]:
    """Ours to exit 2 with one line, anything else to exit 4; library warnings hidden unless --debug."""
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.simplefilter("ignore")
            yield
    except SkewcheckError as error:
        _fail(f"error: {error}", error.exit_code)
    except (typer.Exit, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as error:  # polars panics derive from BaseException: bugs too, exit 4 (never 1)
        if debug:
            traceback.print_exception(error)
        message = f"internal error: {type(error).__name__}: {error}".splitlines()[0]
        _fail(f"{message} (a bug in skewcheck; rerun with --debug for the traceback)", ExitCode.INTERNAL_ERROR)


def _fail(message: str, code: ExitCode) -> NoReturn:
    terminal.stderr().print(f"skewcheck: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))


def _files(spec: str, data_format: InputFormat | None) -> list[str]:  # a directory's or a glob's files too
    return [str(path) for path in resolve_source(spec, data_format).files]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"
