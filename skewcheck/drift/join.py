"""The row join: which training row meets which serving row, and the join's coverage of each side's keys.

The join pairs row numbers, not rows: each side's keys are hashed to one 64-bit number, the hashes joined
(every pair's keys then checked equal, so a hash collision cannot pair two requests), and only then are the
compared columns gathered into join order (`gather`), a few features at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import polars as pl

from skewcheck.schema.model import Feature

SERVING = "__serving"
"""Suffix of a serving column in the joined frame."""
ROW, HASH = "__row", "__hash"
"""A row's number in the frame compare_rows was given, and its key's hash."""
TRAIN_ROW, SERVING_ROW = "train", "serving"


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


@dataclass(frozen=True)
class Join:
    pairs: pl.DataFrame
    """The joined rows' numbers on each side (TRAIN_ROW, SERVING_ROW), in the larger side's order."""
    keys: pl.DataFrame
    """The joined rows' key columns, in the same order."""
    coverage: Coverage


def join(train: pl.DataFrame, serving: pl.DataFrame, keys: Sequence[str], keep: KeepDuplicates | None = None) -> Join:
    """Pair the rows of training and serving whose keys are equal, one row per key on each side."""
    keyed = [_keyed(train, keys), _keyed(serving, keys)]
    if all(_hashable(train.schema[key], serving.schema[key]) for key in keys):
        keyed = _with_hashes(keyed, keys)
    train_side, train_keyed = _side(train.height, keyed[0], keys, keep)
    serving_side, serving_keyed = _side(serving.height, keyed[1], keys, keep)
    pairs, joined_keys = _join(train, serving, train_keyed, serving_keyed, keys)
    return Join(pairs, joined_keys, Coverage(train_side, serving_side, pairs.height))


def gather(train: pl.DataFrame, serving: pl.DataFrame, joined: Join, features: Sequence[Feature]) -> pl.DataFrame:
    """The keys, then these features' training and serving columns (suffixed SERVING), gathered into join order."""
    names = [feature.name for feature in features]
    train_columns = _take(train.select(names), joined.pairs.get_column(TRAIN_ROW))
    serving_columns = _take(serving.select(names), joined.pairs.get_column(SERVING_ROW))
    serving_columns = serving_columns.rename(lambda name: name + SERVING)
    return pl.concat([joined.keys, train_columns, serving_columns], how="horizontal")


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


def _side(
    rows: int, keyed: pl.DataFrame, keys: Sequence[str], keep: KeepDuplicates | None
) -> tuple[Side, pl.DataFrame]:
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
    train: pl.DataFrame,
    serving: pl.DataFrame,
    train_keyed: pl.DataFrame,
    serving_keyed: pl.DataFrame,
    keys: Sequence[str],
) -> tuple[pl.DataFrame, pl.DataFrame]:
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
    pairs = train_keyed.join(
        serving_keyed, on=list(keys), how="inner", suffix=SERVING, maintain_order="right" if by_serving else "left"
    )
    pairs = pairs.select(pl.col(ROW).alias(TRAIN_ROW), pl.col(ROW + SERVING).alias(SERVING_ROW))
    return pairs, _take(train.select(keys), pairs.get_column(TRAIN_ROW))


def _hash_join(train_keyed: pl.DataFrame, serving_keyed: pl.DataFrame, rows: int, by_serving: bool) -> pl.DataFrame:
    """Pairs of row numbers whose key hashes are equal, in the order of one side (that side has `rows` rows)."""
    pairs = (
        train_keyed.lazy()
        .select(HASH, pl.col(ROW).alias(TRAIN_ROW))
        .join(serving_keyed.lazy().select(HASH, pl.col(ROW).alias(SERVING_ROW)), on=HASH, how="inner")
        .select(TRAIN_ROW, SERVING_ROW)
        .collect(engine="streaming")  # in no particular order, and half the work of an ordered join
    )
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
