"""The one orchestration function: `run(train, serving, schema)` -> Report.

The CLI calls exactly this; so can a notebook or an Airflow task.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from skewcheck.audit.assemble import assemble
from skewcheck.audit.baseline import Baseline, join_keys, load_baseline
from skewcheck.audit.compare import compare
from skewcheck.audit.options import DEFAULT_OPTIONS, Options
from skewcheck.audit.reading import check_features_found, input_summary
from skewcheck.audit.report import Report
from skewcheck.audit.schema_at import schema_at
from skewcheck.audit.serving_profile import as_streamed
from skewcheck.audit.stamps import timed
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.rows import compare_rows
from skewcheck.errors import InputError, UsageError
from skewcheck.io import remote
from skewcheck.io.read import read_table
from skewcheck.io.sources import InputFormat, InputSummary, Source
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.streaming import Streamed, stream
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Dataset, Schema
from skewcheck.stats import metrics
from skewcheck.validation.tally import validate

TrendGates = Callable[[list[FeatureResult]], list[FeatureResult]]
"""The compared features with gates judged on a history added (see audit.partitions)."""


def run(
    train: str,
    serving: str,
    schema: str | Path | Schema,
    options: Options = DEFAULT_OPTIONS,
    *,
    progress: Progress = SILENT,
) -> Report:
    """Audit a training dataset, or a saved profile of one, and a serving log against a schema."""
    metrics.preload()
    timings: dict[str, float] = {}
    with timed(timings, "schema"):
        schema = schema_at(schema, options.storage_options)
    baseline = load_baseline(train, schema, options, progress=progress, timings=timings)
    source = serving_source(serving, options)
    return audit(baseline, source, schema, options, progress=progress, timings=timings)


def audit(
    baseline: Baseline,
    serving: Source,
    schema: Schema,
    options: Options = DEFAULT_OPTIONS,
    *,
    progress: Progress = SILENT,
    timings: dict[str, float] | None = None,
    trend_gates: TrendGates | None = None,
) -> Report:
    """Compare one serving dataset with a loaded baseline.

    `trend_gates` adds gates judged on a history to the compared features, before the Report is made.
    """
    timings = dict(timings or {})
    trend_gates = trend_gates or _no_trends
    if profile_file.is_saved_profile(serving.spec):
        if options.keys or options.rows:
            raise UsageError(f"{serving.spec}: a saved profile has no rows to join on; give the serving data instead")
        with timed(timings, "read"):
            progress.stage(f"reading the saved profile {serving.spec}")
            streamed, summary = as_streamed(serving, baseline.profiles, schema, options.sample)
        return _judged(baseline, streamed, summary, schema, options, trend_gates, progress=progress, timings=timings)
    keys = join_keys(schema, options)  # before any serving data is read: a key the schema lacks is refused
    if options.approx or baseline.summary.format == profile_file.FORMAT:
        # Against a summary, serving can be one too: read in batches, memory bounded whatever its size.
        return _audit_streamed(baseline, serving, schema, options, trend_gates, progress=progress, timings=timings)
    with timed(timings, "read"):
        progress.stage(f"reading serving data {serving.spec}")
        table = read_table(serving, schema, Dataset.SERVING)
        check_features_found(schema, baseline.missing, table, baseline.summary.spec)
    with timed(timings, "validate"):
        progress.stage(f"validating {table.rows:,} serving rows")
        validation = validate(table, schema)
    serving_summary = input_summary(table, options.sample)
    del table  # the typed columns are all that is compared from here on
    with timed(timings, "compare"):
        features = (
            [] if options.rows_only else compare(schema, baseline.profiles, validation, options, progress=progress)
        )
    row_skew, differing = None, None
    if baseline.rows is not None and keys:
        if not all(key in validation.typed.columns for key in keys):
            raise InputError(f"{serving.spec}: has no key column {', '.join(keys)} to join training on")
        with timed(timings, "rows"):
            progress.stage(f"joining on {', '.join(keys)}")
            row_skew, differing = compare_rows(
                baseline.rows,
                validation.typed,
                schema,
                keys,
                keep=options.keep_duplicates,
                with_rows=options.mismatched_rows,
            )
    elif keys:  # training lacks the key: a join that was asked for is never dropped silently
        raise InputError(f"{baseline.summary.spec}: has no key column {', '.join(keys)} to join serving on")
    findings = [*baseline.findings, *validation.findings]
    return assemble(
        schema,
        options,
        timings,
        findings,
        trend_gates(features),
        train=baseline.summary,
        serving=serving_summary,
        rows=row_skew,
        differing=differing,
    )


def _audit_streamed(
    baseline: Baseline,
    serving: Source,
    schema: Schema,
    options: Options,
    trend_gates: TrendGates,
    *,
    progress: Progress,
    timings: dict[str, float],
) -> Report:
    """Serving read in batches against a summary of training (a saved profile, or --approx); load_baseline has
    already refused a row join, which needs both datasets whole."""
    with timed(timings, "read"):
        streamed = stream(
            serving,
            schema,
            Dataset.SERVING,
            baseline=baseline.profiles,
            batch_rows=options.batch_rows,
            progress=progress,
        )
    serving_summary = input_summary(streamed.table, options.sample)
    return _judged(
        baseline, streamed, serving_summary, schema, options, trend_gates, progress=progress, timings=timings
    )


def _judged(
    baseline: Baseline,
    streamed: Streamed,
    serving_summary: InputSummary,
    schema: Schema,
    options: Options,
    trend_gates: TrendGates,
    *,
    progress: Progress,
    timings: dict[str, float],
) -> Report:
    """Serving, summarised (read in batches, or a saved serving profile), compared with training."""
    check_features_found(schema, baseline.missing, streamed.table, baseline.summary.spec)
    with timed(timings, "compare"):
        features = trend_gates(compare(schema, baseline.profiles, streamed, options, progress=progress))
    findings = [*baseline.findings, *streamed.findings]
    return assemble(schema, options, timings, findings, features, train=baseline.summary, serving=serving_summary)


def serving_source(serving: str, options: Options) -> Source:
    """The serving data to read, or a saved serving profile of it (read by `audit` as one)."""
    if profile_file.is_saved_profile(serving):
        where = serving if remote.is_url(serving) else Path(serving)
        return Source(serving, InputFormat.PARQUET, (where,), storage_options=options.storage_options)
    return options.source(serving, Dataset.SERVING)


def data_spec(serving: str, options: Options = DEFAULT_OPTIONS) -> str:
    """The serving data's name: a saved serving profile's is the data's it was made from, so that a history
    labels and dates its partition as a check of the data itself would (`dt=2026-12-07`, not `day.skprofile`)."""
    if not profile_file.is_saved_profile(serving):
        return serving
    return profile_file.read(serving, options.storage_options).source.spec


def _no_trends(features: list[FeatureResult]) -> list[FeatureResult]:
    return features
