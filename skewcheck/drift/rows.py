"""Row-level skew: join training and serving on a key and compare every feature value by value.

Distribution checks say "serving looks different". This says "serving computed a different value for
the same request", which is training-serving skew in the strict sense: two code paths that disagree
on a timezone, a rounding, a stale lookup or a default. Distributions can match while every third
row is wrong; a join cannot miss it.

The join (`skewcheck.drift.join`) pairs row numbers; the compared columns are then gathered into join order
a few features at a time. Each group's counts are one expression per feature over the group's joined columns,
computed in one parallel pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from skewcheck.drift.gates import Gate, Status, grade, worst
from skewcheck.drift.join import SERVING, Coverage, KeepDuplicates, gather, join
from skewcheck.drift.signatures import confusions, differences, equal
from skewcheck.schema.model import Feature, FeatureType, Role, Schema
from skewcheck.schema.registry import Kind, Thresholds

FEATURES_AT_ONCE = 4
"""Features joined and compared together: enough for polars to keep every core busy, few enough that memory holds
one group's joined columns, not every feature's."""
MAX_EXAMPLES = 5


@dataclass
class FeatureRows:
    name: str
    type: FeatureType
    joined: int
    matches: int = 0
    mismatches: int = 0
    """Both sides have a value and they differ (beyond the tolerance)."""
    only_train: int = 0
    """Training has a value, serving has none."""
    only_serving: int = 0
    status: Status = Status.PASS
    gate: Gate | None = None
    tolerance: str = ""
    differences: dict[str, float | None] = field(default_factory=dict)
    """Numeric: mean_abs_diff, max_abs_diff; median_diff and offset_share (the share of mismatches off by that
    much: a timezone), median_ratio and ratio_share (a unit), serving_mode and serving_mode_share (a default)."""
    pairs: list[tuple[str, str, int]] = field(default_factory=list)
    """Categorical: the most frequent (training value, serving value) mismatches and their counts."""
    examples: list[dict[str, str | None]] = field(default_factory=list)
    """A few differing rows: the key columns, then `train` and `serving`."""

    @property
    def differing(self) -> int:
        return self.mismatches + self.only_train + self.only_serving

    @property
    def mismatch_rate(self) -> float | None:
        """Differing rows (a value on one side only counts) over joined rows."""
        return self.differing / self.joined if self.joined else None


@dataclass
class RowSkew:
    keys: tuple[str, ...]
    coverage: Coverage
    gates: list[Gate]
    """The join's own gates: join rate, duplicate keys."""
    features: list[FeatureRows]

    @property
    def status(self) -> Status:
        return worst([gate.status for gate in self.gates] + [feature.status for feature in self.features])


def compare_rows(
    train: pl.DataFrame,
    serving: pl.DataFrame,
    schema: Schema,
    keys: Sequence[str],
    *,
    keep: KeepDuplicates | None = None,
    with_rows: bool = True,
) -> tuple[RowSkew, pl.DataFrame | None]:
    """The row-level comparison, and (with_rows) every differing row (key, feature, train, serving) for --mismatches."""
    both = set(train.columns) & set(serving.columns)  # once: a frame's column list is built on every call
    features = [f for f in schema.features if f.name not in keys and f.role is not Role.KEY and f.name in both]
    joined_rows = join(train, serving, keys, keep)
    gates = _join_gates(joined_rows.coverage, schema.defaults.min_join_rate, keep)
    results: list[FeatureRows] = []
    differing: list[pl.DataFrame] = []
    # A few features at a time, so memory holds one group's joined columns rather than a copy of both datasets.
    for start in range(0, len(features), FEATURES_AT_ONCE):
        group = features[start : start + FEATURES_AT_ONCE]
        joined = gather(train, serving, joined_rows, group)
        results.extend(_compare_group(joined, group, keys))
        if with_rows:
            differing.append(_differing_rows(joined, group, keys))
        del joined  # freed before the next group's columns are gathered, not after
    rows = (pl.concat(differing, how="vertical_relaxed") if differing else _no_rows()) if with_rows else None
    return RowSkew(tuple(keys), joined_rows.coverage, gates, results), rows


def _compare_group(joined: pl.DataFrame, features: Sequence[Feature], keys: Sequence[str]) -> list[FeatureRows]:
    """Every feature's counts in one parallel pass over the joined columns, then each feature's details."""
    expressions = [expr for feature in features for expr in _count_expressions(feature)]
    counted = joined.lazy().select(expressions).collect(engine="streaming").row(0, named=True)
    return [_feature(joined, feature, keys, counted) for feature in features]


def _join_gates(coverage: Coverage, thresholds: Thresholds, keep: KeepDuplicates | None) -> list[Gate]:
    gates = [_join_rate_gate(coverage, thresholds)]
    for name, side in (("training", coverage.train), ("serving", coverage.serving)):
        if side.duplicate_keys and keep is None:
            metric = f"duplicate_keys_{name}"
            reason = (
                f"{metric} {side.duplicate_keys:,}: keys that occur more than once in {name}; the first row of each "
                "was compared (--allow-duplicate-keys first|last makes that a choice)"
            )
            # A warning: the comparison stands on the first rows, but the user should know the join is ambiguous.
            gates.append(Gate(metric, float(side.duplicate_keys), 0, 0, Status.WARN, reason))
    return gates


def _join_rate_gate(coverage: Coverage, thresholds: Thresholds) -> Gate:
    """A floor: warn below warn, fail below fail."""
    rate = coverage.join_rate
    graded = grade(rate, thresholds.warn, thresholds.fail, floor=True, percent=True)
    reason = ""
    if graded.status is not Status.PASS:
        smaller = min(coverage.train.keys, coverage.serving.keys)
        reason = f"join_rate {rate:.1%} {graded.crossed}: {coverage.both:,} of {smaller:,} keys found on both sides"
    return Gate("join_rate", rate, thresholds.warn, thresholds.fail, graded.status, reason)


def _count_expressions(feature: Feature) -> list[pl.Expr]:
    """The four counts of one feature, named `<feature>\0<count>`: every feature's go into one select."""
    train, serving = pl.col(feature.name), pl.col(feature.name + SERVING)
    same, _ = equal(feature, train, serving)
    both = train.is_not_null() & serving.is_not_null()
    counts = {
        "matches": ((both & same) | (train.is_null() & serving.is_null())).sum(),
        "mismatches": (both & ~same).sum(),
        "only_train": (train.is_not_null() & serving.is_null()).sum(),
        "only_serving": (train.is_null() & serving.is_not_null()).sum(),
    }
    return [expr.alias(f"{feature.name}\0{name}") for name, expr in counts.items()]


def _feature(joined: pl.DataFrame, feature: Feature, keys: Sequence[str], counted: dict[str, Any]) -> FeatureRows:
    train, serving = pl.col(feature.name), pl.col(feature.name + SERVING)
    same, tolerance = equal(feature, train, serving)
    both = train.is_not_null() & serving.is_not_null()

    def count(name: str) -> int:
        return int(counted[f"{feature.name}\0{name}"] or 0)

    result = FeatureRows(
        feature.name,
        feature.type,
        joined.height,
        matches=count("matches"),
        mismatches=count("mismatches"),
        only_train=count("only_train"),
        only_serving=count("only_serving"),
    )
    result.tolerance = tolerance
    # Only this feature's columns are filtered, not the whole group's. Eagerly: a lazy filter hands back the rows in
    # several chunks, and a mean summed chunk by chunk can differ in its last digit from the one-chunk sum.
    values = joined.select(train, serving)
    if result.mismatches and feature.kind is Kind.NUMERIC:
        result.differences = differences(values.filter(both & ~same), feature)
    if result.mismatches and feature.kind is Kind.CATEGORICAL:
        result.pairs = confusions(values.filter(both & ~same), feature)
    if result.differing:
        differs = (both & ~same) | (train.is_null() != serving.is_null())
        shown = joined.lazy().filter(differs).select(*keys, train, serving).head(MAX_EXAMPLES).collect()
        result.examples = [
            {
                **{key: _text(row[key]) for key in keys},
                "train": _text(row[feature.name]),
                "serving": _text(row[feature.name + SERVING]),
            }
            for row in shown.iter_rows(named=True)
        ]
    result.gate = _mismatch_gate(result, feature.max_mismatch_rate)
    result.status = result.gate.status
    return result


def _mismatch_gate(result: FeatureRows, thresholds: Thresholds) -> Gate:
    rate = result.mismatch_rate
    if rate is None:
        return Gate("mismatch_rate", None, thresholds.warn, thresholds.fail, Status.SKIPPED, "no joined rows")
    graded = grade(rate, thresholds.warn, thresholds.fail, percent=True)
    reason = (
        f"mismatch_rate {rate:.2%} {graded.crossed}: {result.differing:,} of {result.joined:,} joined rows differ"
        if graded.status is not Status.PASS
        else ""
    )
    return Gate("mismatch_rate", rate, thresholds.warn, thresholds.fail, graded.status, reason)


def _differing_rows(joined: pl.DataFrame, features: Sequence[Feature], keys: Sequence[str]) -> pl.DataFrame:
    parts = []
    for feature in features:
        train, serving = pl.col(feature.name), pl.col(feature.name + SERVING)
        same, _ = equal(feature, train, serving)
        differs = (train.is_not_null() & serving.is_not_null() & ~same) | (train.is_null() != serving.is_null())
        parts.append(
            joined.lazy()  # lazy: only these columns of the differing rows are copied
            .filter(differs)
            .select(
                *keys,
                pl.lit(feature.name).alias("feature"),
                train.cast(pl.String).alias("train"),
                serving.cast(pl.String).alias("serving"),
            )
        )
    return pl.concat(parts, how="vertical_relaxed").collect() if parts else _no_rows()


def _no_rows() -> pl.DataFrame:
    return pl.DataFrame(schema=dict.fromkeys(("feature", "train", "serving"), pl.String))


def _text(value: object) -> str | None:
    return None if value is None else str(value)
