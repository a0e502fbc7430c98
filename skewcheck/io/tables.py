"""Lake tables as inputs: Delta Lake and Iceberg tables, read at one version by polars' own scanners.

A table is named `delta://PATH` or `iceberg://PATH` (a local path or a URL: `delta://s3://bucket/table`), or by its
location with the format given, or found by its `_delta_log` folder (Delta). Reading a table's data files as plain
Parquet would be wrong (files a later commit removed are still there), so a table is always read through its log,
at one version: the one pinned, else the latest, which the report then names, so the baseline a profile was made
from is named exactly. A Delta version is its commit number; an Iceberg one, its snapshot id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from skewcheck.errors import InputError, UsageError
from skewcheck.io import remote

FORMATS = ("delta", "iceberg")
LOG_FOLDER = "_delta_log"
_METADATA = re.compile(r"^v?(\d+)[-.].*metadata\.json$")


@dataclass(frozen=True)
class Table:
    format: str
    where: Path | str
    """A local table's folder (an Iceberg table's metadata file), or its URL."""
    version: int


def table_of(
    spec: str, format: str | None, version: int | None, options: remote.StorageOptions = remote.NO_OPTIONS
) -> Table | None:
    """The lake table `spec` names (with its version to read), or None when it names files."""
    for name in FORMATS:
        if spec.lower().startswith(f"{name}://"):
            format, spec = name, spec[len(name) + 3 :]
    if format not in FORMATS and not (not remote.is_url(spec) and (Path(spec) / LOG_FOLDER).is_dir()):
        return None
    if format == "iceberg":
        metadata = _iceberg_metadata(spec, options)
        return Table("iceberg", metadata, _iceberg_version(spec, metadata, version, options))
    where: Path | str = spec if remote.is_url(spec) else Path(spec)
    return Table("delta", where, _delta_version(spec, version, options))


def refuse_version(spec: str, format_parameter: str | None, version: int | None) -> None:
    """A version pinned for an input that is not a table is a mistake: say so rather than read the files."""
    if version is not None:
        parameter = (format_parameter or "format").replace("format", "version")
        message = f"{remote.shown(spec) if remote.is_url(spec) else spec}: {{{parameter}}} pins a table's version"
        raise UsageError(f"{message}; this is not a Delta or Iceberg table", **{parameter: version})


def scan(format: str, where: Path | str, version: int, options: remote.StorageOptions) -> pl.LazyFrame:
    storage = _options(options) or None
    if format == "iceberg":
        _pyiceberg_table()
        return pl.scan_iceberg(_uri(where), snapshot_id=version, storage_options=storage)
    return pl.scan_delta(_uri(where), version=version, storage_options=storage)


def _delta_version(location: str, version: int | None, options: remote.StorageOptions) -> int:
    module = _deltalake()
    shown = _shown(location)
    try:
        table = module.DeltaTable(_uri(location), storage_options=_options(options))
    except module.exceptions.TableNotFoundError:
        raise InputError(f"{shown}: not a Delta table (no {LOG_FOLDER} there)") from None
    except (OSError, module.exceptions.DeltaError) as error:
        failed = remote.failure(location, error, options) if remote.is_url(location) else _unreadable(shown, error)
        raise failed from None
    latest = int(table.version())
    if version is None:
        return latest
    if not 0 <= version <= latest:
        raise InputError(f"{shown}: the Delta table has no version {version} (its versions are 0 to {latest})")
    try:
        table.load_as_version(version)
    except (OSError, module.exceptions.DeltaError) as error:  # vacuumed or checkpointed away
        raise InputError(f"{shown}: cannot read version {version} ({_first_line(error)})") from None
    return version


def _iceberg_metadata(location: str, options: remote.StorageOptions) -> Path | str:
    """An Iceberg table's current metadata file: the one named, or the highest-numbered in its metadata folder."""
    if location.endswith(".metadata.json"):
        return location if remote.is_url(location) else Path(location)
    if remote.is_url(location):
        names = [url for url, _ in remote.list_objects(f"{location.rstrip('/')}/metadata/", options)]
    else:
        names = [str(path) for path in (Path(location) / "metadata").glob("*.metadata.json")]
    numbered = [(int(match.group(1)), name) for name in names if (match := _METADATA.match(name.rsplit("/", 1)[-1]))]
    if not numbered:
        raise InputError(f"{_shown(location)}: not an Iceberg table (no metadata/*.metadata.json there)")
    latest = max(numbered)[1]
    return latest if remote.is_url(latest) else Path(latest)


def _iceberg_version(location: str, metadata: Path | str, version: int | None, options: remote.StorageOptions) -> int:
    module = _pyiceberg_table()
    try:
        table = module.StaticTable.from_metadata(_uri(metadata), properties=_options(options))
    except Exception as error:  # pyiceberg's errors share no base class: any failure to read the metadata is one line
        raise _unreadable(_shown(location), error, "Iceberg") from None
    snapshots = [snapshot.snapshot_id for snapshot in table.metadata.snapshots]
    if version is None:
        if table.metadata.current_snapshot_id is None:
            raise InputError(f"{_shown(location)}: the Iceberg table has no snapshot yet (no data)")
        return int(table.metadata.current_snapshot_id)
    if version not in snapshots:
        raise InputError(f"{_shown(location)}: the Iceberg table has no snapshot {version} ({len(snapshots)} others)")
    return version


def _deltalake() -> Any:
    try:
        import deltalake
    except ImportError:
        raise UsageError("reading a Delta table needs deltalake: pip install 'skewcheck[cloud]'") from None
    return deltalake


def _pyiceberg_table() -> Any:
    try:
        import pyiceberg.table
    except ImportError:
        raise UsageError("reading an Iceberg table needs pyiceberg: pip install 'skewcheck[iceberg]'") from None
    return pyiceberg.table


def _uri(location: Path | str) -> str:
    if isinstance(location, str) and remote.is_url(location):
        return location.rstrip("/")
    return str(Path(location).resolve())


def _shown(location: str) -> str:
    return remote.shown(location) if remote.is_url(location) else location


def _options(options: remote.StorageOptions) -> dict[str, str]:
    return {key: str(value) for key, value in options.items() if key not in ("max_retries", "retry_timeout_secs")}


def _unreadable(shown: str, error: BaseException, kind: str = "Delta") -> InputError:
    return InputError(f"{shown}: not a readable {kind} table ({_first_line(error)})")


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
