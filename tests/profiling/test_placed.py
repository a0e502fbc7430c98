"""--no-exact counts large numeric columns on fine cells; the default (--exact) sorts them (issue 16).

Gated metrics (PSI, Jensen-Shannon on training's deciles, null rates, the range) are the same either way; KS and
Wasserstein are scipy's by default, and within the report's stated bounds of scipy's with --no-exact.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import special, stats

from skewcheck.profiling.placed import placed_profile
from skewcheck.profiling.profiles import NumericProfile, profile_numeric
from tests.helpers import invoke
from tests.profiling.helpers import features


def report(big: Path, tmp_path: Path, *flags: str) -> dict[str, dict[str, object]]:
    out = tmp_path / f"report{len(flags)}.json"
    invoke(
        ["check", big / "train.parquet", big / "serving.parquet", "-s", big / "schema.yaml", "--json", out, *flags],
        None,
    )
    return features(out)


def raw(big: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    train = pl.read_parquet(big / "train.parquet").get_column(name).drop_nulls().to_numpy()
    serving = pl.read_parquet(big / "serving.parquet").get_column(name).drop_nulls().to_numpy()
    return train, serving


@pytest.fixture(scope="module")
def both(big: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    folder = tmp_path_factory.mktemp("placed")
    return report(big, folder, "--no-exact"), report(big, folder)


NUMERIC = ("amount", "score", "level")


def test_exact_gives_scipy_s_values(big: Path, both: tuple[dict, dict]) -> None:
    _, exact = both
    for name in NUMERIC:
        train, serving = raw(big, name)
        metrics = exact[name]["metrics"]
        assert exact[name]["distribution_metrics"] == "exact"
        assert exact[name]["ks_error_bound"] == 0.0 and exact[name]["wasserstein_error_bound"] == 0.0
        assert metrics["ks_statistic"] == stats.ks_2samp(train, serving).statistic
        assert metrics["wasserstein"] == pytest.approx(
            stats.wasserstein_distance(train, serving) / np.std(train, ddof=1), rel=1e-9
        )


def test_the_default_is_within_its_stated_bounds_of_scipy(big: Path, both: tuple[dict, dict]) -> None:
    placed, _ = both
    assert placed["score"]["distribution_metrics"] == "bounded"  # a normal column: counted on cells
    for name in NUMERIC:
        train, serving = raw(big, name)
        feature = placed[name]
        ks, bound = feature["metrics"]["ks_statistic"], feature["ks_error_bound"]
        exact_ks = stats.ks_2samp(train, serving).statistic
        assert ks <= exact_ks + 1e-12 <= ks + bound + 2e-12
        # Below a tenth of Kolmogorov's noise level at training's size, against any serving size.
        assert bound <= float(special.kolmogi(0.01)) / np.sqrt(len(train)) / 10
        w1 = stats.wasserstein_distance(train, serving) / np.std(train, ddof=1)
        assert abs(feature["metrics"]["wasserstein"] - w1) <= feature["wasserstein_error_bound"] + 1e-9


def test_gated_metrics_and_verdicts_do_not_depend_on_it(both: tuple[dict, dict]) -> None:
    placed, exact = both
    for name, feature in placed.items():
        assert feature["status"] == exact[name]["status"], name
        for metric in ("psi", "jensen_shannon", "null_rate_train", "null_rate_serving", "out_of_range_rate"):
            assert feature["metrics"].get(metric) == exact[name]["metrics"].get(metric), (name, metric)
        assert feature["histogram"] == exact[name]["histogram"], name
        if name in NUMERIC:
            for side in ("train", "serving"):
                ours, theirs = feature["summary"][side], exact[name]["summary"][side]
                for key in ("rows", "count", "null_rate", "min", "p01", "p50", "p99", "max"):
                    assert ours[key] == theirs[key], (name, side, key)
                assert ours["mean"] == pytest.approx(theirs["mean"], rel=1e-12)
                assert ours["std"] == pytest.approx(theirs["std"], rel=1e-12)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_placed_profile_has_the_sorted_profile_s_edges_bins_and_quantiles(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(50, 10, 100_000), 1)
    exact = profile_numeric(pl.Series("x", values))
    placed = placed_profile(values, None, None)
    assert placed is not None and isinstance(exact, NumericProfile)
    assert placed.edges.tolist() == exact.edges.tolist()
    assert placed.bin_counts.tolist() == exact.bin_counts.tolist()
    for q in (0.01, 0.5, 0.99):
        assert placed.placed.quantiles(np.array([q]))[0] == np.quantile(values, q)
    serving = np.round(rng.normal(51, 10, 70_000), 1)
    counted = placed_profile(serving, placed.placed.cells, placed.edges)
    assert counted is not None
    assert counted.bin_counts.tolist() == profile_numeric(pl.Series("x", serving), exact.edges).bin_counts.tolist()
