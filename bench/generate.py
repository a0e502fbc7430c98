"""Deterministic benchmark data: a training and a serving Parquet of N rows by 20 features, plus a schema.

12 float, 4 int, 3 category and 1 bool feature; serving has three injected drifts
(a unit change, a default fill, a new category) so the audit does real work on every path.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

CATEGORIES = [f"v{i:02d}" for i in range(12)]


def frame(rows: int, seed: int, drifted: bool) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for i in range(12):
        values = rng.lognormal(1.0 + i / 10, 0.6, rows)
        if drifted and i == 0:
            values = values * 0.621  # a unit change
        if drifted and i == 1:
            values[rng.random(rows) < 0.15] = 0.0  # a default fill
        columns[f"num{i:02d}"] = values
    for i in range(4):
        columns[f"int{i}"] = rng.poisson(3 + i, rows)
    for i in range(3):
        cats = rng.choice(CATEGORIES[: 6 + 2 * i], rows)
        if drifted and i == 0:
            cats[rng.random(rows) < 0.05] = "new"  # a category nobody trained on
        columns[f"cat{i}"] = cats
    columns["flag"] = rng.random(rows) < 0.3
    return pl.DataFrame(columns)


def schema_text(columns: list[str]) -> str:
    kinds = {"num": "float", "int": "int", "cat": "category", "fla": "bool"}
    lines = ["version: 1", "features:"] + [f"  {name}: {{type: {kinds[name[:3]]}}}" for name in columns]
    return "\n".join(lines) + "\n"


def main(rows: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    train = frame(rows, seed=1, drifted=False)
    train.write_parquet(out / "train.parquet")
    frame(rows, seed=2, drifted=True).write_parquet(out / "serving.parquet")
    (out / "schema.yaml").write_text(schema_text(train.columns))


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
