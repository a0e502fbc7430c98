"""A dataset read in batches: validated and summarised batch by batch, memory bounded by the batch.

Serving data checked against a saved profile is read this way, and with --approx both sides are.
Each batch is validated (its evidence added to a validation Tally) and profiled; a numeric
feature's values become a Sketch (KLL ranks, exact tails, exact moments) as soon as there are more
than a profile keeps, and sketches merge batch by batch, so memory holds one batch and a few
kilobytes per feature whatever the number of rows. Counts (rows, nulls, categories, bins on fixed
edges) add up exactly. Without fixed edges (training under --approx) each batch has its own
deciles; the whole's deciles are read off its sketch, and a second pass counts the bins exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import polars as pl

from skewcheck.coerce import coerce
from skewcheck.profile_file import merge_feature
from skewcheck.profiles import NumericProfile, Profile, profile_columns
from skewcheck.progress import SILENT, Progress
from skewcheck.readers import Source, Table, TypesChangedError, read_batches
from skewcheck.schema import Dataset, Schema
from skewcheck.validate import Finding, Tally

BATCH_ROWS = 500_000
"""Rows read at a time: about 100 MB for 20 features, and large enough that polars' per-batch costs vanish."""


@dataclass(frozen=True)
class Streamed:
    """One dataset summarised: what validation found and each compared feature's profile."""

    table: Table
    """The whole dataset's description (its rows, missing and unexpected columns), without its data."""
    findings: tuple[Finding, ...]
    profiles: Mapping[str, Profile]
    columns: frozenset[str]
    """The schema's features the data has."""


def stream(
    source: Source,
    schema: Schema,
    dataset: Dataset,
    *,
    edges: Mapping[str, npt.NDArray[np.float64]] | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Progress = SILENT,
) -> Streamed:
    """Validate and profile a source batch by batch; `edges` are training's bins (None when this is training)."""
    try:
        return _stream(source, schema, dataset, edges, batch_rows, progress, infer_all_rows=False)
    except TypesChangedError:
        # A JSON Lines field changed type after its first 100 lines: start again, typed from every line.
        return _stream(source, schema, dataset, edges, batch_rows, progress, infer_all_rows=True)


def _stream(
    source: Source,
    schema: Schema,
    dataset: Dataset,
    edges: Mapping[str, npt.NDArray[np.float64]] | None,
    batch_rows: int,
    progress: Progress,
    *,
    infer_all_rows: bool,
) -> Streamed:
    tally = Tally(schema, dataset)
    profiles: dict[str, Profile] = {}
    compared = [feature for feature in schema.features if feature.skip_reason is None]
    last: Table | None = None
    for batch in read_batches(source, schema, dataset, batch_rows, infer_all_rows=infer_all_rows):
        progress.stage(f"reading and summarising {dataset} data {source.spec}: {tally.rows + batch.rows:,} rows")
        typed = tally.add(batch)
        present = [feature for feature in compared if feature.name in typed.columns]
        for name, profile in profile_columns(typed, present, edges).items():
            part = profile.compacted() if isinstance(profile, NumericProfile) else profile
            profiles[name] = part if name not in profiles else merge_feature([profiles[name], part])
        last = batch
    assert last is not None  # read_batches yields at least one batch or raises
    if edges is None:
        profiles = _recounted(source, schema, dataset, profiles, batch_rows, infer_all_rows=infer_all_rows)
    whole = replace(last, frame=pl.DataFrame(), rows=tally.rows, first_row=0)
    columns = frozenset(name for name in last.frame.columns)
    return Streamed(whole, tally.findings(whole), profiles, columns)


def _recounted(
    source: Source,
    schema: Schema,
    dataset: Dataset,
    profiles: dict[str, Profile],
    batch_rows: int,
    *,
    infer_all_rows: bool,
) -> dict[str, Profile]:
    """Numeric bins counted exactly in a second pass, on the deciles the first pass's sketches estimated.

    Each batch had its own deciles, so the merged bin counts were estimates; PSI and Jensen-Shannon
    on estimated counts drift from the exact ones as much as the shares do (by 0.1 and more on a
    drifted feature). A second read of the numeric columns makes the counts exact again.
    """
    estimated = {n: p for n, p in profiles.items() if isinstance(p, NumericProfile) and not p.bins_exact}
    if not estimated:
        return profiles
    features = [schema.feature(name) for name in estimated]
    edges = {name: profile.edges for name, profile in estimated.items()}
    counts = {name: np.zeros(len(profile.bin_counts), dtype=np.int64) for name, profile in estimated.items()}
    for batch in read_batches(source, schema, dataset, batch_rows, infer_all_rows=infer_all_rows):
        typed = pl.DataFrame([coerce(batch.frame.get_column(f.name), f.type).values for f in features])
        for name, profile in profile_columns(typed, features, edges).items():
            assert isinstance(profile, NumericProfile)
            counts[name] += profile.bin_counts
    exact = {name: replace(profile, bin_counts=counts[name], bins_exact=True) for name, profile in estimated.items()}
    return {**profiles, **exact}
