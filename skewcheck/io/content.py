"""What a file holds, from its first bytes: a name that says CSV on a Parquet file is caught before a read.

polars reads what it is told: Parquet bytes named `.csv` become six rows of binary garbage, and a gzip named
`.parquet` fails with a Thrift error. The magic numbers at a file's start say what it is.
"""

from __future__ import annotations

import stat
from pathlib import Path

from skewcheck.io.sources import InputFormat

# The first bytes of each kind of file we can name; gzip and zstd around text are read by polars itself.
_MAGIC = (
    (b"PAR1", "Parquet data"),
    (b"ARROW1", "Arrow IPC / Feather data"),
    (b"FEA1", "Feather (v1) data"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"PK\x03\x04", "a zip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_OWN = {InputFormat.PARQUET: "Parquet data", InputFormat.IPC: "Arrow IPC / Feather data"}
_SAVE = "write the data to a file first"
_COMPRESSED_TEXT = {"gzip-compressed data", "zstd-compressed data"}
_NAMES = {
    InputFormat.PARQUET: "Parquet",
    InputFormat.IPC: "Arrow IPC",
    InputFormat.CSV: "CSV",
    InputFormat.TSV: "TSV",
    InputFormat.JSONL: "JSON Lines",
}


def held(path: Path) -> str | None:
    """What the file's first bytes say it holds (None: no magic number we know, such as text)."""
    try:
        with path.open("rb") as probe:
            start = probe.read(16)
    except OSError:
        return None  # the read itself names the problem
    return next((kind for magic, kind in _MAGIC if start.startswith(magic)), None)


def content_problem(path: Path, format: InputFormat) -> str | None:
    """A file whose bytes are not the format it is read as (its name, or the format the caller gave), or no
    regular file at all: a named pipe is read once and is then empty, and skewcheck reads an input more than once."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # the read itself names the problem
    if not stat.S_ISREG(mode):
        special = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        return f"{special}, not a file; pipes are not supported (skewcheck reads an input more than once): {_SAVE}"
    kind = held(path)
    if kind is None or kind == _OWN.get(format):
        return None
    if format.is_text and kind in _COMPRESSED_TEXT:
        return None  # compressed text: polars decompresses it
    named = _NAMES.get(format, str(format))
    return f"read as {named}, but the file holds {kind} (its first bytes say so): rename it or set its format"
