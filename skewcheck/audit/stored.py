"""A history as `skewcheck history` shows it: one series per feature, or an error saying why there is none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from skewcheck.errors import UsageError
from skewcheck.history import kept, series
from skewcheck.io import remote
from skewcheck.io.remote import NO_OPTIONS, StorageOptions


def read_history(
    directory: str | Path,
    *,
    feature: str | None = None,
    since: dt.date | None = None,
    storage_options: StorageOptions = NO_OPTIONS,
) -> series.Overview:
    """Each feature's series (only `feature`'s, from `since` on); a missing directory or nothing to show is an error."""
    if not kept.exists(directory, storage_options):
        raise UsageError(
            f"{directory}: no such history directory; an audit that keeps one creates it ({{keep}})", keep=None
        )
    view = series.overview(kept.read(directory, feature=feature, since=since, options=storage_options))
    if not view.features:
        raise UsageError(
            f"{directory}: no history{f' of {feature}' if feature else ''}{' since then' if since else ''}"
        )
    return view


def migrate_history(directory: str) -> str:
    """Move a local history of the Parquet-files layout into a Delta table; what was done, in a sentence."""
    if remote.is_url(directory):
        return f"{remote.shown(directory)}: a history in an object store is a Delta table already"
    moved = kept.migrate(Path(directory))
    if not moved:
        return f"{directory}: a Delta table already; nothing to move"
    return f"{directory}: moved {moved:,} rows into a Delta Lake table (readers: pl.read_delta)"
