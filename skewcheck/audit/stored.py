"""A history as `skewcheck history` shows it: one series per feature, or an error saying why there is none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from skewcheck.errors import UsageError
from skewcheck.history import series, store


def read_history(directory: Path, *, feature: str | None = None, since: dt.date | None = None) -> series.Overview:
    """Each feature's series (only `feature`'s, from `since` on); a missing directory or nothing to show is an error."""
    if not directory.is_dir():
        raise UsageError(
            f"{directory}: no such history directory; an audit that keeps one creates it ({{keep}})", keep=None
        )
    view = series.overview(store.read(directory, feature=feature, since=since))
    if not view.features:
        raise UsageError(
            f"{directory}: no history{f' of {feature}' if feature else ''}{' since then' if since else ''}"
        )
    return view
