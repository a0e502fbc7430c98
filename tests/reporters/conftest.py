"""The history most of the history views' tests show: a slow slide, a flat line, and one broken day."""

from __future__ import annotations

import polars as pl
import pytest

from skewcheck.history.series import Overview, overview
from tests.history_data import frame

SLIDE = [round(0.02 + 0.01 * i, 4) for i in range(30)]
FLAT = [0.03] * 30
BREAK = [0.03] * 14 + [None, 0.9] + [0.03] * 14


@pytest.fixture(scope="module")
def days() -> pl.DataFrame:
    return frame({"flat": FLAT, "slide": SLIDE, "break": BREAK})


@pytest.fixture(scope="module")
def view(days: pl.DataFrame) -> Overview:
    return overview(days)
