"""How every human-readable report writes numbers, so the table, Markdown and JUnit agree."""

from __future__ import annotations

from skewcheck.drift import gates


def number(value: float | None) -> str:
    """Four significant digits; a dash when there is no value."""
    if value is None:
        return "–"
    return gates.number(value)


def percent(value: float | None) -> str:
    """A share as a percentage, with more digits for the small shares drift lives in."""
    if value is None:
        return ""
    return f"{value:.1%}" if value >= 0.001 or value == 0 else f"{value:.3%}"
