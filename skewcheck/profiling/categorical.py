"""A categorical feature's summary: its rows, nulls and every value's count."""

from __future__ import annotations

from dataclasses import dataclass

TOP_CATEGORIES = 10
"""Categories a summary lists."""


@dataclass(frozen=True)
class CategoricalProfile:
    rows: int
    nulls: int
    counts: dict[str, int]
    """Non-null values and how often each occurs, most frequent first."""

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def null_rate(self) -> float:
        return self.nulls / self.rows if self.rows else 0.0

    def sampled(self, size: int, seed: int) -> CategoricalProfile:
        # Counting categories is cheap at any size: nothing to gain from sampling them.
        return self

    def summary(self, *, temporal: bool = False) -> dict[str, object]:
        total = self.count
        top = list(self.counts.items())[:TOP_CATEGORIES]
        return {
            "rows": self.rows,
            "count": total,
            "null_rate": self.null_rate,
            "distinct": len(self.counts),
            "top": [{"value": value, "share": count / total} for value, count in top],
        }
