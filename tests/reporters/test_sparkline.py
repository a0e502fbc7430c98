"""The sparkline: a block per value on a scale from 0, a dot for a gap; both histograms of a drifted feature."""

from __future__ import annotations

from skewcheck.reporters.sparkline import sparkline


def test_sparkline_blocks() -> None:
    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█"
    assert sparkline([0.1, None, 0.2], top=0.4) == "▃·▅"
    assert sparkline([2.0], top=1.0) == "█"  # past the top stays the top block
    assert sparkline([]) == ""
