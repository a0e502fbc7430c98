"""Sources to polars frames: the columns a schema reads, in one pass or in batches.

`scan_source` builds one lazy frame over a source's files (see sources.py for finding them);
`read_table` collects only the columns the schema needs, once, and turns every
polars or OS error into an InputError that names the file (and line, where we can).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from skewcheck.errors import InputError
from skewcheck.io import remote, tables
from skewcheck.io.diagnose import diagnose_unreadable
from skewcheck.io.guards import check_contents, check_depth, check_parquet, ndjson_source
from skewcheck.io.nested import FieldPath, field_expression, find, has_fields, struct_around, walk
from skewcheck.io.sources import InputFormat, Source
from skewcheck.schema.model import Dataset, Schema


def scan_source(source: Source, *, infer_all_rows: bool = False) -> pl.LazyFrame:
    """A lazy frame over all the source's files; hive partition values become string columns."""
    check_contents(source)
    frames = []
    for path in source.files:
        if source.format in (InputFormat.DELTA, InputFormat.ICEBERG):
            assert source.version is not None, "resolve_source reads a table's version"
            frames.append(tables.scan(str(source.format), path, source.version, source.storage_options))
            continue
        frame = _scan_file(path, source.format, infer_all_rows=infer_all_rows, options=source.storage_options)
        partition = source.partitions.get(path, {})
        if partition:
            frame = frame.with_columns(pl.lit(value, dtype=pl.String).alias(key) for key, value in partition.items())
        frames.append(frame)
    if len(frames) == 1:
        return frames[0]
    return pl.concat(frames, how="diagonal_relaxed")


@dataclass(frozen=True)
class Table:
    """The columns of one dataset the schema asked for, read once, named by feature."""

    source: Source
    dataset: Dataset
    frame: pl.DataFrame
    rows: int
    missing: tuple[str, ...]
    """Schema features not found in this dataset."""
    unexpected: tuple[str, ...]
    """Columns (dotted for nested fields) that no schema feature reads."""
    untyped: frozenset[str]
    """Features whose values came from text with no types of its own (CSV, partition folders)."""
    first_row: int = 0
    """Where this table starts in its dataset: 0, or a batch's offset when the dataset is read in batches."""


def read_table(source: Source, schema: Schema, dataset: Dataset) -> Table:
    """Read the schema's features from a source in one pass; InputError on anything unreadable."""
    plan = _plan(source, schema, dataset)
    data = _collect(source, plan.frame, plan.found)
    rows = data.height if plan.found else _count_rows(source, plan.frame)
    if plan.found:
        _check_all_read(source, plan.frame, rows)
    if rows == 0:
        raise InputError(f"{source.spec}: no rows ({dataset} data)")
    return plan.table(data, rows)


def frame_table(frame: pl.DataFrame, source: Source, schema: Schema, dataset: Dataset) -> Table:
    """A frame another engine read (a Spark partition's batch) as the schema's Table, read as `read_table` reads
    a file: features found by their paths, nested ones included; columns no feature reads are `unexpected`."""
    paths = {feature.name: feature.path_in(dataset) for feature in schema.features}
    found = _resolve(paths, frame.schema)
    plan = _Plan(source, dataset, frame.lazy(), found, paths, frame.schema, tuple(f.name for f in schema.features))
    return plan.table(frame.select(found.values()) if found else pl.DataFrame(), frame.height)


class TypesChangedError(Exception):
    """A JSON Lines value had another type than its first 100 lines said: read again, inferring from every line."""


def read_batches(
    source: Source, schema: Schema, dataset: Dataset, batch_rows: int, *, infer_all_rows: bool = False
) -> Iterator[Table]:
    """The schema's features from a source, `batch_rows` rows at a time, in order (polars' streaming engine).

    Raises TypesChangedError, before or after some batches, when a JSON Lines file needs every line for its types.
    """
    plan = _plan(source, schema, dataset, infer_all_rows=infer_all_rows)
    if not plan.found:
        yield plan.table(pl.DataFrame(), _count_rows(source, plan.frame))
        return
    first_row = 0
    try:
        for batch in plan.frame.select(plan.found.values()).collect_batches(chunk_size=batch_rows):
            if batch.height:
                yield replace(plan.table(batch, batch.height), first_row=first_row)
                first_row += batch.height
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as error:
        if source.format is InputFormat.JSONL and not infer_all_rows:
            raise TypesChangedError from error
        raise diagnose_unreadable(source.files, source.format, error, source.storage_options) from None
    _check_all_read(source, plan.frame, first_row)
    if first_row == 0:
        raise InputError(f"{source.spec}: no rows ({dataset} data)")


def _check_all_read(source: Source, frame: pl.LazyFrame, rows: int) -> None:
    """A binary file damaged after its first row groups can end a stream early, without an error: its metadata
    says how many rows there are, so a short read is caught (text formats fail loudly on a bad line)."""
    if source.format not in (InputFormat.PARQUET, InputFormat.IPC):
        return
    expected = _count_rows(source, frame)
    if rows != expected:
        short = OSError(f"only {rows:,} of the {expected:,} rows its metadata announces could be read")
        raise diagnose_unreadable(source.files, source.format, short, source.storage_options)


@dataclass(frozen=True)
class _Plan:
    """What reading a source for a schema takes: its lazy frame, and an expression per feature found in it."""

    source: Source
    dataset: Dataset
    frame: pl.LazyFrame
    found: dict[str, pl.Expr]
    paths: dict[str, FieldPath]
    file_schema: pl.Schema
    features: tuple[str, ...]

    def table(self, data: pl.DataFrame, rows: int) -> Table:
        untyped = set(self.found) if self.source.format in (InputFormat.CSV, InputFormat.TSV) else set()
        untyped |= {name for name, path in self.paths.items() if path[0] in self.source.partition_keys}
        return Table(
            source=self.source,
            dataset=self.dataset,
            frame=data,
            rows=rows,
            missing=tuple(name for name in self.features if name not in self.found),
            unexpected=tuple(_unexpected(self.file_schema, self.paths.values())),
            untyped=frozenset(untyped & set(self.found)),
        )


def _plan(source: Source, schema: Schema, dataset: Dataset, *, infer_all_rows: bool = False) -> _Plan:
    paths = {feature.name: feature.path_in(dataset) for feature in schema.features}
    check_parquet(source, {path[0] for path in paths.values()} | {".".join(path) for path in paths.values()})
    frame = scan_source(source, infer_all_rows=infer_all_rows)
    file_schema = _collect_schema(source, frame)
    found = _resolve(paths, file_schema)
    expected_missing = [f.name for f in schema.features if f.name not in found and f.expected_in(dataset)]
    partial = source.format is InputFormat.JSONL and not infer_all_rows
    if partial and (expected_missing or _unexpected(file_schema, paths.values())):
        # Fields first seen after the first 100 lines are invisible to polars' default inference: a missing
        # feature may be there, and the unexpected columns would be counted from 100 lines only.
        frame = scan_source(source, infer_all_rows=True)
        file_schema = _collect_schema(source, frame)
        found = _resolve(paths, file_schema)
    check_depth(source, paths, found, file_schema)
    return _Plan(source, dataset, frame, found, paths, file_schema, tuple(f.name for f in schema.features))


def json_numbers(source: Source, path: FieldPath) -> pl.Series:
    """True where a JSON Lines field holds a number: a field mixing numbers and strings reads as all text.

    Reads the one field again, declared as a float, so that only the values written as strings are null.
    Kept for the files as they are now (names, sizes, times): a log read in batches asks once per batch.
    """
    files = tuple(
        (f, source.sizes[f], 0) if isinstance(f, str) else (str(f), f.stat().st_size, f.stat().st_mtime_ns)
        for f in source.files
    )
    return _json_numbers(files, path, tuple(source.storage_options.items()))


@functools.lru_cache(maxsize=4)
def _json_numbers(
    files: tuple[tuple[str, int, int], ...], path: FieldPath, options: tuple[tuple[str, str], ...]
) -> pl.Series:
    schema = {path[0]: struct_around(path, pl.Float64())}
    frames = [
        pl.scan_ndjson(
            name if remote.is_url(name) else ndjson_source(name),
            schema=schema,
            ignore_errors=True,
            storage_options=remote.polars_options(dict(options)) if remote.is_url(name) else None,
        )
        for name, _, _ in files
    ]
    return pl.concat(frames).select(field_expression(path).is_not_null()).collect().to_series()


def _scan_file(
    path: Path | str, format: InputFormat, *, infer_all_rows: bool, options: remote.StorageOptions
) -> pl.LazyFrame:
    # glob=False: resolve_source already expanded patterns; a file named train[1].parquet is just that file.
    # A URL is read by polars' own cloud reader, which fetches only the columns selected (Parquet, IPC).
    storage = remote.polars_options(options) if isinstance(path, str) else None
    if format is InputFormat.PARQUET:
        return pl.scan_parquet(path, glob=False, storage_options=storage)
    if format is InputFormat.IPC:
        return pl.scan_ipc(path, glob=False, storage_options=storage)
    if format is InputFormat.JSONL:
        # scan_ndjson always globs: escape a local name so that it matches only itself.
        name = path if isinstance(path, str) else ndjson_source(str(path))
        return pl.scan_ndjson(name, infer_schema_length=None if infer_all_rows else 100, storage_options=storage)
    # CSV has no types: read text, and let coercion say which values are not numbers.
    separator = "\t" if format is InputFormat.TSV else ","
    return pl.scan_csv(
        path, separator=separator, infer_schema=False, raise_if_empty=True, glob=False, storage_options=storage
    )


def _resolve(paths: dict[str, FieldPath], file_schema: pl.Schema) -> dict[str, pl.Expr]:
    """An expression per feature found in the file, aliased to the feature's name."""
    found = {}
    for name, path in paths.items():
        dotted = ".".join(path)
        if dotted in file_schema:  # a flat column whose name has dots in it
            found[name] = pl.col(dotted).alias(name)
        elif find(file_schema, path) is not None:
            found[name] = field_expression(path).alias(name)
    return found


def _unexpected(file_schema: pl.Schema, used_paths: Iterable[FieldPath]) -> list[str]:
    used = set(used_paths)
    used_dotted = {".".join(path) for path in used}

    def is_used(path: FieldPath) -> bool:
        return path in used or ".".join(path) in used_dotted

    # Name the fields of nested objects (features.age), which is where a wrong path usually points;
    # a field a feature reads is not looked into.
    fields = walk(file_schema, descend=lambda path, dtype: not is_used(path) and has_fields(path, dtype))
    return [".".join(path) for path, _ in fields if not is_used(path)]


def _collect_schema(source: Source, frame: pl.LazyFrame) -> pl.Schema:
    try:
        file_schema = frame.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as error:
        raise diagnose_unreadable(source.files, source.format, error, source.storage_options) from None
    # polars renames a repeated CSV header to x_duplicated_0; which of the two did the model see?
    repeated = sorted({name.rsplit("_duplicated_", 1)[0] for name in file_schema if "_duplicated_" in name})
    if repeated and source.format in (InputFormat.CSV, InputFormat.TSV):
        raise InputError(f"{source.spec}: the header names {', '.join(repeated)} more than once")
    return file_schema


def _collect(source: Source, frame: pl.LazyFrame, found: dict[str, pl.Expr]) -> pl.DataFrame:
    if not found:
        return pl.DataFrame()
    try:
        return frame.select(found.values()).collect()
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as first_error:
        if source.format is not InputFormat.JSONL:
            raise diagnose_unreadable(source.files, source.format, first_error, source.storage_options) from None
    # A value of another type after the first 100 lines breaks default inference; look at all rows.
    try:
        return scan_source(source, infer_all_rows=True).select(found.values()).collect()
    except (pl.exceptions.PolarsError, OSError) as error:
        raise diagnose_unreadable(source.files, source.format, error, source.storage_options) from None


def _count_rows(source: Source, frame: pl.LazyFrame) -> int:
    try:
        return int(frame.select(pl.len()).collect().item())
    except (pl.exceptions.PolarsError, OSError) as error:
        raise diagnose_unreadable(source.files, source.format, error, source.storage_options) from None
