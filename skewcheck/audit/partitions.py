"""Audit each partition of the serving data against one baseline, keep a history, judge trends.

This is the scheduled use: a cron job runs `check BASELINE 'exports/' --each date --history DIR` every
day. The baseline is read once; each partition (a day's folder, or a file) gets its own Report; with a
history each partition's metrics are stored (replacing an earlier audit of the same partition against
the same baseline and schema), partitions already there can be skipped, and features with `trend:`
settings get a trend gate judged on the stored series up to their partition.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from skewcheck.audit import history_rows
from skewcheck.audit import run as runner
from skewcheck.audit.baseline import load_baseline
from skewcheck.audit.options import HistoryOptions, Options
from skewcheck.audit.partition_run import ALREADY_STORED, PartitionResult, PartitionRun
from skewcheck.audit.report import Report
from skewcheck.audit.schema_at import schema_at
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.errors import SkewcheckError, UsageError
from skewcheck.history import kept, store, trend
from skewcheck.io.outputs_guard import output_mode
from skewcheck.io.remote import NO_OPTIONS, StorageOptions
from skewcheck.io.sources import partitions_of
from skewcheck.progress import SILENT, Progress
from skewcheck.schema.model import Schema
from skewcheck.stats import metrics


def run_each(
    train: str,
    serving: str,
    schema: str | Path | Schema,
    each: str | None,
    options: Options | None = None,
    *,
    keep: HistoryOptions | None = None,
    latest: bool = False,
    progress: Progress = SILENT,
) -> PartitionRun:
    """Audit every partition of SERVING (one per file, or per value of the hive key `each`), oldest first.

    `latest`: the run's exit code is the newest partition's, not the worst's.
    Without `each`, SERVING is one partition, labelled by its name (a date in it dates the partition).
    """
    if latest and each is None:
        raise UsageError("{latest} picks the newest of the partitions {each} makes", latest=True, each=None)
    options = options or Options()
    if keep is not None:
        kept.check_folder(keep.directory)  # before anything is read or written
    metrics.preload()
    schema_files = [] if isinstance(schema, Schema) else [str(schema)]
    schema = schema_at(schema, options.storage_options)
    source = runner.serving_source(serving, options)
    label = partition_label(runner.data_spec(serving, options))
    parts = partitions_of(source, each) if each is not None else [(label, source)]
    baseline = load_baseline(train, schema, options, progress=progress)
    storage = options.storage_options
    # The history is never more readable than the data it describes.
    mode = output_mode([train, *schema_files, serving, *map(str, source.files)])
    run_id = store.new_run_id()
    log = None if keep is None else _History(keep.directory, schema, baseline.identity, run_id, storage, mode)
    cutoff = _retain_cutoff(keep)
    results = []
    for label, part in parts:
        skipped = _skip_reason(keep, label, baseline.identity, schema.sha256, cutoff, storage)
        if skipped:
            results.append(PartitionResult(label, None, skipped=skipped))
            continue
        gates = None if log is None else log.trend_gates(label)
        try:
            report = runner.audit(baseline, part, schema, options, progress=progress, trend_gates=gates)
        except SkewcheckError as error:
            if each is None:
                raise  # one partition: its error is the run's
            # One bad day must not stop the days after it; it is not stored, so the next run retries it.
            results.append(PartitionResult(label, None, error=str(error)))
            continue
        if log is not None:
            log.record(report, label)
        results.append(PartitionResult(label, report))
    if keep is not None and cutoff is not None:
        kept.prune(keep.directory, cutoff, storage)
    return PartitionRun(tuple(results), latest, () if log is None else tuple(log.notes))


def partition_label(spec: str) -> str:
    """A partition's name without --each: its last key=value folder (as --each names it), else its path."""
    folders = [part for part in Path(spec).parts if "=" in part and not part.startswith("=")]
    return folders[-1] if folders else spec


def _retain_cutoff(keep: HistoryOptions | None) -> dt.date | None:
    if keep is None or keep.retain_days is None:
        return None
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=keep.retain_days)


def _skip_reason(
    keep: HistoryOptions | None,
    label: str,
    baseline_id: str,
    schema_sha256: str,
    cutoff: dt.date | None,
    storage: StorageOptions,
) -> str:
    if keep is None:
        return ""
    day = store.partition_date(label)
    if cutoff is not None and day is not None and day < cutoff:
        # Audited now, pruned at once, audited again tomorrow: a partition --retain drops is not audited.
        return f"older than --retain keeps ({day} < {cutoff})"
    if keep.skip_done and kept.is_done(keep.directory, label, baseline_id, schema_sha256, storage):
        return ALREADY_STORED
    return ""


class _History:
    """Where a run keeps its partitions: trend gates judged on it before each Report is made, then the Report stored.

    The stored rows are read once, before any partition is audited (a history that cannot be read stops the run
    there, not once per partition), and each audit is added to them for the next partition. A schema without
    trend gates never reads the history.
    """

    def __init__(
        self,
        directory: str | Path,
        schema: Schema,
        baseline_id: str,
        run_id: str,
        storage: StorageOptions = NO_OPTIONS,
        mode: int | None = None,
    ) -> None:
        self.directory, self.baseline_id, self.run_id, self.storage = directory, baseline_id, run_id, storage
        self.mode = mode
        self.settings = {feature.name: feature.trend for feature in schema.features if feature.trend is not None}
        self.stored = kept.read(directory, options=storage) if self.settings else None
        self.notes: list[str] = []

    def trend_gates(self, partition: str) -> runner.TrendGates | None:
        """What adds trend gates to this partition's features: judged on the series up to it, this audit included."""
        if not self.settings:
            return None

        def judged(features: list[FeatureResult]) -> list[FeatureResult]:
            ids = {"partition": partition, "baseline_id": self.baseline_id, "run_id": self.run_id}
            pending = history_rows.pending_rows(features, **ids)
            assert self.stored is not None, "read in __init__ whenever there are trend settings"
            stored = self.stored
            # store.latest picks this audit over an earlier one of the partition
            series = _up_to(pl.concat([stored, pending], how="vertical_relaxed"), partition)
            return [self._judged(feature, series) for feature in features]

        return judged

    def _judged(self, feature: FeatureResult, series: pl.DataFrame) -> FeatureResult:
        setting = self.settings.get(feature.name)
        if setting is None or feature.status in (Status.SKIPPED, Status.ERROR):
            return feature
        verdict = trend.evaluate(series, feature.name, setting, baseline_id=self.baseline_id)
        gate = feature.drift_gate
        if verdict.status is Status.PASS or gate is None:
            return feature
        latest = verdict.values[-1] if verdict.values else gate.value
        return feature.with_gate(
            Gate(f"trend of {gate.metric}", latest, gate.warn, gate.fail, verdict.status, verdict.reason)
        )

    def record(self, report: Report, partition: str) -> None:
        """Store one partition's audit, its final verdicts (trend gates included) with it."""
        rows = history_rows.rows_from_report(
            report, partition=partition, baseline_id=self.baseline_id, run_id=self.run_id
        )
        note = kept.write(self.directory, rows, self.storage, self.mode)
        if note:
            self.notes.append(note)
        if self.stored is not None:
            self.stored = pl.concat([self.stored, rows], how="vertical_relaxed")


def _up_to(rows: pl.DataFrame, partition: str) -> pl.DataFrame:
    """The partitions up to and including this one: a catch-up run judges each day on what came before it."""
    day = store.partition_date(partition)
    date = store.effective_date()
    if day is None:
        return rows.filter(pl.col("partition") <= partition)
    return rows.filter((date < day) | ((date == day) & (pl.col("partition") <= partition)))
