"""A daily job's data, like the 2013 NYC flights as a daily export: a training half-year, then days of 700 to
1,000 rows drawn from training's own rows, a hundred destinations (some rare), sixteen carriers (one with three
rows), a delay with a few nulls. Then days with real shifts: a storm (cancellations: the delay's null rate jumps)
and a hub closed (its destinations gone)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from tests.helpers import write_schema

TRAINING_ROWS = 30_000
QUIET_DAYS = 21
START = dt.date(2013, 12, 1)
STORM, HUB_CLOSED, AFTER = QUIET_DAYS + 1, QUIET_DAYS + 2, QUIET_DAYS + 3
"""The shifted days (1-based) and one quiet day after them, the newest."""
DESTINATIONS = np.array([f"D{i:02d}" for i in range(100)])
CARRIERS = np.array([f"C{i:02d}" for i in range(16)])
SCHEMA = """
defaults:
  trend: {rising: 5, rolling: 7}
features:
  flight_id: {type: string, role: key, nullable: false}
  dest: {type: category}
  carrier: {type: category}
  dep_delay: {type: float}
  distance: {type: int}
"""


def label(day: int) -> str:
    return f"date={START + dt.timedelta(days=day - 1)}"


def training(rng: np.random.Generator) -> pl.DataFrame:
    weights = 1 / np.arange(1, 101) ** 1.1
    carrier_weights = np.r_[np.linspace(20, 1, 15), 0.0]
    carriers = rng.choice(CARRIERS, TRAINING_ROWS, p=carrier_weights / carrier_weights.sum())
    carriers[rng.choice(TRAINING_ROWS, 3, replace=False)] = CARRIERS[-1]  # one airline with three flights
    delay = rng.gamma(1.5, 15.0, TRAINING_ROWS) - 10
    return pl.DataFrame(
        {
            "flight_id": [f"T{i}" for i in range(TRAINING_ROWS)],
            "dest": rng.choice(DESTINATIONS, TRAINING_ROWS, p=weights / weights.sum()),
            "carrier": carriers,
            "dep_delay": np.where(rng.random(TRAINING_ROWS) < 0.02, np.nan, delay),
            "distance": rng.integers(80, 5_000, TRAINING_ROWS),
        }
    ).with_columns(pl.col("dep_delay").fill_nan(None))


def day_rows(train: pl.DataFrame, day: int, rng: np.random.Generator) -> pl.DataFrame:
    rows = train.sample(int(rng.integers(700, 1_001)), with_replacement=True, seed=day)
    rows = rows.with_columns(flight_id=pl.format("S{}-{}", pl.lit(day), pl.int_range(pl.len())))
    if day == STORM:  # a third of the day's flights cancelled: no departure delay
        cancelled = pl.Series(rng.random(rows.height) < 0.3)
        rows = rows.with_columns(dep_delay=pl.when(cancelled).then(None).otherwise(pl.col("dep_delay")))
    if day == HUB_CLOSED:  # the three busiest destinations gone for the day
        rows = train.filter(~pl.col("dest").is_in(DESTINATIONS[:3].tolist())).sample(900, seed=day)
    return rows


def write_daily(folder: Path, days: int = AFTER) -> tuple[Path, Path, Path]:
    """(training file, exports folder, schema): training and one folder per day, date=2013-12-01 onwards."""
    rng = np.random.default_rng(2013)
    train = training(rng)
    train.write_parquet(folder / "train.parquet")
    for day in range(1, days + 1):
        (folder / "exports" / label(day)).mkdir(parents=True, exist_ok=True)
        day_rows(train, day, rng).write_parquet(folder / "exports" / label(day) / "part-0.parquet")
    return folder / "train.parquet", folder / "exports", write_schema(folder / "schema.yaml", SCHEMA)
