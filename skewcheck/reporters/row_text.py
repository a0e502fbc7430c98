"""Row-level skew in words, the same in every human-readable report: what differs, and how."""

from __future__ import annotations

from skewcheck.drift.gates import Status
from skewcheck.drift.rows import FeatureRows, RowSkew
from skewcheck.reporters.numbers import number, percent

# The share of mismatches one pattern must explain before it is named as the likely bug.
PATTERN_SHARE = 0.9
DEFAULT_SHARE = 0.5


def heading(rows: RowSkew) -> str:
    coverage = rows.coverage
    return (
        f"{coverage.both:,} rows joined on {', '.join(rows.keys)} (join rate {percent(coverage.join_rate)}; "
        f"only in training {coverage.only_train:,}, only in serving {coverage.only_serving:,})"
    )


def problems(rows: RowSkew) -> list[FeatureRows]:
    return [f for f in rows.features if f.status in (Status.FAIL, Status.WARN, Status.ERROR)]


def counts(feature: FeatureRows) -> str:
    parts = []
    if feature.mismatches:
        parts.append(f"{feature.mismatches:,} differ")
    if feature.only_train:
        parts.append(f"{feature.only_train:,} null in serving")
    if feature.only_serving:
        parts.append(f"{feature.only_serving:,} null in training")
    return ", ".join(parts) or "all match"


def pattern(feature: FeatureRows) -> str:
    """The signature of the bug, when one pattern explains most mismatches: a unit, a timezone, a default."""
    found = feature.differences
    if feature.pairs:
        return "; ".join(f"{train!r} → {serving!r} ({count:,})" for train, serving, count in feature.pairs[:3])
    ratio, ratio_share = found.get("median_ratio"), found.get("ratio_share")
    # A ratio of about 1 is no unit change: an offset (a timezone) or a rounding explains it better.
    if ratio and abs(ratio - 1) > 0.01 and ratio_share is not None and ratio_share >= PATTERN_SHARE:
        return f"serving = training × {number(ratio)} in {percent(ratio_share)} (a unit?)"
    offset, offset_share = found.get("median_diff"), found.get("offset_share")
    if offset and offset_share is not None and offset_share >= PATTERN_SHARE:
        sign = "+" if offset > 0 else "−"
        return f"serving = training {sign} {number(abs(offset))} in {percent(offset_share)} (an offset?)"
    mode, mode_share = found.get("serving_mode"), found.get("serving_mode_share")
    if mode is not None and mode_share is not None and mode_share >= DEFAULT_SHARE:
        return f"serving is {number(mode)} in {percent(mode_share)} (a default?)"
    if "mean_abs_diff" in found:
        return f"mean |difference| {number(found['mean_abs_diff'])}, max {number(found.get('max_abs_diff'))}"
    if feature.only_train and not feature.only_serving:
        return "serving has no value where training has one"
    if feature.only_serving and not feature.only_train:
        return "training has no value where serving has one"
    return ""


def example(feature: FeatureRows, keys: tuple[str, ...]) -> str:
    if not feature.examples:
        return ""
    first = feature.examples[0]
    key = ", ".join(f"{name}={first.get(name)}" for name in keys)
    return f"{key}: {first.get('train')!r} → {first.get('serving')!r}"
