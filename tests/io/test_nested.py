"""The one walk over nested struct columns, the look-up of a path, and the polars a path becomes."""

from __future__ import annotations

import polars as pl
import pytest

from skewcheck.io.nested import FieldPath, field_expression, find, has_fields, struct_around, walk

LOG = pl.Schema(
    {
        "request_id": pl.String(),
        "features": pl.Struct({"age": pl.Int64(), "geo": pl.Struct({"city": pl.String(), "lat": pl.Float64()})}),
        "empty": pl.Struct([]),
        "clicks": pl.List(pl.Struct({"item": pl.String()})),
        "score": pl.Float64(),
    }
)


class TestWalk:
    def test_every_leaf_depth_first_in_file_order(self) -> None:
        assert list(walk(LOG)) == [
            (("request_id",), pl.String()),
            (("features", "age"), pl.Int64()),
            (("features", "geo", "city"), pl.String()),
            (("features", "geo", "lat"), pl.Float64()),
            (("empty",), pl.Struct([])),
            (("clicks",), pl.List(pl.Struct({"item": pl.String()}))),  # lists are not looked into
            (("score",), pl.Float64()),
        ]

    def test_descend_decides_which_structs_are_replaced_by_their_fields(self) -> None:
        def not_geo(path: FieldPath, dtype: pl.DataType) -> bool:
            return path != ("features", "geo") and has_fields(path, dtype)

        paths = [path for path, _ in walk(LOG, descend=not_geo)]
        assert paths == [("request_id",), ("features", "age"), ("features", "geo"), ("empty",), ("clicks",), ("score",)]

    def test_never_descending_gives_the_top_level_columns(self) -> None:
        assert [path for path, _ in walk(LOG, descend=lambda path, dtype: False)] == [(name,) for name in LOG]

    def test_an_empty_struct_vanishes_when_descended_into(self) -> None:
        paths = [path for path, _ in walk(LOG, descend=lambda path, dtype: True)]
        assert ("empty",) not in paths
        assert ("features", "geo", "lat") in paths

    def test_type_classes_in_struct_fields_come_out_as_instances(self) -> None:
        schema = {"features": pl.Struct({"age": pl.Int64, "geo": pl.Struct({"city": pl.String})})}
        assert list(walk(schema)) == [(("features", "age"), pl.Int64()), (("features", "geo", "city"), pl.String())]
        assert all(not isinstance(dtype, type) for _, dtype in walk(schema))


class TestFind:
    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            (("score",), pl.Float64()),
            (("features", "age"), pl.Int64()),
            (("features", "geo", "city"), pl.String()),
            (("features", "geo"), pl.Struct({"city": pl.String(), "lat": pl.Float64()})),
        ],
    )
    def test_the_type_at_a_path(self, path: FieldPath, expected: pl.DataType) -> None:
        assert find(LOG, path) == expected

    @pytest.mark.parametrize(
        "path",
        [
            ("ghost",),
            ("features", "ghost"),
            ("features", "geo", "city", "deeper"),  # a string has no fields
            ("clicks", "item"),  # nor has a list
            ("features.age",),  # a dotted name is a flat column's name, not a path
        ],
    )
    def test_a_missing_path_is_none(self, path: FieldPath) -> None:
        assert find(LOG, path) is None


class TestPathsAsPolars:
    def test_field_expression_reads_the_nested_field(self) -> None:
        frame = pl.DataFrame({"features": [{"geo": {"city": "Berlin"}}, {"geo": {"city": None}}]})
        assert frame.select(field_expression(("features", "geo", "city"))).to_series().to_list() == ["Berlin", None]
        assert field_expression(("score",)).meta.output_name() == "score"

    def test_struct_around_nests_a_type_at_the_path(self) -> None:
        assert struct_around(("score",), pl.Float64()) == pl.Float64()
        nested = struct_around(("features", "geo", "lat"), pl.Float64())
        assert nested == pl.Struct({"geo": pl.Struct({"lat": pl.Float64()})})
        assert find({"features": nested}, ("features", "geo", "lat")) == pl.Float64()
