"""`run()` as a Python user calls it: sampling, inputs, and the report it returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck import ExitCode, InputError, Options, run
from skewcheck.drift.gates import Status
from skewcheck.profiling.profiles import profile_numeric
from tests.helpers import write_schema


def pair(tmp_path: Path, serving_nulls: float = 0.0, shift: float = 0.0) -> tuple[str, str, Path]:
    rng = np.random.default_rng(3)
    train = pl.DataFrame({"x": rng.normal(size=5000)})
    values = rng.normal(size=5000) + shift
    missing = pl.Series(rng.random(5000) < serving_nulls)
    serving = pl.DataFrame({"x": values}).with_columns(pl.when(missing).then(None).otherwise(pl.col("x")).alias("x"))
    train.write_parquet(tmp_path / "train.parquet")
    serving.write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float}\n")
    return str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), schema


class TestSample:
    def test_sampling_keeps_null_rates_exact(self, tmp_path: Path) -> None:
        """A column that went 2/3 null fails whether or not drift metrics are sampled."""
        train, serving, schema = pair(tmp_path, serving_nulls=0.67)
        full = run(train, serving, schema)
        sampled = run(train, serving, schema, Options(sample=50))
        assert full.exit_code is ExitCode.DRIFT_FAILED
        assert sampled.exit_code is ExitCode.DRIFT_FAILED
        assert sampled.features[0].metrics["null_rate_serving"] == full.features[0].metrics["null_rate_serving"]

    def test_sampled_metrics_use_at_most_n_values_and_are_reproducible(self, tmp_path: Path) -> None:
        train, serving, schema = pair(tmp_path, shift=0.3)
        first = run(train, serving, schema, Options(sample=300, seed=1))
        again = run(train, serving, schema, Options(sample=300, seed=1))
        other = run(train, serving, schema, Options(sample=300, seed=2))
        assert first.features[0].metrics == again.features[0].metrics
        assert first.features[0].metrics["ks_statistic"] != other.features[0].metrics["ks_statistic"]
        assert first.features[0].summary  # summaries stay those of every row
        assert first.serving is not None and first.serving.sampled_rows == 300
        full = run(train, serving, schema)
        assert first.features[0].summary == full.features[0].summary

    def test_profile_sample_recounts_bins(self) -> None:
        profile = profile_numeric(pl.Series(np.arange(1000, dtype=float)))
        smaller = profile.sampled(100, seed=0)
        assert smaller.count == 100
        assert smaller.bin_counts.sum() == 100
        assert list(smaller.edges) == list(profile.edges)
        assert np.all(np.diff(smaller.values) > 0)
        assert set(smaller.values) <= set(profile.values)
        assert profile.sampled(5000, seed=0) is profile


class TestInputs:
    def test_a_feature_in_neither_file_is_an_input_error(self, tmp_path: Path) -> None:
        train, serving, _ = pair(tmp_path)
        schema = write_schema(tmp_path / "s.yaml", "features:\n  x: {type: float}\n  y: {type: int}\n")
        with pytest.raises(InputError, match="'y' found in neither"):
            run(train, serving, schema)

    def test_the_report_names_its_inputs(self, tmp_path: Path) -> None:
        train, serving, schema = pair(tmp_path)
        report = run(train, serving, schema)
        assert report.train is not None and report.train.paths == (train,)
        assert report.features[0].status is Status.PASS
        assert set(report.timings) == {"schema", "read", "validate", "compare"}
