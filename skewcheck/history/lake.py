"""The history store as a Delta Lake table (delta-rs), on disk or in an object store.

Rename is not atomic on object stores, and a hand-made publishing protocol is where data gets lost; a Delta table
commits each write as one new entry of its transaction log, which delta-rs creates with a conditional write (S3's
If-None-Match, GCS's generation match, Azure's ETags; on disk a link that fails if the entry exists). So:

- a run's rows become visible all at once, or (killed mid-run) not at all: data files not named by a committed log
  entry are invisible, and `prune`'s vacuum removes them once they are an hour old;
- two writers never lose each other's rows: the loser of a commit race reads the winner's entry and commits again;
- re-auditing a partition with the same baseline and schema replaces its rows (an overwrite with a predicate on
  those three columns, the replace-where of Delta), so the history never holds the same audit twice.

Any Delta reader reads it: `pl.read_delta(LOCATION)`, Spark, Databricks, DuckDB's delta extension.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path
from typing import Any

import polars as pl

from skewcheck.errors import InputError, UsageError
from skewcheck.history.store import SCHEMA
from skewcheck.io import remote

LOG_FOLDER = "_delta_log"
COMMIT_ATTEMPTS = 20
"""A write that keeps losing commit races to other writers gives up after this many tries."""
VACUUM_HOURS = 1
"""Files no commit names are removed once this old: a running writer's files are younger than that."""


def deltalake() -> Any:
    """delta-rs, the optional `cloud` extra: a missing install is an instruction, not a traceback."""
    try:
        import deltalake as module
    except ImportError:
        raise UsageError("a history as a Delta table needs deltalake: pip install 'skewcheck[cloud]'") from None
    return module


def is_lake(location: str | Path) -> bool:
    """Whether the history at `location` is (or, in an object store, will be) a Delta table."""
    return remote.is_url(str(location)) or (Path(location) / LOG_FOLDER).is_dir()


def write(location: str | Path, rows: pl.DataFrame, options: remote.StorageOptions = remote.NO_OPTIONS) -> None:
    """Replace this partition's audit (same baseline and schema) with `rows`, in one commit."""
    identity = {
        name: rows.get_column(name).unique().to_list() for name in ("partition", "baseline_id", "schema_sha256")
    }
    if any(len(values) != 1 for values in identity.values()):
        raise ValueError("history rows must share one partition, baseline_id and schema_sha256")
    predicate = " AND ".join(f"{name} = {_literal(values[0])}" for name, values in identity.items())
    table = rows.select(pl.col(name).cast(kind) for name, kind in SCHEMA.items()).to_arrow()
    module = deltalake()
    for attempt in range(COMMIT_ATTEMPTS):
        try:
            exists = _exists(location, options)
            module.write_deltalake(
                _uri(location),
                table,
                mode="overwrite" if exists else "append",
                predicate=predicate if exists else None,
                schema_mode="merge",  # a metric a later skewcheck adds becomes a column; older rows read it as null
                storage_options=_options(options),
            )
            return
        except module.exceptions.CommitFailedError:
            if attempt == COMMIT_ATTEMPTS - 1:
                raise InputError(f"{_shown(location)}: gave up after {COMMIT_ATTEMPTS} commit races") from None
            time.sleep(random.uniform(0.05, 0.2 * (attempt + 1)))  # another writer won this one: try again
        except (OSError, module.exceptions.DeltaError) as error:
            raise _failure(location, error, options) from None


def read(location: str | Path, options: remote.StorageOptions = remote.NO_OPTIONS) -> pl.DataFrame:
    """Every row of the table, in the history's columns; no table yet reads as no rows."""
    module = deltalake()
    if not _exists(location, options):
        return pl.DataFrame(schema=SCHEMA)
    try:
        arrow = module.DeltaTable(_uri(location), storage_options=_options(options)).to_pyarrow_table()
    except (OSError, module.exceptions.DeltaError) as error:
        raise _failure(location, error, options) from None
    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)
    return frame.select(
        pl.col(name).cast(kind) if name in frame.columns else pl.lit(None, kind).alias(name)
        for name, kind in SCHEMA.items()
    )


def prune(location: str | Path, older_than: dt.date, options: remote.StorageOptions = remote.NO_OPTIONS) -> int:
    """Delete the rows of partitions dated before `older_than` (undated ones by their run), then vacuum."""
    module = deltalake()
    if not _exists(location, options):
        return 0
    day = older_than.isoformat()
    predicate = f"partition_date < '{day}' OR (partition_date IS NULL AND run_at < '{day}T00:00:00Z')"  # effective date
    for attempt in range(COMMIT_ATTEMPTS):
        try:
            table = module.DeltaTable(_uri(location), storage_options=_options(options))
            removed = int(table.delete(predicate).get("num_deleted_rows", 0))
            table.vacuum(retention_hours=VACUUM_HOURS, enforce_retention_duration=False, dry_run=False)
            return removed
        except module.exceptions.CommitFailedError:
            time.sleep(random.uniform(0.05, 0.2 * (attempt + 1)))
        except (OSError, module.exceptions.DeltaError) as error:
            raise _failure(location, error, options) from None
    raise InputError(f"{_shown(location)}: gave up after {COMMIT_ATTEMPTS} commit races")


def migrate(directory: Path, rows: pl.DataFrame) -> None:
    """Make `directory` a Delta table holding `rows` (the current layout's, read by the caller), in one commit."""
    module = deltalake()
    table = rows.select(pl.col(name).cast(kind) for name, kind in SCHEMA.items()).to_arrow()
    try:
        module.write_deltalake(str(directory), table, mode="append")
    except (OSError, module.exceptions.DeltaError) as error:
        raise _failure(directory, error, remote.NO_OPTIONS) from None


def _exists(location: str | Path, options: remote.StorageOptions) -> bool:
    if not remote.is_url(str(location)):
        return (Path(location) / LOG_FOLDER).is_dir()
    return bool(remote.list_objects(f"{str(location).rstrip('/')}/{LOG_FOLDER}/", options))


def _uri(location: str | Path) -> str:
    return str(location).rstrip("/") if remote.is_url(str(location)) else str(Path(location).resolve())


def _options(options: remote.StorageOptions) -> dict[str, str]:
    """delta-rs takes object_store's keys, as polars does; S3 commits need a conditional put (If-None-Match)."""
    given = {key: str(value) for key, value in options.items() if key not in ("max_retries", "retry_timeout_secs")}
    given.setdefault("conditional_put", "etag")
    return given


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _shown(location: str | Path) -> str:
    return remote.shown(str(location)) if remote.is_url(str(location)) else str(location)


def _failure(location: str | Path, error: BaseException, options: remote.StorageOptions) -> InputError:
    if remote.is_url(str(location)):
        return remote.failure(str(location), error, options)
    text = remote.scrub(str(error), options).strip().splitlines() or [type(error).__name__]
    return InputError(f"{location}: not a readable Delta table ({text[0][:300]})")
