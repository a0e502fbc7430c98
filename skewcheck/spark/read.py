"""Data Spark reads (paths, globs, folders on any filesystem Spark knows, or a metastore table), profiled:
what `skewcheck profile DATA --spark` calls."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from skewcheck.errors import UsageError
from skewcheck.io.sources import InputFormat, format_of
from skewcheck.profiling.saved import SavedProfile
from skewcheck.schema.load import as_schema
from skewcheck.schema.model import Dataset, Schema
from skewcheck.spark.profile import profile
from skewcheck.spark.session import session, spark_errors


def profile_data(
    data: str | None,
    schema: str | Path | Schema,
    *,
    table: str | None = None,
    dataset: str | Dataset = Dataset.TRAIN,
    baseline: str | Path | None = None,
    data_format: InputFormat | None = None,
    master: str | None = None,
    conf: Sequence[tuple[str, str]] = (),
) -> SavedProfile:
    """The saved profile of DATA (or of the table `table`) as Spark reads it, on `master` with `conf`."""
    if (data is None) == (table is None):
        raise UsageError("give the data to profile, or {table}, not both", table=None)
    schema = as_schema(schema)  # a bad schema fails before Spark starts, which takes seconds
    spark = session(master, conf)
    if table is not None:
        with spark_errors(f"reading table {table}"):
            df = spark.table(table)
        return profile(df, schema, dataset=dataset, baseline=baseline, name=table)
    assert data is not None
    data_format = data_format or format_of(Path(data.rstrip("/"))) or InputFormat.PARQUET
    with spark_errors(f"reading {data}"):
        df = read(spark, data, data_format)
    return profile(df, schema, dataset=dataset, baseline=baseline, name=data, data_format=data_format)


def read(spark: SparkSession, data: str, data_format: InputFormat) -> DataFrame:
    """DATA in `data_format`: text formats as text, as skewcheck reads them (CSV's values are checked as text)."""
    reader = spark.read
    if data_format is InputFormat.IPC:
        raise UsageError(f"{data}: Spark reads no Arrow IPC files; convert them to Parquet")
    if data_format in (InputFormat.CSV, InputFormat.TSV):
        separator = "\t" if data_format is InputFormat.TSV else ","
        return reader.options(header=True, inferSchema=False, sep=separator).csv(data)
    if data_format is InputFormat.JSONL:
        return reader.json(data)
    return reader.parquet(data)
