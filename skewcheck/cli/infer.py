"""`skewcheck infer DATA`: a schema inferred from a dataset, to review and commit."""

from __future__ import annotations

import shlex
import sys
from typing import Annotated

import typer

from skewcheck.cli import outputs, terminal
from skewcheck.cli.options import DataFormatOption, DebugOption, StorageOption
from skewcheck.profiling.infer import InferOptions, infer_explained


def infer(
    data: Annotated[
        str, typer.Argument(metavar="DATA", help="The dataset to infer from: a file, a quoted glob, or a directory.")
    ],
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
    storage_option: StorageOption = None,
    debug: DebugOption = False,
) -> int:
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
        storage_options=outputs.use_storage(storage_option),
    )
    inputs = [*outputs.inputs_of(data, data_format), *outputs.inputs_of(serving_log)]
    outputs.refuse_unsafe({}, inputs, others={"the schema": output})
    command = _infer_command(data, options) + (f" --serving-log {shlex.quote(serving_log)}" if serving_log else "")
    text, notes = infer_explained(data, options, command=command, serving_log=serving_log)
    if output in (None, "-"):
        sys.stdout.write(text)
    else:
        outputs.write(output, text, inputs, "the schema")
    for note in notes:  # each judgement call, also a comment in the file
        terminal.note(f"infer: {note}")
    return 0


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
