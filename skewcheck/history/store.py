"""The history store: every audited partition's per-feature metrics and verdicts, as a Parquet dataset.

Layout, hive-partitioned so any Parquet reader sees one table with a `partition` column:

    DIR/partition=<partition label, URL-quoted>/<run key>.parquet

The run key is the first 16 hex digits of sha256(f"{baseline_id}\\0{schema_sha256}"): one file per
(partition, baseline, schema). Auditing that partition again with the same baseline and schema replaces the
file, so the history never holds the same audit twice; a new baseline or schema adds a file beside it. As
hive datasets do, the files hold every column except `partition`, which is the folder.

Why Parquet files and not a database: any tool reads them with no server and no skewcheck installed
(`pl.scan_parquet("DIR/**/*.parquet", hive_partitioning=True, hive_schema={"partition": pl.String})`,
`pyarrow.dataset.dataset("DIR", partitioning="hive")`, duckdb's `read_parquet('DIR/*/*.parquet',
hive_partitioning = true)`), and a rename is all the safety two cron jobs need. Each file is written to a
temporary file in its folder (a name starting with '.' and ending in '.tmp', which readers skip), flushed to
disk and renamed over the old one: a crash mid-write leaves the old file whole and no half file visible;
two writers of different partitions write different files; two writers of one partition each rename a
complete file, and the last one wins, never a mix. No lock, so no stale lock after a crash.

Rows hold metrics and verdicts only, never a value from the data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
import time
import uuid
from pathlib import Path
from urllib.parse import quote, unquote

import polars as pl

from skewcheck.errors import InputError, UsageError
from skewcheck.io.atomic import write_atomic
from skewcheck.schema.registry import HISTORY_COLUMNS

FOLDER_PREFIX = "partition="
SUFFIX = ".parquet"
METRIC_COLUMNS = HISTORY_COLUMNS  # one per registry metric, in the order of the files already written
_TEXT, _NUMBER = pl.String(), pl.Float64()
SCHEMA = pl.Schema(
    {
        "run_id": _TEXT,
        "run_at": pl.Datetime("us", "UTC"),
        "partition": _TEXT,
        "partition_date": pl.Date(),
        "baseline": _TEXT,
        "baseline_id": _TEXT,
        "serving": _TEXT,
        "schema_sha256": _TEXT,
        "skewcheck_version": _TEXT,
        "serving_rows": pl.Int64(),
        "feature": _TEXT,
        "type": _TEXT,
        "status": _TEXT,
        "gate_metric": _TEXT,
        "gate_value": _NUMBER,
        "warn": _NUMBER,
        "fail": _NUMBER,
        "noise": _NUMBER,
        **dict.fromkeys(METRIC_COLUMNS, _NUMBER),
        "run_status": _TEXT,
        "exit_code": pl.Int64(),
        "failed_gates": _TEXT,
    }
)
"""The history's columns, in order. A file from an older skewcheck may lack later columns: they read as null."""
REQUIRED = ("run_id", "run_at", "baseline_id", "schema_sha256", "feature", "status", "gate_value")
"""A Parquet file in the history without these is not a history file."""
STALE_TEMPORARY_SECONDS = 3600
"""A temporary file this old is a crashed writer's, not a running one's: `prune` removes it."""
_MAX_FOLDER_NAME = 255
_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def new_run_id() -> str:
    """Unique per run, and sorting by it sorts by start time: 20261120T060000Z-1a2b3c4d."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def run_key(baseline_id: str, schema_sha256: str) -> str:
    return hashlib.sha256(f"{baseline_id}\0{schema_sha256}".encode()).hexdigest()[:16]


def path_for(directory: Path, partition: str, baseline_id: str, schema_sha256: str) -> Path:
    """The one file that holds this partition's audit against this baseline and schema."""
    return folder_for(directory, partition) / f"{run_key(baseline_id, schema_sha256)}{SUFFIX}"


def partition_date(label: str) -> dt.date | None:
    """The date a partition label names: 'date=2026-11-20', '2026-11-20', 'exports/2026-11-20/part-0.parquet'.

    A `key=YYYY-MM-DD` part wins over a bare date; among several, the last (the one nearest the file).
    """
    found: list[tuple[bool, dt.date]] = []
    for match in _DATE.finditer(label):
        try:
            day = dt.date.fromisoformat(match.group(1))
        except ValueError:  # 2026-13-45 looks like a date and is not one
            continue
        found.append((label[: match.start()].endswith("="), day))
    keyed = [day for is_keyed, day in found if is_keyed] or [day for _, day in found]
    return keyed[-1] if keyed else None


def write(directory: Path, rows: pl.DataFrame, mode: int | None = None) -> Path:
    """Store one partition's audit, replacing that partition's earlier audit with the same baseline and schema.

    `rows` come from `rows_from_report` (one partition, one baseline, one schema); `mode`: the new file's
    (default: what the umask allows). Returns the file written.
    """
    partition, baseline_id, schema_sha256 = _identity(rows)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: is a file, not a history directory")
    target = path_for(directory, partition, baseline_id, schema_sha256)
    buffer = io.BytesIO()
    rows.select(pl.col(name).cast(kind) for name, kind in SCHEMA.items() if name != "partition").write_parquet(
        buffer, compression="zstd", statistics=True
    )
    for attempt in range(3):
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_atomic(target, buffer.getvalue(), mode)
            return target
        except FileNotFoundError:
            # `prune` removed the emptied folder between mkdir and the write: make it again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def check_folder(directory: Path) -> None:
    """Refuse a folder that is neither new, empty, nor a history (`--history .`), before anything is written."""
    try:
        _files(directory)
    except InputError as error:
        raise UsageError(f"{error.message}; give {{keep}} a new or empty folder, or a history", keep=None) from None


def _identity(rows: pl.DataFrame) -> tuple[str, str, str]:
    if rows.is_empty():
        raise ValueError("no rows to write: the report has no features")
    identity = []
    for column in ("partition", "baseline_id", "schema_sha256"):
        values = rows.get_column(column).unique().to_list()
        if len(values) != 1 or not isinstance(values[0], str):
            raise ValueError(f"history rows must share one {column}, got {values[:5]}")
        identity.append(values[0])
    return identity[0], identity[1], identity[2]


def is_done(directory: Path, partition: str, baseline_id: str, schema_sha256: str) -> bool:
    """Whether this partition was audited against this baseline with this schema (for --skip-done)."""
    return path_for(directory, partition, baseline_id, schema_sha256).is_file()


def read(directory: Path, *, feature: str | None = None, since: dt.date | None = None) -> pl.DataFrame:
    """Every stored row (of `feature`, from partitions dated `since` or later), oldest partition first.

    A partition with no date in its label is dated by its run. No history yet reads as no rows.
    """
    frames = [frame for _, path in _files(directory) if (frame := _read_file(path)) is not None]
    history = pl.concat(frames, how="vertical") if frames else empty()
    if feature is not None:
        history = history.filter(pl.col("feature") == feature)
    if since is not None:
        history = history.filter(effective_date() >= since)
    return history.sort(effective_date(), "partition", "run_at", "feature", nulls_last=True)


def effective_date() -> pl.Expr:
    """A row's date: its partition's, else its run's (UTC)."""
    return pl.coalesce(pl.col("partition_date"), pl.col("run_at").dt.date()).alias("date")


def latest(history: pl.DataFrame) -> pl.DataFrame:
    """Per feature and partition, the row of the latest run (another baseline or schema may have audited it too)."""
    ordered = history.sort("run_at", "run_id")
    return ordered.unique(subset=["feature", "partition"], keep="last", maintain_order=True).sort(
        effective_date(), "partition", "feature", nulls_last=True
    )


def prune(directory: Path, older_than: dt.date) -> int:
    """Remove the files of partitions dated before `older_than` (undated ones by their run's date).

    Each file goes at once (an unlink is atomic), a partition folder left empty goes too, and so do
    temporary files crashed writers left behind. Returns the number of history files removed.
    """
    removed = 0
    for _, path in _files(directory):
        frame = _read_file(path)
        day = None if frame is None else frame.select(effective_date().min()).item()
        if day is not None and day < older_than:
            path.unlink(missing_ok=True)
            removed += 1
    for folder in _folders(directory):
        _remove_stale_temporaries(folder)
        with contextlib.suppress(OSError):  # not empty, or a writer is filling it right now
            folder.rmdir()
    return removed


def _remove_stale_temporaries(folder: Path) -> None:
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    for path in folder.glob(".*.tmp"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # its writer finished or cleaned up meanwhile
            pass


def folder_for(directory: Path, partition: str) -> Path:
    """The folder that holds a partition; a label that cannot name a folder is a UsageError."""
    name = FOLDER_PREFIX + quote(partition, safe="")
    if not partition:
        raise UsageError("a history partition needs a name; got an empty label")
    if len(name.encode()) > _MAX_FOLDER_NAME:
        raise UsageError(f"partition label too long for a folder name ({len(name)} characters quoted): {partition!r}")
    return directory / name


def _folders(directory: Path) -> list[Path]:
    """The partition folders; anything else visible in the history directory is not ours, and an error."""
    if not directory.exists():
        return []
    if not directory.is_dir():
        raise InputError(f"{directory}: the history must be a directory")
    folders = []
    for entry in sorted(directory.iterdir()):
        if _hidden(entry):
            continue
        if not (entry.is_dir() and entry.name.startswith(FOLDER_PREFIX)):
            raise InputError(f"{entry}: not part of a skewcheck history (expected only {FOLDER_PREFIX}* folders)")
        folders.append(entry)
    return folders


def _files(directory: Path) -> list[tuple[Path, Path]]:
    files = []
    for folder in _folders(directory):
        try:
            entries = sorted(folder.iterdir())
        except FileNotFoundError:  # another job's prune removed it after we listed it
            continue
        for entry in entries:
            if _hidden(entry):
                continue
            if not (entry.is_file() and entry.name.endswith(SUFFIX)):
                raise InputError(f"{entry}: not part of a skewcheck history (expected only *{SUFFIX} files)")
            files.append((folder, entry))
    return files


def _hidden(entry: Path) -> bool:
    # Temporary files of writers in progress start with '.', as do .DS_Store and friends; '_' marks tool files.
    return entry.name.startswith((".", "_"))


def _read_file(path: Path) -> pl.DataFrame | None:
    """One stored file, or None when a concurrent prune removed it after it was listed."""
    label = unquote(path.parent.name.removeprefix(FOLDER_PREFIX))
    try:
        frame = pl.read_parquet(path, glob=False)
    except FileNotFoundError:
        return None
    except (pl.exceptions.PolarsError, OSError) as error:
        if not path.exists():
            return None
        reason = _first_line(error)
        raise InputError(f"{path}: not a readable Parquet file ({reason}); move it out of the history") from None
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise InputError(f"{path}: not a skewcheck history file (no column {', '.join(missing)})")
    columns = []
    for name, kind in SCHEMA.items():
        if name == "partition":
            columns.append(pl.lit(label, pl.String).alias(name))
        elif name in frame.columns:
            columns.append(pl.col(name).cast(kind))
        else:  # written by an older skewcheck
            columns.append(pl.lit(None, kind).alias(name))
    try:
        return frame.select(columns)
    except pl.exceptions.PolarsError as error:
        raise InputError(f"{path}: not a skewcheck history file ({_first_line(error)})") from None


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
