"""Saved profiles: of training data, of serving data counted on a training profile, or merged from parts'."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from skewcheck.audit.assemble import ordered
from skewcheck.audit.options import DEFAULT_OPTIONS, Options
from skewcheck.audit.privacy import redact
from skewcheck.audit.reading import read_validated
from skewcheck.audit.schema_at import schema_at
from skewcheck.audit.stamps import now, skewcheck_version
from skewcheck.errors import InputError, UsageError
from skewcheck.io.remote import NO_OPTIONS, StorageOptions
from skewcheck.io.sources import InputSummary
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.merge import merge_saved
from skewcheck.profiling.profiles import NumericProfile, Profile, profile_dataset
from skewcheck.profiling.streaming import stream
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Dataset, Schema
from skewcheck.validation.findings import Finding


def profile(
    data: str,
    schema: str | Path | Schema,
    options: Options = DEFAULT_OPTIONS,
    *,
    dataset: Dataset = Dataset.TRAIN,
    baseline: str | Path | None = None,
    progress: Progress = SILENT,
) -> profile_file.SavedProfile:
    """The saved profile of one dataset: its features' summaries and its schema findings.

    Training is profiled whole, as `check` profiles it. Serving needs `baseline`, a training profile: serving is
    read in batches and counted on its points, exactly as `check BASELINE SERVING` reads it, so that
    `check BASELINE SERVING_PROFILE` makes the same report.
    """
    schema = schema_at(schema, options.storage_options)
    if dataset is Dataset.SERVING:
        train = serving_baseline(baseline, schema, options.storage_options)
        source = options.source(data, Dataset.SERVING)
        streamed = stream(
            source, schema, dataset, baseline=train.features, batch_rows=options.batch_rows, progress=progress
        )
        if len(streamed.table.missing) == len(schema.features):
            raise InputError(f"{data}: none of the features of {schema.path} is in it; is this the right file?")
        summary = streamed.table.source.summary(streamed.table.rows)
        return saved_profile(summary, schema, dataset, streamed.findings, streamed.profiles, streamed.columns)
    if baseline is not None:
        raise UsageError(
            "{baseline} is the training profile serving is counted on: profile training without it", baseline=None
        )
    table, validation = read_validated(
        data,
        schema,
        Dataset.TRAIN,
        options.train_format,
        storage_options=options.storage_options,
        version=options.train_version,
        progress=progress,
    )
    progress.stage("summarising features")
    summary = table.source.summary(table.rows)
    return saved_profile(summary, schema, dataset, validation.findings, profile_dataset(validation, schema))


def serving_baseline(
    baseline: str | Path | None, schema: Schema, storage_options: StorageOptions = NO_OPTIONS
) -> profile_file.SavedProfile:
    """The training profile a serving profile is counted on, checked to fit the schema."""
    if baseline is None:
        raise UsageError("a serving profile is counted on a training profile's points: give {baseline}", baseline=None)
    train = profile_file.read(baseline, storage_options)
    if train.environment is not Dataset.TRAIN:
        raise InputError(f"{baseline}: a profile of serving data; the baseline is a profile of training data")
    profile_file.check_fits(train, schema, str(baseline))
    return train


def saved_profile(
    summary: InputSummary,
    schema: Schema,
    dataset: Dataset,
    findings: tuple[Finding, ...] | list[Finding],
    features: Mapping[str, Profile],
    columns: frozenset[str] | None = None,
) -> profile_file.SavedProfile:
    """A dataset's summaries as a saved profile; `columns`, the schema's features the data has, for serving."""
    return profile_file.SavedProfile(
        source=summary,
        schema_path=schema.path,
        schema_sha256=schema.sha256,
        environment=dataset,
        # Personal examples hashed as in any report; the summaries themselves keep values (see the README).
        findings=redact(ordered(list(findings)), [], schema)[0],
        features={
            name: feature.compacted() if isinstance(feature, NumericProfile) else feature
            for name, feature in features.items()
        },
        skewcheck_version=skewcheck_version(),
        created_at=now(),
        columns=None if columns is None else tuple(f.name for f in schema.features if f.name in columns),
    )


def merge_profiles(paths: list[str], storage_options: StorageOptions = NO_OPTIONS) -> profile_file.SavedProfile:
    """The profile of the whole, from saved profiles of its parts (files, or objects in a store)."""
    parts = [profile_file.read(path, storage_options) for path in paths]
    if any(part.environment is not Dataset.TRAIN for part in parts):
        raise UsageError("only training profiles merge: a serving profile is counted on its baseline's points")
    return merge_saved(parts, created_at=now(), skewcheck_version=skewcheck_version(), names=paths)
