"""skewcheck: audit training-serving skew from the command line or from Python.

from skewcheck import run
report = run("train.parquet", "serving.jsonl", "schema.yaml")
report.exit_code, report.status, report.to_records()
"""

from skewcheck.errors import ExitCode, InputError, SchemaFileError, SkewcheckError
from skewcheck.readers import read_table, resolve_source
from skewcheck.report import FailOn, Report
from skewcheck.runner import Options, run
from skewcheck.schema import Schema
from skewcheck.schema_loader import load_schema

__all__ = [
    "ExitCode",
    "FailOn",
    "InputError",
    "Options",
    "Report",
    "Schema",
    "SchemaFileError",
    "SkewcheckError",
    "load_schema",
    "read_table",
    "resolve_source",
    "run",
]
