"""`skewcheck validate DATA --schema S`: one dataset against the schema, no drift."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from skewcheck.audit.options import Options
from skewcheck.audit.report import FailOn
from skewcheck.audit.validate import validate_dataset
from skewcheck.cli import outputs, terminal
from skewcheck.cli.options import (
    DataFormatOption,
    DebugOption,
    ExamplesOption,
    FailOnOption,
    FormatOption,
    HtmlOption,
    JsonOption,
    JunitOption,
    MarkdownOption,
    QuietOption,
    SchemaOption,
    StepSummaryOption,
    StorageOption,
)
from skewcheck.reporters import OutputFormat
from skewcheck.schema.model import ENVIRONMENTS


class Environment(StrEnum):
    TRAINING = "training"
    SERVING = "serving"


def validate(
    data: Annotated[str, typer.Argument(metavar="DATA", help="The dataset: a file, a quoted glob, or a directory.")],
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
    data_version: Annotated[
        int | None, typer.Option("--data-version", min=0, metavar="N", help="Read this version of a Delta table.")
    ] = None,
    storage_option: StorageOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> int:
    """Validate one dataset against the schema (no drift): exit 0, 3, or 2."""
    storage = outputs.use_storage(storage_option)
    options = Options(
        train_format=data_format,
        serving_format=data_format,
        fail_on=fail_on,
        examples=examples,
        train_version=data_version,
        serving_version=data_version,
        storage_options=storage,
    )
    report_files = outputs.requested(json_path, markdown_path, junit_path, html_path)
    inputs = [*outputs.inputs_of(data, data_format), *outputs.inputs_of(schema)]
    outputs.refuse_unsafe(report_files, inputs, step_summary=step_summary)
    with terminal.progress(quiet) as progress:
        report = validate_dataset(data, schema, ENVIRONMENTS[environment], options, progress=progress)
    outputs.emit(report, output_format, report_files, quiet, step_summary, inputs)
    return int(report.exit_code)
