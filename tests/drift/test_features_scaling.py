"""A categorical comparison's work grows linearly with the number of categories: counted, not timed."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, ValuesView

from skewcheck.drift.features import compare_feature
from skewcheck.drift.gates import Status
from skewcheck.profiling.profiles import CategoricalProfile
from tests.drift.features_data import categorical_feature


class CountingDict(dict[str, int]):
    """A category count table that counts how often it is walked whole (values, items, keys or iteration)."""

    walks = 0

    def values(self) -> ValuesView[int]:
        CountingDict.walks += 1
        return super().values()

    def items(self) -> ItemsView[str, int]:
        CountingDict.walks += 1
        return super().items()

    def __iter__(self) -> Iterator[str]:
        CountingDict.walks += 1
        return super().__iter__()


def walks_to_compare(categories: int) -> int:
    """How often compare_feature walks the category tables of an id-like column with this many values."""
    train = CategoricalProfile(categories, 0, CountingDict({f"t{i}": 1 for i in range(categories)}))
    serving = CategoricalProfile(categories, 0, CountingDict({f"s{i}": 1 for i in range(categories)}))
    CountingDict.walks = 0
    result = compare_feature(categorical_feature(), train, serving)
    assert result.status is Status.FAIL  # every serving value unseen: the comparison did run to its verdict
    return CountingDict.walks


def test_walks_over_the_categories_do_not_grow_with_their_number() -> None:
    # Before the fix, the histogram summed a side's counts once per category: 2n walks, quadratic work.
    small, large = walks_to_compare(100), walks_to_compare(2_000)
    assert small == large
    assert large < 50


def test_a_category_with_one_value_per_row_is_called_an_id() -> None:
    train = CategoricalProfile(1_000, 0, {f"t{i}": 1 for i in range(1_000)})
    result = compare_feature(categorical_feature(), train, train)
    assert result.status is Status.PASS
    assert result.reasons == (
        "1,000 distinct values in 1,000 training values: probably an id, not a category "
        "(declare it type: string, role: key)",
    )


def test_a_category_with_few_values_gets_no_id_note() -> None:
    train = CategoricalProfile(1_000, 0, {f"t{i}": 10 for i in range(100)})
    assert compare_feature(categorical_feature(), train, train).reasons == ()
