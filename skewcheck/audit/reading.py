"""One dataset read and validated against the schema: the first steps of every audit, profile and validation."""

from __future__ import annotations

from skewcheck.audit.stamps import timed
from skewcheck.errors import InputError
from skewcheck.io.read import Table, read_table
from skewcheck.io.remote import NO_OPTIONS, StorageOptions
from skewcheck.io.sources import InputFormat, InputSummary, resolve_source
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Dataset, Schema
from skewcheck.validation.findings import Validation
from skewcheck.validation.tally import validate


def read_validated(
    data: str,
    schema: Schema,
    environment: Dataset,
    data_format: InputFormat | None,
    *,
    side: str = "",
    require_features: bool = True,
    storage_options: StorageOptions = NO_OPTIONS,
    version: int | None = None,
    progress: Progress = SILENT,
    timings: dict[str, float] | None = None,
) -> tuple[Table, Validation]:
    """Read DATA as `environment` and validate it; `side` ('training') names it in the progress stages.

    With `require_features`, data holding none of the schema's features is refused as the wrong file. An audit
    passes False for training: a feature training lacks is a finding, unless serving lacks it too.
    """
    timings = {} if timings is None else timings
    with timed(timings, "read"):
        progress.stage(f"reading {side + ' data ' if side else ''}{data}")
        parameter = "train_format" if environment is Dataset.TRAIN else "serving_format"  # Options' name for it
        source = resolve_source(
            data, data_format, format_parameter=parameter, storage_options=storage_options, version=version
        )
        table = read_table(source, schema, environment)
        if require_features and len(table.missing) == len(schema.features):
            raise InputError(f"{data}: none of the features of {schema.path} is in it; is this the right file?")
    with timed(timings, "validate"):
        progress.stage(f"validating {table.rows:,} {side + ' ' if side else ''}rows")
        validation = validate(table, schema)
    return table, validation


def input_summary(table: Table, sample: int | None = None) -> InputSummary:
    return table.source.summary(table.rows, min(sample, table.rows) if sample is not None else None)


def check_features_found(schema: Schema, train_missing: tuple[str, ...], serving: Table, train_spec: str) -> None:
    # Absent from one side is a finding; absent from both means the schema or the paths are wrong.
    nowhere = [name for name in train_missing if name in serving.missing]
    if nowhere:
        listed = ", ".join(f"'{name}'" for name in nowhere)
        raise InputError(
            f"{schema.path}: feature{'s' * (len(nowhere) > 1)} {listed} found in neither "
            f"{train_spec} nor {serving.source.spec}; check the schema's names and serving_path entries"
        )
