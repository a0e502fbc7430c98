"""The row join itself: hashed keys that collide, the order examples come in, composite and float keys, gathering."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import pytest

from skewcheck.drift import join
from skewcheck.drift.join import KeepDuplicates, Side
from tests.drift.frames import by_name, compare


def length_hash(monkeypatch: pytest.MonkeyPatch) -> list[Sequence[str]]:
    """Hash a key to its length: different keys of one length collide. Returns the keys it was asked to hash."""
    calls: list[Sequence[str]] = []

    def by_length(keys: Sequence[str]) -> pl.Expr:
        calls.append(keys)
        return pl.col(keys[0]).str.len_bytes().cast(pl.UInt64)

    monkeypatch.setattr(join, "_hash", by_length)
    return calls


def test_keys_that_share_a_hash_across_sides_are_not_paired(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = length_hash(monkeypatch)
    # Each side's lengths differ (1, 2, 3), so the join runs on the hashes; "a" and "z" share one.
    train = pl.DataFrame({"id": ["a", "bb", "ccc"], "x": [1.0, 2.0, 3.0]})
    serving = pl.DataFrame({"id": ["z", "bb", "ccc"], "x": [1.0, 2.0, 4.0]})
    skew, _ = compare(train, serving)
    assert calls, "the hashed join was not taken"
    # Paired by hash alone, a-z would be a third joined row, and a match (1.0 = 1.0).
    assert (skew.coverage.both, skew.coverage.only_train, skew.coverage.only_serving) == (2, 1, 1)
    x = by_name(skew)["x"]
    assert (x.joined, x.matches, x.mismatches) == (2, 1, 1)
    assert x.examples == [{"id": "ccc", "train": "3.0", "serving": "4.0"}]


def test_distinct_keys_sharing_a_hash_on_one_side_are_not_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    length_hash(monkeypatch)
    train = pl.DataFrame({"id": ["a", "b", "cc"], "x": [1.0, 2.0, 3.0]})  # "a" and "b" hash alike
    serving = pl.DataFrame({"id": ["b", "a", "cc"], "x": [2.0, 1.5, 3.0]})
    skew, _ = compare(train, serving)
    assert skew.coverage.train == Side(rows=3, keys=3, null_keys=0, duplicate_keys=0)
    assert skew.coverage.both == 3 and [gate.metric for gate in skew.gates] == ["join_rate"]
    x = by_name(skew)["x"]
    assert (x.matches, x.mismatches) == (2, 1) and x.examples == [{"id": "a", "train": "1.0", "serving": "1.5"}]


@pytest.mark.parametrize(
    ("train_ids", "serving_ids", "shown"),
    [
        (["a", "b", "c", "d"], ["d", "b", "c"], ["b", "c", "d"]),  # training has more keys: its order
        (["d", "b", "c"], ["a", "c", "d", "b"], ["c", "d", "b"]),  # serving has more: its order
        (["b", "c", "d"], ["d", "c", "b"], ["d", "c", "b"]),  # as many: serving's
    ],
)
def test_examples_are_the_first_differing_rows_of_the_larger_side(
    train_ids: list[str], serving_ids: list[str], shown: list[str]
) -> None:
    # Every shared key differs (training 1.0, serving 2.0): the examples are the joined rows in join order.
    train = pl.DataFrame({"id": train_ids, "x": [1.0] * len(train_ids)})
    serving = pl.DataFrame({"id": serving_ids, "x": [2.0] * len(serving_ids)})
    skew, differing = compare(train, serving, with_rows=True)
    assert [example["id"] for example in by_name(skew)["x"].examples] == shown
    assert differing is not None and differing.get_column("id").to_list() == shown


COMPOSITE = """
features:
  id: {type: string, role: key}
  day: {type: int, role: key}
  x: {type: float}
"""


@pytest.mark.parametrize(("keep", "mismatches"), [(None, 0), (KeepDuplicates.FIRST, 0), (KeepDuplicates.LAST, 1)])
def test_a_composite_key_with_null_and_duplicate_keys(keep: KeepDuplicates | None, mismatches: int) -> None:
    train = pl.DataFrame({"id": ["a", "a", "b", None, "c"], "day": [1, 2, 1, 1, None], "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    # (a, 1) served twice: first with training's value, then with 9.0.
    serving = pl.DataFrame({"id": ["a", "a", "a", "b"], "day": [1, 1, 2, 2], "x": [1.0, 9.0, 2.0, 3.0]})
    skew, _ = compare(train, serving, COMPOSITE, keys=("id", "day"), keep=keep)
    assert skew.coverage.train == Side(rows=5, keys=3, null_keys=2, duplicate_keys=0)  # (a,1) (a,2) (b,1)
    assert skew.coverage.serving == Side(rows=4, keys=3, null_keys=0, duplicate_keys=1)  # (a,1) (a,2) (b,2)
    assert (skew.coverage.both, skew.coverage.only_train, skew.coverage.only_serving) == (2, 1, 1)
    x = by_name(skew)["x"]
    assert (x.joined, x.matches, x.mismatches) == (2, 2 - mismatches, mismatches)
    warned = [gate.metric for gate in skew.gates if gate.metric.startswith("duplicate")]
    assert warned == (["duplicate_keys_serving"] if keep is None else [])


def test_a_float_key_joins_on_its_values() -> None:
    text = "features:\n  id: {type: float, role: key}\n  n: {type: int}\n"
    train = pl.DataFrame({"id": [1.0, 2.0, 3.0, 2.0], "n": [10, 20, 30, 99]})
    serving = pl.DataFrame({"id": [3.0, 2.0, 5.0], "n": [31, 20, 50]})
    skew, _ = compare(train, serving, text)
    assert skew.coverage.train == Side(rows=4, keys=3, null_keys=0, duplicate_keys=1)
    assert (skew.coverage.both, skew.coverage.only_train, skew.coverage.only_serving) == (2, 1, 1)
    n = by_name(skew)["n"]
    assert (n.matches, n.mismatches) == (1, 1) and n.examples == [{"id": "3.0", "train": "30", "serving": "31"}]


def test_rows_in_order_are_not_copied_and_others_are_gathered() -> None:
    frame = pl.concat([pl.DataFrame({"v": [10, 11]}), pl.DataFrame({"v": [12]})], rechunk=False)  # two chunks
    assert join._take(frame, pl.Series([0, 1, 2], dtype=pl.UInt32)) is frame
    assert join._take(frame, pl.Series([2, 0], dtype=pl.UInt32)).get_column("v").to_list() == [12, 10]
    assert join._take(frame, pl.Series([0, 1], dtype=pl.UInt32)).get_column("v").to_list() == [10, 11]
