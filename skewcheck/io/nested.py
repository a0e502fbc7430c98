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


def has_fields(path: FieldPath, dtype: pl.DataType) -> bool:
    """Descend into every struct that has fields (an empty struct is a leaf): the default for `walk`."""
    return isinstance(dtype, pl.Struct) and bool(dtype.fields)


def walk(
    schema: Mapping[str, PolarsDataType], descend: Callable[[FieldPath, pl.DataType], bool] = has_fields
) -> Iterator[tuple[FieldPath, pl.DataType]]:
    """Every column, depth first in file order, as (path, dtype); a struct that `descend` accepts is
    replaced by its fields, walked the same way. `descend` sees structs and leaves alike."""

    def visit(path: FieldPath, dtype: pl.DataType) -> Iterator[tuple[FieldPath, pl.DataType]]:
        if isinstance(dtype, pl.Struct) and descend(path, dtype):
            for field in dtype.fields:
                yield from visit((*path, field.name), _instance(field.dtype))
        else:
            yield path, dtype

    for name, dtype in schema.items():
        yield from visit((name,), _instance(dtype))


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
