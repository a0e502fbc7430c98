"""How a joined value is compared, and the signature of a systematic difference.

Equal means equal within the feature's row tolerance (numbers, dates as epoch seconds). When values differ, the
shape of the difference names the bug: one constant offset (a timezone), one constant ratio (a unit), one serving
value behind most mismatches (a default), or for categories the most frequent confusions.
"""

from __future__ import annotations

import polars as pl

from skewcheck.drift.join import SERVING
from skewcheck.schema.model import Feature, FeatureType
from skewcheck.schema.registry import Kind

MAX_PAIRS = 5


def equal(feature: Feature, train: pl.Expr, serving: pl.Expr) -> tuple[pl.Expr, str]:
    """Equal, within the feature's tolerance for numbers; and the tolerance in words."""
    if feature.type is FeatureType.BOOL:
        # Both sides are read as Boolean: compared as they are, not as text (a cast to text costs 10x the comparison).
        return train == serving, "exact"
    if feature.kind is Kind.CATEGORICAL:
        return train.cast(pl.String) == serving.cast(pl.String), "exact"
    tolerance = feature.row_tolerance
    train_value, serving_value = as_number(train, feature), as_number(serving, feature)
    if tolerance.abs == 0 and tolerance.rel == 0:
        close = train_value == serving_value
        words = "exact"
    else:
        close = (serving_value - train_value).abs() <= tolerance.abs + tolerance.rel * train_value.abs()
        words = f"abs {tolerance.abs:g}, rel {tolerance.rel:g}"
    # NaN on both sides is the same value; infinities of one sign too.
    return close | (train_value.is_nan() & serving_value.is_nan()) | (train_value == serving_value), words


def as_number(column: pl.Expr, feature: Feature) -> pl.Expr:
    """Numbers as floats; dates and datetimes as epoch seconds (naive ones read as UTC)."""
    if feature.type is FeatureType.DATE:
        return column.cast(pl.Datetime("us")).dt.epoch("us").cast(pl.Float64) / 1e6
    if feature.type is FeatureType.DATETIME:
        return column.dt.epoch("us").cast(pl.Float64) / 1e6
    return column.cast(pl.Float64)


def differences(mismatched: pl.DataFrame, feature: Feature) -> dict[str, float | None]:
    """How far apart, and whether it is one constant offset or one constant ratio: a unit or timezone bug."""
    train = as_number(pl.col(feature.name), feature)
    serving = as_number(pl.col(feature.name + SERVING), feature)
    diff, ratio = serving - train, pl.when(train != 0).then(serving / train)
    summary = mismatched.select(
        mean_abs_diff=diff.abs().mean(),
        max_abs_diff=diff.abs().max(),
        median_diff=diff.median(),
        median_ratio=ratio.median(),
        # A default filled in at serving time: one serving value behind most mismatches.
        serving_mode=serving.mode().sort().first(),
    ).row(0, named=True)
    summary["serving_mode_share"] = mismatched.select((serving == summary["serving_mode"]).mean()).item()
    offset, factor = summary["median_diff"], summary["median_ratio"]
    # Shares of the mismatches off by the median offset, or by the median ratio (within a tolerance of each).
    offset_share = (diff - offset).abs() <= 1e-6 * max(abs(offset or 0), 1e-9) if offset is not None else None
    ratio_share = (ratio - factor).abs() <= 0.01 * abs(factor) if factor else None
    shares = mismatched.select(
        offset_share=pl.lit(None) if offset_share is None else offset_share.mean(),
        ratio_share=pl.lit(None) if ratio_share is None else ratio_share.mean(),
    ).row(0, named=True)
    return {key: None if value is None else float(value) for key, value in {**summary, **shares}.items()}


def confusions(mismatched: pl.DataFrame, feature: Feature) -> list[tuple[str, str, int]]:
    """The most frequent (training value, serving value) pairs among categorical mismatches, and their counts."""
    train, serving = pl.col(feature.name).cast(pl.String), pl.col(feature.name + SERVING).cast(pl.String)
    counted = (
        mismatched.select(train.alias("train"), serving.alias("serving"))
        .group_by("train", "serving")
        .len()
        .sort(["len", "train", "serving"], descending=[True, False, False])
        .head(MAX_PAIRS)
    )
    return [(str(t), str(s), int(n)) for t, s, n in counted.iter_rows()]
