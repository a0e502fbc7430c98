"""skewcheck: audit training-serving skew from the command line or from Python.

from skewcheck import run
report = run("train.parquet", "serving.jsonl", "schema.yaml")
report.exit_code, report.status, report.to_records()
"""

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
