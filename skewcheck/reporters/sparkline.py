"""A row of block characters, one per value: a chart that fits in a table cell of a terminal or a page."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
GAP = "·"
"""Where a value is missing."""


def sparkline(values: Sequence[float | None], top: float | None = None) -> str:
    """Blocks from 0 to `top` (default: the largest value), a dot where a value is missing."""
    top = top or max((v for v in values if v is not None), default=0.0) or 1.0
    steps = len(BLOCKS)
    # Past the top stays the top block, below 0 the bottom one.
    return "".join(GAP if v is None else BLOCKS[max(0, min(int(v / top * steps), steps - 1))] for v in values)
