"""The command line: options -> runner.run -> reporters -> exit code.

This is the only module that imports typer, and the one place where errors become
exit codes and one-line messages. The payload goes to stdout; messages go to stderr.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from skewcheck import runner
from skewcheck.atomic import write_atomic
from skewcheck.errors import ExitCode, SkewcheckError, UsageError
from skewcheck.readers import Format as InputFormat
from skewcheck.report import FailOn, Report
from skewcheck.reporters import Format, json_report, render, table
from skewcheck.schema import ENVIRONMENTS
from skewcheck.schema_diff import diff_schemas, render_changes
from skewcheck.schema_json import json_schema
from skewcheck.schema_loader import load_schema

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
        typer.echo(f"skewcheck {runner.skewcheck_version()}")
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


# Options shared by the commands that audit data.
SchemaOption = Annotated[Path, typer.Option("--schema", "-s", help="The schema file (YAML or JSON).")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="What to print on stdout.")]
JsonOption = Annotated[
    str | None, typer.Option("--json", metavar="PATH", help="Also write the JSON report here ('-' for stdout).")
]
FailOnOption = Annotated[FailOn, typer.Option("--fail-on", help="'warn' makes warnings fail the run too.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the one-line summary.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]


@app.command(epilog=f"Exit codes:\n\n{EXIT_CODES_HELP}")
def check(
    train: Annotated[str, typer.Argument(help="Training data: a file, a quoted glob, or a directory.")],
    serving: Annotated[str, typer.Argument(help="Serving data (e.g. a JSON Lines log): a file, glob or directory.")],
    schema: SchemaOption,
    output_format: FormatOption = Format.TABLE,
    json_path: JsonOption = None,
    fail_on: FailOnOption = FailOn.FAIL,
    train_format: Annotated[
        InputFormat | None, typer.Option("--train-format", help="Override the format read from the file name.")
    ] = None,
    serving_format: Annotated[
        InputFormat | None, typer.Option("--serving-format", help="Override the format read from the file name.")
    ] = None,
    sample: Annotated[
        int | None, typer.Option("--sample", min=1, metavar="N", help="Compute drift on at most N rows per side.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for --sample.")] = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Compare TRAIN and SERVING against the schema and report drift per feature."""
    options = runner.Options(
        train_format=train_format, serving_format=serving_format, sample=sample, seed=seed, fail_on=fail_on
    )
    with _errors_to_exit_codes(debug):
        _check_output_path(json_path)
        report = runner.run(train, serving, schema, options)
        _emit(report, output_format, json_path, quiet)
    raise typer.Exit(int(report.exit_code))


@app.command(epilog=f"Exit codes:\n\n{EXIT_CODES_HELP}")
def validate(
    data: Annotated[str, typer.Argument(help="The dataset: a file, a quoted glob, or a directory.")],
    schema: SchemaOption,
    environment: Annotated[
        Environment, typer.Option("--environment", "-e", help="Which features must be present: by their environments.")
    ] = Environment.SERVING,
    output_format: FormatOption = Format.TABLE,
    json_path: JsonOption = None,
    fail_on: FailOnOption = FailOn.FAIL,
    data_format: Annotated[
        InputFormat | None, typer.Option("--data-format", help="Override the format read from the file name.")
    ] = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Validate one dataset against the schema (no drift): exit 0, 3, or 2."""
    dataset = ENVIRONMENTS[environment]
    options = runner.Options(train_format=data_format, serving_format=data_format, fail_on=fail_on)
    with _errors_to_exit_codes(debug):
        _check_output_path(json_path)
        report = runner.validate_dataset(data, schema, dataset, options)
        _emit(report, output_format, json_path, quiet)
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


def _emit(report: Report, output_format: Format, json_path: str | None, quiet: bool) -> None:
    inputs = [*(s.paths for s in (report.train, report.serving) if s is not None)]
    _refuse_overwriting_inputs(json_path, [path for paths in inputs for path in paths] + [report.schema_path])
    if json_path not in (None, "-"):
        write_atomic(json_path, json_report.render(report))
    stdout_taken = json_path == "-" or output_format is Format.JSON
    if stdout_taken:
        sys.stdout.write(json_report.render(report))
        _stderr().print(table.summary(report))
    elif quiet:
        _stdout().print(table.summary(report))
    elif output_format.is_human:
        _stdout().print(table.renderable(report))
    else:
        sys.stdout.write(render(report, output_format))


@contextmanager
def _errors_to_exit_codes(debug: bool) -> Iterator[None]:
    """Translate errors once: ours to exit 2 with one line, anything else to exit 4."""
    try:
        yield
    except SkewcheckError as error:
        _fail(f"error: {error}", error.exit_code)
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as error:
        if debug:
            traceback.print_exception(error)
        message = f"internal error: {type(error).__name__}: {error}".splitlines()[0]
        _fail(f"{message} (a bug in skewcheck; rerun with --debug for the traceback)", ExitCode.INTERNAL_ERROR)


def _fail(message: str, code: ExitCode) -> NoReturn:
    _stderr().print(f"skewcheck: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))


def _refuse_overwriting_inputs(output: str | None, input_files: list[str]) -> None:
    """Every file the audit read, including those found through a directory or glob, stays untouched."""
    if output in (None, "-"):
        return
    target = Path(output).resolve()
    if any(Path(path).resolve() == target for path in input_files):
        raise UsageError(f"{output}: refusing to write the report over an input file")


def _check_output_path(output: str | None) -> None:
    """Fail before the audit, not after it, when the report could not be written anyway."""
    if output in (None, "-"):
        return
    target = Path(output).resolve()
    if target.is_dir():
        raise UsageError(f"{output}: is a directory; name a file for the report")
    if not target.parent.is_dir():
        raise UsageError(f"{output}: folder {target.parent} does not exist")


def _stdout() -> Console:
    return Console(width=None if sys.stdout.isatty() else _plain_width(), soft_wrap=False)


def _stderr() -> Console:
    return Console(stderr=True, width=None if sys.stderr.isatty() else _plain_width())


def _plain_width() -> int:
    # A CI log has no width: use COLUMNS when set, else wide enough for the table.
    try:
        return int(os.environ.get("COLUMNS", "160"))
    except ValueError:
        return 160
