"""Row-level skew: join training and serving on a key and compare every feature value by value.

Distribution checks say "serving looks different". This says "serving computed a different value for
the same request", which is training-serving skew in the strict sense: two code paths that disagree
on a timezone, a rounding, a stale lookup or a default. Distributions can match while every third
row is wrong; a join cannot miss it.

One hash join in polars on the key and the compared columns only; every count is one expression
over the joined frame, so all features are compared in one parallel pass.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import polars as pl

from skewcheck.checks import Gate, Status
from skewcheck.schema import Feature, FeatureType, Kind, Role, Schema, Thresholds

SERVING = "__serving"
"""Suffix of a serving column in the joined frame."""
MAX_EXAMPLES = 5
MAX_PAIRS = 5


class KeepDuplicates(StrEnum):
    """Which row a duplicated key keeps, when the user allows duplicates (--allow-duplicate-keys)."""

    FIRST = "first"
    LAST = "last"


@dataclass(frozen=True)
class Side:
    """One dataset's keys."""

    rows: int
    keys: int
    """Distinct non-null keys."""
    null_keys: int
    """Rows with a null in a key column: they join nothing."""
    duplicate_keys: int
    """Keys that occur on more than one row."""


@dataclass(frozen=True)
class Coverage:
    train: Side
    serving: Side
    both: int
    """Keys found on both sides: the rows compared."""

    @property
    def only_train(self) -> int:
        return self.train.keys - self.both

    @property
    def only_serving(self) -> int:
        return self.serving.keys - self.both

    @property
    def join_rate(self) -> float:
        """Share of the smaller side's keys found on the other side (training is often a subset of serving)."""
        smaller = min(self.train.keys, self.serving.keys)
        return self.both / smaller if smaller else 0.0


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
        statuses = [gate.status for gate in self.gates] + [feature.status for feature in self.features]
        return max(statuses, key=lambda status: status.rank, default=Status.PASS)


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
    features = [f for f in schema.features if f.name not in keys and f.role is not Role.KEY
                and f.name in train.columns and f.name in serving.columns]  # fmt: skip
    columns = [*keys, *(f.name for f in features)]
    train_side, train_unique = _side(train.select(columns), keys, keep)
    serving_side, serving_unique = _side(serving.select(columns), keys, keep)
    joined = train_unique.join(serving_unique, on=list(keys), how="inner", suffix=SERVING)
    coverage = Coverage(train_side, serving_side, joined.height)
    gates = _join_gates(coverage, schema.defaults.min_join_rate, keep)
    counted = joined.select([expr for feature in features for expr in _count_expressions(feature)])
    results = [_feature(joined, feature, keys, counted.row(0, named=True)) for feature in features]
    differing = _differing_rows(joined, features, keys) if with_rows else None
    return RowSkew(tuple(keys), coverage, gates, results), differing


def _side(frame: pl.DataFrame, keys: Sequence[str], keep: KeepDuplicates | None) -> tuple[Side, pl.DataFrame]:
    has_nulls = any(frame.get_column(key).null_count() for key in keys)
    has_keys = frame.drop_nulls(subset=list(keys)) if has_nulls else frame  # a copy only when a key is missing
    distinct = has_keys.select(pl.struct(keys).n_unique()).item()
    duplicate_keys, unique = 0, has_keys
    if distinct < has_keys.height:  # deduplicating costs a pass over every row: only when there is something to drop
        duplicated = has_keys.select(pl.struct(keys).is_duplicated()).to_series()
        duplicate_keys = has_keys.filter(duplicated).select(pl.struct(keys).n_unique()).item()
        unique = has_keys.unique(subset=list(keys), keep=str(keep or KeepDuplicates.FIRST), maintain_order=True)  # type: ignore[arg-type]
    side = Side(frame.height, unique.height, frame.height - has_keys.height, int(duplicate_keys))
    return side, unique


def _join_gates(coverage: Coverage, thresholds: Thresholds, keep: KeepDuplicates | None) -> list[Gate]:
    gates = [_join_rate_gate(coverage, thresholds)]
    for name, side in (("training", coverage.train), ("serving", coverage.serving)):
        if side.duplicate_keys and keep is None:
            reason = (f"{side.duplicate_keys:,} keys occur more than once in {name}; the first row of each was "
                      "compared (--allow-duplicate-keys first|last makes that a choice)")  # fmt: skip
            # A warning: the comparison stands on the first rows, but the user should know the join is ambiguous.
            gates.append(Gate(f"duplicate_keys_{name}", float(side.duplicate_keys), 0, 0, Status.WARN, reason))
    return gates


def _join_rate_gate(coverage: Coverage, thresholds: Thresholds) -> Gate:
    """A lower bound: warn below warn, fail below fail."""
    rate = coverage.join_rate
    status = Status.FAIL if rate < thresholds.fail else Status.WARN if rate < thresholds.warn else Status.PASS
    reason = ""
    if status is not Status.PASS:
        limit = thresholds.fail if status is Status.FAIL else thresholds.warn
        smaller = min(coverage.train.keys, coverage.serving.keys)
        reason = (
            f"join rate {rate:.1%}: {coverage.both:,} of {smaller:,} keys found on both sides (< {status} {limit:g})"
        )
    return Gate("join_rate", rate, thresholds.warn, thresholds.fail, status, reason)


def _count_expressions(feature: Feature) -> list[pl.Expr]:
    """The four counts of one feature, named `<feature>\0<count>`: every feature's go into one select."""
    train, serving = pl.col(feature.name), pl.col(feature.name + SERVING)
    same, _ = _same(feature, train, serving)
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
    same, tolerance = _same(feature, train, serving)
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
    differs = (both & ~same) | (train.is_null() != serving.is_null())
    if result.mismatches and feature.kind is Kind.NUMERIC:
        result.differences = _differences(joined.filter(both & ~same), feature)
    if result.mismatches and feature.kind is Kind.CATEGORICAL:
        result.pairs = _pairs(joined.filter(both & ~same), feature)
    if result.differing:
        shown = joined.filter(differs).head(MAX_EXAMPLES)
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


def _same(feature: Feature, train: pl.Expr, serving: pl.Expr) -> tuple[pl.Expr, str]:
    """Equal, within the feature's tolerance for numbers; and the tolerance in words."""
    if feature.kind is Kind.CATEGORICAL:
        return train.cast(pl.String) == serving.cast(pl.String), "exact"
    tolerance = feature.row_tolerance
    train_value, serving_value = _number(train, feature), _number(serving, feature)
    if tolerance.abs == 0 and tolerance.rel == 0:
        close = train_value == serving_value
        words = "exact"
    else:
        close = (serving_value - train_value).abs() <= tolerance.abs + tolerance.rel * train_value.abs()
        words = f"abs {tolerance.abs:g}, rel {tolerance.rel:g}"
    # NaN on both sides is the same value; infinities of one sign too.
    return close | (train_value.is_nan() & serving_value.is_nan()) | (train_value == serving_value), words


def _number(column: pl.Expr, feature: Feature) -> pl.Expr:
    """Numbers as floats; dates and datetimes as epoch seconds (naive ones read as UTC)."""
    if feature.type is FeatureType.DATE:
        return column.cast(pl.Datetime("us")).dt.epoch("us").cast(pl.Float64) / 1e6
    if feature.type is FeatureType.DATETIME:
        return column.dt.epoch("us").cast(pl.Float64) / 1e6
    return column.cast(pl.Float64)


def _differences(mismatched: pl.DataFrame, feature: Feature) -> dict[str, float | None]:
    """How far apart, and whether it is one constant offset or one constant ratio: a unit or timezone bug."""
    train = _number(pl.col(feature.name), feature)
    serving = _number(pl.col(feature.name + SERVING), feature)
    diff, ratio = serving - train, pl.when(train != 0).then(serving / train)
    summary = mismatched.select(
        mean_abs_diff=diff.abs().mean(),
        max_abs_diff=diff.abs().max(),
        median_diff=diff.median(),
        median_ratio=ratio.median(),
        # A default filled in at serving time: one serving value behind most mismatches.
        serving_mode=serving.mode().sort().first(),
    ).row(0, named=True)
    summary["serving_mode_share"] = mismatched.select((serving == summary["serving_mode"]).mean()).item()
    offset, factor = summary["median_diff"], summary["median_ratio"]
    shares = mismatched.select(
        offset_share=((diff - offset).abs() <= 1e-6 * max(abs(offset or 0), 1e-9)).mean() if offset is not None
        else pl.lit(None),
        ratio_share=((ratio - factor).abs() <= 0.01 * abs(factor)).mean() if factor else pl.lit(None),
    ).row(0, named=True)  # fmt: skip
    return {key: None if value is None else float(value) for key, value in {**summary, **shares}.items()}


def _pairs(mismatched: pl.DataFrame, feature: Feature) -> list[tuple[str, str, int]]:
    train, serving = pl.col(feature.name).cast(pl.String), pl.col(feature.name + SERVING).cast(pl.String)
    counted = (
        mismatched.select(train.alias("train"), serving.alias("serving"))
        .group_by("train", "serving")
        .len()
        .sort(["len", "train", "serving"], descending=[True, False, False])
        .head(MAX_PAIRS)
    )
    return [(str(t), str(s), int(n)) for t, s, n in counted.iter_rows()]


def _mismatch_gate(result: FeatureRows, thresholds: Thresholds) -> Gate:
    rate = result.mismatch_rate
    if rate is None:
        return Gate("mismatch_rate", None, thresholds.warn, thresholds.fail, Status.SKIPPED, "no joined rows")
    status = Status.FAIL if rate > thresholds.fail else Status.WARN if rate > thresholds.warn else Status.PASS
    limit = thresholds.fail if status is Status.FAIL else thresholds.warn
    reason = (f"{rate:.2%} of {result.joined:,} joined rows differ (> {status} {limit:g})"
              if status is not Status.PASS else "")  # fmt: skip
    return Gate("mismatch_rate", rate, thresholds.warn, thresholds.fail, status, reason)


def _differing_rows(joined: pl.DataFrame, features: Sequence[Feature], keys: Sequence[str]) -> pl.DataFrame:
    parts = []
    for feature in features:
        train, serving = pl.col(feature.name), pl.col(feature.name + SERVING)
        same, _ = _same(feature, train, serving)
        differs = (train.is_not_null() & serving.is_not_null() & ~same) | (train.is_null() != serving.is_null())
        parts.append(
            joined.filter(differs).select(
                *keys,
                pl.lit(feature.name).alias("feature"),
                train.cast(pl.String).alias("train"),
                serving.cast(pl.String).alias("serving"),
            )
        )
    if not parts:
        return pl.DataFrame({"feature": [], "train": [], "serving": []}, schema=dict.fromkeys(("feature", "train",
                            "serving"), pl.String))  # fmt: skip
    return pl.concat(parts, how="vertical_relaxed")


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _text(value: object) -> str | None:
    return None if value is None else str(value)
