"""Audit each partition of the serving data against one baseline, keep a history, judge trends.

This is the scheduled use: a cron job runs `check BASELINE 'exports/' --each date --history DIR` every
day. The baseline is read once; each partition (a day's folder, or a file) gets its own Report; with a
history each partition's metrics are stored (replacing an earlier audit of the same partition against
the same baseline and schema), partitions already there can be skipped, and features with `trend:`
settings get a trend gate judged on the stored series up to their partition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from skewcheck.audit import history_rows
from skewcheck.audit import run as runner
from skewcheck.audit.baseline import load_baseline
from skewcheck.audit.options import HistoryOptions, Options
from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.errors import SkewcheckError
from skewcheck.history import store as history
from skewcheck.history import trend
from skewcheck.io.sources import partitions_of, resolve_source
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.load import as_schema
from skewcheck.schema.model import Schema
from skewcheck.stats import metrics


@dataclass(frozen=True)
class PartitionResult:
    partition: str
    report: Report | None
    """None when the partition was not audited: see `skipped` or `error`."""
    skipped: str = ""
    """Why it was not audited: already in the history, or older than --retain keeps."""
    error: str = ""
    """Why it could not be audited (an unreadable or empty partition); the others still are."""


def run_each(
    train: str,
    serving: str,
    schema: str | Path | Schema,
    each: str | None,
    options: Options | None = None,
    *,
    keep: HistoryOptions | None = None,
    progress: Progress = SILENT,
) -> list[PartitionResult]:
    """Audit every partition of SERVING (one per file, or per value of the hive key `each`), oldest first.

    Without `each`, SERVING is one partition, labelled by its name (a date in it dates the partition).
    """
    options = options or Options()
    metrics.preload()
    schema = as_schema(schema)
    source = resolve_source(serving, options.serving_format)
    parts = partitions_of(source, each) if each is not None else [(partition_label(serving), source)]
    baseline = load_baseline(train, schema, options, progress=progress)
    run_id = history.new_run_id()
    cutoff = _retain_cutoff(keep)
    stored = None  # the history, read once when the first partition's trend gates need it
    results = []
    for label, part in parts:
        skipped = _skip_reason(keep, label, baseline.identity, schema.sha256, cutoff)
        if skipped:
            results.append(PartitionResult(label, None, skipped=skipped))
            continue
        try:
            report = runner.audit(baseline, part, schema, options, progress=progress)
        except SkewcheckError as error:
            if each is None:
                raise  # one partition: its error is the run's
            # One bad day must not stop the days after it; it is not stored, so the next run retries it.
            results.append(PartitionResult(label, None, error=str(error)))
            continue
        if keep is not None:
            stored = record(keep.directory, report, schema, partition=label, baseline_id=baseline.identity,
                            run_id=run_id, stored=stored)  # fmt: skip
        results.append(PartitionResult(label, report))
    if keep is not None and cutoff is not None:
        history.prune(keep.directory, cutoff)
    return results


def partition_label(spec: str) -> str:
    """A partition's name without --each: its last key=value folder (as --each names it), else its path."""
    folders = [part for part in Path(spec).parts if "=" in part and not part.startswith("=")]
    return folders[-1] if folders else spec


def _retain_cutoff(keep: HistoryOptions | None) -> dt.date | None:
    if keep is None or keep.retain_days is None:
        return None
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=keep.retain_days)


def _skip_reason(
    keep: HistoryOptions | None, label: str, baseline_id: str, schema_sha256: str, cutoff: dt.date | None
) -> str:
    if keep is None:
        return ""
    day = history.partition_date(label)
    if cutoff is not None and day is not None and day < cutoff:
        # Audited now, pruned at once, audited again tomorrow: a partition --retain drops is not audited.
        return f"older than --retain keeps ({day} < {cutoff})"
    if keep.skip_done and history.is_done(keep.directory, label, baseline_id, schema_sha256):
        return "already in the history"
    return ""


def record(
    directory: Path,
    report: Report,
    schema: Schema,
    *,
    partition: str,
    baseline_id: str,
    run_id: str,
    stored: pl.DataFrame | None = None,
) -> pl.DataFrame | None:
    """Judge trend gates on the stored series plus this audit, then store it, final verdicts included.

    `stored` is the history as read once for the whole run (read here when not given); the return value is
    it with this audit added, for the next partition. None when the schema has no trend gates: nothing to read.
    """
    rows = history_rows.rows_from_report(report, partition=partition, baseline_id=baseline_id, run_id=run_id)
    settings = {feature.name: feature.trend for feature in schema.features if feature.trend is not None}
    if settings:
        stored = pl.concat([history.read(directory) if stored is None else stored, rows], how="vertical_relaxed")
        series = _up_to(stored, partition)  # history.latest picks this audit over an earlier one of the partition
        changed = False
        for feature in report.features:
            setting = settings.get(feature.name)
            if setting is None or feature.status in (Status.SKIPPED, Status.ERROR):
                continue
            verdict = trend.evaluate(series, feature.name, setting, baseline_id=baseline_id)
            if verdict.status is not Status.PASS:
                _add_trend_gate(feature, verdict)
                changed = True
        if changed:  # the stored verdicts are the final ones, trend gates included
            final = history_rows.rows_from_report(report, partition=partition, baseline_id=baseline_id, run_id=run_id)
            stored = pl.concat([stored.head(stored.height - rows.height), final], how="vertical_relaxed")
            rows = final
    history.write(directory, rows)
    return stored


def _up_to(rows: pl.DataFrame, partition: str) -> pl.DataFrame:
    """The partitions up to and including this one: a catch-up run judges each day on what came before it."""
    day = history.partition_date(partition)
    date = history.effective_date()
    if day is None:
        return rows.filter(pl.col("partition") <= partition)
    return rows.filter((date < day) | ((date == day) & (pl.col("partition") <= partition)))


def _add_trend_gate(feature: FeatureResult, verdict: trend.TrendResult) -> None:
    gate = feature.drift_gate
    assert gate is not None
    latest = verdict.values[-1] if verdict.values else gate.value
    feature.add_gate(Gate(f"trend of {gate.metric}", latest, gate.warn, gate.fail, verdict.status, verdict.reason))
