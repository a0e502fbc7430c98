"""A history as `skewcheck history` shows it: one series per feature, or an error saying why there is none."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import polars as pl

from skewcheck.errors import UsageError
from skewcheck.history import kept, series
from skewcheck.history.store import effective_date
from skewcheck.io import remote
from skewcheck.io.remote import NO_OPTIONS, StorageOptions


def read_history(
    directory: str | Path,
    *,
    feature: str | None = None,
    since: dt.date | None = None,
    schema_version: str | None = None,
    every_version: bool = False,
    storage_options: StorageOptions = NO_OPTIONS,
) -> series.Overview:
    """Each feature's series (only `feature`'s, from `since` on); a missing directory or nothing to show is an error.

    By default the series are the newest schema's and baseline's (`history.series`). `schema_version`, a prefix of a
    schema's SHA-256 as reports print it, shows an older schema's instead; `every_version` shows one series per
    feature and schema version, each named "feature @ version".
    """
    if not kept.exists(directory, storage_options):
        raise UsageError(
            f"{directory}: no such history directory; an audit that keeps one creates it ({{keep}})", keep=None
        )
    rows = kept.read(directory, feature=feature, since=since, options=storage_options)
    if schema_version is not None:
        rows = _of_version(rows, schema_version)
    view = series.overview(_by_version(rows) if every_version else rows)
    if not view.features:
        missing = _of_feature(directory, feature, since, storage_options)
        raise UsageError(f"{directory}: no history{missing}{' since then' * bool(since)}")
    return view


def _of_version(rows: pl.DataFrame, version: str) -> pl.DataFrame:
    found = rows.filter(pl.col("schema_sha256").str.starts_with(version))
    if found.is_empty():
        versions = _versions(rows)
        raise UsageError(f"no schema version {version} in the history; it holds {versions}")
    return found


def _versions(rows: pl.DataFrame) -> str:
    """Each schema version as `6b3e3796da79 (2013-12-01 to 2013-12-24)`, newest last."""
    spans = (
        rows.with_columns(effective_date())
        .group_by("schema_sha256")
        .agg(first=pl.col("date").min(), last=pl.col("date").max())
        .sort("last", "first")
    )
    return ", ".join(f"{row['schema_sha256'][:12]} ({row['first']} to {row['last']})" for row in spans.to_dicts())


def _by_version(rows: pl.DataFrame) -> pl.DataFrame:
    """Each feature's rows split by schema version: a series per (feature, version), so none hides another."""
    versions = rows.select(pl.col("schema_sha256").unique()).height
    if versions < 2:
        return rows
    return rows.with_columns(feature=pl.format("{} @ {}", pl.col("feature"), pl.col("schema_sha256").str.slice(0, 12)))


def _of_feature(directory: str | Path, feature: str | None, since: dt.date | None, options: StorageOptions) -> str:
    """ " of dep_dealy (did you mean 'dep_delay'?)": what the history does not hold, and the name it likely meant."""
    if feature is None:
        return ""
    names = sorted(set(kept.read(directory, since=since, options=options)["feature"].to_list()))
    close = difflib.get_close_matches(feature, names, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (it holds {', '.join(names[:12])})" if names else ""
    return f" of {feature}{hint}"


def migrate_history(directory: str) -> str:
    """Move a local history of the Parquet-files layout into a Delta table; what was done, in a sentence."""
    if remote.is_url(directory):
        return f"{remote.shown(directory)}: a history in an object store is a Delta table already"
    moved = kept.migrate(Path(directory))
    if not moved:
        return f"{directory}: a Delta table already; nothing to move"
    return f"{directory}: moved {moved:,} rows into a Delta Lake table (readers: pl.read_delta)"
