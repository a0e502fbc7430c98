"""Every feature of the schema compared between training's profiles and serving's data."""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from skewcheck.audit.options import DEFAULT_OPTIONS, Options
from skewcheck.drift.features import FeatureResult, compare_feature, errored, skipped
from skewcheck.profiling.placed import Placed
from skewcheck.profiling.profiles import NumericProfile, Profile, profile_columns
from skewcheck.profiling.streaming import Streamed
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Feature, Schema
from skewcheck.validation.findings import Validation


def compare(
    schema: Schema,
    train: Mapping[str, Profile],
    serving: Validation | Streamed,
    options: Options = DEFAULT_OPTIONS,
    *,
    progress: Progress = SILENT,
) -> list[FeatureResult]:
    """Profile serving on training's bins (unless it is already) and compare every feature with training's."""
    compared = [f for f in schema.features if f.skip_reason is None]
    columns = serving.columns if isinstance(serving, Streamed) else frozenset(serving.typed.columns)
    edges = {name: profile.edges for name, profile in train.items() if isinstance(profile, NumericProfile)}
    # Training's fine cells (a large numeric column, without --exact): serving is counted on the same ones.
    cells = {
        name: profile.sketch.cells
        for name, profile in train.items()
        if isinstance(profile, NumericProfile) and isinstance(profile.sketch, Placed)
    }
    progress.stage("comparing features", total=len(schema.features))
    results: dict[str, FeatureResult] = {}
    for feature in schema.features:
        reason = feature.skip_reason
        if reason is not None:
            results[feature.name] = skipped(feature, reason)
        elif feature.name not in train or feature.name not in columns:
            sides = {"train": feature.name in train, "serving": feature.name in columns}
            absent = " and ".join(side for side, present in sides.items() if not present)
            results[feature.name] = errored(feature, f"cannot compare: missing in {absent}")
    progress.advance(len(results))
    # A few features at a time, each batch profiled by polars and compared by numpy on every core (both
    # release the GIL); a batch's serving values are dropped before the next is read out.
    workers = os.cpu_count() or 1
    pending = [f for f in compared if f.name not in results]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for start in range(0, len(pending), workers):
            batch = pending[start : start + workers]
            if isinstance(serving, Streamed):
                serving_profiles = {feature.name: serving.profiles[feature.name] for feature in batch}
            else:
                serving_profiles = profile_columns(serving.typed, batch, edges, cells=cells)

            def one(feature: Feature, profiles: dict[str, Profile] = serving_profiles) -> FeatureResult:
                return compare_feature(
                    feature,
                    train[feature.name],
                    profiles[feature.name],
                    len(compared),
                    sample=options.sample,
                    seed=options.seed,
                )

            for feature, result in zip(batch, pool.map(one, batch), strict=True):
                results[feature.name] = result
                progress.advance()
    return [results[feature.name] for feature in schema.features]
