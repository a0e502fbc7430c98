"""`profile(df, schema)`: a Spark DataFrame's saved profile, each partition profiled where it lies.

Each partition's rows go through the batch code every other read uses (`partial.Partial`, on the
executors, through `mapInArrow`); only the partials, pickled, come back, one partition at a time, merged
on the driver in partition order. The driver never holds a row, nor more than one partial beside the total.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from functools import partial as bound
from pathlib import Path

import polars as pl
import pyarrow as pa
from pyspark import StorageLevel, TaskContext
from pyspark.sql import DataFrame
from pyspark.sql import functions as F  # noqa: N812 -- Spark's own spelling

from skewcheck.audit.profile import saved_profile, serving_baseline
from skewcheck.errors import InputError, UsageError
from skewcheck.io.read import frame_table
from skewcheck.io.sources import InputFormat, InputSummary, Source
from skewcheck.profiling.profiles import NumericProfile
from skewcheck.profiling.saved import SavedProfile
from skewcheck.profiling.streaming import BATCH_ROWS, grid_points
from skewcheck.schema.load import as_schema
from skewcheck.schema.model import Dataset, Schema
from skewcheck.spark.partial import Partial, Points
from skewcheck.spark.session import spark_errors

_PAYLOAD = "partition int, payload binary"
_DATASETS = {"training": Dataset.TRAIN, "train": Dataset.TRAIN, "serving": Dataset.SERVING}


def profile(
    df: DataFrame,
    schema: str | Path | Schema,
    *,
    dataset: str | Dataset = "training",
    baseline: str | Path | None = None,
    name: str = "spark DataFrame",
    data_format: InputFormat | None = None,
) -> SavedProfile:
    """The profile `skewcheck profile` makes of the same rows: counts, bins, categories, findings.

    `dataset`: "training", or "serving" with `baseline`, a training profile whose points serving is counted
    on (so KS against it is exact, as `check BASELINE SERVING` counts serving). `name` describes the input in
    the profile; `data_format` is how it was read (CSV and TSV hold text, whose types are checked as text).
    """
    if str(dataset) not in _DATASETS:
        raise UsageError(f"{{dataset}} is training or serving, not {dataset}", dataset=None)
    schema, dataset = as_schema(schema), _DATASETS[str(dataset)]
    points: Points | None = None
    if dataset is Dataset.SERVING:
        train = serving_baseline(baseline, schema)
        points = {n: (p.edges, grid_points(p)) for n, p in train.features.items() if isinstance(p, NumericProfile)}
    elif baseline is not None:
        raise UsageError("{baseline} is the training profile serving is counted on", baseline=None)
    # Values checked as Spark typed them (text formats' as text). A JSON field mixing numbers and strings is text
    # to Spark, and which values were numbers is lost: one machine reads the file again to tell (see rules).
    source = Source(name, data_format or InputFormat.PARQUET, ())
    with spark_errors(f"profiling {name}"):
        whole = frame_table(pl.from_arrow(df.limit(0).toArrow()), source, schema, dataset)  # type: ignore[arg-type]
        if len(whole.missing) == len(schema.features):
            raise InputError(f"{name}: none of the features of {schema.path} is in it; is this the right data?")
        context = df.sparkSession.sparkContext.broadcast((schema, dataset, source, points))
        payloads = _read_columns(df, schema, dataset, whole.frame.columns).mapInArrow(
            bound(_profile_partition, context), _PAYLOAD
        )
        payloads.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            payloads.count()  # every partition profiled at once; then fetched one by one, in order
            total: Partial | None = None
            for row in payloads.toLocalIterator():
                part: Partial = pickle.loads(row.payload)
                if total is None:
                    total = part
                else:
                    total.absorb(part)
        finally:
            payloads.unpersist()
            context.unpersist()
    if total is None or total.tally.rows == 0:
        raise InputError(f"{name}: no rows ({dataset} data)")
    findings, features = total.result(whole)
    with spark_errors(f"listing {name}"):
        files = tuple(df.inputFiles())
    summary = InputSummary(name, str(data_format or "spark"), files, total.tally.rows)
    columns = frozenset(f.name for f in schema.features if f.name not in whole.missing)
    return saved_profile(summary, schema, dataset, findings, features, columns if points is not None else None)


def _read_columns(df: DataFrame, schema: Schema, dataset: Dataset, found: list[str]) -> DataFrame:
    """Only the top-level columns the found features read: Spark reads nothing else from a columnar file."""
    columns = set(df.columns)
    needed = []
    for feature in schema.features:
        if feature.name in found:
            path = feature.path_in(dataset)
            dotted = ".".join(path)
            needed.append(dotted if dotted in columns else path[0])
    return df.select([F.col(f"`{name}`") for name in dict.fromkeys(needed)])


def _profile_partition(context: object, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """On an executor: one partition's Arrow batches profiled, BATCH_ROWS rows at a time, into one pickled partial."""
    schema, dataset, source, points = context.value  # type: ignore[attr-defined]
    index = TaskContext.get().partitionId()  # type: ignore[union-attr]
    part = Partial(schema, dataset, source, points)
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        pending.append(batch)
        rows += batch.num_rows
        if rows >= BATCH_ROWS:
            part.add(pl.from_arrow(pa.Table.from_batches(pending)))  # type: ignore[arg-type]
            pending, rows = [], 0
    if rows:
        part.add(pl.from_arrow(pa.Table.from_batches(pending)))  # type: ignore[arg-type]
    payload = pa.array([pickle.dumps(part)], pa.binary())
    yield pa.RecordBatch.from_arrays([pa.array([index], pa.int32()), payload], names=["partition", "payload"])
