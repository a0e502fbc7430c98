"""The history views' model: each feature's gate metric per partition, oldest first, worst trend first.

Each feature is one series: a partition audited more than once counts with its latest run. Features are
ranked worst trend first by the least-squares slope of the metric per partition, relative to the feature's
fail threshold so that metrics of different scales compare (a feature with fewer than two values comes last).
A partition whose value is missing or not finite (the gate could not compare) is a gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from skewcheck.history import store


@dataclass(frozen=True)
class Series:
    """One feature's rows (the latest run per partition), oldest first."""

    feature: str
    metric: str
    """Its newest gate metric ("" when no drift gate ever judged the feature)."""
    rows: list[dict[str, Any]]

    @property
    def values(self) -> list[float | None]:
        """The gate metric per partition, None where it has none."""
        return [finite(row["gate_value"]) for row in self.rows]

    @property
    def present(self) -> list[float]:
        return [value for value in self.values if value is not None]

    @property
    def latest(self) -> float | None:
        return self.present[-1] if self.present else None

    @property
    def warn(self) -> float | None:
        return finite(self.rows[-1]["warn"])

    @property
    def fail(self) -> float | None:
        return finite(self.rows[-1]["fail"])

    @property
    def noise(self) -> float | None:
        return finite(self.rows[-1]["noise"])

    def count(self, *statuses: str) -> int:
        return sum(1 for row in self.rows if row["status"] in statuses)

    @property
    def checked(self) -> bool:
        """Whether any partition judged it by a drift gate: keys, timestamps and labels never are."""
        return any(row["gate_metric"] is not None for row in self.rows)

    @property
    def slope(self) -> float | None:
        """Least-squares slope of the metric against the partition's position (gaps keep their place)."""
        points = [(float(x), y) for x, y in enumerate(self.values) if y is not None]
        if len(points) < 2:
            return None
        mean_x = sum(x for x, _ in points) / len(points)
        mean_y = sum(y for _, y in points) / len(points)
        spread = sum((x - mean_x) ** 2 for x, _ in points)
        return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread

    @property
    def rank(self) -> tuple[bool, float, str]:
        """Sort key, worst trend first: the slope as a share of the fail threshold (so scales compare)."""
        slope = self.slope
        if slope is None:
            return (True, 0.0, self.feature)
        scale = self.fail if self.fail is not None and self.fail > 0 else 1.0
        return (False, -slope / scale, self.feature)


@dataclass(frozen=True)
class Overview:
    """What the history views show: one series per feature, worst trend first."""

    features: list[Series]

    @property
    def checked(self) -> list[Series]:
        """The drift-checked series: the ones with something to chart."""
        return [one for one in self.features if one.checked]

    @property
    def unchecked(self) -> list[str]:
        """The names of the features never drift-checked (keys, timestamps, labels)."""
        return [one.feature for one in self.features if not one.checked]

    @property
    def partitions(self) -> int:
        return len({row["partition"] for one in self.features for row in one.rows})


def overview(history: pl.DataFrame) -> Overview:
    """One series per feature, worst trend first."""
    grouped = store.latest(history).with_columns(store.effective_date()).group_by("feature", maintain_order=True)
    found = [_series(str(feature), rows.to_dicts()) for (feature,), rows in grouped]
    return Overview(sorted(found, key=lambda one: one.rank))


def finite(value: float | None) -> float | None:
    """The value, or None when it is missing or not finite (NaN, infinity)."""
    return value if value is not None and math.isfinite(value) else None


def _series(feature: str, rows: list[dict[str, Any]]) -> Series:
    metrics = [row["gate_metric"] for row in rows if row["gate_metric"] is not None]
    return Series(feature, metrics[-1] if metrics else "", rows)
