"""Fields nested in struct columns, named by path: ("features", "age") is the column features' field age.

One walk over a frame's schema (`walk`), one look-up of a path in it (`find`), and the two ways a path
becomes polars again: an expression that reads it (`field_expression`) and a column type that holds a
given type at it (`struct_around`). Lists are not looked into: a list of structs is one leaf.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import polars as pl
from polars._typing import PolarsDataType

FieldPath = tuple[str, ...]

MAX_WALKED = 64
"""Levels of structs `walk` looks into; a struct deeper than that is named as one leaf."""


def has_fields(path: FieldPath, dtype: pl.DataType) -> bool:
    """Descend into every struct that has fields (an empty struct is a leaf): the default for `walk`."""
    return isinstance(dtype, pl.Struct) and bool(dtype.fields)


def walk(
    schema: Mapping[str, PolarsDataType], descend: Callable[[FieldPath, pl.DataType], bool] = has_fields
) -> Iterator[tuple[FieldPath, pl.DataType]]:
    """Every column, depth first in file order, as (path, dtype); a struct that `descend` accepts is
    replaced by its fields, walked the same way. `descend` sees structs and leaves alike."""

    def visit(path: FieldPath, dtype: pl.DataType) -> Iterator[tuple[FieldPath, pl.DataType]]:
        # Deeper than MAX_WALKED a struct is a leaf: a hostile file nests a thousand levels (Python's stack).
        if isinstance(dtype, pl.Struct) and len(path) < MAX_WALKED and descend(path, dtype):
            for field in dtype.fields:
                yield from visit((*path, field.name), _instance(field.dtype))
        else:
            yield path, dtype

    for name, dtype in schema.items():
        yield from visit((name,), _instance(dtype))


def depth(dtype: PolarsDataType) -> int:
    """How many structs and lists are nested in a type, at its deepest (0 for a scalar); without recursion."""
    deepest, stack = 0, [(_instance(dtype), 0)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, pl.Struct):
            stack.extend((_instance(f.dtype), level + 1) for f in current.fields)
        elif isinstance(current, pl.List | pl.Array):
            stack.append((_instance(current.inner), level + 1))
    return deepest


def find(schema: Mapping[str, PolarsDataType], path: FieldPath) -> pl.DataType | None:
    """The type at a path, or None when a column or field on the way is not there (or is no struct)."""
    if path[0] not in schema:
        return None
    dtype = _instance(schema[path[0]])
    for part in path[1:]:
        fields = {f.name: f.dtype for f in dtype.fields} if isinstance(dtype, pl.Struct) else {}
        if part not in fields:
            return None
        dtype = _instance(fields[part])
    return dtype


def field_expression(path: FieldPath) -> pl.Expr:
    """A column, or a field nested in struct columns: ("features", "age") is features.age."""
    expression = pl.col(path[0])
    for part in path[1:]:
        expression = expression.struct.field(part)
    return expression


def struct_around(path: FieldPath, dtype: pl.DataType) -> pl.DataType:
    """The type of column path[0] when it holds only the field at the rest of the path, of type `dtype`."""
    for part in reversed(path[1:]):
        dtype = pl.Struct({part: dtype})
    return dtype


def _instance(dtype: PolarsDataType) -> pl.DataType:
    # Struct fields may hold a type class (pl.Int64) rather than an instance (pl.Int64()).
    return dtype() if isinstance(dtype, type) else dtype
