"""The history in the terminal: one row per feature, worst trend first, fewer columns when narrow."""

from __future__ import annotations

from skewcheck.history import store as history
from skewcheck.history.series import Overview, overview
from skewcheck.reporters import history_table
from skewcheck.reporters.sparkline import sparkline
from tests.reporters.conftest import SLIDE


def test_terminal_table(view: Overview) -> None:
    text = history_table.table(view, width=160)
    lines = [line for line in text.splitlines() if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in lines] == ["slide", "break", "flat"]
    assert "Drift over 30 partitions, worst trend first" in text
    slide = lines[0]
    # The scale tops out at the largest value or the fail threshold, whichever is higher.
    assert sparkline(SLIDE, top=0.31) in slide
    assert "0.1 / 0.25" in slide and "+0.01" in slide
    assert "·" in lines[1]  # the day it could not compare
    narrow = history_table.table(view, width=70)
    assert max(len(line) for line in narrow.splitlines()) <= 70
    assert "…" in narrow and "0.1 / 0.25" not in narrow
    assert history_table.table(overview(history.empty())).strip() == "the history holds no audits"
