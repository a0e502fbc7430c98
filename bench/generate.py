"""Deterministic benchmark data: training, serving and recomputed Parquet files, a schema and the truth about them.

    python bench/generate.py ROWS FEATURES OUT_DIR [--jsonl]

Features are float (50%), int (15%), category (15%), bool (10%) and datetime (10%), each column drawn from its own
seeded generator, so the same arguments give the same files. Serving is drawn from the same distributions as
training except for seven features with a known injected drift (DRIFTS); every other feature is clean, and the
benchmark checks that a tool flags exactly the drifted ones. Some clean features have a few nulls on both sides.

Every row has a `request_id` (KEY, a string such as `req-0000123456`, declared `role: key`: never drift-checked).
Training's ids are not serving's: last quarter's rows are other requests. For row-level skew, the offline
pipeline's recomputation of the served requests is a third file: serving's rows, shuffled, with three row-level
bugs (ROW_BUGS) in clean features that barely move their distributions; every other value is serving's own.

Written to OUT_DIR: train.parquet, serving.parquet, train_recomputed.parquet, serving.jsonl (with --jsonl: the
serving rows as JSON Lines, datetimes as ISO-8601 text as a log would hold them), schema.yaml (every feature
drift-gated with the default gates, the key declared) and meta.json (rows, the key, each feature's kind, the
drifted features and the row-level bugs, and why). Everything is vectorised numpy and polars, and one file is
written before the next is drawn: 10M rows x 20 features takes about a minute.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20261125
KIND_SHARES = {"float": 0.50, "int": 0.15, "category": 0.15, "bool": 0.10, "datetime": 0.10}
SIDES = {"train": 1, "serving": 2, "recomputed": 3}
KEY = "request_id"
EPOCH_2020 = 1_577_836_800  # 2020-01-01T00:00:00Z, seconds
FIVE_YEARS = 5 * 365 * 86_400
DAY = 86_400

# feature name -> what was done to serving (the first feature of each kind, and two more floats)
DRIFTS = {
    "float_00": "unit change: serving in miles, training in km (x 0.621)",
    "float_01": "default fill: 15% of serving values replaced by 0.0",
    "float_02": "null rate rises from 0% to 12% in serving",
    "int_00": "shift: Poisson mean 3 -> 4.5",
    "category_00": "new category in 8% of serving rows",
    "bool_00": "share of true rises from 20% to 50%",
    "datetime_00": "shift: serving dates 180 days later",
}
# feature name -> the row-level bug in the recomputed training rows (clean features: their distributions barely move)
ROW_BUGS = {
    "float_04": "the offline pipeline rounds to 2 decimals in 5% of rows",
    "datetime_01": "one hour later in 3% of rows (a timezone bug: serving = training - 3600 s)",
    "category_01": "a stale lookup: c00 in 2% of rows",
}
ROW_BUG_SHARES = {"float_04": 0.05, "datetime_01": 0.03, "category_01": 0.02}


def feature_kinds(features: int) -> dict[str, str]:
    """Feature name -> kind, in the proportions of KIND_SHARES (floats take the rounding remainder)."""
    counts = {kind: max(1, round(features * share)) for kind, share in KIND_SHARES.items() if kind != "float"}
    counts = {"float": features - sum(counts.values()), **counts}
    return {f"{kind}_{i:02d}": kind for kind, count in counts.items() for i in range(count)}


def rng_for(side: str, name: str, purpose: int = 0) -> np.random.Generator:
    kind, index = name.rsplit("_", 1)
    return np.random.default_rng([SEED, SIDES[side], list(KIND_SHARES).index(kind), int(index), purpose])


def null_mask(rng: np.random.Generator, rows: int, rate: float) -> np.ndarray | None:
    return rng.random(rows) < rate if rate > 0 else None


def float_column(i: int, rows: int, rng: np.random.Generator, drifted: bool) -> tuple[pl.Series, float]:
    normal = i % 3 == 2
    values = rng.normal(10.0 * i, 1.0 + i % 5, rows) if normal else rng.lognormal(1.0 + (i % 10) / 10, 0.6, rows)
    null_rate = 0.02 if i % 4 == 3 else 0.0
    if drifted and i == 0:
        values *= 0.621
    if drifted and i == 1:
        values[rng.random(rows) < 0.15] = 0.0
    if drifted and i == 2:
        null_rate = 0.12
    return pl.Series(values), null_rate


def int_column(i: int, rows: int, rng: np.random.Generator, drifted: bool) -> tuple[pl.Series, float]:
    counts = i % 2 == 0
    values = rng.poisson(4.5 if drifted and i == 0 else 3 + i % 5, rows) if counts else rng.integers(18, 90, rows)
    return pl.Series(values.astype(np.int64)), 0.0


def category_column(i: int, rows: int, rng: np.random.Generator, drifted: bool) -> tuple[pl.Series, float]:
    names = [f"c{j:02d}" for j in range(4 + (i % 5) * 3)]
    weights = 1.0 / np.arange(1, len(names) + 1)  # Zipf-like: a few frequent categories, a tail of rare ones
    codes = rng.choice(len(names), size=rows, p=weights / weights.sum())
    if drifted and i == 0:
        names.append("c_new")
        codes[rng.random(rows) < 0.08] = len(names) - 1
    return pl.Series(names).gather(codes), 0.01 if i % 3 == 1 else 0.0


def bool_column(i: int, rows: int, rng: np.random.Generator, drifted: bool) -> tuple[pl.Series, float]:
    share = 0.5 if drifted and i == 0 else 0.2 + 0.1 * (i % 5)
    return pl.Series(rng.random(rows) < share), 0.0


def datetime_column(i: int, rows: int, rng: np.random.Generator, drifted: bool) -> tuple[pl.Series, float]:
    if i % 2 == 0:
        seconds = EPOCH_2020 + rng.integers(0, FIVE_YEARS, rows)
    else:
        seconds = EPOCH_2020 + FIVE_YEARS // 2 + (rng.normal(0, 120, rows) * DAY).astype(np.int64)
    if drifted and i == 0:
        seconds = seconds + 180 * DAY
    return pl.Series(seconds * 1_000_000).cast(pl.Datetime("us")), 0.0


COLUMNS: dict[str, Callable[[int, int, np.random.Generator, bool], tuple[pl.Series, float]]] = {
    "float": float_column,
    "int": int_column,
    "category": category_column,
    "bool": bool_column,
    "datetime": datetime_column,
}


def column(name: str, kind: str, rows: int, side: str) -> pl.Series:
    drifted = side == "serving" and name in DRIFTS
    values, null_rate = COLUMNS[kind](int(name.rsplit("_", 1)[1]), rows, rng_for(side, name), drifted)
    mask = null_mask(rng_for(side, name, purpose=1), rows, null_rate)
    if mask is not None:
        values = pl.select(pl.when(pl.lit(pl.Series(mask))).then(None).otherwise(pl.lit(values))).to_series()
    return values.alias(name)


def request_ids(rows: int, side: str) -> pl.Series:
    """Distinct ids in a shuffled order; training's (other requests) never equal serving's."""
    numbers = np.random.default_rng([SEED, SIDES[side]]).permutation(rows) + (rows if side == "train" else 0)
    return pl.select(pl.lit("req-") + pl.lit(pl.Series(numbers)).cast(pl.String).str.zfill(10)).to_series()


def frame(kinds: dict[str, str], rows: int, side: str) -> pl.DataFrame:
    ids = request_ids(rows, side).alias(KEY)
    return pl.DataFrame([ids, *(column(name, kind, rows, side) for name, kind in kinds.items())])


def row_bug(name: str, values: pl.Expr) -> pl.Expr:
    """The recomputed value of a feature of ROW_BUGS (applied to the rows that its mask picks)."""
    if name.startswith("float"):
        return values.round(2)
    if name.startswith("datetime"):
        return values + pl.duration(hours=1)
    return pl.lit("c00", dtype=pl.String)


def recomputed(serving: pl.DataFrame) -> pl.DataFrame:
    """The offline pipeline's rows for the served requests: serving's values but for ROW_BUGS, shuffled."""
    bugs = []
    for name in (name for name in ROW_BUGS if name in serving.columns):
        rng = rng_for("recomputed", name, purpose=2)
        mask = pl.lit(pl.Series(rng.random(serving.height) < ROW_BUG_SHARES[name]))
        bugs.append(pl.when(mask).then(row_bug(name, pl.col(name))).otherwise(pl.col(name)).alias(name))
    order = np.random.default_rng([SEED, SIDES["recomputed"]]).permutation(serving.height)
    return serving.with_columns(bugs)[order]


def schema_text(kinds: dict[str, str], rows: int) -> str:
    header = [
        f"# bench/generate.py: {rows:,} rows x {len(kinds)} features; every feature drift-gated with the defaults.",
        "version: 1",
        "features:",
        f"  {KEY}: {{type: string, role: key}}",
    ]
    return "\n".join(header + [f"  {name}: {{type: {kind}}}" for name, kind in kinds.items()]) + "\n"


def write_jsonl(serving: pl.DataFrame, path: Path) -> None:
    """Serving rows as a log holds them: one JSON object a line, datetimes as ISO-8601 text in UTC."""
    as_text = [pl.col(pl.Datetime).dt.to_string("%Y-%m-%dT%H:%M:%SZ")]
    serving.with_columns(as_text).write_ndjson(path)


def generate(rows: int, features: int, out: Path, jsonl: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    kinds = feature_kinds(features)
    frame(kinds, rows, "train").write_parquet(out / "train.parquet")
    serving = frame(kinds, rows, "serving")
    serving.write_parquet(out / "serving.parquet")
    if jsonl:
        write_jsonl(serving, out / "serving.jsonl")
    recomputed(serving).write_parquet(out / "train_recomputed.parquet")
    del serving
    (out / "schema.yaml").write_text(schema_text(kinds, rows))
    drifted = {name: why for name, why in DRIFTS.items() if name in kinds}
    row_bugs = {name: why for name, why in ROW_BUGS.items() if name in kinds}
    meta = {"rows": rows, "key": KEY, "features": kinds, "drifted": drifted, "row_bugs": row_bugs}
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("features", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--jsonl", action="store_true", help="also write serving.jsonl")
    args = parser.parse_args()
    generate(args.rows, args.features, args.out, args.jsonl)


if __name__ == "__main__":
    main()
