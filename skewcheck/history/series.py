"""A feature's series: its gate metric per partition, oldest first, as the trend gates judge it and the views show it.

One rule for both (`judged_rows`), so that the history view shows what the gates judge:

- one baseline: the one given, else the baseline of the feature's latest run; an audit against another
  baseline answers another question;
- one run per partition: its latest against that baseline;
- one metric: the gate metric of the newest partition with a value; a schema may change a feature's gate
  metric, and values of another metric are not comparable. Partitions with no gate metric (the feature was
  skipped there) stay, as gaps.

A partition whose value is missing or not finite (the gate could not compare) is a gap: the views keep its
place and status, the gates leave it out. The views rank features worst first: by how many partitions
failed, then warned, then by the least-squares slope of the metric per partition relative to the fail
threshold, so that metrics of different scales compare (a feature with fewer than two values comes last
among equals).
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
    """The gate metric of the newest partition with a value ("" when no drift gate ever judged the feature)."""
    rows: list[dict[str, Any]]

    @property
    def values(self) -> list[float | None]:
        """The gate metric per partition, None where it has none."""
        return [finite(row["gate_value"]) for row in self.rows]

    @property
    def judged(self) -> list[dict[str, Any]]:
        """The rows with a value: what the trend gates judge."""
        return [row for row in self.rows if finite(row["gate_value"]) is not None]

    @property
    def present(self) -> list[float]:
        return [value for value in self.values if value is not None]

    @property
    def latest(self) -> float | None:
        return self.present[-1] if self.present else None

    @property
    def newest(self) -> dict[str, Any]:
        """The newest partition with a value (else the newest): its thresholds are the ones that judge."""
        judged = self.judged
        return judged[-1] if judged else self.rows[-1]

    @property
    def warn(self) -> float | None:
        return finite(self.newest["warn"])

    @property
    def fail(self) -> float | None:
        return finite(self.newest["fail"])

    @property
    def noise(self) -> float | None:
        return finite(self.newest["noise"])

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
    def rank(self) -> tuple[int, int, bool, float, str]:
        """Sort key, worst first: most failed partitions, then most warned, then the worst trend (the slope as a
        share of the fail threshold, so scales compare)."""
        failed, warned = -self.count("fail", "error"), -self.count("warn")
        slope = self.slope
        if slope is None:
            return (failed, warned, True, 0.0, self.feature)
        scale = self.fail if self.fail is not None and self.fail > 0 else 1.0
        return (failed, warned, False, -slope / scale, self.feature)


@dataclass(frozen=True)
class Overview:
    """What the history views show: one series per feature, worst first."""

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


def judged_rows(history: pl.DataFrame, baseline_id: str | None = None) -> pl.DataFrame:
    """Per feature, the rows of its series (see the module's docstring), oldest partition first, with a `date`."""
    if baseline_id is None:
        newest_baseline = pl.col("baseline_id").sort_by("run_at", "run_id").last().over("feature")
        history = history.filter(pl.col("baseline_id") == newest_baseline)
    else:
        history = history.filter(pl.col("baseline_id") == baseline_id)
    rows = store.latest(history)
    valued = pl.col("gate_value").is_not_null() & pl.col("gate_value").is_not_nan()
    newest_metric = pl.coalesce(
        pl.col("gate_metric").filter(valued).last().over("feature"),
        pl.col("gate_metric").drop_nulls().last().over("feature"),
    )
    same_metric = pl.col("gate_metric").is_null() | newest_metric.is_null() | (pl.col("gate_metric") == newest_metric)
    return rows.filter(same_metric).with_columns(store.effective_date())


def feature_series(history: pl.DataFrame, feature: str, baseline_id: str | None = None) -> Series | None:
    """`feature`'s series against `baseline_id` (default: its latest run's); None when it has no rows there."""
    rows = judged_rows(history.filter(pl.col("feature") == feature), baseline_id)
    return _series(feature, rows.to_dicts()) if not rows.is_empty() else None


def overview(history: pl.DataFrame) -> Overview:
    """One series per feature, each against its latest run's baseline, worst first."""
    grouped = judged_rows(history).group_by("feature", maintain_order=True)
    found = [_series(str(feature), rows.to_dicts()) for (feature,), rows in grouped]
    return Overview(sorted(found, key=lambda one: one.rank))


def finite(value: float | None) -> float | None:
    """The value, or None when it is missing or not finite (NaN, infinity)."""
    return value if value is not None and math.isfinite(value) else None


def _series(feature: str, rows: list[dict[str, Any]]) -> Series:
    judged = [row for row in rows if finite(row["gate_value"]) is not None]
    metrics = [row["gate_metric"] for row in (judged or rows) if row["gate_metric"] is not None]
    return Series(feature, metrics[-1] if metrics else "", rows)
