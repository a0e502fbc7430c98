"""The options several commands share, declared once (typer reads them from these Annotated types)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

import typer

from skewcheck.audit.report import FailOn
from skewcheck.errors import ExitCode
from skewcheck.io.sources import InputFormat
from skewcheck.reporters import OutputFormat

EXIT_CODES_HELP = "\n\n".join(f"{int(code)}: {code.meaning} — {code.explanation}" for code in ExitCode)
"""The epilog of the commands that audit data."""

SchemaOption = Annotated[
    str, typer.Option("--schema", "-s", metavar="PATH", help="The schema file (YAML or JSON): a path or URL.")
]
StorageOption = Annotated[
    list[str] | None,
    typer.Option(
        "--storage-option",
        metavar="KEY=VALUE",
        help="A setting for object storage (key, endpoint, region); repeat it. Never shown in any output.",
    ),
]
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
FLAGS = {
    "approx": ("--approx", None),
    "baseline": ("--baseline", "PROFILE"),
    "dataset": ("--dataset", "training|serving"),
    "each": ("--each", None),
    "exact": ("--exact", None),
    "keep": ("--history", "DIR"),
    "keys": ("--key", "COLUMN"),
    "latest": ("--latest", None),
    "mismatched_rows": ("--mismatches", "PATH"),
    "rows": ("--rows", None),
    "rows_only": ("--rows-only", None),
}
"""The library's parameters that its messages name, and the flags (and placeholders) that set them."""


_DATA_FORMAT: tuple[str, str | None] = ("--data-format", None)
COMMAND_FLAGS: dict[str, dict[str, tuple[str, str | None]]] = {
    "validate": {
        "train_format": _DATA_FORMAT,
        "serving_format": _DATA_FORMAT,
        "train_version": ("--data-version", "N"),
        "serving_version": ("--data-version", "N"),
    },
    "profile": {
        "train_format": _DATA_FORMAT,
        "serving_format": _DATA_FORMAT,
        "train_version": ("--data-version", "N"),
        "serving_version": ("--data-version", "N"),
    },
    "infer": {"source_format": _DATA_FORMAT},
    "check": {"source_format": ("--train-format", None)},  # without --schema, training's inferred first
    "history": {"keep": ("check --history", "DIR")},  # the command that writes the history it reads
}
"""Where a command sets a parameter with a flag of its own: one dataset's format is --data-format."""


def spelling_for(command: str | None) -> Callable[[str, object], str]:
    """How a library message names its parameters on this command's line."""
    return partial(flag_spelling, command=command)


def flag_spelling(parameter: str, value: object, command: str | None = None) -> str:
    """A parameter as the command line sets it: `--rows-only`, `--key amount`, or with no value `--key COLUMN`."""
    default = (f"--{parameter.replace('_', '-')}", None)
    flag, metavar = COMMAND_FLAGS.get(command or "", {}).get(parameter) or FLAGS.get(parameter, default)
    if value is True or (value is None and metavar is None):
        return flag
    if value is None:
        return f"{flag} {metavar}"
    return " ".join(f"{flag} {item}" for item in (value if isinstance(value, tuple) else (value,)))


DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
"""Read by the error boundary (skewcheck.__main__.entry), which is outside every command."""
