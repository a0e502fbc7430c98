"""Inputs to polars frames: files, globs and directories in every format we read.

`resolve_source` finds the files; `scan_source` builds one lazy frame over them;
`read_table` collects only the columns the schema needs, once, and turns every
polars or OS error into an InputError that names the file (and line, where we can).
"""

from __future__ import annotations

import functools
import glob
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import polars as pl
from polars._typing import PolarsDataType

from skewcheck.errors import InputError, UsageError
from skewcheck.io.diagnose import diagnose_unreadable, parquet_extent_problem
from skewcheck.schema.model import Dataset, Schema


class InputFormat(StrEnum):
    PARQUET = "parquet"
    CSV = "csv"
    TSV = "tsv"
    JSONL = "jsonl"
    IPC = "ipc"

    @property
    def is_text(self) -> bool:
        return self in (InputFormat.CSV, InputFormat.TSV, InputFormat.JSONL)


_SUFFIXES = {
    ".parquet": InputFormat.PARQUET,
    ".pq": InputFormat.PARQUET,
    ".csv": InputFormat.CSV,
    ".tsv": InputFormat.TSV,
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    ".arrow": InputFormat.IPC,
    ".feather": InputFormat.IPC,
    ".ipc": InputFormat.IPC,
}
COMPRESSION_SUFFIXES = (".gz", ".zst", ".zstd")


@dataclass(frozen=True)
class Source:
    """One input as the user named it, and the data files it stands for."""

    spec: str
    format: InputFormat
    files: tuple[Path, ...]
    # key=value folders between the input's root and each file (hive partitioning).
    partitions: dict[Path, dict[str, str]] = field(default_factory=dict)

    @property
    def partition_keys(self) -> set[str]:
        return {key for values in self.partitions.values() for key in values}


def format_of(path: Path) -> InputFormat | None:
    """The format a file's name says it has, looking through a compression suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes.pop()
        if suffixes and _SUFFIXES.get(suffixes[-1]) in (InputFormat.PARQUET, InputFormat.IPC):
            return None  # binary formats compress internally; gzip around them is not readable
    return _SUFFIXES.get(suffixes[-1]) if suffixes else None


def resolve_source(spec: str, format: InputFormat | None = None) -> Source:
    """Expand a file, glob or directory into its data files, all of one format."""
    path = Path(spec)
    # A path that exists is taken as it is, even when its name has glob characters: train[1].parquet.
    if path.is_dir():
        root = path
        candidates = sorted(p for p in path.rglob("*") if p.is_file() and not _is_hidden(p, path))
        if not candidates:
            raise InputError(f"{spec}: directory has no data files")
    elif path.exists():
        root = path.parent
        candidates = [path]
    elif glob.has_magic(spec):
        root = Path(_glob_root(spec))
        matches = [Path(p) for p in sorted(glob.glob(spec, recursive=True))]
        # Side files (_SUCCESS, _temporary/) are skipped unless the pattern itself names such a folder or file.
        explicit = any(part.startswith(("_", ".")) for part in Path(spec).parts if part not in (".", ".."))
        candidates = [p for p in matches if p.is_file() and (explicit or not _is_hidden(p, root))]
        if not candidates:
            raise InputError(f"{spec}: no files match this pattern")
    else:
        raise InputError(f"{spec}: no such file or directory")
    files = candidates if format is not None else [p for p in candidates if format_of(p) is not None]
    if not files:
        raise InputError(f"{spec}: cannot tell the format from the name{_suffix_hint(candidates)}")
    chosen = format or _one_format(spec, files)
    if not os.access(files[0], os.R_OK):
        raise InputError(f"{files[0]}: permission denied")
    return Source(spec=spec, format=chosen, files=tuple(files), partitions=_partitions(root, files))


def partitions_of(source: Source, each: str) -> list[tuple[str, Source]]:
    """The source split in parts, in order: one per file (`each="file"`), or one per value of a hive key.

    A part's label names it in reports and histories: the file's path, or `key=value`.
    """
    groups: dict[str, list[Path]] = {}
    if each == "file":
        groups = {str(path): [path] for path in source.files}
    else:
        if each not in source.partition_keys and not any(_folder_value(path, each) for path in source.files):
            found = ", ".join(sorted(source.partition_keys)) or "none"
            raise UsageError(f"{source.spec}: no '{each}=' folders to split by (hive keys found: {found})")
        for path in source.files:
            value = source.partitions.get(path, {}).get(each) or _folder_value(path, each)
            if value is None:
                raise InputError(f"{path}: not under a '{each}=' folder, so it belongs to no partition")
            groups.setdefault(f"{each}={value}", []).append(path)
    return [(label, _part(source, label, files, each)) for label, files in sorted(groups.items(), key=_natural)]


def _natural(item: tuple[str, list[Path]]) -> list[tuple[int, int | str]]:
    """hour=9 before hour=10: numbers in a label compare as numbers (dates as ISO text sort right either way)."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", item[0])]


def _folder_value(path: Path, key: str) -> str | None:
    """The value of a `key=value` folder anywhere above the file, even above the glob's root."""
    values = [part.partition("=")[2] for part in path.parent.parts if part.startswith(f"{key}=")]
    return values[-1] if values else None


def _part(source: Source, label: str, files: list[Path], each: str) -> Source:
    spec = label if each == "file" else f"{source.spec} [{label}]"
    partitions = {path: source.partitions[path] for path in files if path in source.partitions}
    return Source(spec, source.format, tuple(files), partitions)


def scan_source(source: Source, *, infer_all_rows: bool = False) -> pl.LazyFrame:
    """A lazy frame over all the source's files; hive partition values become string columns."""
    frames = []
    for path in source.files:
        frame = _scan_file(path, source.format, infer_all_rows=infer_all_rows)
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
    if rows == 0:
        raise InputError(f"{source.spec}: no rows ({dataset} data)")
    return plan.table(data, rows)


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
        raise diagnose_unreadable(source.files, source.format, error) from None
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
        raise diagnose_unreadable(source.files, source.format, short)


@dataclass(frozen=True)
class _Plan:
    """What reading a source for a schema takes: its lazy frame, and an expression per feature found in it."""

    source: Source
    dataset: Dataset
    frame: pl.LazyFrame
    found: dict[str, pl.Expr]
    paths: dict[str, tuple[str, ...]]
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
    if source.format is InputFormat.PARQUET:
        for path in source.files:
            problem = parquet_extent_problem(path)
            if problem:
                raise InputError(f"{path}: {problem}")
    paths = {feature.name: feature.path_in(dataset) for feature in schema.features}
    frame = scan_source(source, infer_all_rows=infer_all_rows)
    file_schema = _collect_schema(source, frame)
    found = _resolve(paths, file_schema)
    expected_missing = [f.name for f in schema.features if f.name not in found and f.expected_in(dataset)]
    if expected_missing and source.format is InputFormat.JSONL and not infer_all_rows:
        # A field first seen after the first 100 lines is invisible to polars' default inference.
        frame = scan_source(source, infer_all_rows=True)
        file_schema = _collect_schema(source, frame)
        found = _resolve(paths, file_schema)
    return _Plan(source, dataset, frame, found, paths, file_schema, tuple(f.name for f in schema.features))


def json_numbers(source: Source, path: tuple[str, ...]) -> pl.Series:
    """True where a JSON Lines field holds a number: a field mixing numbers and strings reads as all text.

    Reads the one field again, declared as a float, so that only the values written as strings are null.
    Kept for the files as they are now (names, sizes, times): a log read in batches asks once per batch.
    """
    files = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in source.files)
    return _json_numbers(files, path)


@functools.lru_cache(maxsize=4)
def _json_numbers(files: tuple[tuple[str, int, int], ...], path: tuple[str, ...]) -> pl.Series:
    dtype: pl.DataType = pl.Float64()
    for part in reversed(path[1:]):
        dtype = pl.Struct({part: dtype})
    frames = [pl.scan_ndjson(glob.escape(name), schema={path[0]: dtype}, ignore_errors=True) for name, _, _ in files]
    return pl.concat(frames).select(field_expression(path).is_not_null()).collect().to_series()


def _scan_file(path: Path, format: InputFormat, *, infer_all_rows: bool) -> pl.LazyFrame:
    # glob=False: resolve_source already expanded patterns; a file named train[1].parquet is just that file.
    if format is InputFormat.PARQUET:
        return pl.scan_parquet(path, glob=False)
    if format is InputFormat.IPC:
        return pl.scan_ipc(path, glob=False)
    if format is InputFormat.JSONL:
        # scan_ndjson always globs: escape the name so that it matches only itself.
        return pl.scan_ndjson(glob.escape(str(path)), infer_schema_length=None if infer_all_rows else 100)
    # CSV has no types: read text, and let coercion say which values are not numbers.
    separator = "\t" if format is InputFormat.TSV else ","
    return pl.scan_csv(path, separator=separator, infer_schema=False, raise_if_empty=True, glob=False)


def _resolve(paths: dict[str, tuple[str, ...]], file_schema: pl.Schema) -> dict[str, pl.Expr]:
    """An expression per feature found in the file, aliased to the feature's name."""
    found = {}
    for name, path in paths.items():
        expression = _expression_for(path, file_schema)
        if expression is not None:
            found[name] = expression.alias(name)
    return found


def field_expression(path: tuple[str, ...]) -> pl.Expr:
    """A column, or a field nested in struct columns: ("features", "age") is features.age."""
    expression = pl.col(path[0])
    for part in path[1:]:
        expression = expression.struct.field(part)
    return expression


def leaf_fields(file_schema: pl.Schema) -> Iterator[tuple[tuple[str, ...], pl.DataType]]:
    """Every column and every field of a struct column, depth first in file order, as (path, dtype)."""

    def walk(path: tuple[str, ...], dtype: pl.DataType) -> Iterator[tuple[tuple[str, ...], pl.DataType]]:
        if isinstance(dtype, pl.Struct) and dtype.fields:
            for field in dtype.fields:
                yield from walk((*path, field.name), _instance(field.dtype))
        else:
            yield path, dtype

    for name, dtype in file_schema.items():
        yield from walk((name,), _instance(dtype))


def _expression_for(path: tuple[str, ...], file_schema: pl.Schema) -> pl.Expr | None:
    dotted = ".".join(path)
    if dotted in file_schema:  # a flat column whose name has dots in it
        return pl.col(dotted)
    if path[0] not in file_schema:
        return None
    dtype = _instance(file_schema[path[0]])
    for part in path[1:]:
        fields = {f.name: f.dtype for f in dtype.fields} if isinstance(dtype, pl.Struct) else {}
        if part not in fields:
            return None
        dtype = _instance(fields[part])
    return field_expression(path)


def _unexpected(file_schema: pl.Schema, used_paths: Iterable[tuple[str, ...]]) -> list[str]:
    used = set(used_paths)
    used_dotted = {".".join(path) for path in used}
    unexpected = []

    def visit(prefix: tuple[str, ...], dtype: pl.DataType) -> None:
        if prefix in used or ".".join(prefix) in used_dotted:
            return
        # Name the fields of nested objects (features.age), which is where a wrong path usually points.
        if isinstance(dtype, pl.Struct) and dtype.fields:
            for child in dtype.fields:
                visit((*prefix, child.name), _instance(child.dtype))
            return
        unexpected.append(".".join(prefix))

    for name, dtype in file_schema.items():
        visit((name,), _instance(dtype))
    return unexpected


def _instance(dtype: PolarsDataType) -> pl.DataType:
    # Struct fields may hold a type class (pl.Int64) rather than an instance (pl.Int64()).
    return dtype() if isinstance(dtype, type) else dtype


def _collect_schema(source: Source, frame: pl.LazyFrame) -> pl.Schema:
    try:
        file_schema = frame.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as error:
        raise diagnose_unreadable(source.files, source.format, error) from None
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
            raise diagnose_unreadable(source.files, source.format, first_error) from None
    # A value of another type after the first 100 lines breaks default inference; look at all rows.
    try:
        return scan_source(source, infer_all_rows=True).select(found.values()).collect()
    except (pl.exceptions.PolarsError, OSError) as error:
        raise diagnose_unreadable(source.files, source.format, error) from None


def _count_rows(source: Source, frame: pl.LazyFrame) -> int:
    try:
        return int(frame.select(pl.len()).collect().item())
    except (pl.exceptions.PolarsError, OSError) as error:
        raise diagnose_unreadable(source.files, source.format, error) from None


def _glob_root(spec: str) -> str:
    parts = Path(spec).parts
    fixed = parts[: next(i for i, part in enumerate(parts) if glob.has_magic(part))]
    return str(Path(*fixed)) if fixed else "."


def _is_hidden(path: Path, root: Path) -> bool:
    # Spark and Hadoop leave _SUCCESS and .crc files beside the data.
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts
    return any(part.startswith((".", "_")) for part in parts)


def _one_format(spec: str, files: list[Path]) -> InputFormat:
    formats = {format_of(path) for path in files}
    if len(formats) > 1:
        names = ", ".join(sorted(str(f) for f in formats))
        raise InputError(f"{spec}: mixes file formats ({names}); select one format with a glob")
    chosen = formats.pop()
    assert chosen is not None  # files were filtered on format_of
    return chosen


def _partitions(root: Path, files: list[Path]) -> dict[Path, dict[str, str]]:
    partitions = {}
    for path in files:
        try:
            folders = path.relative_to(root).parts[:-1]
        except ValueError:
            continue
        values = dict(part.split("=", 1) for part in folders if "=" in part)
        if values:
            partitions[path] = values
    return partitions


def _suffix_hint(candidates: list[Path]) -> str:
    if len(candidates) == 1 and _SUFFIXES.get(candidates[0].with_suffix("").suffix.lower()) in (
        InputFormat.PARQUET,
        InputFormat.IPC,
    ):
        return " (Parquet and Arrow files compress inside; a gzip or zstd around them cannot be read: decompress it)"
    known = ", ".join(sorted({*_SUFFIXES, *COMPRESSION_SUFFIXES}))
    return f" (known suffixes: {known}; or pass --train-format / --serving-format)" if candidates else ""
