"""skewcheck: audit training-serving skew from the command line or from Python.

from skewcheck import run
report = run("train.parquet", "serving.jsonl", "schema.yaml")
report.exit_code, report.status, report.to_records()
"""

from skewcheck.errors import ExitCode, InputError, SchemaFileError, SkewcheckError
from skewcheck.infer import InferOptions, infer_schema
from skewcheck.partitioned import HistoryOptions, PartitionResult, run_each
from skewcheck.readers import read_table, resolve_source
from skewcheck.report import FailOn, Report
from skewcheck.runner import Options, profile, run, validate_dataset
from skewcheck.schema import Schema
from skewcheck.schema_diff import diff_schemas
from skewcheck.schema_json import json_schema
from skewcheck.schema_loader import load_schema

__all__ = [
    "ExitCode",
    "FailOn",
    "HistoryOptions",
    "InferOptions",
    "InputError",
    "Options",
    "PartitionResult",
    "Report",
    "Schema",
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
    "validate_dataset",
]
