"""Parquet page checksums: a file written with them is verified, so a damaged page is not read as data.

Writers may store a CRC-32 of each page in its header (parquet-mr and Spark do by default, pyarrow with
`write_page_checksum=True`); polars does not check them, and a flipped byte in a page reads as a different value.
Whether a file has them is read from its first page headers (a few bytes each); only then are its pages
verified, with pyarrow, one row group at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow.parquet as pq

_PAGES_PROBED = 8
_THRIFT_I32 = 5
_CRC_FIELD = 4


def checksum_problem(path: Path, columns: Sequence[str] | None = None) -> str | None:
    """The first row group whose pages do not match their checksums, in a file that has them; `columns` the
    top-level columns to verify (None: all of them)."""
    import pyarrow as pa  # here, not at the top: only a Parquet input needs pyarrow's start-up
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path, page_checksum_verification=True)
        if not _has_checksums(path, file.metadata):
            return None
        groups = file.num_row_groups
        names = None if columns is None else [c for c in dict.fromkeys(columns) if c in file.schema_arrow.names]
        for group in range(groups):
            try:
                file.read_row_group(group, columns=names)
            except (OSError, pa.ArrowException) as error:
                text = str(error).strip()
                reason = "a page does not match its checksum" if "CRC" in text else text.splitlines()[0]
                return f"row group {group + 1} of {groups} is damaged: {reason}" if text else None
    except (OSError, pa.ArrowException):
        return None  # no readable footer: the read itself fails, and says so
    return None


def _has_checksums(path: Path, metadata: pq.FileMetaData) -> bool:
    if metadata.num_row_groups == 0:
        return False
    group = metadata.row_group(0)
    with path.open("rb") as stream:
        for column in range(min(group.num_columns, _PAGES_PROBED)):
            chunk = group.column(column)
            stream.seek(chunk.dictionary_page_offset or chunk.data_page_offset)
            if _header_has_crc(stream.read(64)):
                return True
    return False


def _header_has_crc(header: bytes) -> bool:
    """Whether a PageHeader (Thrift compact protocol) has its optional field 4, `crc`, after the three required
    i32 fields (page type, uncompressed and compressed size), which every writer puts first."""
    position, field = 0, 0
    for _ in range(4):
        if position >= len(header):
            return False
        byte = header[position]
        position += 1
        delta, kind = byte >> 4, byte & 0x0F
        if delta == 0:
            return False  # a long-form field id: not the header layout writers use
        field += delta
        if field == _CRC_FIELD:
            return kind == _THRIFT_I32
        if kind != _THRIFT_I32 or field > _CRC_FIELD:
            return False
        while position < len(header) and header[position] & 0x80:  # the i32's varint
            position += 1
        position += 1
    return False
