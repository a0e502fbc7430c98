"""Lake tables as inputs: a Delta Lake table, read at one version by polars' `scan_delta` (deltalake underneath).

A table is named `delta://PATH` (a local path or a URL: `delta://s3://bucket/table`), or by its location with the
format given, or found by its `_delta_log` folder. Reading its data files as plain Parquet would be wrong (files a
later commit removed are still there), so a table is always read through its log, at one version: the one pinned,
else the latest, which the report then names, so the baseline a profile was made from is named exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from skewcheck.errors import InputError, UsageError
from skewcheck.io import remote

PREFIX = "delta://"
LOG_FOLDER = "_delta_log"


def location_of(spec: str) -> str | None:
    """The table a `delta://` name stands for; None for any other name."""
    return spec[len(PREFIX) :] if spec.lower().startswith(PREFIX) else None


def is_local_table(spec: str) -> bool:
    return not remote.is_url(spec) and (Path(spec) / LOG_FOLDER).is_dir()


def version_of(location: str, version: int | None, options: remote.StorageOptions) -> int:
    """The version to read: the one pinned (which must exist), else the table's latest at this moment."""
    module = _deltalake()
    shown = remote.shown(location) if remote.is_url(location) else location
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


def refuse_version(spec: str, format_parameter: str | None, version: int | None) -> None:
    """A version pinned for an input that is not a table is a mistake: say so rather than read the files."""
    if version is not None:
        parameter = (format_parameter or "format").replace("format", "version")
        message = f"{remote.shown(spec) if remote.is_url(spec) else spec}: {{{parameter}}} pins a Delta table's version"
        raise UsageError(f"{message}; this is not a table", **{parameter: version})


def scan(location: str, version: int, options: remote.StorageOptions) -> pl.LazyFrame:
    return pl.scan_delta(_uri(location), version=version, storage_options=_options(options) or None)


def _deltalake() -> Any:
    try:
        import deltalake
    except ImportError:
        raise UsageError("reading a Delta table needs deltalake: pip install 'skewcheck[cloud]'") from None
    return deltalake


def _uri(location: str) -> str:
    return location.rstrip("/") if remote.is_url(location) else str(Path(location).resolve())


def _options(options: remote.StorageOptions) -> dict[str, str]:
    return {key: str(value) for key, value in options.items() if key not in ("max_retries", "retry_timeout_secs")}


def _unreadable(shown: str, error: BaseException) -> InputError:
    return InputError(f"{shown}: not a readable Delta table ({_first_line(error)})")


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
