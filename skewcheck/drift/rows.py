"""Row-level skew: join training and serving on a key and compare every feature value by value.

Distribution checks say "serving looks different". This says "serving computed a different value for
the same request", which is training-serving skew in the strict sense: two code paths that disagree
on a timezone, a rounding, a stale lookup or a default. Distributions can match while every third
row is wrong; a join cannot miss it.

The join pairs row numbers, not rows: each side's keys are hashed to one 64-bit number, the hashes joined
(every pair's keys then checked equal, so a hash collision cannot pair two requests), and only then are the
compared columns gathered into join order, a few features at a time. Each group's counts are one expression
per feature over the group's joined columns, computed in one parallel pass.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import polars as pl

from skewcheck.drift.features import Gate, Status
from skewcheck.schema.model import Feature, FeatureType, Kind, Role, Schema, Thresholds

SERVING = "__serving"
"""Suffix of a serving column in the joined frame."""
ROW, HASH = "__row", "__hash"
"""A row's number in the frame compare_rows was given, and its key's hash."""
TRAIN_ROW, SERVING_ROW = "train", "serving"
FEATURES_AT_ONCE = 4
"""Features joined and compared together: enough for polars to keep every core busy, few enough that memory holds
one group's joined columns, not every feature's."""
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
    keyed = [_keyed(train, keys), _keyed(serving, keys)]
    if all(_hashable(train.schema[key], serving.schema[key]) for key in keys):
        keyed = _with_hashes(keyed, keys)
    train_side, train_keyed = _side(train.height, keyed[0], keys, keep)
    serving_side, serving_keyed = _side(serving.height, keyed[1], keys, keep)
    pairs, joined_keys = _join(train, serving, train_keyed, serving_keyed, keys)
    coverage = Coverage(train_side, serving_side, pairs.height)
    gates = _join_gates(coverage, schema.defaults.min_join_rate, keep)
    results: list[FeatureRows] = []
    differing: list[pl.DataFrame] = []
    # A few features at a time, so memory holds one group's joined columns rather than a copy of both datasets.
    for start in range(0, len(features), FEATURES_AT_ONCE):
        group = features[start : start + FEATURES_AT_ONCE]
        joined = _joined(train, serving, pairs, joined_keys, group)
        results.extend(_compare_group(joined, group, keys))
        if with_rows:
            differing.append(_differing_rows(joined, group, keys))
        del joined  # freed before the next group's columns are gathered, not after
    rows = (pl.concat(differing, how="vertical_relaxed") if differing else _no_rows()) if with_rows else None
    return RowSkew(tuple(keys), coverage, gates, results), rows


def _joined(train: pl.DataFrame, serving: pl.DataFrame, pairs: pl.DataFrame, joined_keys: pl.DataFrame,
            features: Sequence[Feature]) -> pl.DataFrame:  # fmt: skip
    """The keys, then these features' training and serving columns (suffixed SERVING), gathered into join order."""
    names = [feature.name for feature in features]
    train_columns = _take(train.select(names), pairs.get_column(TRAIN_ROW))
    serving_columns = _take(serving.select(names), pairs.get_column(SERVING_ROW))
    return pl.concat([joined_keys, train_columns, serving_columns.rename(lambda name: name + SERVING)],
                     how="horizontal")  # fmt: skip


def _compare_group(joined: pl.DataFrame, features: Sequence[Feature], keys: Sequence[str]) -> list[FeatureRows]:
    """Every feature's counts in one parallel pass over the joined columns, then each feature's details."""
    expressions = [expr for feature in features for expr in _count_expressions(feature)]
    counted = joined.lazy().select(expressions).collect(engine="streaming").row(0, named=True)
    return [_feature(joined, feature, keys, counted) for feature in features]


def _hashable(train: pl.DataType, serving: pl.DataType) -> bool:
    """Keys of one dtype whose hashes are equal when the values are: text, integers, booleans, dates, datetimes.

    Not floats: 0.0 and -0.0 (or two NaNs) join as equal and may hash apart.
    """
    plain = train.is_integer() or isinstance(train, pl.String | pl.Date | pl.Datetime | pl.Boolean)
    return plain and train == serving


def _keyed(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """One side's rows that can join: the key columns and the row number, rows with a null key dropped."""
    keyed = frame.select(keys).with_row_index(ROW)
    if any(frame.get_column(key).null_count() for key in keys):
        keyed = keyed.drop_nulls(subset=list(keys))
    return keyed


def _with_hashes(sides: list[pl.DataFrame], keys: Sequence[str]) -> list[pl.DataFrame]:
    """Both sides as row numbers and their keys' HASH when each side's hashes all differ; else both as they were.

    Equal keys hash alike, so distinct hashes prove distinct keys (a shared hash may be a collision), and a join
    on one 64-bit number is cheaper than on the keys. With a duplicate on either side, the keys are joined.
    """
    # Only the row numbers and hashes: the hash join needs no key column, and a copy of one would cost memory.
    hashed = [side.select(ROW, _hash(keys).alias(HASH)) for side in sides]
    # Series.n_unique: 5x faster than the lazy engine's n_unique (a group-by) on ten million hashes.
    unique = all(side.get_column(HASH).n_unique() == side.height for side in hashed)
    return hashed if unique else sides


def _side(rows: int, keyed: pl.DataFrame, keys: Sequence[str], keep: KeepDuplicates | None
          ) -> tuple[Side, pl.DataFrame]:  # fmt: skip
    """One side's key counts, and its keyed rows with one row per key."""
    null_keys = rows - keyed.height
    if HASH in keyed.columns:  # every hash differs: so does every key
        return Side(rows, keyed.height, null_keys, 0), keyed
    distinct = keyed.select(_key(keys).n_unique()).item()
    duplicate_keys = 0
    if distinct < keyed.height:  # deduplicating costs a pass over every row: only when there is something to drop
        duplicated = keyed.select(_key(keys).is_duplicated()).to_series()
        duplicate_keys = keyed.filter(duplicated).select(_key(keys).n_unique()).item()
        keyed = keyed.unique(subset=list(keys), keep=str(keep or KeepDuplicates.FIRST), maintain_order=True)  # type: ignore[arg-type]
    return Side(rows, keyed.height, null_keys, int(duplicate_keys)), keyed


def _key(keys: Sequence[str]) -> pl.Expr:
    """The key as one expression (a struct of a composite key; a lone column is cheaper to hash and count)."""
    return pl.col(keys[0]) if len(keys) == 1 else pl.struct(keys)


def _hash(keys: Sequence[str]) -> pl.Expr:
    """The key as one 64-bit number: equal keys hash alike (one process, one dtype), different keys almost never."""
    return _key(keys).hash()


def _join(
    train: pl.DataFrame, serving: pl.DataFrame, train_keyed: pl.DataFrame, serving_keyed: pl.DataFrame,
    keys: Sequence[str],
) -> tuple[pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Which training row meets which serving row (TRAIN_ROW, SERVING_ROW), and the joined rows' key columns.

    The rows come in the larger side's order (serving's on a tie), the order polars' hash join gives: the
    examples, the first differing rows, stay those of a join of the whole frames.
    """
    by_serving = serving_keyed.height >= train_keyed.height
    if HASH in train_keyed.columns:  # and in serving's: both sides are hashed, or neither
        pairs = _hash_join(train_keyed, serving_keyed, serving.height if by_serving else train.height, by_serving)
        joined_keys = _take(train.select(keys), pairs.get_column(TRAIN_ROW))
        # Two different keys may share a hash: a pair counts only when its keys are equal. Each side's hashes are
        # distinct, so a key's one possible partner is the row with its hash: dropping false pairs loses none.
        same = _take(serving.select(keys), pairs.get_column(SERVING_ROW)) == joined_keys
        equal = same.select(pl.all_horizontal(pl.all())).to_series()
        if not equal.all():
            pairs, joined_keys = pairs.filter(equal), joined_keys.filter(equal)
        return pairs, joined_keys
    pairs = train_keyed.join(serving_keyed, on=list(keys), how="inner", suffix=SERVING,
                             maintain_order="right" if by_serving else "left")  # fmt: skip
    pairs = pairs.select(pl.col(ROW).alias(TRAIN_ROW), pl.col(ROW + SERVING).alias(SERVING_ROW))
    return pairs, _take(train.select(keys), pairs.get_column(TRAIN_ROW))


def _hash_join(train_keyed: pl.DataFrame, serving_keyed: pl.DataFrame, rows: int, by_serving: bool) -> pl.DataFrame:
    """Pairs of row numbers whose key hashes are equal, in the order of one side (that side has `rows` rows)."""
    pairs = (
        train_keyed.lazy().select(HASH, pl.col(ROW).alias(TRAIN_ROW))
        .join(serving_keyed.lazy().select(HASH, pl.col(ROW).alias(SERVING_ROW)), on=HASH, how="inner")
        .select(TRAIN_ROW, SERVING_ROW)
        .collect(engine="streaming")  # in no particular order, and half the work of an ordered join
    )  # fmt: skip
    ordered, other = (SERVING_ROW, TRAIN_ROW) if by_serving else (TRAIN_ROW, SERVING_ROW)
    # Each row number occurs once: placing the other side's number in its slot orders the pairs in one pass,
    # where a sort would compare. A row number never reaches its type's maximum, which marks an empty slot.
    numbers = pairs.get_column(other).to_numpy()
    empty = np.iinfo(numbers.dtype).max
    slots = np.full(rows, empty, dtype=numbers.dtype)
    slots[pairs.get_column(ordered).to_numpy()] = numbers
    if pairs.height == rows:  # every row of that side joined: no slot is empty
        found, numbers = np.arange(rows, dtype=numbers.dtype), slots
    else:
        found = np.flatnonzero(slots != empty)
        numbers = slots[found]
    columns = {ordered: found, other: numbers}
    return pl.DataFrame({name: columns[name] for name in (TRAIN_ROW, SERVING_ROW)}, schema=pairs.schema)


def _take(frame: pl.DataFrame, rows: pl.Series) -> pl.DataFrame:
    """The frame's rows by number; the frame itself, without a copy, when that is every row in order."""
    if rows.len() == frame.height and rows.is_sorted():  # row numbers are distinct: sorted and all is 0..n-1
        return frame
    # In one piece first: a gather from a column read in many chunks looks up each row's chunk, 3x slower than the
    # copy. One expression per column: gathered in parallel.
    return frame.rechunk().select(pl.all().gather(rows))


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
    # Only this feature's columns are filtered, not the whole group's. Eagerly: a lazy filter hands back the rows in
    # several chunks, and a mean summed chunk by chunk can differ in its last digit from the one-chunk sum.
    values = joined.select(train, serving)
    if result.mismatches and feature.kind is Kind.NUMERIC:
        result.differences = _differences(values.filter(both & ~same), feature)
    if result.mismatches and feature.kind is Kind.CATEGORICAL:
        result.pairs = _pairs(values.filter(both & ~same), feature)
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


def _same(feature: Feature, train: pl.Expr, serving: pl.Expr) -> tuple[pl.Expr, str]:
    """Equal, within the feature's tolerance for numbers; and the tolerance in words."""
    if feature.type is FeatureType.BOOL:
        # Both sides are read as Boolean: compared as they are, not as text (a cast to text costs 10x the comparison).
        return train == serving, "exact"
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


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _text(value: object) -> str | None:
    return None if value is None else str(value)
