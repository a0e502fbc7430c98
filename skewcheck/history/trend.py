"""Trend gates: judge a feature by the path of its drift metric over partitions, not by one day.

Skew in production is often a slow slide that stays under the hard threshold for weeks. Two gates
catch it earlier, computed from the history (`skewcheck.history.store`) of one feature against one baseline:

- rising N: fail when the gate metric rose on N consecutive partitions, i.e. it is strictly increasing
  over the last N+1 partitions. On a metric that only wanders by chance, N+1 values come out strictly
  increasing with probability 1/(N+1)! (1 in 720 for N = 5), so N sets the false-alarm rate.
- rolling K: warn (fail) when the median of the gate metric over the last K partitions is strictly
  above the feature's warn (fail) threshold: one bad day does not fail, however bad (the absolute gate
  fails that day), a bad week does.

Both count only above the noise level of the partitions they span (the median of their noise levels), as a day's
own gate counts only above its own: on days of 900 rows a hundred categories read a Jensen-Shannon distance of
about 0.16 every day on chance alone, a median above the warn threshold 0.1 that says nothing. Their reasons start
"trend of METRIC: ", as the gate is named.

Partitions are ordered by their date (the run's date when the label has none), then by label. Which
partitions count is `skewcheck.history.series`' rule, the one the history view shows: one baseline, the
latest run per partition, the newest partition's gate metric; a partition with no gate value (the feature
was skipped or could not be compared there) is left out. Thresholds are the newest judged partition's.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field

import polars as pl

from skewcheck.drift.gates import Status, grade, number, worst
from skewcheck.history import series
from skewcheck.schema.model import TrendSettings


@dataclass(frozen=True)
class TrendResult:
    status: Status
    """pass, warn or fail (a StrEnum: compares equal to 'pass', 'warn', 'fail')."""
    reason: str
    """Why it warned or failed; for a pass, why a gate could not judge yet (or empty)."""
    values: list[float] = field(default_factory=list)
    """The gate metric over the partitions the gates looked at, oldest first."""


def evaluate(
    history: pl.DataFrame, feature: str, settings: TrendSettings, *, baseline_id: str | None = None
) -> TrendResult:
    """The trend verdict for `feature` against `baseline_id` (default: the baseline of the feature's latest run).

    Write the current partition to the history first: the gates judge the partitions that are there.
    """
    judged_series = series.feature_series(history, feature, baseline_id)
    if judged_series is None or not judged_series.present:
        return TrendResult(Status.PASS, f"no history for {feature}")
    size = settings.window
    shown = judged_series.present[-size:] if size else []
    verdicts = [_rising(judged_series, settings.rising), _rolling(judged_series, settings.rolling)]
    judged = [(status, reason) for status, reason in verdicts if reason]
    failing = [reason for status, reason in judged if status is not Status.PASS]
    if failing:
        return TrendResult(worst(status for status, _ in judged), "; ".join(failing), shown)
    return TrendResult(Status.PASS, "; ".join(reason for _, reason in judged), shown)


def _rising(one: series.Series, steps: int | None) -> tuple[Status, str]:
    if steps is None:
        return Status.PASS, ""
    values = one.present[-(steps + 1) :]
    if len(values) < steps + 1:
        return Status.PASS, f"rising {steps} needs {steps + 1} partitions with a value, the history has {len(values)}"
    noise = _noise(one, steps + 1)
    if noise is not None and values[-1] <= noise:
        # A metric rising within sampling noise is noise; on a wide schema some feature always rises.
        return Status.PASS, ""
    if all(later > earlier for earlier, later in itertools.pairwise(values)):
        path = " → ".join(number(v) for v in values)
        partitions = [str(row["partition"]) for row in one.judged]
        first, last = partitions[-(steps + 1)], partitions[-1]
        return Status.FAIL, f"trend of {one.metric}: rose on {steps} consecutive partitions ({first} to {last}): {path}"
    return Status.PASS, ""


def _rolling(one: series.Series, size: int | None) -> tuple[Status, str]:
    if size is None:
        return Status.PASS, ""
    values = one.present[-size:]
    if len(values) < size:
        return Status.PASS, f"rolling {size} needs {size} partitions with a value, the history has {len(values)}"
    # The median, not the mean: one broken day moves a mean for K days, and that is what the absolute
    # gate is for; the median passes a threshold only when most of the last K partitions did.
    middle = statistics.median(values)
    noise = _noise(one, size)
    if noise is not None and middle <= noise:
        # Days of a few hundred rows sit near their noise level every day; their median does too.
        return Status.PASS, ""
    graded = grade(middle, one.warn, one.fail)
    if graded.status is Status.PASS:
        return Status.PASS, ""
    spanned = f"median over the last {size} partitions {number(middle)} {graded.crossed}"
    return graded.status, f"trend of {one.metric}: {spanned}"


def _noise(one: series.Series, size: int) -> float | None:
    """The median noise level of the last `size` partitions with a value: what their metric reaches by chance."""
    levels = [level for row in one.judged[-size:] if (level := series.finite(row.get("noise"))) is not None]
    return statistics.median(levels) if levels else None
