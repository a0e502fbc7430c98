"""Hypothesis strategies for a schema and small datasets, and writers for every input format we read."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from hypothesis import strategies as st

TYPES = ("int", "float", "bool", "string", "category", "datetime", "date")
FORMATS = ("parquet", "csv", "tsv", "jsonl", "jsonl.gz", "csv.gz", "ipc")

_characters = st.characters(codec="utf-8", exclude_categories=["Cs"])
_names = st.text(_characters, min_size=1, max_size=12)
_text = st.text(_characters, max_size=20)
_floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
_ints = st.integers(-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Dataset:
    """A schema's features and the rows of one side, as plain Python values (None for null)."""

    features: dict[str, str]
    rows: list[dict[str, Any]]


def _value(type_: str) -> st.SearchStrategy[Any]:
    """A value of the declared type, or now and then one of another type (data that breaks the schema)."""
    right: dict[str, st.SearchStrategy[Any]] = {
        "int": _ints,
        "float": _floats,
        "bool": st.booleans(),
        "string": _text,
        "category": st.sampled_from(["a", "b", "c", "d", ""]) | _text,
        "datetime": st.datetimes().map(lambda v: v.isoformat()),
        "date": st.dates().map(lambda v: v.isoformat()),
    }
    return st.one_of(right[type_], st.none(), st.sampled_from(["x", 1, 2.5, True]))


@st.composite
def datasets(draw: st.DrawFn) -> tuple[Dataset, Dataset]:
    """Training and serving for one schema of 1-6 features (names may be odd), 0-60 rows each."""
    names = draw(st.lists(_names, min_size=1, max_size=6, unique_by=str.lower))
    features = {name: draw(st.sampled_from(TYPES)) for name in names}

    def rows() -> list[dict[str, Any]]:
        count = draw(st.integers(0, 60))
        return [{name: draw(_value(type_)) for name, type_ in features.items()} for _ in range(count)]

    return Dataset(features, rows()), Dataset(features, rows())


def schema_text(features: dict[str, str], extra: dict[str, dict[str, Any]] | None = None) -> str:
    """A schema file's YAML for these features (with `extra` constraints merged in per feature)."""
    document = {
        "version": 1,
        "features": {name: {"type": type_, **(extra or {}).get(name, {})} for name, type_ in features.items()},
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def constraints(type_: str) -> st.SearchStrategy[dict[str, Any]]:
    """Constraints a feature of this type may carry, some of them contradictory or odd."""
    options: list[st.SearchStrategy[dict[str, Any]]] = [
        st.just({}),
        st.fixed_dictionaries({"nullable": st.booleans()}),
        st.fixed_dictionaries({"max_null_rate": st.floats(0, 1)}),
    ]
    if type_ in ("int", "float"):
        options.append(st.fixed_dictionaries({"min": st.integers(-10, 10), "max": st.integers(-10, 100)}))
        options.append(st.fixed_dictionaries({"drift": st.sampled_from(["psi", "ks", "wasserstein", False])}))
    if type_ in ("string", "category"):
        options.append(st.fixed_dictionaries({"values": st.lists(_text, min_size=1, max_size=4)}))
        options.append(st.fixed_dictionaries({"pattern": st.sampled_from(["^a", "[0-9]+", ".*", "(a|b)*c"])}))
        options.append(st.fixed_dictionaries({"max_length": st.integers(0, 10)}))
    return st.one_of(options)


def write(dataset: Dataset, path: Path, format: str) -> None:
    """The rows in one format; a value polars cannot hold in one column type is written as text."""
    frame = _frame(dataset)
    if format == "parquet":
        frame.write_parquet(path)
    elif format == "ipc":
        frame.write_ipc(path)
    elif format in ("csv", "csv.gz", "tsv"):
        text = _text_frame(frame).write_csv(separator="\t" if format == "tsv" else ",")
        data = text.encode("utf-8")
        path.write_bytes(gzip.compress(data) if format.endswith(".gz") else data)
    else:
        lines = "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in dataset.rows)
        data = lines.encode("utf-8")
        path.write_bytes(gzip.compress(data) if format.endswith(".gz") else data)


def _frame(dataset: Dataset) -> pl.DataFrame:
    columns = {}
    for name in dataset.features:
        values = [row.get(name) for row in dataset.rows]
        try:
            columns[name] = pl.Series(name, values, strict=True)
        except (TypeError, OverflowError, pl.exceptions.PolarsError):
            columns[name] = pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.String)
    return pl.DataFrame(columns) if columns else pl.DataFrame()


def _text_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col(name).cast(pl.String) for name in frame.columns)
