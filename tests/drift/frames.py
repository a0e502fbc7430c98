"""Row comparisons of small frames built in a test: a schema from YAML text, compare_rows, features by name."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import polars as pl

from skewcheck.drift.rows import FeatureRows, RowSkew, compare_rows
from skewcheck.schema.document import parse_document
from skewcheck.schema.load import build_schema
from skewcheck.schema.model import Schema

X_SCHEMA = """
features:
  id: {type: string, role: key}
  x: {type: float}
"""


def schema(text: str) -> Schema:
    return build_schema(parse_document(textwrap.dedent(text), "test.yaml"))


def compare(
    train: pl.DataFrame, serving: pl.DataFrame, text: str = X_SCHEMA, keys: Sequence[str] = ("id",), **options: object
) -> tuple[RowSkew, pl.DataFrame | None]:
    return compare_rows(train, serving, schema(text), list(keys), **options)  # type: ignore[arg-type]


def by_name(skew: RowSkew) -> dict[str, FeatureRows]:
    return {feature.name: feature for feature in skew.features}
