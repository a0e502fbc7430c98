"""The history as one self-contained page: a summary table, then each feature's metric over partitions.

The page shell (policy, stylesheet, escaping) is the report's (`page`); the charts are `history_charts`'.
"""

from __future__ import annotations

import datetime as dt

from skewcheck.history.series import Overview, Series, finite
from skewcheck.reporters import history_charts, history_text, page
from skewcheck.reporters.numbers import number
from skewcheck.reporters.page import escape

# What the history page has that the report's stylesheet does not: plain cards, sparklines, other gates' failures.
_STYLES = """
h3 { overflow-wrap: anywhere; }
.dim { font-weight: normal; }
td:first-child { overflow-wrap: anywhere; }
td.spark { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
.card { border-left: 1px solid var(--line); }
.failed-on { margin: 0 0 4px; padding-left: 18px; color: var(--fail); font-size: 13px; }
td .other { color: var(--fail); font-size: 12px; }
""".strip()
_SUMMARY_COLUMNS = [
    "feature",
    "metric",
    "latest",
    "min",
    "max",
    "per partition",
    "warn / fail",
    "fail",
    "warn",
    "slope",
]


def html(view: Overview) -> str:
    """One self-contained page: a summary table, then each feature's metric over partitions with its thresholds."""
    found = view.checked
    anchors = {one.feature: f"feature-{i}" for i, one in enumerate(found, 1)}
    dates = sorted(day for one in view.features for row in one.rows if isinstance(day := row["date"], dt.date))
    span = f", {dates[0].isoformat()} to {dates[-1].isoformat()}" if dates else ""
    partitions = view.partitions
    count = f"{len(found)} drift-checked feature{'s' * (len(found) != 1)}"
    summary = f"{count}, {partitions} partition{'s' * (partitions != 1)}{span}"
    cards = "\n".join(_card(one, anchors[one.feature]) for one in found)
    if cards:
        cards = f'<section>\n<h2>Gate metric per partition</h2>\n<div class="cards">\n{cards}\n</div>\n</section>\n'
    unchecked = view.unchecked
    skipped = f'<p class="dim">{escape(history_text.unchecked_line(unchecked))}</p>\n' if unchecked else ""
    header = f'<header>\n<h1>skewcheck history</h1>\n<p class="summary">{escape(summary)}</p>\n</header>\n'
    main = f"{header}{_summary_table(found, anchors, bool(view.features))}\n{skipped}{cards}"
    return page.document(f"skewcheck history: {summary}", main, styles=[_STYLES, history_charts.stylesheet()])


def _summary_table(found: list[Series], anchors: dict[str, str], audited: bool = True) -> str:
    if not found:
        return "" if audited else '<p class="dim">The history holds no audits.</p>'
    heads = "".join(f"<th>{escape(column)}</th>" for column in _SUMMARY_COLUMNS)
    rows = []
    for one in found:
        numbers = (one.latest, min(one.present, default=None), max(one.present, default=None))
        cells = [
            f'<td><a href="#{anchors[one.feature]}">{escape(one.feature)}</a></td>',
            f"<td>{escape(one.metric)}</td>",
            *(f'<td class="num">{escape(number(v))}</td>' for v in numbers),
            f'<td class="spark">{escape(history_text.series_sparkline(one, history_text.SPARKLINE_POINTS))}</td>',
            f'<td class="num">{escape(history_text.thresholds(one))}</td>',
            f'<td class="num">{_failed(one)}</td>',
            f'<td class="num">{one.count("warn")}</td>',
            f'<td class="num">{escape(history_text.signed(one.slope))}</td>',
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    body = "\n".join(rows)
    return (
        f"<section>\n<h2>Features, worst first (failed, warned, trend)</h2>\n<table>\n<thead><tr>{heads}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>\n</section>"
    )


def _failed(one: Series) -> str:
    """The failed partitions, and how many failed on a gate other than drift: "3 (2 on null rate)"."""
    failed, others = history_text.failed(one)
    return f'{failed} <span class="other">({escape(others)})</span>' if others else failed


def _failed_on(one: Series, shown: int = 3) -> str:
    """One line per gate other than drift that failed partitions: how many, the first few, their rates."""
    lines = []
    failures = history_text.other_failures(one)
    for gate in dict.fromkeys(gate for _, gate, _ in failures):
        where = [f"{where} ({rates})" if rates else where for where, name, rates in failures if name == gate]
        more = f", and {len(where) - shown} more" if len(where) > shown else ""
        count = f"{len(where)} partition{'s' * (len(where) != 1)}"
        lines.append(f"<li>failed on {escape(gate)} in {count}: {escape(', '.join(where[:shown]))}{more}</li>")
    return f'<ul class="failed-on">{"".join(lines)}</ul>\n' if lines else ""


def _card(one: Series, anchor: str) -> str:
    labels = [str(row["partition"]) for row in one.rows]
    warn, fail = [finite(row["warn"]) for row in one.rows], [finite(row["fail"]) for row in one.rows]
    fails, warns = one.count("fail", "error"), one.count("warn")
    counts = f"{fails} failing and {warns} warning partition{'s' * (warns != 1)} of {len(one.rows)}."
    heading = f'<h3>{escape(one.feature)} <span class="dim">{escape(one.metric)}</span></h3>\n{_failed_on(one)}'
    if not one.present:
        note = f"No value to draw: the drift gate could not compare in any partition. {counts}"
        return f'<article class="card" id="{anchor}">\n{heading}<p class="dim">{escape(note)}</p>\n</article>'
    title = f"{one.feature}: {one.metric} per partition"
    svg = history_charts.line_svg(title, one.metric or "gate metric", labels, one.values, warn, fail)
    caption = f"{one.metric} per partition, oldest first; dashed: the warn and fail thresholds. {counts}"
    top = history_charts.scale_top(one.values, fail)
    if top is not None:
        above = [v for v in one.present if v > top]
        many = len(above) != 1
        drawn = f"{'are' if many else 'is'} drawn on the top edge in red"
        caption += (
            f" The scale stops at {number(top)}; {len(above)} partition{'s' * many} above it"
            f" (up to {number(max(above))}) {drawn}."
        )
    return (
        f'<article class="card" id="{anchor}">\n{heading}'
        f'<figure class="chart">{svg}<figcaption>{escape(caption)}</figcaption></figure>\n</article>'
    )
