"""A saved serving profile as the serving side of an audit: what `stream` would have made of the data itself.

A serving profile (`profile --dataset serving --baseline TRAIN.skprofile`, on one machine or on Spark) holds
serving's findings and its features counted on the baseline's points, so a check of it against that baseline
reports exactly what a check of the serving data would. Against another baseline its counts would sit on the
wrong points: refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import polars as pl

from skewcheck.errors import InputError
from skewcheck.io.read import Table
from skewcheck.io.sources import InputSummary, Source
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.profiles import NumericProfile, Profile
from skewcheck.profiling.streaming import Streamed, grid_points
from skewcheck.schema.model import Dataset, Schema
from skewcheck.stats.grid import Grid


def as_streamed(
    source: Source, baseline: Mapping[str, Profile], schema: Schema, sample: int | None
) -> tuple[Streamed, InputSummary]:
    """The serving profile `source` names as streamed serving data, and the summary of the data it was made from."""
    path = source.spec
    saved = profile_file.read(path, source.storage_options)
    if saved.environment is not Dataset.SERVING or saved.columns is None:
        raise InputError(
            f"{path}: a profile of training data; as serving, a check takes a profile of serving data, counted "
            "on this baseline's points"
        )
    if saved.schema_sha256 != schema.sha256:
        raise InputError(f"{path}: made with another schema than {schema.path}; profile the serving data again")
    for name, profile in saved.features.items():
        train = baseline.get(name)
        if (
            isinstance(profile, NumericProfile)
            and isinstance(train, NumericProfile)
            and not _counted_on(profile, train)
        ):
            raise InputError(
                f"{path}: feature '{name}' was counted on another baseline's points; profile the serving data "
                "again with this baseline"
            )
    columns = frozenset(saved.columns)
    table = Table(
        source=replace(source, files=()),
        dataset=Dataset.SERVING,
        frame=pl.DataFrame(),
        rows=saved.source.rows,
        missing=tuple(f.name for f in schema.features if f.name not in columns),
        unexpected=(),
        untyped=frozenset(),
    )
    summary = replace(saved.source, sampled_rows=None if sample is None else min(sample, saved.source.rows))
    return Streamed(table, tuple(saved.findings), saved.features, columns), summary


def _counted_on(serving: NumericProfile, train: NumericProfile) -> bool:
    """Serving binned on training's edges, and, beyond exact values, counted on the points training gives."""
    if not np.array_equal(serving.edges, train.edges):
        return False
    return not isinstance(serving.sketch, Grid) or np.array_equal(serving.sketch.points, grid_points(train))
