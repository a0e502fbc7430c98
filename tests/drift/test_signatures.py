"""How joined values are compared and how their differences are described."""

from __future__ import annotations

import polars as pl

from tests.drift.frames import by_name, compare


def test_booleans_are_compared_as_values() -> None:
    text = "features:\n  id: {type: string, role: key}\n  b: {type: bool}\n"
    train = pl.DataFrame({"id": ["p", "q", "r", "s"], "b": [True, False, None, True]})
    serving = pl.DataFrame({"id": ["p", "q", "r", "s"], "b": [True, True, None, None]})
    b = by_name(compare(train, serving, text)[0])["b"]
    # p equal, r null on both sides: matches; q false -> true; s has no serving value.
    assert (b.matches, b.mismatches, b.only_train, b.only_serving) == (2, 1, 1, 0)
    assert b.pairs == [("false", "true", 1)]
