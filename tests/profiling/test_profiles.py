"""Profiles: typed columns summarised, null and non-finite counting, standard deviations, summaries, categories."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from unittest.mock import patch

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skewcheck.profiling.profiles import (
    CategoricalProfile,
    NumericProfile,
    profile_categorical,
    profile_columns,
    profile_numeric,
)
from skewcheck.schema.model import Feature, FeatureType
from tests.profiling.helpers import floats, reference_bin_counts

EPOCH_2024 = 1_704_067_200  # 2024-01-01T00:00:00Z: 54 years since 1970 with 13 leap days = 19723 days * 86400 s


class TestProfileColumns:
    """profile_columns on typed columns: integers, dates and datetimes are sorted as stored, then converted."""

    def test_integers_dates_datetimes_and_floats_of_a_typed_frame(self) -> None:
        big = 2**53  # beyond it, neighbouring integers round to one float: the order must survive the cast
        ints = [5, None, -3, big + 1, big, 7, None, -(2**62)]
        stamps = [dt.datetime(2024, 1, 2), None, dt.datetime(1969, 12, 31, 23, 59, 59), dt.datetime(2024, 1, 1)]
        days = [dt.date(2024, 1, 1), dt.date(1969, 12, 31), None, dt.date(1970, 1, 2)]
        frame = pl.DataFrame(
            {
                "i": pl.Series(ints, dtype=pl.Int64),
                "u": pl.Series([3, 1, None, 2, 2, 0, 9, 4], dtype=pl.UInt8),
                "t": pl.Series(stamps + [None] * 4, dtype=pl.Datetime("ms")),
                "d": pl.Series(days + [None] * 4, dtype=pl.Date),
                "f": pl.Series([1.5, math.nan, None, -math.inf, 0.5, math.inf, -2.0, 0.5], dtype=pl.Float32),
            }
        )
        features = [
            Feature("i", FeatureType.INT),
            Feature("u", FeatureType.INT),
            Feature("t", FeatureType.DATETIME),
            Feature("d", FeatureType.DATE),
            Feature("f", FeatureType.FLOAT),
        ]
        profiles = profile_columns(frame, features)
        expected = {
            "i": (sorted(float(v) for v in ints if v is not None), 2, 0),
            "u": ([0.0, 1.0, 2.0, 2.0, 3.0, 4.0, 9.0], 1, 0),
            "t": ([-1.0, float(EPOCH_2024), EPOCH_2024 + 86400.0], 5, 0),
            "d": ([-86400.0, 86400.0, float(EPOCH_2024)], 5, 0),
            "f": ([-2.0, 0.5, 0.5, 1.5], 1, 3),  # NaN and both infinities left out, the null counted apart
        }
        for name, (values, nulls, nonfinite) in expected.items():
            profile = profiles[name]
            assert isinstance(profile, NumericProfile)
            assert profile.values is not None and profile.values.dtype == np.float64
            assert profile.values.tolist() == values, name
            assert (profile.rows, profile.nulls, profile.nonfinite) == (8, nulls, nonfinite), name
            assert profile.bin_counts.tolist() == reference_bin_counts(values, profile.edges.tolist()), name

    def test_more_features_than_cores_keep_their_own_results(self) -> None:
        """Queries run a core's worth at a time: each feature must still get its own column's profile."""
        rng = np.random.default_rng(4)
        frame = pl.DataFrame({f"x{i}": rng.normal(i, 1, 50) for i in range(5)} | {"c": ["a", "b"] * 25})
        features = [*(Feature(f"x{i}", FeatureType.FLOAT) for i in range(5)), Feature("c", FeatureType.STRING)]
        with patch("os.cpu_count", return_value=2):
            together = profile_columns(frame, features)
        for feature in features:
            alone = profile_columns(frame, [feature])[feature.name]
            if isinstance(alone, NumericProfile):
                got = together[feature.name]
                assert isinstance(got, NumericProfile)
                np.testing.assert_array_equal(got.values, np.sort(frame[feature.name].to_numpy()))
                np.testing.assert_array_equal(got.values, alone.values)
            else:
                assert together[feature.name] == alone == CategoricalProfile(50, 0, {"a": 25, "b": 25})


class TestStd:
    @pytest.mark.parametrize("scale", [1e300, 1e-300, 1.0, 1e99, 1e101])
    def test_sample_std_at_any_magnitude(self, scale: float) -> None:
        """ddof=1 std of (1, 2, 3, 4) * scale is 1.29... * scale: no overflow near the largest float, no lost
        digits near the smallest (computed on the values scaled to about 1 when they are that large or small)."""
        values = floats(1, 2, 3, 4) * scale
        profile = profile_numeric(pl.Series("x", values))
        assert profile.std == pytest.approx(math.sqrt(5 / 3) * scale, rel=1e-12)

    def test_computed_once_and_recomputed_for_other_values(self) -> None:
        profile = profile_numeric(pl.Series("x", [1.0, 2.0, 3.0]))
        with patch.object(np, "std", wraps=np.std) as numpy_std:
            assert profile.std == pytest.approx(1.0)
            assert profile.std == pytest.approx(1.0)
            assert profile.summary()["std"] == pytest.approx(1.0)
        assert numpy_std.call_count == 1
        doubled = replace(profile, values=profile.values * 2)  # a new profile: its own std, not the cached one
        assert doubled.std == pytest.approx(2.0)
        assert profile == replace(profile)  # the cache is no part of equality


class TestProfileNumeric:
    def test_nulls_nonfinite_and_sorted_values(self) -> None:
        series = pl.Series("x", [3.0, None, math.nan, 1.0, math.inf, 2.0, None, -math.inf])
        profile = profile_numeric(series)
        assert profile.rows == 8
        assert profile.nulls == 2
        assert profile.nonfinite == 3
        assert profile.values.tolist() == [1.0, 2.0, 3.0]
        assert profile.count == 3
        assert profile.null_rate == pytest.approx(2 / 8)

    def test_integers_with_nulls(self) -> None:
        profile = profile_numeric(pl.Series("x", [5, None, 1, 3], dtype=pl.Int64))
        assert profile.values.dtype == np.float64
        assert profile.values.tolist() == [1.0, 3.0, 5.0]
        assert (profile.rows, profile.nulls, profile.nonfinite) == (4, 1, 0)

    def test_summary_by_hand(self) -> None:
        """Finite values 1, 2, 3: mean 2, std (ddof=1) 1, p01 = 1 + 0.02 = 1.02, p50 = 2, p99 = 2.98."""
        series = pl.Series("x", [3.0, None, math.nan, 1.0, 2.0])
        summary = profile_numeric(series).summary()
        assert summary["rows"] == 5
        assert summary["count"] == 3
        assert summary["null_rate"] == pytest.approx(1 / 5)
        assert summary["mean"] == pytest.approx(2.0)
        assert summary["std"] == pytest.approx(1.0)
        assert summary["min"] == 1.0
        assert summary["max"] == 3.0
        assert summary["p01"] == pytest.approx(1.02)
        assert summary["p50"] == pytest.approx(2.0)
        assert summary["p99"] == pytest.approx(2.98)

    def test_summary_matches_numpy(self) -> None:
        rng = np.random.default_rng(5)
        raw = rng.lognormal(0, 1, 2000)
        series = pl.Series("x", [*raw.tolist(), None, None, math.nan])
        summary = profile_numeric(series).summary()
        assert summary["count"] == 2000
        assert summary["mean"] == pytest.approx(float(np.mean(raw)), rel=1e-12)
        assert summary["std"] == pytest.approx(float(np.std(raw, ddof=1)), rel=1e-12)
        assert summary["std"] != pytest.approx(float(np.std(raw, ddof=0)), rel=1e-6)
        assert summary["min"] == float(raw.min())
        assert summary["max"] == float(raw.max())
        for key, q in (("p01", 0.01), ("p50", 0.5), ("p99", 0.99)):
            assert summary[key] == pytest.approx(float(np.quantile(raw, q)), rel=1e-12)

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.integers(-5, 5).map(float),
                st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
            ),
            min_size=1,
            max_size=60,
        )
    )
    def test_summary_quantiles_equal_numpy(self, values: list[float]) -> None:
        summary = profile_numeric(pl.Series("x", values, dtype=pl.Float64)).summary()
        for key, q in (("p01", 0.01), ("p50", 0.5), ("p99", 0.99)):
            assert summary[key] == float(np.quantile(np.array(values), q))
        assert summary["min"] == min(values)
        assert summary["max"] == max(values)

    def test_all_null(self) -> None:
        profile = profile_numeric(pl.Series("x", [None, None, None], dtype=pl.Float64))
        assert (profile.rows, profile.nulls, profile.count) == (3, 3, 0)
        assert profile.null_rate == 1.0
        summary = profile.summary()
        assert summary["mean"] is None
        assert summary["p50"] is None


class TestTemporal:
    def test_known_epoch(self) -> None:
        assert (dt.datetime(2024, 1, 1, tzinfo=dt.UTC) - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).days == 19723
        assert EPOCH_2024 == 19723 * 86400

    @pytest.mark.parametrize("unit", ["us", "ns", "ms"])
    def test_datetime_becomes_epoch_seconds(self, unit: str) -> None:
        series = pl.Series(
            "t",
            [dt.datetime(2024, 1, 1, 12, 0, 0), None, dt.datetime(1970, 1, 1, 0, 0, 1, 500_000)],
            dtype=pl.Datetime(unit),  # type: ignore[arg-type]
        )
        profile = profile_numeric(series)
        assert profile.values.tolist() == pytest.approx([1.5, EPOCH_2024 + 12 * 3600])
        assert profile.nulls == 1

    def test_datetime_before_1970_is_negative(self) -> None:
        profile = profile_numeric(pl.Series("t", [dt.datetime(1969, 12, 31, 23, 59, 59)]))
        assert profile.values.tolist() == [-1.0]

    def test_time_zone_aware_datetime_counts_the_instant(self) -> None:
        """01:00 in Paris on 1 January 2024 (UTC+1) is midnight UTC."""
        series = pl.Series("t", [dt.datetime(2024, 1, 1, 1, 0)]).dt.replace_time_zone("Europe/Paris")
        assert profile_numeric(series).values.tolist() == [float(EPOCH_2024)]

    def test_date_becomes_epoch_seconds_of_midnight(self) -> None:
        series = pl.Series("d", [dt.date(2024, 1, 1), None, dt.date(1970, 1, 2), dt.date(1969, 12, 31)])
        assert series.dtype == pl.Date
        profile = profile_numeric(series)
        assert profile.values.tolist() == [-86400.0, 86400.0, float(EPOCH_2024)]
        assert (profile.rows, profile.nulls) == (4, 1)

    def test_temporal_summary_reads_as_iso_text(self) -> None:
        """1 and 3 January 2024: mean and median 2 January; std (ddof=1) = 2 days / sqrt(2), in seconds."""
        series = pl.Series("t", [dt.datetime(2024, 1, 3), None, dt.datetime(2024, 1, 1)])
        summary = profile_numeric(series).summary(temporal=True)
        assert summary["min"] == "2024-01-01T00:00:00"
        assert summary["max"] == "2024-01-03T00:00:00"
        assert summary["mean"] == "2024-01-02T00:00:00"
        assert summary["p50"] == "2024-01-02T00:00:00"
        assert summary["std"] == pytest.approx(2 * 86_400 / math.sqrt(2))
        assert summary["count"] == 2

    def test_date_bins_on_training_edges(self) -> None:
        train = profile_numeric(pl.Series("d", [dt.date(2024, 1, d) for d in range(1, 11)]))
        # Ten days: the first decile is 0.9 days after the first, the last 8.1 days after it.
        assert train.edges[0] == pytest.approx(EPOCH_2024 + 0.9 * 86400)
        assert train.edges[-1] == pytest.approx(EPOCH_2024 + 8.1 * 86400)
        serving = profile_numeric(pl.Series("d", [dt.date(2023, 6, 1), dt.date(2025, 6, 1)]), train.edges)
        assert serving.bin_counts[0] == 1
        assert serving.bin_counts[-1] == 1
        assert serving.bin_counts.sum() == 2


class TestProfileCategorical:
    def test_counts_most_frequent_first(self) -> None:
        series = pl.Series("c", ["b", "a", "b", "c", None, "b", "a", "d", "a", "b"])
        profile = profile_categorical(series)
        assert profile.counts == {"b": 4, "a": 3, "c": 1, "d": 1}
        assert list(profile.counts)[:2] == ["b", "a"]
        values = list(profile.counts.values())
        assert values == sorted(values, reverse=True)
        assert profile.rows == 10
        assert profile.nulls == 1
        assert profile.count == 9
        assert profile.null_rate == pytest.approx(0.1)

    def test_bool_becomes_true_false(self) -> None:
        series = pl.Series("flag", [True, False, True, None, True, None])
        profile = profile_categorical(series)
        assert profile.counts == {"true": 3, "false": 1}
        assert list(profile.counts) == ["true", "false"]
        assert (profile.rows, profile.nulls) == (6, 2)

    def test_category_dtype(self) -> None:
        series = pl.Series("c", ["x", "y", "x", None], dtype=pl.Categorical)
        profile = profile_categorical(series)
        assert profile.counts == {"x": 2, "y": 1}
        assert profile.nulls == 1

    def test_integers_become_text(self) -> None:
        profile = profile_categorical(pl.Series("c", [1, 2, 2, None]))
        assert profile.counts == {"2": 2, "1": 1}

    def test_all_null(self) -> None:
        profile = profile_categorical(pl.Series("c", [None, None], dtype=pl.String))
        assert profile.counts == {}
        assert (profile.rows, profile.nulls, profile.count) == (2, 2, 0)
        assert profile.null_rate == 1.0

    @pytest.mark.parametrize("name", ["n", "count", "value", ""])
    def test_any_column_name(self, name: str) -> None:
        """The series carries the feature's name; a feature may well be called `n` or `count`."""
        profile = profile_categorical(pl.Series(name, ["a", "b", "a", None]))
        assert profile.counts == {"a": 2, "b": 1}
        assert profile.nulls == 1

    def test_summary_shares(self) -> None:
        profile = profile_categorical(pl.Series("c", ["a"] * 6 + ["b"] * 3 + ["c"] + [None] * 2))
        summary = profile.summary()
        assert summary["count"] == 10
        assert summary["distinct"] == 3
        assert summary["null_rate"] == pytest.approx(2 / 12)
        assert summary["top"] == [
            {"value": "a", "share": pytest.approx(0.6)},
            {"value": "b", "share": pytest.approx(0.3)},
            {"value": "c", "share": pytest.approx(0.1)},
        ]
