"""Turn a reader's failure into one line that names the file, and the line where we can.

Only runs after polars has already failed, so it may re-read files slowly: a user who
hits it wants to know where the problem is more than they want speed.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl

from skewcheck.errors import InputError
from skewcheck.io import remote

_MAX_LINES_SCANNED = 5_000_000
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def diagnose_unreadable(
    files: Sequence[Path | str], format: str, error: BaseException, options: remote.StorageOptions = remote.NO_OPTIONS
) -> InputError:
    """The most precise InputError we can find for a failed read of these files (objects: what the store said)."""
    if format in ("delta", "iceberg"):
        return InputError(f"{files[0]}: cannot read the {format.title()} table: {_first_line(error)}")
    urls = [file for file in files if isinstance(file, str)]
    if urls:
        return remote.failure(urls[0], error, options)
    local = [file for file in files if isinstance(file, Path)]
    for path in local:
        problem = _file_problem(path, str(format))
        if problem:
            return InputError(f"{path}: {problem}")
    where = local[0] if len(local) == 1 else f"{local[0].parent} ({len(local)} files)"
    return InputError(f"{where}: cannot read as {format}: {_first_line(error)}")


def _file_problem(path: Path, format: str) -> str | None:
    if not path.exists():
        return "no such file"
    if path.stat().st_size == 0:
        return "file is empty"
    if _magic(path) == _ZSTD_MAGIC:
        return None  # reading zstd needs a library we do not depend on; polars' message will do
    try:
        if format == "jsonl":
            return _jsonl_problem(path)
        if format in ("csv", "tsv"):
            return _csv_problem(path, "\t" if format == "tsv" else ",")
        return _binary_problem(path, format)
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        return f"not a readable gzip file, truncated or corrupt ({error})"
    except OSError as error:
        return f"cannot read: {error.strerror or error}"
    except UnicodeDecodeError:
        return "not UTF-8 text (skewcheck reads UTF-8 CSV and JSON Lines)"


def _binary_problem(path: Path, format: str) -> str | None:
    try:
        frame = pl.scan_parquet(path) if format == "parquet" else pl.scan_ipc(path)
        frame.collect_schema()
        frame.head(1).collect()
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as error:
        kind = "Parquet" if format == "parquet" else "Arrow IPC / Feather"
        return f"not a readable {kind} file ({_first_line(error)})"
    return _row_group_problem(path) if format == "parquet" else None


def parquet_extent_problem(path: Path) -> str | None:
    """A row group that ends past the end of the file (a truncated copy whose footer survived). Found from the
    footer alone, before a read: polars panics on such a file, printing a Rust backtrace."""
    import pyarrow as pa  # here, not at the top: a check of JSON Lines or CSV never needs pyarrow's start-up
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowException):
        return None  # no readable footer: the read itself fails, and says so
    size = path.stat().st_size
    for group in range(metadata.num_row_groups):
        columns = metadata.row_group(group)
        for column in range(columns.num_columns):
            chunk = columns.column(column)
            start = chunk.dictionary_page_offset or chunk.data_page_offset
            if start + chunk.total_compressed_size > size:
                where = f"row group {group + 1} of {metadata.num_row_groups}"
                return f"{where} lies past the end of the file ({size:,} bytes): truncated"
    return None


def _row_group_problem(path: Path) -> str | None:
    """The first row group that cannot be read, in a file whose start reads: truncated or damaged later on."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    groups = file.num_row_groups
    for group in range(groups):
        try:
            file.read_row_group(group)
        except (OSError, ValueError, pa.ArrowException) as error:
            return f"row group {group + 1} of {groups} cannot be read: truncated or corrupt ({_first_line(error)})"
    return None


def _jsonl_problem(path: Path) -> str | None:
    seen_data = False
    for number, line in _numbered_lines(path):
        if not line.strip():
            continue
        seen_data = True
        try:
            value = json.loads(line, parse_constant=_not_json)
        except ValueError as error:
            if not isinstance(error, json.JSONDecodeError):
                return f"line {number}: {error}"
            if number == 1 and line.strip() in ("[", "{"):
                return "line 1: a JSON document spread over lines, not JSON Lines (one object per line)"
            return f"line {number}: not valid JSON ({error.msg})"
        if isinstance(value, list):
            return f"line {number}: a JSON array, not JSON Lines (one object per line)"
        if not isinstance(value, dict):
            return f"line {number}: a JSON {type(value).__name__}, expected one JSON object per line"
    return None if seen_data else "file is empty (no JSON lines in it)"


def _not_json(constant: str) -> None:
    # Python's json module accepts NaN and Infinity; JSON (and polars) do not.
    raise ValueError(f"{constant} is not JSON (write null, or a string the schema declares)")


def _csv_problem(path: Path, separator: str) -> str | None:
    lines = (line for _, line in _numbered_lines(path))
    reader = csv.reader(lines, delimiter=separator)
    header: list[str] | None = None
    for row in reader:
        if header is None:
            header = row
            continue
        if len(row) > len(header):
            return f"line {reader.line_num}: {len(row)} fields where the header has {len(header)}"
    if header is None:
        return "file is empty (no header)"
    return None


def _numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    with _open_text(path) as stream:
        for number, line in enumerate(stream, start=1):
            if number > _MAX_LINES_SCANNED:
                return
            yield number, line


def _magic(path: Path) -> bytes:
    with path.open("rb") as probe:
        return probe.read(4)


def _open_text(path: Path) -> io.TextIOBase:
    if _magic(path)[:2] == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
