"""The history in the terminal: one row per feature, worst first, whole cells at every width a log has."""

from __future__ import annotations

import itertools

import pytest

from skewcheck.history import store as history
from skewcheck.history.series import Overview, overview
from skewcheck.reporters import history_table
from skewcheck.reporters.sparkline import sparkline
from tests.history_data import frame
from tests.reporters.conftest import BREAK, SLIDE


def test_terminal_table(view: Overview) -> None:
    text = history_table.table(view, width=160)
    lines = [line for line in text.splitlines() if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in lines] == ["slide", "break", "flat"]
    assert "Drift over 30 partitions, worst first (failed, warned, trend)" in text
    slide = lines[0]
    # The scale tops out at the largest value or the fail threshold, whichever is higher.
    assert sparkline(SLIDE, top=0.31) in slide
    assert "0.1 / 0.25" in slide and "+0.01" in slide
    assert "·" in lines[1]  # the day it could not compare
    narrow = history_table.table(view, width=70)
    assert max(len(line) for line in narrow.splitlines()) <= 70
    assert "…" in narrow and "0.1 / 0.25" not in narrow
    assert text.splitlines()[-1] == (
        "3 drift-checked features over 30 partitions; 2 failed in some partition (slide, break)"
    )
    assert history_table.table(overview(history.empty())).strip() == "the history holds no audits"


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_every_cell_is_whole_at_the_widths_a_log_has(width: int) -> None:
    """No cell cut to "0.…", no name folded, nothing past the width; wider shows more columns, never fewer."""
    long_names = frame({"dep_delay_minutes": SLIDE, "destination_airport": BREAK, "carrier": [0.031] * 30})
    text = history_table.table(overview(long_names), width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    rows = [line for line in text.splitlines() if line.startswith("│")]
    assert [row.split("│")[1].strip() for row in rows] == ["dep_delay_minutes", "destination_airport", "carrier"]
    assert "…│" not in text.replace(" ", "") and ".…" not in text
    columns, points = history_table.layout(overview(long_names).checked, width)
    assert {"latest", "per partition", "failed", "warned"} <= set(columns)
    assert points >= 8
    if width >= 160:
        assert columns == list(history_table.COLUMNS) and points >= 30


def test_wider_never_shows_less() -> None:
    found = overview(frame({"slide": SLIDE, "break": BREAK})).checked
    layouts = [history_table.layout(found, width) for width in (80, 100, 120, 160)]
    for (narrow, _), (wide, _) in itertools.pairwise(layouts):
        assert set(narrow) <= set(wide)
