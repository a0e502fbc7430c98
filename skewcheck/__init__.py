"""skewcheck: audit training-serving skew from the command line or from Python.

from skewcheck import run
report = run("train.parquet", "serving.jsonl", "schema.yaml")
report.exit_code, report.status, report.to_records()

Each name is imported when first used (PEP 562): `skewcheck check` imports its own modules only, not every
command's (a `history` or `infer` run's libraries are start-up a check never needs; bench/PROFILES.md).
The command line so starts with nothing but the standard library loaded, and Ctrl-C during its imports is
handled as anywhere else (skewcheck.__main__).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skewcheck.audit.options import HistoryOptions, Options
    from skewcheck.audit.partition_run import PartitionResult, PartitionRun
    from skewcheck.audit.partitions import run_each
    from skewcheck.audit.profile import profile
    from skewcheck.audit.report import FailOn, Report
    from skewcheck.audit.run import run
    from skewcheck.audit.validate import validate_dataset
    from skewcheck.errors import ExitCode, InputError, SchemaFileError, SkewcheckError
    from skewcheck.io.read import read_table
    from skewcheck.io.sources import resolve_source
    from skewcheck.profiling.infer import InferOptions, infer_schema
    from skewcheck.schema.diff import SchemaDiff, diff_schemas, schema_diff
    from skewcheck.schema.json_schema import json_schema
    from skewcheck.schema.load import load_schema
    from skewcheck.schema.model import Schema

_WHERE = {
    "HistoryOptions": "skewcheck.audit.options",
    "Options": "skewcheck.audit.options",
    "PartitionResult": "skewcheck.audit.partition_run",
    "PartitionRun": "skewcheck.audit.partition_run",
    "run_each": "skewcheck.audit.partitions",
    "profile": "skewcheck.audit.profile",
    "FailOn": "skewcheck.audit.report",
    "Report": "skewcheck.audit.report",
    "run": "skewcheck.audit.run",
    "validate_dataset": "skewcheck.audit.validate",
    "ExitCode": "skewcheck.errors",
    "InputError": "skewcheck.errors",
    "SchemaFileError": "skewcheck.errors",
    "SkewcheckError": "skewcheck.errors",
    "read_table": "skewcheck.io.read",
    "resolve_source": "skewcheck.io.sources",
    "InferOptions": "skewcheck.profiling.infer",
    "infer_schema": "skewcheck.profiling.infer",
    "SchemaDiff": "skewcheck.schema.diff",
    "diff_schemas": "skewcheck.schema.diff",
    "schema_diff": "skewcheck.schema.diff",
    "json_schema": "skewcheck.schema.json_schema",
    "load_schema": "skewcheck.schema.load",
    "Schema": "skewcheck.schema.model",
}

__all__ = [
    "ExitCode",
    "FailOn",
    "HistoryOptions",
    "InferOptions",
    "InputError",
    "Options",
    "PartitionResult",
    "PartitionRun",
    "Report",
    "Schema",
    "SchemaDiff",
    "SchemaFileError",
    "SkewcheckError",
    "diff_schemas",
    "infer_schema",
    "json_schema",
    "load_schema",
    "profile",
    "read_table",
    "resolve_source",
    "run",
    "run_each",
    "schema_diff",
    "validate_dataset",
]


def __getattr__(name: str) -> Any:
    """`skewcheck.run` and the rest, imported on first use (then cached as module attributes)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'skewcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
