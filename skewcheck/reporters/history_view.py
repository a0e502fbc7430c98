"""The history (`skewcheck.history.store`) for people and machines: a terminal table, JSON and one HTML page.

Each feature is one series: its gate metric per partition, oldest first, a partition audited more
than once counting with its latest run. Features are listed worst trend first: by the least-squares
slope of the metric per partition, relative to the feature's fail threshold so that metrics of
different scales compare (a feature with fewer than two values comes last). Features no drift gate
ever judged (keys, timestamps, labels) have nothing to chart: the table and the page name them in one
line; the JSON keeps them.

JSON (`to_json`), version 1: {"version": 1, "features": [...]}, each feature with the fields in
FEATURE_FIELDS and its "partitions", each with the fields in PARTITION_FIELDS. Numbers that are not
finite, and values that do not exist, are null; dates are ISO 8601, times UTC.
"""

from __future__ import annotations

import datetime as dt
import html as markup
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from skewcheck.history import store
from skewcheck.reporters import history_charts
from skewcheck.reporters.numbers import number, percent

JSON_VERSION = 1
FEATURE_FIELDS = {
    "feature": "the feature's name",
    "gate_metric": "the metric its drift gate judges, in the newest partition",
    "warn": "the gate's warn threshold, in the newest partition",
    "fail": "the gate's fail threshold, in the newest partition",
    "latest": "the gate metric in the newest partition that has one",
    "min": "the smallest gate metric over the partitions",
    "max": "the largest gate metric over the partitions",
    "slope": "least-squares slope of the gate metric per partition (null with fewer than two values)",
    "fail_partitions": "partitions where the feature's status was fail or error",
    "warn_partitions": "partitions where the feature's status was warn",
    "partitions": "one object per partition, oldest first",
}
PARTITION_FIELDS = {
    "partition": "the partition's label",
    "date": "its date (from the label, else the run's date)",
    "run_id": "the run that audited it last",
    "run_at": "when that run started (UTC, ISO 8601)",
    "baseline_id": "the baseline it was audited against",
    "schema_sha256": "the schema it was audited with",
    "status": "the feature's status: pass, warn, fail, error or skipped",
    "value": "the gate metric (null when skipped or not comparable)",
    "warn": "the gate's warn threshold",
    "fail": "the gate's fail threshold",
}
SPARKLINE_POINTS = 60
"""The sparkline shows at most this many latest partitions."""
WIDE = 120
"""Below this many columns the terminal table leaves out the metric, min, max and thresholds."""
_BLOCKS = "▁▂▃▄▅▆▇█"
_GAP = "·"
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True)
class Series:
    """One feature's gate metric per partition, oldest first."""

    feature: str
    metric: str
    rows: list[dict[str, Any]]

    @property
    def values(self) -> list[float | None]:
        return [_finite(row["gate_value"]) for row in self.rows]

    @property
    def present(self) -> list[float]:
        return [value for value in self.values if value is not None]

    @property
    def latest(self) -> float | None:
        return self.present[-1] if self.present else None

    @property
    def warn(self) -> float | None:
        return _finite(self.rows[-1]["warn"])

    @property
    def fail(self) -> float | None:
        return _finite(self.rows[-1]["fail"])

    def count(self, *statuses: str) -> int:
        return sum(1 for row in self.rows if row["status"] in statuses)

    @property
    def checked(self) -> bool:
        """Whether any partition judged it by a drift gate: keys, timestamps and labels never are."""
        return any(row["gate_metric"] is not None for row in self.rows)

    @property
    def other_failures(self) -> list[tuple[str, str, str]]:
        """(partition, gate, its rates) of each partition that failed on another gate than drift, oldest first."""
        return [(str(row["partition"]), *gate) for row in self.rows if (gate := other_gate(row)) is not None]

    @property
    def slope(self) -> float | None:
        """Least-squares slope of the metric against the partition's position (gaps keep their place)."""
        points = [(float(x), y) for x, y in enumerate(self.values) if y is not None]
        if len(points) < 2:
            return None
        mean_x = sum(x for x, _ in points) / len(points)
        mean_y = sum(y for _, y in points) / len(points)
        spread = sum((x - mean_x) ** 2 for x, _ in points)
        return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread

    @property
    def rank(self) -> tuple[bool, float, str]:
        """Sort key, worst trend first: the slope as a share of the fail threshold."""
        slope = self.slope
        if slope is None:
            return (True, 0.0, self.feature)
        scale = self.fail if self.fail is not None and self.fail > 0 else 1.0
        return (False, -slope / scale, self.feature)


def series(history: pl.DataFrame) -> list[Series]:
    """One series per feature, worst trend first."""
    latest = store.latest(history)
    found = []
    for (feature,), rows in latest.group_by("feature", maintain_order=True):
        records = rows.with_columns(store.effective_date()).to_dicts()
        metrics = [row["gate_metric"] for row in records if row["gate_metric"] is not None]
        found.append(Series(str(feature), metrics[-1] if metrics else "", records))
    return sorted(found, key=lambda s: s.rank)


def checked(found: list[Series]) -> tuple[list[Series], list[str]]:
    """The drift-checked series, and the names of the features never drift-checked (nothing to chart)."""
    return [one for one in found if one.checked], [one.feature for one in found if not one.checked]


def other_gate(row: dict[str, Any]) -> tuple[str, str] | None:
    """The gate a failed partition failed on when it was not drift, and its rates: ("null rate", "0.5% → 12.5%").

    The history keeps the null and unseen rates, not those gates' thresholds: the rate that rose more is
    named (both gates fail at 5% by default). None when the drift gate failed, or could not compare.
    """
    if row["status"] not in ("fail", "error"):
        return None
    value, fail, noise = _finite(row["gate_value"]), _finite(row["fail"]), _finite(row.get("noise"))
    if value is None or (fail is not None and value > fail and (noise is None or value > noise)):
        return None
    train, serving = _finite(row.get("null_rate_train")), _finite(row.get("null_rate_serving"))
    unseen = _finite(row.get("unseen_rate"))
    rise = serving - train if serving is not None and train is not None else None
    if rise is not None and rise > 0 and (unseen is None or rise >= unseen):
        return "null rate", f"{percent(train)} → {percent(serving)}"
    if unseen is not None and unseen > 0:
        return "unseen values", percent(unseen)
    return "another gate", ""


def sparkline(values: Sequence[float | None], top: float | None = None) -> str:
    """Blocks from 0 to `top` (default: the largest value), a dot where a partition has no value."""
    top = top or max((v for v in values if v is not None), default=0.0) or 1.0
    return "".join(
        _GAP if v is None else _BLOCKS[max(0, min(int(v / top * len(_BLOCKS)), len(_BLOCKS) - 1))] for v in values
    )


def _sparkline(one: Series, points: int) -> str:
    """The latest partitions on a scale up to the largest value or the fail threshold, whichever is higher;
    where one value towers over the rest, up to the charts' scale (`history_charts.scale_top`) instead."""
    shown = one.values[-points:]
    top = history_charts.scale_top(one.values, [one.fail]) or max([*one.present, one.fail or 0.0]) or None
    return ("…" if len(one.values) > len(shown) else "") + sparkline(shown, top)


def table(history: pl.DataFrame, width: int = 120) -> str:
    """The terminal view as plain text, as a file or a CI log shows it."""
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False, soft_wrap=False)
    console.print(renderable(history))
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def renderable(history: pl.DataFrame) -> RenderableType:
    """One row per feature, worst trend first; fewer columns on a narrow terminal."""
    return _View(series(history), history.get_column("partition").n_unique())


class _View:
    def __init__(self, found: list[Series], partitions: int) -> None:
        self.found, self.partitions = found, partitions

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.found:
            yield "the history holds no audits"
            return
        found, unchecked = checked(self.found)
        if found:
            yield self._table(found, options)
        if unchecked:
            yield Text(_unchecked_line(unchecked), style="dim")

    def _table(self, found: list[Series], options: ConsoleOptions) -> Table:
        compact = options.max_width < WIDE
        title = f"Drift over {self.partitions} partition{'s' * (self.partitions != 1)}, worst trend first"
        result = Table(title=title, title_justify="left", expand=False)
        result.add_column("feature", overflow="fold", min_width=8)
        columns: tuple[str, ...] = ("latest", "per partition", "failed", "warned", "slope")
        if not compact:
            columns = ("metric", "latest", "min", "max", "per partition", "warn / fail", "failed", "warned", "slope")
        for column in columns:
            result.add_column(
                column, no_wrap=True, justify="left" if column in ("metric", "per partition") else "right"
            )
        points = SPARKLINE_POINTS if not compact else max(8, min(SPARKLINE_POINTS, options.max_width - 60))
        for one in found:
            cells = {
                "metric": one.metric,
                "latest": number(one.latest),
                "min": number(min(one.present, default=None)),
                "max": number(max(one.present, default=None)),
                "per partition": _sparkline(one, points),
                "warn / fail": _thresholds(one),
                "failed": _failed(one),
                "warned": str(one.count("warn")),
                "slope": _signed(one.slope),
            }
            result.add_row(one.feature, *(cells[column] for column in columns))
        return result


def to_json(history: pl.DataFrame) -> str:
    """The history per feature, worst trend first (fields in FEATURE_FIELDS and PARTITION_FIELDS)."""
    features = [
        {
            "feature": one.feature,
            "gate_metric": one.metric or None,
            "warn": _finite(one.warn),
            "fail": _finite(one.fail),
            "latest": one.latest,
            "min": min(one.present, default=None),
            "max": max(one.present, default=None),
            "slope": one.slope,
            "fail_partitions": one.count("fail", "error"),
            "warn_partitions": one.count("warn"),
            "partitions": [_partition_record(row) for row in one.rows],
        }
        for one in series(history)
    ]
    return json.dumps({"version": JSON_VERSION, "features": features}, indent=2, ensure_ascii=False) + "\n"


def _partition_record(row: dict[str, Any]) -> dict[str, Any]:
    date, run_at = row["date"], row["run_at"]
    return {
        "partition": row["partition"],
        "date": date.isoformat() if isinstance(date, dt.date) else None,
        "run_id": row["run_id"],
        "run_at": run_at.astimezone(dt.UTC).isoformat() if isinstance(run_at, dt.datetime) else None,
        "baseline_id": row["baseline_id"],
        "schema_sha256": row["schema_sha256"],
        "status": row["status"],
        "value": _finite(row["gate_value"]),
        "warn": _finite(row["warn"]),
        "fail": _finite(row["fail"]),
    }


def html(history: pl.DataFrame) -> str:
    """One self-contained page: a summary table, then each feature's metric over partitions with its thresholds."""
    everything = series(history)
    found, unchecked = checked(everything)
    anchors = {one.feature: f"feature-{i}" for i, one in enumerate(found, 1)}
    dates = sorted(day for one in everything for row in one.rows if isinstance(day := row["date"], dt.date))
    span = f", {dates[0].isoformat()} to {dates[-1].isoformat()}" if dates else ""
    partitions = history.get_column("partition").n_unique()
    count = f"{len(found)} drift-checked feature{'s' * (len(found) != 1)}"
    summary = f"{count}, {partitions} partition{'s' * (partitions != 1)}{span}"
    cards = "\n".join(_card(one, anchors[one.feature]) for one in found)
    if cards:
        cards = f'<section>\n<h2>Gate metric per partition</h2>\n<div class="cards">\n{cards}\n</div>\n</section>\n'
    skipped = f'<p class="dim">{_e(_unchecked_line(unchecked))}</p>\n' if unchecked else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>skewcheck history: {_e(summary)}</title>\n"
        f"<style>\n{_PAGE_CSS}\n{history_charts.stylesheet()}\n</style>\n</head>\n<body>\n<main>\n"
        f'<header>\n<h1>skewcheck history</h1>\n<p class="summary">{_e(summary)}</p>\n</header>\n'
        f"{_summary_table(found, anchors, bool(everything))}\n{skipped}{cards}"
        "</main>\n</body>\n</html>\n"
    )


_UNCHECKED_SHOWN = 12


def _unchecked_line(names: list[str]) -> str:
    shown = ", ".join(names[:_UNCHECKED_SHOWN])
    more = f", … ({len(names) - _UNCHECKED_SHOWN} more)" if len(names) > _UNCHECKED_SHOWN else ""
    return f"Never drift-checked, so not charted: {shown}{more}"


def _summary_table(found: list[Series], anchors: dict[str, str], audited: bool = True) -> str:
    if not found:
        return "" if audited else '<p class="dim">The history holds no audits.</p>'
    header = ["feature", "metric", "latest", "min", "max", "per partition", "warn / fail", "fail", "warn", "slope"]
    heads = "".join(f"<th>{_e(column)}</th>" for column in header)
    rows = []
    for one in found:
        cells = [
            f'<td><a href="#{anchors[one.feature]}">{_e(one.feature)}</a></td>',
            f"<td>{_e(one.metric)}</td>",
            *(f'<td class="num">{_e(number(v))}</td>' for v in _range(one)),
            f'<td class="spark">{_e(_sparkline(one, SPARKLINE_POINTS))}</td>',
            f'<td class="num">{_e(_thresholds(one))}</td>',
            f'<td class="num">{_failed(one, html=True)}</td>',
            f'<td class="num">{one.count("warn")}</td>',
            f'<td class="num">{_e(_signed(one.slope))}</td>',
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    body = "\n".join(rows)
    return (
        f"<section>\n<h2>Features, worst trend first</h2>\n<table>\n<thead><tr>{heads}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>\n</section>"
    )


def _failed(one: Series, *, html: bool = False) -> str:
    """The failed partitions, and how many failed on a gate other than drift: "3 (2 on null rate)"."""
    failed = str(one.count("fail", "error"))
    gates = [gate for _, gate, _ in one.other_failures]
    others = ", ".join(f"{gates.count(gate)} on {gate}" for gate in dict.fromkeys(gates))
    if not others:
        return failed
    return f'{failed} <span class="other">({_e(others)})</span>' if html else f"{failed} ({others})"


def _failed_on(one: Series, shown: int = 3) -> str:
    """One line per gate other than drift that failed partitions: how many, the first few, their rates."""
    lines = []
    failures = one.other_failures
    for gate in dict.fromkeys(gate for _, gate, _ in failures):
        where = [f"{where} ({rates})" if rates else where for where, name, rates in failures if name == gate]
        more = f", and {len(where) - shown} more" if len(where) > shown else ""
        count = f"{len(where)} partition{'s' * (len(where) != 1)}"
        lines.append(f"<li>failed on {_e(gate)} in {count}: {_e(', '.join(where[:shown]))}{more}</li>")
    return f'<ul class="failed-on">{"".join(lines)}</ul>\n' if lines else ""


def _card(one: Series, anchor: str) -> str:
    labels = [str(row["partition"]) for row in one.rows]
    warn, fail = [_finite(row["warn"]) for row in one.rows], [_finite(row["fail"]) for row in one.rows]
    fails, warns = one.count("fail", "error"), one.count("warn")
    counts = f"{fails} failing and {warns} warning partition{'s' * (warns != 1)} of {len(one.rows)}."
    heading = f'<h3>{_e(one.feature)} <span class="dim">{_e(one.metric)}</span></h3>\n{_failed_on(one)}'
    if not one.present:
        note = f"No value to draw: the drift gate could not compare in any partition. {counts}"
        return f'<article class="card" id="{anchor}">\n{heading}<p class="dim">{_e(note)}</p>\n</article>'
    svg = history_charts.line_svg(
        f"{one.feature}: {one.metric} per partition", one.metric or "gate metric", labels, one.values, warn, fail
    )
    caption = f"{one.metric} per partition, oldest first; dashed: the warn and fail thresholds. {counts}"
    top = history_charts.scale_top(one.values, fail)
    if top is not None:
        above = [v for v in one.present if v > top]
        many = len(above) != 1
        caption += (f" The scale stops at {number(top)}; {len(above)} partition{'s' * many} above it (up to "
                    f"{number(max(above))}) {'are' if many else 'is'} drawn on the top edge in red.")  # fmt: skip
    return (
        f'<article class="card" id="{anchor}">\n{heading}'
        f'<figure class="chart">{svg}<figcaption>{_e(caption)}</figcaption></figure>\n</article>'
    )


def _range(one: Series) -> tuple[float | None, float | None, float | None]:
    return one.latest, min(one.present, default=None), max(one.present, default=None)


def _thresholds(one: Series) -> str:
    return "" if one.warn is None or one.fail is None else f"{one.warn:g} / {one.fail:g}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.3g}"


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _e(text: object) -> str:
    return markup.escape(str(text), quote=True)


_PAGE_CSS = """
:root { --line: #e4e7ec; --dim: #667085; --ink: #101828; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  background: #f9fafb; }
main { max-width: 1240px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 0 0 6px; overflow-wrap: anywhere; }
header .summary { font-size: 16px; margin: 4px 0; }
.dim { color: var(--dim); font-weight: normal; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
td:first-child { overflow-wrap: anywhere; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.spark { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
a { color: #175cd3; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px;
  align-items: start; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.failed-on { margin: 0 0 4px; padding-left: 18px; color: #b42318; font-size: 13px; }
td .other { color: #b42318; font-size: 12px; }
figure.chart { margin: 8px 0 0; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--dim); font-size: 12px; }
@media (max-width: 640px) { .cards { grid-template-columns: 1fr; } main { padding: 12px; } }
""".strip()
