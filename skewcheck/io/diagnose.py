"""Turn a reader's failure into one line that names the file, and the line where we can.

Only runs after polars has already failed, so it may re-read files slowly: a user who
hits it wants to know where the problem is more than they want speed.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, cast

import polars as pl

from skewcheck.errors import InputError
from skewcheck.io import remote

_MAX_LINES_SCANNED = 5_000_000
MAX_JSON_DEPTH = 1_024
"""polars' limit on how deep a JSON Lines value nests (Python's own reader stops a little earlier)."""
_JSON_NAMES = {type(None): "null", bool: "true or false", int: "a number", float: "a number", str: "a string"}
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
    if not os.access(path, os.R_OK):
        return "permission denied; check the permissions of the file and its folder"
    try:
        if format == "jsonl":
            return _jsonl_problem(path)
        if format in ("csv", "tsv"):
            return _csv_problem(path, "\t" if format == "tsv" else ",")
        return _binary_problem(path, format)
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        return f"not a readable gzip file, truncated or corrupt ({error})"
    except OSError as error:  # pyarrow's zstd errors are OSErrors too
        if _magic(path) == _ZSTD_MAGIC:
            return f"a damaged zstd file: it cannot be decompressed ({_first_line(error)})"
        return f"cannot read: {getattr(error, 'strerror', None) or error}"
    except _NotUtf8Error as error:
        return f"line {error.line}: not UTF-8 text (skewcheck reads UTF-8 CSV and JSON Lines)"


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
        # A byte-order mark on line 1 is accepted: polars is given the file without it.
        text = line.removeprefix("\ufeff") if number == 1 else line
        try:
            value = json.loads(text, parse_constant=_not_json)
        except RecursionError:
            return f"line {number}: nested too deep (skewcheck reads JSON nested at most {MAX_JSON_DEPTH:,} levels)"
        except ValueError as error:
            if not isinstance(error, json.JSONDecodeError):
                return f"line {number}: {error}"
            if number == 1 and line.strip() in ("[", "{"):
                return "line 1: a JSON document spread over lines, not JSON Lines (one object per line)"
            return f"line {number}: not valid JSON ({error.msg})"
        if isinstance(value, list):
            return f"line {number}: a JSON array, not JSON Lines (one object per line)"
        if not isinstance(value, dict):
            kind = _JSON_NAMES.get(type(value), "a value")
            return f"line {number} is {kind}, not an object (JSON Lines holds one object per line)"
    return None if seen_data else "file is empty (no JSON lines in it)"


def _not_json(constant: str) -> None:
    # Python's json module accepts NaN and Infinity; JSON (and polars) do not.
    raise ValueError(f"{constant} is not JSON (write null, or a string the schema declares)")


def _csv_problem(path: Path, separator: str) -> str | None:
    lines = (line for _, line in _numbered_lines(path))
    # strict: a quote that is never closed is an error at the end of the file, not one field holding the rest.
    reader = csv.reader(lines, delimiter=separator, strict=True)
    header: list[str] | None = None
    start = 1  # the line the record being read starts on
    try:
        for row in reader:
            if header is None:
                header = row
            elif len(row) > len(header):
                return f"line {start}: {len(row)} fields where the header has {len(header)}"
            start = reader.line_num + 1
    except csv.Error as error:
        if "end of data" in str(error):
            return f"line {start}: a quoted value starts here and its closing quote never comes"
        return f"line {reader.line_num}: {error}"
    if header is None:
        return "file is empty (no header)"
    return None


class _NotUtf8Error(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The file's lines as text, decompressed; _NotUtf8Error names the first line that is not UTF-8."""
    with _open_binary(path) as stream:
        for number, raw in enumerate(_split_lines(stream), start=1):
            if number > _MAX_LINES_SCANNED:
                return
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _NotUtf8Error(number) from None


def _split_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines ending in \\n, kept (csv needs them); read in blocks: a 10 MB line is read as it comes."""
    rest = b""
    while block := stream.read(1 << 20):
        rest += block
        *lines, rest = rest.split(b"\n")
        yield from (line + b"\n" for line in lines)
    if rest:
        yield rest


def _magic(path: Path) -> bytes:
    with path.open("rb") as probe:
        return probe.read(4)


def _open_binary(path: Path) -> IO[bytes]:
    magic = _magic(path)
    if magic[:2] == b"\x1f\x8b":
        return cast(IO[bytes], gzip.open(path, "rb"))
    if magic == _ZSTD_MAGIC:
        import pyarrow as pa  # here: pyarrow's start-up only when a zstd file failed to read

        return cast(IO[bytes], pa.input_stream(str(path), compression="zstd"))
    return path.open("rb")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
