"""The training side of an audit: read once (data, or a saved profile of it) and compared with any serving data."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from skewcheck.audit.options import DEFAULT_OPTIONS, Options
from skewcheck.audit.reading import input_summary, read_validated
from skewcheck.audit.stamps import timed
from skewcheck.errors import UsageError
from skewcheck.io import remote
from skewcheck.io.sources import InputSummary, Source
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.profiles import Profile, profile_dataset
from skewcheck.profiling.streaming import stream
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Dataset, Role, Schema
from skewcheck.validation.findings import Finding


@dataclass(frozen=True)
class Baseline:
    """The training side of an audit, read once and compared with any number of serving datasets."""

    summary: InputSummary
    findings: tuple[Finding, ...]
    profiles: Mapping[str, Profile]
    missing: tuple[str, ...]
    """Compared features that training lacks."""
    identity: str
    """What tells this baseline apart from another in a history: a digest of its files, sizes and times."""
    rows: pl.DataFrame | None = None
    """Training's typed key and feature columns, kept for the row-by-row join (None: no keys, or a profile)."""


def load_baseline(
    train: str,
    schema: Schema,
    options: Options = DEFAULT_OPTIONS,
    *,
    progress: Progress = SILENT,
    timings: dict[str, float] | None = None,
) -> Baseline:
    """Training data (read, validated, profiled) or a saved profile of it."""
    timings = {} if timings is None else timings
    if profile_file.is_saved_profile(train):
        return _saved_baseline(train, schema, options, progress=progress, timings=timings)
    if options.approx:  # Options refuses a row join with it
        with timed(timings, "read"):
            source = options.source(train, Dataset.TRAIN)
            streamed = stream(source, schema, Dataset.TRAIN, batch_rows=options.batch_rows, progress=progress)
        table = streamed.table
        summary = input_summary(table, options.sample)
        return Baseline(summary, streamed.findings, streamed.profiles, table.missing, source_identity(table.source))
    # Training's frames are dropped once profiled: memory holds training's sorted values while serving is read,
    # not both datasets twice over.
    table, validation = read_validated(
        train,
        schema,
        Dataset.TRAIN,
        options.train_format,
        side="training",
        require_features=False,
        storage_options=options.storage_options,
        version=options.train_version,
        progress=progress,
        timings=timings,
    )
    with timed(timings, "compare"):
        progress.stage(f"profiling {table.rows:,} training rows")
        # --rows-only compares rows, not distributions: training's profile would go unused.
        placed = not options.exact and options.sample is None  # --sample draws from the sorted values
        profiles = {} if options.rows_only else profile_dataset(validation, schema, placed=placed)
    keys = join_keys(schema, options)
    kept = validation.typed if keys and all(key in validation.typed.columns for key in keys) else None
    summary = input_summary(table, options.sample)
    return Baseline(summary, validation.findings, profiles, table.missing, source_identity(table.source), kept)


def _saved_baseline(
    train: str, schema: Schema, options: Options, *, progress: Progress, timings: dict[str, float]
) -> Baseline:
    with timed(timings, "read"):
        progress.stage(f"reading the saved profile {train}")
        saved = profile_file.read(train, options.storage_options)
        profile_file.check_fits(saved, schema, train)
    summary = InputSummary(spec=train, format=profile_file.FORMAT, paths=(train,), rows=saved.source.rows)
    # A profile holds only the features that are compared; which of those training lacked, it knows.
    missing = tuple(f.name for f in schema.features if f.skip_reason is None and f.name not in saved.features)
    if options.keys or options.rows:
        raise UsageError(f"{train}: a saved profile has no rows to join on; give the training data instead")
    return Baseline(summary, tuple(saved.findings), saved.features, missing, profile_identity(train, options))


def join_keys(schema: Schema, options: Options) -> tuple[str, ...]:
    """The columns rows are joined on: --key, or with --rows the schema's `role: key` features; else none."""
    keys = options.keys
    if not keys and options.rows:
        keys = tuple(feature.name for feature in schema.features if feature.role is Role.KEY)
        if not keys:
            raise UsageError(
                f"{{rows}} joins on the schema's keys, and {schema.path} declares none (role: key)", rows=True
            )
    unknown = [key for key in keys if key not in {feature.name for feature in schema.features}]
    if unknown:
        raise UsageError(f"{{keys}}: not a feature of {schema.path}; declare it (role: key)", keys=(unknown[0],))
    return keys


def source_identity(source: Source) -> str:
    """A digest that survives a checkout or a copy: data files' names and sizes (a URL's name is its last part).

    Not modification times: a fresh checkout would make every history look like another baseline's.
    """
    digest = hashlib.sha256()
    if source.version is not None:  # a Delta table: its location and the version read name it exactly
        digest.update(f"{source.files[0]}\0{source.version}".encode())
        return digest.hexdigest()[:16]
    for file in sorted(source.files, key=str):
        name = file.rsplit("/", 1)[-1] if isinstance(file, str) else file.name
        digest.update(f"{name}\0{source.size(file)}\0".encode())
    return digest.hexdigest()[:16]


def profile_identity(path: str, options: Options) -> str:
    """A saved profile's digest: its bytes, wherever it is."""
    data = remote.read_bytes(path, options.storage_options) if remote.is_url(path) else Path(path).read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]
