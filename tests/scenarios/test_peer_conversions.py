"""The README's "Same numbers as Evidently, TFDV and NannyML" table, computed on one dataset (issue 13).

Each peer's number is computed here the way the peer's own code computes it (the definitions, with their source, in
`../shared/research/peers.md`: Evidently 0.7's stattests, TFDV's skew comparators, NannyML 0.13's
`drift/univariate/methods.py`), from the same rows skewcheck read; then the README's conversion from skewcheck's
reported value must give it. A user moving a threshold from one of those tools writes what this file checks.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from scipy import stats
from scipy.spatial import distance

from skewcheck import Options, run
from skewcheck.drift.features import FeatureResult

FloatArray = npt.NDArray[np.float64]
CATEGORIES = ["a", "b", "c", "d"]
TRAIN_SHARES = [0.4, 0.3, 0.2, 0.1]
SERVING_SHARES = [0.38, 0.3, 0.2, 0.12]
N_TRAIN, N_SERVING = 20_000, 5_000
Audited = tuple[pl.DataFrame, pl.DataFrame, dict[str, FeatureResult]]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audited:
    rng = np.random.default_rng(13)
    train = pl.DataFrame(
        {"x": rng.normal(50, 10, N_TRAIN), "c": rng.choice(CATEGORIES, N_TRAIN, p=TRAIN_SHARES)},
    )
    serving = pl.DataFrame(
        {"x": rng.normal(53, 11, N_SERVING), "c": rng.choice(CATEGORIES, N_SERVING, p=SERVING_SHARES)},
    )
    folder = tmp_path_factory.mktemp("peers")
    train.write_parquet(folder / "train.parquet")
    serving.write_parquet(folder / "serving.parquet")
    (folder / "schema.yaml").write_text(
        "features:\n  x: {type: float}\n  c: {type: category, values: [a, b, c, d]}\n", encoding="utf-8"
    )
    report = run(str(folder / "train.parquet"), str(folder / "serving.parquet"), folder / "schema.yaml", Options())
    return train, serving, {feature.name: feature for feature in report.features}


def metric(feature: FeatureResult, name: str) -> float:
    value = feature.metrics[name]
    assert value is not None, name
    return value


def category_shares(frame: pl.DataFrame) -> FloatArray:
    counts = frame["c"].value_counts()
    by_value = dict(zip(counts["c"].to_list(), counts["count"].to_list(), strict=True))
    return np.array([by_value.get(value, 0) for value in CATEGORIES], dtype=np.float64) / frame.height


def category_counts(frame: pl.DataFrame) -> FloatArray:
    return category_shares(frame) * frame.height


def test_jensen_shannon_is_a_base_2_distance_evidently_takes_natural_logs_tfdv_the_divergence(audited: Audited) -> None:
    train, serving, features = audited
    js = metric(features["c"], "jensen_shannon")
    t, s = category_shares(train), category_shares(serving)
    evidently = distance.jensenshannon(t, s)  # Evidently: scipy's default base e, a distance
    tfdv = distance.jensenshannon(t, s, base=2) ** 2  # TFDV: the divergence, base 2
    nannyml = distance.jensenshannon(t, s, base=2)  # NannyML: the base-2 distance, as skewcheck
    assert evidently == pytest.approx(math.sqrt(math.log(2)) * js, rel=1e-9)
    assert tfdv == pytest.approx(js**2, rel=1e-9)
    assert nannyml == pytest.approx(js, rel=1e-9)
    # The same factor holds on a numeric feature's bins (the peers bin numbers differently; see the README).
    histogram = features["x"].histogram
    assert histogram is not None
    numeric_js = metric(features["x"], "jensen_shannon")
    on_our_bins = distance.jensenshannon(histogram.train, histogram.serving)
    assert on_our_bins == pytest.approx(math.sqrt(math.log(2)) * numeric_js, rel=1e-9)


def test_linf_is_tfdvs_and_nannymls_infinity_norm(audited: Audited) -> None:
    train, serving, features = audited
    assert np.max(np.abs(category_shares(train) - category_shares(serving))) == pytest.approx(
        metric(features["c"], "linf"), rel=1e-12
    )


def test_wasserstein_is_w1_in_training_standard_deviations_with_ddof_1(audited: Audited) -> None:
    train, serving, features = audited
    w1 = stats.wasserstein_distance(train["x"].to_numpy(), serving["x"].to_numpy())
    ours = metric(features["x"], "wasserstein")
    std_ddof1, std_ddof0 = float(np.std(train["x"].to_numpy(), ddof=1)), float(np.std(train["x"].to_numpy()))
    # NannyML reports raw W1: multiply by training's standard deviation.
    assert w1 == pytest.approx(ours * std_ddof1, rel=1e-9)
    # Evidently divides by numpy's default std (ddof 0): multiply by sqrt(n / (n - 1)).
    evidently = w1 / max(std_ddof0, 0.001)
    assert evidently == pytest.approx(ours * math.sqrt(N_TRAIN / (N_TRAIN - 1)), rel=1e-9)


def test_ks_statistic_is_everyones_d(audited: Audited) -> None:
    train, serving, features = audited
    expected = stats.ks_2samp(train["x"].to_numpy(), serving["x"].to_numpy()).statistic
    assert metric(features["x"], "ks_statistic") == pytest.approx(expected, rel=1e-12)


def test_chi2_is_nannymls_homogeneity_test_and_evidentlys_goodness_of_fit_scales_by_one_plus_the_size_ratio(
    audited: Audited,
) -> None:
    train, serving, features = audited
    ours = metric(features["c"], "chi2_pvalue")
    table = np.vstack([category_counts(train), category_counts(serving)])
    assert stats.chi2_contingency(table, correction=False).pvalue == pytest.approx(ours, rel=1e-9)
    # NannyML's chi2_contingency corrects only 2 x 2 tables (Yates): with more than two categories it is ours.
    assert stats.chi2_contingency(table).pvalue == pytest.approx(ours, rel=1e-9)
    # Evidently tests serving against training's shares as if they were exact (goodness of fit). Its statistic is
    # about ours times (1 + n_serving / n_training): exactly so if the pooled shares our test divides by were
    # training's; here one share moves by a fifth (0.10 to 0.12) and the two differ by 3.4%.
    homogeneity = stats.chi2.isf(ours, len(CATEGORIES) - 1)
    expected = category_shares(train) * N_SERVING
    goodness_of_fit = stats.chisquare(category_counts(serving), expected).statistic
    assert goodness_of_fit == pytest.approx(homogeneity * (1 + N_SERVING / N_TRAIN), rel=0.05)
    assert goodness_of_fit > homogeneity  # so Evidently's p-value is the smaller one


def test_psi_is_the_decile_psi_with_evidentlys_share_floor(audited: Audited) -> None:
    """The recipe the README gives to reproduce skewcheck's PSI in numpy."""
    train, serving, features = audited
    x_train, x_serving = train["x"].to_numpy(), serving["x"].to_numpy()
    edges = np.quantile(x_train, np.linspace(0.1, 0.9, 9))
    t = np.bincount(np.searchsorted(edges, x_train, side="left"), minlength=10) / x_train.size
    s = np.bincount(np.searchsorted(edges, x_serving, side="left"), minlength=10) / x_serving.size
    t, s = np.maximum(t, 1e-4), np.maximum(s, 1e-4)
    assert float(np.sum((s - t) * np.log(s / t))) == pytest.approx(metric(features["x"], "psi"), rel=1e-9)
