"""out_of_range_rate is the same exact count on every path: read whole, read in batches (--approx: serving on a
grid on training's points), and against a saved profile of training (a sketch; serving on a grid), for a number
and a datetime, equal to a numpy count on the raw values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck import Options, Report, run
from skewcheck.profiling.profiles import EXACT_VALUES_LIMIT
from tests.helpers import write_schema
from tests.profiling.helpers import save

ROWS = EXACT_VALUES_LIMIT + 5_000  # more than a saved profile or a batched read keeps exactly: sketch and grid


def rates(report: Report) -> dict[str, float | None]:
    return {f.name: f.metrics["out_of_range_rate"] for f in report.features}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("range")
    rng = np.random.default_rng(21)
    start = dt.datetime(2024, 3, 1)
    train_x = np.round(rng.normal(50, 10, ROWS), 2)
    serving_x = np.round(rng.normal(53, 10, ROWS), 2)
    serving_x[:500] = -1.0  # a default fill below training's minimum
    minutes = rng.integers(0, 60 * 24 * 30, ROWS)
    pl.DataFrame({"x": train_x, "t": [start + dt.timedelta(minutes=int(m)) for m in minutes]}).write_parquet(
        folder / "train.parquet"
    )
    shifted = rng.integers(60 * 24 * 3, 60 * 24 * 33, ROWS)
    pl.DataFrame({"x": serving_x, "t": [start + dt.timedelta(minutes=int(m)) for m in shifted]}).write_parquet(
        folder / "serving.parquet"
    )
    write_schema(folder / "schema.yaml", "features:\n  x: {type: float}\n  t: {type: datetime}\n")
    return folder


def by_hand(folder: Path) -> dict[str, float]:
    train, serving = pl.read_parquet(folder / "train.parquet"), pl.read_parquet(folder / "serving.parquet")
    found = {}
    for name in ("x", "t"):
        t, s = train.get_column(name).to_physical().to_numpy(), serving.get_column(name).to_physical().to_numpy()
        found[name] = float(np.mean((s < t.min()) | (s > t.max())))
    return found


def test_every_path_counts_the_same_as_numpy(folder: Path, tmp_path: Path) -> None:
    expected = by_hand(folder)
    assert expected["x"] > 0.0 and expected["t"] > 0.05  # both out of range, on the date side above its maximum
    spec = [str(folder / "train.parquet"), str(folder / "serving.parquet")]
    whole = run(*spec, folder / "schema.yaml")
    approx = run(*spec, folder / "schema.yaml", Options(approx=True, batch_rows=10_000))
    profile = save(folder / "train.parquet", folder / "schema.yaml", tmp_path / "train.skprofile")
    saved = run(str(profile), spec[1], folder / "schema.yaml", Options(batch_rows=10_000))
    assert rates(whole) == rates(approx) == rates(saved) == expected
    for report in (whole, approx, saved):
        (t,) = [f for f in report.features if f.name == "t"]
        assert (
            t.reasons[-1].startswith("out_of_range_rate ") and "above training's maximum 2024-03-30T" in t.reasons[-1]
        )
