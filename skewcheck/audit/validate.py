"""Schema validation of one dataset, no drift: `skewcheck validate`."""

from __future__ import annotations

from pathlib import Path

from skewcheck.audit.assemble import assemble
from skewcheck.audit.options import DEFAULT_OPTIONS, Options
from skewcheck.audit.reading import input_summary, read_validated
from skewcheck.audit.report import Report
from skewcheck.audit.schema_at import schema_at
from skewcheck.audit.stamps import timed
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Dataset, Schema


def validate_dataset(
    data: str,
    schema: str | Path | Schema,
    environment: Dataset = Dataset.SERVING,
    options: Options = DEFAULT_OPTIONS,
    *,
    progress: Progress = SILENT,
) -> Report:
    """Schema validation of one dataset, no drift: the schema part of `run`, for one side."""
    timings: dict[str, float] = {}
    with timed(timings, "schema"):
        schema = schema_at(schema, options.storage_options)
    data_format = options.train_format if environment is Dataset.TRAIN else options.serving_format
    table, validation = read_validated(
        data,
        schema,
        environment,
        data_format,
        storage_options=options.storage_options,
        version=options.train_version if environment is Dataset.TRAIN else options.serving_version,
        progress=progress,
        timings=timings,
    )
    summary = input_summary(table)
    return assemble(
        schema,
        options,
        timings,
        list(validation.findings),
        [],
        train=summary if environment is Dataset.TRAIN else None,
        serving=summary if environment is Dataset.SERVING else None,
    )
