"""Where a history is kept, and in which layout: a Delta Lake table (`lake`), or the Parquet files of `store`.

A URL (`s3://bucket/skew-history/`) is always a Delta table: object stores have no atomic rename for `store`'s
files. A local directory is a Delta table when deltalake is installed (the `cloud` extra), unless it already holds
a history of the older layout, which `migrate` moves into a Delta table once (the first write does it, saying so);
without deltalake a local history keeps the Parquet-files layout.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from skewcheck.errors import UsageError
from skewcheck.history import lake, store
from skewcheck.io import remote

Location = str | Path


def is_lake(location: Location) -> bool:
    """Whether this history is (or, once written, will be) a Delta table."""
    if lake.is_lake(location):
        return True
    return importlib.util.find_spec("deltalake") is not None and not _legacy(Path(location))


def exists(location: Location, options: remote.StorageOptions = remote.NO_OPTIONS) -> bool:
    if remote.is_url(str(location)):
        return bool(remote.list_objects(str(location), options))
    return Path(location).is_dir()


def write(
    location: Location,
    rows: pl.DataFrame,
    options: remote.StorageOptions = remote.NO_OPTIONS,
    mode: int | None = None,
) -> str:
    """Store one partition's audit; returns a note for the user when the history was migrated first, else ''.

    `mode`: the new files' (default: what the umask allows), as `io.outputs_guard.output_mode` gives it.
    """
    note = ""
    if not remote.is_url(str(location)) and _legacy(Path(location)) and importlib.util.find_spec("deltalake"):
        moved = migrate(Path(location))
        note = f"{location}: moved the history's {moved:,} rows into a Delta Lake table (once; readers: pl.read_delta)"
    if is_lake(location):
        with _private(location, mode):
            lake.write(location, rows, options)
    else:
        store.write(Path(location), rows, mode)
    return note


def check_folder(location: Location) -> None:
    """Refuse, before anything is written, a local folder that is neither new, empty, nor a history."""
    if remote.is_url(str(location)) or lake.is_lake(location):
        return
    store.check_folder(Path(location))


@contextlib.contextmanager
def _private(location: Location, mode: int | None) -> Iterator[None]:
    """delta-rs creates the table's files itself: the umask, tightened while it writes, gives them `mode`."""
    if mode is None or remote.is_url(str(location)):
        yield
        return
    previous = os.umask(0)
    os.umask(previous | (0o066 & ~mode))  # group/other read and write as `mode` denies them; folders keep x
    try:
        yield
    finally:
        os.umask(previous)


def read(
    location: Location,
    *,
    feature: str | None = None,
    since: dt.date | None = None,
    options: remote.StorageOptions = remote.NO_OPTIONS,
) -> pl.DataFrame:
    """Every stored row (of `feature`, from `since` on), oldest partition first, whichever the layout."""
    if not lake.is_lake(location):
        return store.read(Path(location), feature=feature, since=since)
    history = lake.read(location, options)
    if feature is not None:
        history = history.filter(pl.col("feature") == feature)
    if since is not None:
        history = history.filter(store.effective_date() >= since)
    return history.sort(store.effective_date(), "partition", "run_at", "feature", nulls_last=True)


def is_done(
    location: Location,
    partition: str,
    baseline_id: str,
    schema_sha256: str,
    options: remote.StorageOptions = remote.NO_OPTIONS,
) -> bool:
    if not lake.is_lake(location):
        return store.is_done(Path(location), partition, baseline_id, schema_sha256)
    rows = lake.read(location, options).filter(
        (pl.col("partition") == partition)
        & (pl.col("baseline_id") == baseline_id)
        & (pl.col("schema_sha256") == schema_sha256)
    )
    return not rows.is_empty()


def prune(location: Location, older_than: dt.date, options: remote.StorageOptions = remote.NO_OPTIONS) -> int:
    if lake.is_lake(location):
        return lake.prune(location, older_than, options)
    return store.prune(Path(location), older_than)


def migrate(directory: Path) -> int:
    """Move a history of the Parquet-files layout into a Delta table in the same directory; returns its rows.

    One commit makes every row visible at once; only then are the old files removed. A run killed between the
    two leaves the old files beside a complete table, which is read from then on (and the files removed again).
    """
    if lake.is_lake(directory):
        _remove_legacy(directory)
        return 0
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such history directory")
    rows = store.read(directory)
    lake.migrate(directory, rows)
    _remove_legacy(directory)
    return rows.height


def _legacy(directory: Path) -> bool:
    """A directory of `store`'s layout: partition folders and no Delta log."""
    if not directory.is_dir() or (directory / lake.LOG_FOLDER).is_dir():
        return False
    return any(entry.name.startswith(store.FOLDER_PREFIX) for entry in directory.iterdir())


def _remove_legacy(directory: Path) -> None:
    for folder in directory.glob(f"{store.FOLDER_PREFIX}*"):
        for path in folder.glob(f"*{store.SUFFIX}"):
            path.unlink(missing_ok=True)
        for path in folder.glob(".*.tmp"):
            path.unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
