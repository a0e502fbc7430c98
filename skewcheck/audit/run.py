"""The one orchestration function: `run(train, serving, schema)` -> Report.

The CLI calls exactly this; so can a notebook or an Airflow task.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import polars as pl

from skewcheck.audit.privacy import new_salt, redact, redact_row_skew, redact_rows
from skewcheck.audit.report import FailOn, InputSummary, Report
from skewcheck.drift.features import FeatureResult, compare_feature, errored, skipped
from skewcheck.drift.join import KeepDuplicates
from skewcheck.drift.rows import RowSkew, compare_rows
from skewcheck.errors import InputError, UsageError
from skewcheck.io.read import Table, read_table
from skewcheck.io.sources import InputFormat, Source, resolve_source
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.infer import InferOptions, infer
from skewcheck.profiling.inferred import render, with_serving_paths, without_constraints
from skewcheck.profiling.merge import merge_saved
from skewcheck.profiling.profiles import NumericProfile, Profile, profile_columns, profile_dataset
from skewcheck.profiling.streaming import BATCH_ROWS, Streamed, stream
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.document import parse_document
from skewcheck.schema.load import build_schema, load_schema
from skewcheck.schema.model import Dataset, Feature, Role, Schema
from skewcheck.stats import metrics
from skewcheck.validation.findings import Finding, Validation
from skewcheck.validation.tally import validate


@dataclass(frozen=True)
class Options:
    """Everything about a run that is not an input path."""

    train_format: InputFormat | None = None
    serving_format: InputFormat | None = None
    sample: int | None = None
    """KS, Wasserstein and numeric bins on at most this many values per feature and side; null rates,
    categories and validation still see every row."""
    seed: int = 0
    fail_on: FailOn = FailOn.FAIL
    examples: bool = True
    """False drops every example value and top category from the report (pii features are always hashed)."""
    keys: tuple[str, ...] = ()
    """Join training and serving on these columns and compare values row by row (--key)."""
    rows: bool = False
    """Join on the schema's `role: key` features (--rows). Off by default: a join only means something when
    training rows are recomputations of served requests, and otherwise every row is 'only on one side'."""
    rows_only: bool = False
    """Only the row-by-row comparison: no distribution checks."""
    keep_duplicates: KeepDuplicates | None = None
    mismatched_rows: bool = False
    """Collect every differing row (for --mismatches); only the counts and a few examples otherwise."""
    approx: bool = False
    """Read both sides in batches, numbers counted on a grid (--approx): memory bounded by the batch, KS and
    Wasserstein within the grid's stated bounds. Serving checked against a saved profile is always read so."""
    batch_rows: int = BATCH_ROWS


def run(
    train: str,
    serving: str,
    schema: str | Path | Schema,
    options: Options = Options(),
    *,
    progress: Progress = SILENT,
) -> Report:
    """Audit a training dataset, or a saved profile of one, and a serving log against a schema."""
    metrics.preload()
    timings: dict[str, float] = {}
    with _timed(timings, "schema"):
        schema = schema if isinstance(schema, Schema) else load_schema(schema)
    baseline = load_baseline(train, schema, options, progress=progress, timings=timings)
    return audit(baseline, resolve_source(serving, options.serving_format), schema, options, progress=progress,
                 timings=timings)  # fmt: skip


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
    options: Options = Options(),
    *,
    progress: Progress = SILENT,
    timings: dict[str, float] | None = None,
) -> Baseline:
    """Training data (read, validated, profiled) or a saved profile of it."""
    timings = {} if timings is None else timings
    if profile_file.is_saved_profile(train):
        with _timed(timings, "read"):
            progress.stage(f"reading the saved profile {train}")
            saved = profile_file.read(train)
            profile_file.check_fits(saved, schema, train)
        summary = InputSummary(spec=train, format=profile_file.FORMAT, paths=(train,), rows=saved.source.rows)
        # A profile holds only the features that are compared; which of those training lacked, it knows.
        missing = tuple(f.name for f in schema.features if f.skip_reason is None and f.name not in saved.features)
        if options.keys or options.rows:
            raise UsageError(f"{train}: a saved profile has no rows to join on; give the training data instead")
        return Baseline(summary, tuple(saved.findings), saved.features, missing, _identity([Path(train)], content=True))
    if options.approx:
        if options.keys or options.rows:
            raise UsageError("--approx reads the data in batches, and the row-by-row join needs it whole: drop one")
        with _timed(timings, "read"):
            streamed = stream(resolve_source(train, options.train_format), schema, Dataset.TRAIN,
                              batch_rows=options.batch_rows, progress=progress)  # fmt: skip
        return Baseline(_input_summary(streamed.table, options.sample), streamed.findings, streamed.profiles,
                        streamed.table.missing, _identity(list(streamed.table.source.files)))  # fmt: skip
    # Training's frames are dropped once profiled: memory holds training's sorted values while serving is read,
    # not both datasets twice over.
    with _timed(timings, "read"):
        progress.stage(f"reading training data {train}")
        table = read_table(resolve_source(train, options.train_format), schema, Dataset.TRAIN)
    with _timed(timings, "validate"):
        progress.stage(f"validating {table.rows:,} training rows")
        validation = validate(table, schema)
    with _timed(timings, "compare"):
        progress.stage(f"profiling {table.rows:,} training rows")
        # --rows-only compares rows, not distributions: training's profile would go unused.
        profiles = {} if options.rows_only else profile_dataset(validation, schema)
    keys = join_keys(schema, options)
    kept = validation.typed if keys and all(key in validation.typed.columns for key in keys) else None
    return Baseline(_input_summary(table, options.sample), validation.findings, profiles, table.missing,
                    _identity(list(table.source.files)), kept)  # fmt: skip


def join_keys(schema: Schema, options: Options) -> tuple[str, ...]:
    """The columns rows are joined on: --key, or with --rows the schema's `role: key` features; else none."""
    keys = options.keys
    if not keys and options.rows:
        keys = tuple(feature.name for feature in schema.features if feature.role is Role.KEY)
        if not keys:
            raise UsageError(f"--rows joins on the schema's keys, and {schema.path} declares none (role: key)")
    unknown = [key for key in keys if key not in {feature.name for feature in schema.features}]
    if unknown:
        raise UsageError(f"--key {unknown[0]}: not a feature of {schema.path}; declare it (role: key)")
    return keys


def audit(
    baseline: Baseline,
    serving: Source,
    schema: Schema,
    options: Options = Options(),
    *,
    progress: Progress = SILENT,
    timings: dict[str, float] | None = None,
) -> Report:
    """Compare one serving dataset with a loaded baseline."""
    timings = dict(timings or {})
    keys = join_keys(schema, options)
    if options.rows_only and not keys:  # before any serving data is read
        raise UsageError("--rows-only compares rows: give --key COLUMN (or --rows to join on the schema's keys)")
    if options.approx or baseline.summary.format == profile_file.FORMAT:
        # Against a summary, serving can be one too: read in batches, memory bounded whatever its size.
        return _audit_streamed(baseline, serving, schema, options, progress=progress, timings=timings)
    with _timed(timings, "read"):
        progress.stage(f"reading serving data {serving.spec}")
        table = read_table(serving, schema, Dataset.SERVING)
        _check_features_found(schema, baseline.missing, table, baseline.summary.spec)
    with _timed(timings, "validate"):
        progress.stage(f"validating {table.rows:,} serving rows")
        validation = validate(table, schema)
    serving_summary = _input_summary(table, options.sample)
    del table  # the typed columns are all that is compared from here on
    with _timed(timings, "compare"):
        features = [] if options.rows_only else compare(schema, baseline.profiles, validation, options,
                                                         progress=progress)  # fmt: skip
    row_skew, differing = None, None
    if baseline.rows is not None and keys:
        if not all(key in validation.typed.columns for key in keys):
            raise InputError(f"{serving.spec}: has no key column {', '.join(keys)} to join training on")
        with _timed(timings, "rows"):
            progress.stage(f"joining on {', '.join(keys)}")
            row_skew, differing = compare_rows(
                baseline.rows, validation.typed, schema, keys,
                keep=options.keep_duplicates, with_rows=options.mismatched_rows,
            )  # fmt: skip
    elif options.rows_only:  # training has no key column to join on
        raise UsageError("--rows-only compares rows: give --key COLUMN (or --rows to join on the schema's keys)")
    return _report(schema, options, timings, [*baseline.findings, *validation.findings], features,
                   train=baseline.summary, serving=serving_summary, rows=row_skew, differing=differing)  # fmt: skip


def _audit_streamed(
    baseline: Baseline,
    serving: Source,
    schema: Schema,
    options: Options,
    *,
    progress: Progress,
    timings: dict[str, float],
) -> Report:
    """Serving read in batches against a summary of training (a saved profile, or --approx); load_baseline has
    already refused a row join, which needs both datasets whole."""
    with _timed(timings, "read"):
        streamed = stream(serving, schema, Dataset.SERVING, baseline=baseline.profiles, batch_rows=options.batch_rows,
                          progress=progress)  # fmt: skip
        _check_features_found(schema, baseline.missing, streamed.table, baseline.summary.spec)
    with _timed(timings, "compare"):
        features = compare(schema, baseline.profiles, streamed, options, progress=progress)
    return _report(schema, options, timings, [*baseline.findings, *streamed.findings], features,
                   train=baseline.summary, serving=_input_summary(streamed.table, options.sample))  # fmt: skip


def _identity(files: list[Path], *, content: bool = False) -> str:
    """A digest that survives a checkout or a copy: a profile's bytes; data files' names and sizes.

    Not modification times: a fresh checkout would make every history look like another baseline's.
    """
    digest = hashlib.sha256()
    for path in sorted(files):
        if content:
            digest.update(path.read_bytes())
        else:
            digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
    return digest.hexdigest()[:16]


def profile(
    data: str, schema: str | Path | Schema, options: Options = Options(), *, progress: Progress = SILENT
) -> profile_file.SavedProfile:
    """The saved profile of one training dataset: its features' summaries and its schema findings."""
    schema = schema if isinstance(schema, Schema) else load_schema(schema)
    progress.stage(f"reading {data}")
    table = read_table(resolve_source(data, options.train_format), schema, Dataset.TRAIN)
    if len(table.missing) == len(schema.features):
        raise InputError(f"{data}: none of the features of {schema.path} is in it; is this the right file?")
    progress.stage(f"validating {table.rows:,} rows")
    validation = validate(table, schema)
    progress.stage("summarising features")
    features = {name: feature.compacted() if isinstance(feature, NumericProfile) else feature
                for name, feature in profile_dataset(validation, schema).items()}  # fmt: skip
    return profile_file.SavedProfile(
        source=profile_file.Source(
            table.source.spec, str(table.source.format), tuple(str(p) for p in table.source.files), table.rows
        ),
        schema_path=schema.path,
        schema_sha256=schema.sha256,
        environment=Dataset.TRAIN,
        # Personal examples hashed as in any report; the summaries themselves keep values (see the README).
        findings=redact(_ordered(list(validation.findings)), [], schema)[0],
        features=features,
        skewcheck_version=skewcheck_version(),
        created_at=_now(),
    )


def merge_profiles(paths: list[str]) -> profile_file.SavedProfile:
    return merge_saved([profile_file.read(path) for path in paths],
                       created_at=_now(), skewcheck_version=skewcheck_version())  # fmt: skip


def infer_for_audit(train: str, serving: str, options: Options = Options()) -> tuple[str, Schema]:
    """A schema inferred from TRAIN for `check` without one: its YAML text, and the schema itself.

    Types, keys and timestamps only (see infer.without_constraints). Features the serving log nests
    under an object get their serving_path from the log; features it lacks are training-only.
    """
    # serving=True: when TRAIN is itself a nested log, its objects' fields are the features. Under --approx the
    # types come from the first batch's worth of rows: memory stays bounded by the batch.
    head = options.batch_rows if options.approx else None
    inferred = without_constraints(infer(train, InferOptions(source_format=options.train_format, serving=True,
                                                             max_rows=head)))  # fmt: skip
    inferred = with_serving_paths(inferred, resolve_source(serving, options.serving_format))
    note = "Inferred for one audit: types, keys, paths and training-only columns; no bounds, domains or nullability."
    text = render(inferred, command=f"skewcheck check {train} {serving} (no --schema given)", note=note)
    name = f"<schema inferred from {train}>"
    return text, build_schema(parse_document(text, name), hashlib.sha256(text.encode()).hexdigest())


def validate_dataset(
    data: str,
    schema: str | Path | Schema,
    environment: Dataset = Dataset.SERVING,
    options: Options = Options(),
    *,
    progress: Progress = SILENT,
) -> Report:
    """Schema validation of one dataset, no drift: the schema part of `run`, for one side."""
    timings: dict[str, float] = {}
    with _timed(timings, "schema"):
        schema = schema if isinstance(schema, Schema) else load_schema(schema)
    data_format = options.train_format if environment is Dataset.TRAIN else options.serving_format
    with _timed(timings, "read"):
        progress.stage(f"reading {data}")
        table = read_table(resolve_source(data, data_format), schema, environment)
        if len(table.missing) == len(schema.features):
            raise InputError(f"{data}: none of the features of {schema.path} is in it; is this the right file?")
    with _timed(timings, "validate"):
        progress.stage(f"validating {table.rows:,} rows")
        validation = validate(table, schema)
    summary = _input_summary(table, None)
    return _report(schema, options, timings, list(validation.findings), [],
                   train=summary if environment is Dataset.TRAIN else None,
                   serving=summary if environment is Dataset.SERVING else None)  # fmt: skip


def _report(
    schema: Schema,
    options: Options,
    timings: dict[str, float],
    findings: list[Finding],
    features: list[FeatureResult],
    *,
    train: InputSummary | None,
    serving: InputSummary | None,
    rows: RowSkew | None = None,
    differing: pl.DataFrame | None = None,
) -> Report:
    findings = _ordered(findings)
    # One salt for everything this report shows: a value hashes alike in the findings, the row examples and
    # the --mismatches file.
    salt = new_salt()
    findings, features = redact(findings, features, schema, keep_examples=options.examples, salt=salt)
    return Report(
        rows=None if rows is None else redact_row_skew(rows, schema, keep_examples=options.examples, salt=salt),
        differing_rows=None if differing is None else redact_rows(differing, schema, salt=salt),
        train=train,
        serving=serving,
        schema_path=schema.path,
        schema_sha256=schema.sha256,
        findings=findings,
        features=features,
        fail_on=options.fail_on,
        skewcheck_version=skewcheck_version(),
        created_at=_now(),
        timings=timings,
    )


def compare(
    schema: Schema,
    train: Mapping[str, Profile],
    serving: Validation | Streamed,
    options: Options = Options(),
    *,
    progress: Progress = SILENT,
) -> list[FeatureResult]:
    """Profile serving on training's bins (unless it is already) and compare every feature with training's."""
    compared = [f for f in schema.features if f.skip_reason is None]
    columns = serving.columns if isinstance(serving, Streamed) else frozenset(serving.typed.columns)
    edges = {name: profile.edges for name, profile in train.items() if isinstance(profile, NumericProfile)}
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
                serving_profiles = profile_columns(serving.typed, batch, edges)

            def one(feature: Feature, profiles: dict[str, Profile] = serving_profiles) -> FeatureResult:
                return compare_feature(feature, train[feature.name], profiles[feature.name], len(compared),
                                       sample=options.sample, seed=options.seed)  # fmt: skip

            for feature, result in zip(batch, pool.map(one, batch), strict=True):
                results[feature.name] = result
                progress.advance()
    return [results[feature.name] for feature in schema.features]


def skewcheck_version() -> str:
    try:
        return version("skewcheck")
    except PackageNotFoundError:
        return "unknown"


def _check_features_found(schema: Schema, train_missing: tuple[str, ...], serving: Table, train_spec: str) -> None:
    # Absent from one side is a finding; absent from both means the schema or the paths are wrong.
    nowhere = [name for name in train_missing if name in serving.missing]
    if nowhere:
        listed = ", ".join(f"'{name}'" for name in nowhere)
        raise InputError(
            f"{schema.path}: feature{'s' * (len(nowhere) > 1)} {listed} found in neither "
            f"{train_spec} nor {serving.source.spec}; check the schema's names and serving_path entries"
        )


def _ordered(findings: list[Finding]) -> list[Finding]:
    # Failures first, training before serving; sorted() is stable, so schema order holds within.
    return sorted(findings, key=lambda f: (f.severity.order, f.dataset != Dataset.TRAIN))


def _input_summary(table: Table, sample: int | None) -> InputSummary:
    return InputSummary(
        spec=table.source.spec,
        format=str(table.source.format),
        paths=tuple(str(p) for p in table.source.files),
        rows=table.rows,
        sampled_rows=min(sample, table.rows) if sample is not None else None,
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
