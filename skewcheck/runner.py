"""The one orchestration function: `run(train, serving, schema)` -> Report.

The CLI calls exactly this; so can a notebook or an Airflow task.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from skewcheck.checks import FeatureResult, compare_feature, errored, skipped
from skewcheck.errors import InputError
from skewcheck.infer import InferOptions, infer, render, with_serving_paths, without_constraints
from skewcheck.privacy import redact
from skewcheck.profiles import NumericProfile, profile_feature
from skewcheck.progress import SILENT, Progress
from skewcheck.readers import InputFormat, Table, read_table, resolve_source
from skewcheck.report import FailOn, InputSummary, Report
from skewcheck.schema import Dataset, Feature, Schema, Severity
from skewcheck.schema_file import parse_document
from skewcheck.schema_loader import build_schema, load_schema
from skewcheck.validate import Finding, Validation, validate

_SEVERITY_ORDER = {Severity.FAIL: 0, Severity.WARN: 1, Severity.INFO: 2}


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


def run(
    train: str,
    serving: str,
    schema: str | Path | Schema,
    options: Options = Options(),
    *,
    progress: Progress = SILENT,
) -> Report:
    """Audit a training dataset and a serving log against a schema."""
    timings: dict[str, float] = {}
    with _timed(timings, "schema"):
        schema = schema if isinstance(schema, Schema) else load_schema(schema)
    with _timed(timings, "read"):
        progress.stage(f"reading training data {train}")
        train_table = read_table(resolve_source(train, options.train_format), schema, Dataset.TRAIN)
        progress.stage(f"reading serving data {serving} (training: {train_table.rows:,} rows)")
        serving_table = read_table(resolve_source(serving, options.serving_format), schema, Dataset.SERVING)
        _check_features_found(schema, train_table, serving_table)
    with _timed(timings, "validate"):
        progress.stage(f"validating {train_table.rows:,} training and {serving_table.rows:,} serving rows")
        train_validation = validate(train_table, schema)
        serving_validation = validate(serving_table, schema)
    with _timed(timings, "compare"):
        features = compare(schema, train_validation, serving_validation, options, progress=progress)
    return _report(schema, options, timings, [train_validation, serving_validation], features,
                   train=_input_summary(train_table, options.sample),
                   serving=_input_summary(serving_table, options.sample))  # fmt: skip


def infer_for_audit(train: str, serving: str, options: Options = Options()) -> tuple[str, Schema]:
    """A schema inferred from TRAIN for `check` without one: its YAML text, and the schema itself.

    Types, keys and timestamps only (see infer.without_constraints). Features the serving log nests
    under an object get their serving_path from the log; features it lacks are training-only.
    """
    # serving=True: when TRAIN is itself a nested log, its objects' fields are the features.
    inferred = without_constraints(infer(train, InferOptions(source_format=options.train_format, serving=True)))
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
    return _report(schema, options, timings, [validation], [],
                   train=summary if environment is Dataset.TRAIN else None,
                   serving=summary if environment is Dataset.SERVING else None)  # fmt: skip


def _report(
    schema: Schema,
    options: Options,
    timings: dict[str, float],
    validations: list[Validation],
    features: list[FeatureResult],
    *,
    train: InputSummary | None,
    serving: InputSummary | None,
) -> Report:
    findings = _ordered([finding for validation in validations for finding in validation.findings])
    findings, features = redact(findings, features, schema, keep_examples=options.examples)
    return Report(
        train=train,
        serving=serving,
        schema_path=schema.path,
        schema_sha256=schema.sha256,
        findings=findings,
        features=features,
        fail_on=options.fail_on,
        skewcheck_version=skewcheck_version(),
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        timings=timings,
    )


def compare(
    schema: Schema, train: Validation, serving: Validation, options: Options = Options(), *, progress: Progress = SILENT
) -> list[FeatureResult]:
    """Profile training, then serving on training's bins, and compare every feature."""
    compared = sum(1 for feature in schema.features if feature.skip_reason is None)
    progress.stage("comparing features", total=len(schema.features))
    results = []
    for feature in schema.features:
        results.append(_compare_feature(feature, train, serving, compared, options))
        progress.advance()
    return results


def _compare_feature(
    feature: Feature, train: Validation, serving: Validation, compared: int, options: Options
) -> FeatureResult:
    reason = feature.skip_reason
    if reason is not None:
        return skipped(feature, reason)
    absent = [str(v.dataset) for v in (train, serving) if feature.name not in v.typed.columns]
    if absent:
        return errored(feature, f"cannot compare: missing in {' and '.join(absent)}")
    train_profile = profile_feature(feature, train.typed.get_column(feature.name))
    edges = train_profile.edges if isinstance(train_profile, NumericProfile) else None
    serving_profile = profile_feature(feature, serving.typed.get_column(feature.name), edges)
    return compare_feature(feature, train_profile, serving_profile, compared, sample=options.sample, seed=options.seed)


def skewcheck_version() -> str:
    try:
        return version("skewcheck")
    except PackageNotFoundError:
        return "unknown"


def _check_features_found(schema: Schema, train: Table, serving: Table) -> None:
    # Absent from one side is a finding; absent from both means the schema or the paths are wrong.
    nowhere = [name for name in train.missing if name in serving.missing]
    if nowhere:
        listed = ", ".join(f"'{name}'" for name in nowhere)
        raise InputError(
            f"{schema.path}: feature{'s' * (len(nowhere) > 1)} {listed} found in neither "
            f"{train.source.spec} nor {serving.source.spec}; check the schema's names and serving_path entries"
        )


def _ordered(findings: list[Finding]) -> list[Finding]:
    # Failures first, training before serving; sorted() is stable, so schema order holds within.
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.dataset != Dataset.TRAIN))


def _input_summary(table: Table, sample: int | None) -> InputSummary:
    return InputSummary(
        spec=table.source.spec,
        format=str(table.source.format),
        paths=tuple(str(p) for p in table.source.files),
        rows=table.rows,
        sampled_rows=min(sample, table.rows) if sample is not None else None,
    )


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - start
