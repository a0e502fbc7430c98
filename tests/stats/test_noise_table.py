"""The README's noise table, measured: identical distributions, the share of runs that warn or fail.

The README states these numbers (Sampling noise); this test simulates them and checks that every one of them is
what the simulation gives, so a change to the bins, the floor or the noise levels cannot leave them stale.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck.drift.features import compare_feature
from skewcheck.drift.gates import Status
from skewcheck.profiling.profiles import profile_categorical, profile_numeric
from skewcheck.schema.model import DriftGate, Feature, FeatureType
from skewcheck.schema.registry import Thresholds
from skewcheck.stats import metrics

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
RUNS = 300
SIZES = (100, 300, 1_000, 3_000)
CATEGORIES = np.array(list("abcdef"))
SHARES = [0.3, 0.25, 0.2, 0.12, 0.08, 0.05]
NUMERIC = Feature("x", FeatureType.FLOAT, drift=DriftGate("psi", Thresholds(0.1, 0.25)))
CATEGORICAL = Feature("c", FeatureType.CATEGORY, drift=DriftGate("jensen_shannon", Thresholds(0.1, 0.2)))


@cache
def measured(size: int) -> tuple[dict[str, float], list[float]]:
    """The share of runs that failed and that warned, per kind ("numeric fail", ...), and each numeric run's PSI;
    one feature per run, seeded."""
    rng = np.random.default_rng(size)
    statuses: dict[str, list[Status]] = {"numeric": [], "categorical": []}
    psi = []
    for _ in range(RUNS):
        train = profile_numeric(pl.Series(rng.lognormal(size=size)))
        serving = profile_numeric(pl.Series(rng.lognormal(size=size)), train.edges)
        statuses["numeric"].append(compare_feature(NUMERIC, train, serving).status)
        psi.append(metrics.psi(train.bin_counts, serving.bin_counts))
        pair = [profile_categorical(pl.Series(rng.choice(CATEGORIES, size, p=SHARES))) for _ in range(2)]
        statuses["categorical"].append(compare_feature(CATEGORICAL, *pair).status)
    shares = {
        f"{kind} {status.value}": float(np.mean([s is status for s in found]))
        for kind, found in statuses.items()
        for status in (Status.FAIL, Status.WARN)
    }
    return shares, psi


def percent(share: float) -> str:
    """As the README writes a share: whole percents, one decimal below 10%."""
    return f"{share:.1%}" if 0 < share < 0.1 else f"{share:.0%}"


@pytest.mark.parametrize("size", SIZES)
def test_the_readme_table_row_is_measured(size: int) -> None:
    shares, _ = measured(size)
    cells = [percent(shares[f"{kind} {status}"]) for kind in ("numeric", "categorical") for status in ("fail", "warn")]
    assert f"| {size:,} | {' | '.join(cells)} |" in README


def test_the_readme_sentences_on_100_values_are_measured() -> None:
    psi = np.array(measured(100)[1])
    assert f"median PSI of {np.median(psi):.2f} on 100 values per side" in README
    assert f"a PSI above 0.25 (the fail threshold) {percent(float(np.mean(psi > 0.25)))} of the time" in README
    assert re.search(rf"100 values per side fail about {percent(float(np.mean(psi > 0.25)))}", README)
