"""Saved profiles of training data: made from one dataset, or merged from the profiles of its parts."""

from __future__ import annotations

from pathlib import Path

from skewcheck.audit.assemble import ordered
from skewcheck.audit.options import DEFAULT_OPTIONS, Options
from skewcheck.audit.privacy import redact
from skewcheck.audit.reading import read_validated
from skewcheck.audit.schema_at import schema_at
from skewcheck.audit.stamps import now, skewcheck_version
from skewcheck.io.remote import NO_OPTIONS, StorageOptions
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.merge import merge_saved
from skewcheck.profiling.profiles import NumericProfile, profile_dataset
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Dataset, Schema


def profile(
    data: str, schema: str | Path | Schema, options: Options = DEFAULT_OPTIONS, *, progress: Progress = SILENT
) -> profile_file.SavedProfile:
    """The saved profile of one training dataset: its features' summaries and its schema findings."""
    schema = schema_at(schema, options.storage_options)
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
    features = {
        name: feature.compacted() if isinstance(feature, NumericProfile) else feature
        for name, feature in profile_dataset(validation, schema).items()
    }
    return profile_file.SavedProfile(
        source=table.source.summary(table.rows),
        schema_path=schema.path,
        schema_sha256=schema.sha256,
        environment=Dataset.TRAIN,
        # Personal examples hashed as in any report; the summaries themselves keep values (see the README).
        findings=redact(ordered(list(validation.findings)), [], schema)[0],
        features=features,
        skewcheck_version=skewcheck_version(),
        created_at=now(),
    )


def merge_profiles(paths: list[str], storage_options: StorageOptions = NO_OPTIONS) -> profile_file.SavedProfile:
    """The profile of the whole, from saved profiles of its parts (files, or objects in a store)."""
    parts = [profile_file.read(path, storage_options) for path in paths]
    return merge_saved(parts, created_at=now(), skewcheck_version=skewcheck_version(), names=paths)
