"""Where inputs are: the files, globs and directories a user names, in every format we read.

`resolve_source` expands a name into its data files, all of one format, with the key=value
folders above them (hive partitioning); `partitions_of` splits a source in parts for `--each`.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from skewcheck.errors import InputError, UsageError
from skewcheck.io import listing, remote, tables


class InputFormat(StrEnum):
    PARQUET = "parquet"
    CSV = "csv"
    TSV = "tsv"
    JSONL = "jsonl"
    IPC = "ipc"
    DELTA = "delta"
    """A Delta Lake table, read through its log at one version (see `tables`)."""
    ICEBERG = "iceberg"

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
    files: tuple[Path | str, ...]
    """Local files as paths; objects in a store as their URLs (`s3://bucket/key`, see `remote`)."""
    # key=value folders between the input's root and each file (hive partitioning).
    partitions: dict[Path | str, dict[str, str]] = field(default_factory=dict)
    storage_options: remote.StorageOptions = field(default_factory=dict, repr=False, compare=False)
    """How to reach the objects (keys, endpoint): secrets, so never shown, not even in a repr."""
    sizes: Mapping[str, int] = field(default_factory=dict, compare=False)
    """Each object's size in bytes, as its store listed it (local files are asked when needed)."""
    version: int | None = None
    """The version of a Delta table read (the pinned one, or the latest when it was resolved)."""

    @property
    def partition_keys(self) -> set[str]:
        return {key for values in self.partitions.values() for key in values}

    @property
    def local_files(self) -> list[Path]:
        return [file for file in self.files if isinstance(file, Path)]

    def size(self, file: Path | str) -> int:
        """A data file's size in bytes."""
        return self.sizes[file] if isinstance(file, str) else file.stat().st_size

    def summary(self, rows: int, sampled_rows: int | None = None) -> InputSummary:
        """This input as read: what reports and saved profiles say about it."""
        paths = tuple(str(path) for path in self.files)
        return InputSummary(self.spec, str(self.format), paths, rows, sampled_rows, self.version)


@dataclass(frozen=True)
class InputSummary:
    """One input once read (a `Source` is one before), as reports and saved profiles describe it: paths as text."""

    spec: str
    format: str
    paths: tuple[str, ...]
    rows: int
    sampled_rows: int | None = None
    """How many of the rows the numeric metrics saw under a sample (`sample=`); None when all of them."""
    version: int | None = None
    """A Delta table's version, the one read: with it, the input is named exactly."""


def format_of(path: Path) -> InputFormat | None:
    """The format a file's name says it has, looking through a compression suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes.pop()
        if suffixes and _SUFFIXES.get(suffixes[-1]) in (InputFormat.PARQUET, InputFormat.IPC):
            return None  # binary formats compress internally; gzip around them is not readable
    return _SUFFIXES.get(suffixes[-1]) if suffixes else None


def resolve_source(
    spec: str,
    format: InputFormat | None = None,
    *,
    format_parameter: str | None = None,
    storage_options: remote.StorageOptions = remote.NO_OPTIONS,
    version: int | None = None,
) -> Source:
    """Expand a file, glob or directory (local, or a URL in an object store) into its data files, all of one format.

    `format_parameter`: the caller's parameter that sets `format` (`train_format`, say), which an unknown suffix's
    error suggests; None when the caller has none.
    """
    table = tables.table_of(spec, None if format is None else str(format), version, storage_options)
    if table is not None:
        return _table_source(spec, table, storage_options)
    if remote.is_url(spec):
        return _remote_source(spec, format, format_parameter, storage_options, version)
    tables.refuse_version(spec, format_parameter, version)
    path = Path(spec)
    # A path that exists is taken as it is, even when its name has glob characters: train[1].parquet.
    if path.is_dir():
        root = path
        candidates = sorted(p for p in listing.entries_under(path) if p.is_file() and not _is_hidden(p, path))
        if not candidates:
            raise InputError(f"{spec}: directory has no data files")
    elif path.exists():
        root = path.parent
        candidates = [path]
    elif glob.has_magic(spec):
        root = Path(_glob_root(spec))
        matches = [Path(p) for p in sorted(glob.glob(spec, recursive=True))]
        # Side files (_SUCCESS, _temporary/) are skipped unless the pattern names one; a folder matched (say
        # 'exports/date=2013-12-2*') means the files in it, as a folder named does.
        explicit = any(part.startswith(("_", ".")) for part in Path(spec).parts if part not in (".", ".."))
        shown = [p for p in matches if explicit or not _is_hidden(p, root)]
        inside = [f for d in shown if d.is_dir() for f in d.rglob("*") if f.is_file() and not _is_hidden(f, d)]
        candidates = sorted({*(p for p in shown if p.is_file()), *inside})
        if not candidates:
            raise InputError(f"{spec}: no files match this pattern")
    else:
        raise InputError(f"{spec}: no such file or directory")
    files = candidates if format is not None else [p for p in candidates if format_of(p) is not None]
    if not files:
        hint = _suffix_hint(candidates, format_parameter)
        parameters = {} if format_parameter is None else {format_parameter: None}
        raise InputError(f"{spec}: cannot tell the format from the name{hint}", **parameters)
    chosen = format or _one_format(spec, files)
    if not os.access(files[0], os.R_OK):
        raise InputError(f"{files[0]}: permission denied")
    return Source(spec=spec, format=chosen, files=tuple(files), partitions=_partitions(root, files))


def partitions_of(source: Source, each: str) -> list[tuple[str, Source]]:
    """The source split in parts, in order: one per file (`each="file"`), or one per value of a hive key.

    A part's label names it in reports and histories: the file's path, or `key=value`.
    """
    groups: dict[str, list[Path | str]] = {}
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


def _natural(item: tuple[str, list[Path | str]]) -> list[tuple[int, int | str]]:
    """hour=9 before hour=10: numbers in a label compare as numbers (dates as ISO text sort right either way)."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", item[0])]


def _folder_value(path: Path | str, key: str) -> str | None:
    """The value of a `key=value` folder anywhere above the file, even above the glob's root."""
    parts = Path(remote.split_url(path)[1] if isinstance(path, str) else path).parent.parts
    values = [part.partition("=")[2] for part in parts if part.startswith(f"{key}=")]
    return values[-1] if values else None


def _part(source: Source, label: str, files: list[Path | str], each: str) -> Source:
    spec = label if each == "file" else f"{source.spec} [{label}]"
    partitions = {path: source.partitions[path] for path in files if path in source.partitions}
    return Source(spec, source.format, tuple(files), partitions, source.storage_options, source.sizes)


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


def _partitions(root: Path, files: list[Path]) -> dict[Path | str, dict[str, str]]:
    partitions: dict[Path | str, dict[str, str]] = {}
    for path in files:
        try:
            folders = path.relative_to(root).parts[:-1]
        except ValueError:
            continue
        values = dict(part.split("=", 1) for part in folders if "=" in part)
        if values:
            partitions[path] = values
    return partitions


def _suffix_hint(candidates: list[Path], format_parameter: str | None) -> str:
    if len(candidates) == 1 and _SUFFIXES.get(candidates[0].with_suffix("").suffix.lower()) in (
        InputFormat.PARQUET,
        InputFormat.IPC,
    ):
        return " (Parquet and Arrow files compress inside; a gzip or zstd around them cannot be read: decompress it)"
    known = ", ".join(sorted({*_SUFFIXES, *COMPRESSION_SUFFIXES}))
    give = "" if format_parameter is None else f"; or give {{{format_parameter}}}"
    return f" (known suffixes: {known}{give})" if candidates else ""


def _remote_source(
    spec: str,
    format: InputFormat | None,
    format_parameter: str | None,
    options: remote.StorageOptions,
    version: int | None,
) -> Source:
    """A URL's objects: one object, every object under a prefix (a 'directory'), or those a glob matches."""
    root_url, key = remote.split_url(spec)
    if glob.has_magic(key):
        fixed = _glob_root(key)
        pattern = remote.glob_pattern(key + "**" if key.endswith("/") else key)  # folders/: every object in them
        listed = remote.list_objects(f"{root_url}/{'' if fixed == '.' else fixed}", options)
        explicit = any(part.startswith(("_", ".")) for part in Path(key).parts)
        root = Path(fixed)
        found = [(url, size) for url, size in listed if pattern.fullmatch(remote.split_url(url)[1])]
        found = [(url, size) for url, size in found if explicit or not _is_hidden(_key(url), root)]
        if not found:
            raise InputError(f"{remote.shown(spec)}: no objects match this pattern")
    else:
        root = Path(key.rstrip("/"))
        listed = remote.list_objects(spec, options) if remote.lists(spec) else []
        if any(_key(url).parts[len(root.parts) : len(root.parts) + 1] == (tables.LOG_FOLDER,) for url, _ in listed):
            table = tables.table_of(spec, "delta", version, options)  # its files are a table's: read through its log
            assert table is not None, "format='delta' names a table"
            return _table_source(spec, table, options)
        found = [(url, size) for url, size in listed if not _is_hidden(_key(url), root)]
        if not listed:  # not a prefix: the one object it names, if it exists
            found, root = [(spec, remote.size_of(spec, options))], root.parent
        elif not found:
            raise InputError(f"{remote.shown(spec)}: no data objects under this prefix")
    tables.refuse_version(spec, format_parameter, version)
    sizes = dict(found)
    urls = [url for url, _ in found if format is not None or format_of(_key(url)) is not None]
    if not urls:
        hint = _suffix_hint([_key(url) for url, _ in found], format_parameter)
        parameters = {} if format_parameter is None else {format_parameter: None}
        raise InputError(f"{remote.shown(spec)}: cannot tell the format from the name{hint}", **parameters)
    chosen = format or _one_format(remote.shown(spec), [_key(url) for url in urls])
    by_key = {_key(url): url for url in urls}
    partitions: dict[Path | str, dict[str, str]] = {
        by_key[key]: values for key, values in _partitions(root, list(by_key)).items() if key in by_key
    }
    return Source(spec, chosen, tuple(urls), partitions, options, sizes)


def _key(url: str) -> Path:
    return Path(remote.split_url(url)[1])


def _table_source(spec: str, table: tables.Table, options: remote.StorageOptions) -> Source:
    return Source(spec, InputFormat(table.format), (table.where,), storage_options=options, version=table.version)
