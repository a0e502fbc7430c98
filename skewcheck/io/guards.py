"""Checks a source passes before polars reads it: what its files hold, Parquet footers and page checksums, and
how deep the values a feature reads are nested. Each raises an InputError of one line naming the file or feature.

polars trusts what it is given: Parquet bytes named `.csv` become rows of binary garbage, a damaged page of a
checksummed file reads as other values, and a column nested a few hundred levels deep hangs it or overflows its
stack. These run first, from footers and first bytes, at the cost of a few small reads (and, for a file written
with page checksums, of verifying its pages).
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Mapping

import polars as pl

from skewcheck.errors import InputError
from skewcheck.io.content import content_problem
from skewcheck.io.diagnose import parquet_extent_problem
from skewcheck.io.nested import FieldPath, depth, find
from skewcheck.io.parquet_pages import checksum_problem
from skewcheck.io.sources import InputFormat, Source

MAX_FEATURE_DEPTH = 32
"""Levels of lists and structs a feature's values may be nested in."""
_BOM = b"\xef\xbb\xbf"


def check_contents(source: Source) -> None:
    """Every local file holds what its format says (not a pipe, not Parquet named `.csv`)."""
    if source.format in (InputFormat.DELTA, InputFormat.ICEBERG):
        return  # a table is a folder of Parquet files its log names
    for path in source.local_files:
        problem = content_problem(path, source.format)
        if problem:
            raise InputError(f"{path}: {problem}")


def check_parquet(source: Source, columns: Iterable[str]) -> None:
    """Row groups past the file's end (a truncated copy), and pages that fail their checksums, before a read."""
    if source.format is not InputFormat.PARQUET:
        return
    names = sorted(set(columns))
    for path in source.local_files:
        problem = parquet_extent_problem(path) or checksum_problem(path, names)
        if problem:
            raise InputError(f"{path}: {problem}")


def check_depth(source: Source, paths: Mapping[str, FieldPath], found: Iterable[str], file_schema: pl.Schema) -> None:
    """A feature reading values nested deeper than MAX_FEATURE_DEPTH: polars hangs or overflows its stack on a
    few hundred levels, and no feature's values are that deep on purpose."""
    for name in found:
        dtype = find(file_schema, paths[name]) or file_schema.get(".".join(paths[name]))
        levels = depth(dtype) if dtype is not None else 0
        if levels > MAX_FEATURE_DEPTH:
            raise InputError(
                f"{source.spec}: feature {name} holds values nested {levels} levels deep "
                f"(skewcheck reads at most {MAX_FEATURE_DEPTH})"
            )


def ndjson_source(name: str) -> str | bytes:
    """What scan_ndjson reads for a local file: its name, escaped (scan_ndjson always globs, so that it matches
    only itself), or its bytes without the byte-order mark a Windows tool put first, which polars refuses."""
    with open(name, "rb") as probe:
        if probe.read(3) != _BOM:
            return glob.escape(name)
        return probe.read()
