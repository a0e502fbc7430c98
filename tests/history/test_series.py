"""The history's series per feature: ranked worst trend first, gaps kept in place."""

from __future__ import annotations

import pytest

from skewcheck.history.series import overview
from tests.history_data import frame

SLIDE = [round(0.02 + 0.01 * i, 4) for i in range(30)]
BREAK = [0.03] * 14 + [None, 0.9] + [0.03] * 14


def test_series_worst_trend_first() -> None:
    found = overview(frame({"flat": [0.03] * 30, "slide": SLIDE, "break": BREAK})).features
    assert [one.feature for one in found] == ["slide", "break", "flat"]
    slide = found[0]
    assert slide.slope == pytest.approx(0.01)
    assert (slide.latest, min(slide.present), max(slide.present)) == (0.31, 0.02, 0.31)
    assert slide.count("fail", "error") == 6  # days 24..29 are above 0.25
    assert slide.count("warn") == 15  # days 9..23 are above 0.1
    assert found[1].count("fail", "error") == 2  # the day it could not compare, and the day it broke
    assert found[2].slope == pytest.approx(0.0)
