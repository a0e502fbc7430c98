"""Reading a history for `skewcheck history`: nothing to show is an error that says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from skewcheck.audit.stored import read_history
from skewcheck.errors import UsageError


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such history directory") as caught:
        read_history(tmp_path / "nowhere")
    assert str(caught.value).endswith("an audit that keeps one creates it (keep=...)")  # run_each's parameter


def test_no_matching_rows_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no history of x since then"):
        read_history(tmp_path, feature="x", since=dt.date(2026, 1, 1))
