"""The history's series per feature: ranked worst trend first, gaps kept in place, the trend gates' partitions."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from skewcheck.audit import history_rows
from skewcheck.history.series import feature_series, overview
from skewcheck.history.trend import evaluate
from skewcheck.schema.model import TrendSettings
from tests.history_data import day, frame, label, make_report

SLIDE = [round(0.02 + 0.01 * i, 4) for i in range(30)]
BREAK = [0.03] * 14 + [None, 0.9] + [0.03] * 14


def test_series_worst_trend_first() -> None:
    found = overview(frame({"flat": [0.03] * 30, "slide": SLIDE, "break": BREAK})).features
    assert [one.feature for one in found] == ["slide", "break", "flat"]
    slide = found[0]
    assert slide.slope == pytest.approx(0.01)
    assert (slide.latest, min(slide.present), max(slide.present)) == (0.31, 0.02, 0.31)
    assert slide.count("fail", "error") == 6  # days 24..29 are above 0.25
    assert slide.count("warn") == 15  # days 9..23 are above 0.1
    assert found[1].count("fail", "error") == 2  # the day it could not compare, and the day it broke
    assert found[2].slope == pytest.approx(0.0)


def _audit(index: int, value: float | None, *, baseline_id: str, metric: str = "psi") -> pl.DataFrame:
    """Day `index`'s audit of feature x against `baseline_id`, its drift gate on `metric` (a schema choice)."""
    moment = dt.datetime.combine(day(index + 1), dt.time(6), dt.UTC)
    report = make_report({"x": value}, created_at=moment.isoformat(), schema_sha256=metric[0] * 64, metric=metric)
    run_id = f"run-{index}-{baseline_id}-{metric}"
    return history_rows.rows_from_report(report, partition=label(index), baseline_id=baseline_id, run_id=run_id)


# Days 0-5 against the old baseline; from day 3 on, against a new one (days 3-5 audited again), day 6 not comparable.
NEW_BASELINE = pl.concat(
    [_audit(i, 0.3 - 0.02 * i, baseline_id="old") for i in range(6)]
    + [_audit(i, 0.01 * i, baseline_id="new") for i in range(3, 9) if i != 6]
    + [_audit(6, None, baseline_id="new")]
)
# One baseline; from day 4 on a new schema judges x by jensen_shannon instead of psi.
NEW_METRIC = pl.concat(
    [_audit(i, 0.2, baseline_id="b") for i in range(4)]
    + [_audit(i, 0.01 * i, baseline_id="b", metric="jensen_shannon") for i in range(4, 8)]
)


@pytest.mark.parametrize(
    ("history", "partitions", "metric"),
    [(NEW_BASELINE, range(3, 9), "psi"), (NEW_METRIC, range(4, 8), "jensen_shannon")],
    ids=["baseline change", "metric change"],
)
def test_the_view_shows_the_series_the_trend_gate_judges(history: pl.DataFrame, partitions: range, metric: str) -> None:
    (shown,) = overview(history).features
    judged = evaluate(history, "x", TrendSettings(rolling=100)).values  # a window wider than the history: all of it
    assert shown.present == judged
    assert shown.metric == metric
    # The view keeps the gaps in their place (day 6 could not compare against the new baseline).
    assert [row["partition"] for row in shown.rows] == [label(i) for i in partitions]
    assert shown == feature_series(history, "x")
