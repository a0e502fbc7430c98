"""PSI and Jensen-Shannon mean the same at every sample size: the same two populations, stratified so that there is
no sampling noise, read the same values at a thousand rows a side as at a million (issue 13).

Before the bins were training's deciles with open outer bins and empty bins a share floor, the numeric case below
read 0.075, 0.120, 0.166 and 0.212 over these sizes: an outer bin training never filled, whose share was the 0.5
pseudocount alone.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from scipy.spatial import distance

from skewcheck import Options, run
from skewcheck.drift.features import compare_feature
from skewcheck.drift.gates import Status
from skewcheck.profiling.profiles import profile_categorical, profile_numeric
from skewcheck.schema.model import DriftGate, Feature, FeatureType
from skewcheck.schema.registry import Thresholds

SIZES = (1_000, 10_000, 100_000, 1_000_000)
FloatArray = npt.NDArray[np.float64]

NUMERIC = Feature("x", FeatureType.FLOAT, drift=DriftGate("psi", Thresholds(0.1, 0.25)))
CATEGORICAL = Feature("c", FeatureType.CATEGORY, drift=DriftGate("psi", Thresholds(0.1, 0.25)))
SHARES = {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}


def evenly(n: int) -> FloatArray:
    """n evenly spaced quantiles of U(0, 1): a sample with no sampling noise."""
    return (np.arange(n) + 0.5) / n


def numeric_pair(n: int) -> tuple[FloatArray, FloatArray]:
    """Training U(0, 1); serving 98% U(0, 1) and 2% just above training's maximum."""
    above = n // 50
    return evenly(n), np.concatenate([evenly(n - above), 1.0 + 0.01 * evenly(above)])


# Serving's category shares in each case; training's are SHARES. "new" is a category training never had.
SERVING_SHARES = {
    "categorical": {"a": 0.35, "b": 0.3, "c": 0.2, "d": 0.15},
    "categorical, 2% unseen": {**{value: share * 0.98 for value, share in SHARES.items()}, "new": 0.02},
}


def categories(n: int, shares: dict[str, float]) -> list[str]:
    """Each category its exact share of n (the last takes the rounding)."""
    counts = {value: round(n * share) for value, share in shares.items()}
    last = list(shares)[-1]
    counts[last] += n - sum(counts.values())
    return [value for value, count in counts.items() for _ in range(count)]


def metrics_at(n: int, kind: str) -> tuple[float, float]:
    if kind == "numeric":
        train_values, serving_values = numeric_pair(n)
        train = profile_numeric(pl.Series("x", train_values))
        result = compare_feature(NUMERIC, train, profile_numeric(pl.Series("x", serving_values), train.edges))
    else:
        result = compare_feature(
            CATEGORICAL,
            profile_categorical(pl.Series("c", categories(n, SHARES))),
            profile_categorical(pl.Series("c", categories(n, SERVING_SHARES[kind]))),
        )
    psi, js = result.metrics["psi"], result.metrics["jensen_shannon"]
    assert psi is not None and js is not None
    return psi, js


@pytest.mark.parametrize("kind", ["numeric", "categorical", "categorical, 2% unseen"])
def test_the_same_populations_read_the_same_psi_and_js_at_every_size(kind: str) -> None:
    values = [metrics_at(n, kind) for n in SIZES]
    for (psi_a, js_a), (psi_b, js_b) in itertools.pairwise(values):
        assert psi_b == pytest.approx(psi_a, abs=1e-3), values
        assert js_b == pytest.approx(js_a, abs=1e-3), values
    assert values[-1][0] > 0.001  # the populations differ, and every size says by how much


def test_the_numeric_case_is_the_textbook_decile_psi() -> None:
    """Serving puts 9.8% in each training decile and 11.8% in the top one: sum (s - t) ln(s / t) by hand."""
    expected = 9 * (0.098 - 0.1) * np.log(0.098 / 0.1) + (0.118 - 0.1) * np.log(0.118 / 0.1)
    assert expected == pytest.approx(0.00334, abs=1e-5)
    for n in SIZES:
        assert metrics_at(n, "numeric")[0] == pytest.approx(expected, abs=1e-4), n


def decile_shares(train: FloatArray, values: FloatArray) -> FloatArray:
    """Shares of `values` in the textbook bins: edges at numpy's nine deciles of training, outer bins open."""
    edges = [-np.inf, *np.quantile(train, np.linspace(0.1, 0.9, 9)), np.inf]
    return np.array([np.mean((values > low) & (values <= high)) for low, high in itertools.pairwise(edges)])


def test_a_mean_shift_reads_the_textbook_decile_psi_and_warns() -> None:
    """U(0, 1) against U(0.0753, 1.0753) at 100,000 rows a side: a decile PSI of 0.147, between warn 0.1 and fail
    0.25. The old bins read 0.83 and failed: the 7.5% of serving above training's maximum sat in a bin where
    training's share was the pseudocount alone."""
    train = evenly(100_000)
    serving = train + 0.0753
    t, s = decile_shares(train, train), decile_shares(train, serving)
    floored_t, floored_s = np.maximum(t, 1e-4), np.maximum(s, 1e-4)
    expected = float(np.sum((floored_s - floored_t) * np.log(floored_s / floored_t)))
    assert expected == pytest.approx(0.147, abs=0.001)
    train_profile = profile_numeric(pl.Series("x", train))
    result = compare_feature(NUMERIC, train_profile, profile_numeric(pl.Series("x", serving), train_profile.edges))
    assert result.metrics["psi"] == pytest.approx(expected, rel=1e-9)
    assert result.metrics["jensen_shannon"] == pytest.approx(distance.jensenshannon(t, s, base=2), rel=1e-9)
    assert result.drift_gate is not None and result.drift_gate.status is Status.WARN
    assert result.reasons[0].startswith("psi 0.147")
    # The 7.5% above training's maximum is out_of_range_rate's finding, at every size.
    assert result.status is Status.FAIL
    assert result.reasons[1] == "out_of_range_rate 7.5% > fail 5.0%: serving values above training's maximum 1"


@pytest.mark.parametrize("approx", [False, True], ids=["exact", "approx"])
def test_a_whole_run_reads_the_same_psi_at_every_size_read_whole_or_in_batches(tmp_path: Path, approx: bool) -> None:
    """Through `run`, as the CLI calls it: read whole, or in batches counted on a grid (`--approx`), whose deciles
    are grid points. The same populations, the same PSI, and the histogram is ten bins on nine edges."""
    schema = tmp_path / "schema.yaml"
    schema.write_text("features:\n  x: {type: float}\n", encoding="utf-8")
    found = []
    for n in (1_000, 100_000):
        train, serving = numeric_pair(n)
        pl.DataFrame({"x": train}).write_parquet(tmp_path / "train.parquet")
        pl.DataFrame({"x": serving}).write_parquet(tmp_path / "serving.parquet")
        report = run(str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), schema, Options(approx=approx))
        (feature,) = report.features
        assert feature.histogram is not None and feature.histogram.edges is not None
        assert (len(feature.histogram.edges), len(feature.histogram.train)) == (9, 10)
        assert feature.histogram.train == pytest.approx([0.1] * 10, abs=1e-3)
        found.append(feature.metrics["psi"])
    assert found[1] == pytest.approx(found[0], abs=1e-3)
    assert found[1] == pytest.approx(0.00334, abs=1e-4)
