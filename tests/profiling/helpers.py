"""Shared by the profiling tests: small arrays, bins counted by hand, and data too big for exact values."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from tests.helpers import FIXTURES, invoke, write_schema

DEMO_SCHEMA = FIXTURES / "schema.yaml"
ROWS = 150_000  # beyond EXACT_VALUES_LIMIT: the profile keeps a sketch


def floats(*values: float) -> npt.NDArray[np.float64]:
    return np.array(values, dtype=np.float64)


def reference_bin_counts(values: list[float], edges: list[float]) -> list[int]:
    """Right-closed bins written out: (-inf, e0], (e0, e1], ..., (e_last, inf)."""
    if not edges:
        return [len(values)]
    result = [sum(v <= edges[0] for v in values)]
    for low, high in itertools.pairwise(edges):
        result.append(sum(low < v <= high for v in values))
    result.append(sum(v > edges[-1] for v in values))
    return result


def write_big_data(folder: Path) -> Path:
    """Training and serving data too large for exact values in a profile, in two training halves too."""
    rng = np.random.default_rng(7)
    train = pl.DataFrame(
        {
            "amount": rng.lognormal(3, 1, ROWS),  # a heavy right tail
            "score": rng.normal(0, 1, ROWS),
            "level": rng.integers(0, 6, ROWS).astype(float),  # heavy ties
            "colour": rng.choice(["red", "green", "blue"], ROWS, p=[0.5, 0.3, 0.2]),
        }
    ).with_columns(pl.when(pl.int_range(ROWS) % 50 == 0).then(None).otherwise(pl.col("score")).alias("score"))
    train.write_parquet(folder / "train.parquet")
    train.head(ROWS // 3).write_parquet(folder / "part1.parquet")
    train.tail(ROWS - ROWS // 3).write_parquet(folder / "part2.parquet")
    serving = pl.DataFrame(
        {
            "amount": rng.lognormal(3.1, 1, ROWS // 2),
            "score": rng.normal(0.05, 1, ROWS // 2),
            "level": rng.integers(0, 7, ROWS // 2).astype(float),
            "colour": rng.choice(["red", "green", "blue"], ROWS // 2, p=[0.45, 0.35, 0.2]),
        }
    )
    serving.write_parquet(folder / "serving.parquet")
    write_schema(
        folder / "schema.yaml",
        """
        features:
          amount: {type: float, drift: {metric: wasserstein}}
          score: {type: float, drift: {metric: ks_statistic}}
          level: {type: float}
          colour: {type: category}
        """,
    )
    return folder


def save(data: str | Path, schema: Path, output: Path) -> Path:
    invoke(["profile", data, "--schema", schema, "-o", output], 0)
    return output


def features(report_path: Path) -> dict[str, dict[str, object]]:
    return {f["name"]: f for f in json.loads(report_path.read_text())["features"]}
