"""The report as one self-contained HTML page: summary, findings, a sortable feature table, a plot per feature.

Everything is inline (CSS, the small sorting script, SVG charts), and the page's Content-Security-Policy
forbids loading anything, so an archived report opens the same way offline, years later. Every value
from the data or the command line is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from skewcheck.audit.report import InputSummary, Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Status
from skewcheck.drift.rows import RowSkew
from skewcheck.reporters import charts, row_text
from skewcheck.reporters.numbers import number, percent
from skewcheck.reporters.order import gate_value, ranked
from skewcheck.schema.registry import METRICS
from skewcheck.validation.findings import Check, Finding

_MAX_PATHS = 5
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def render(report: Report) -> str:
    features = ranked(report.features)
    anchors = {id(feature): f"feature-{i}" for i, feature in enumerate(features, 1)}
    body = [
        _header(report),
        _inputs(report),
        _findings(report.findings),
        _features_table(features, anchors),
        _rows_section(report.rows),
        _feature_sections(features, anchors),
        _definitions(),
    ]
    title = f"skewcheck {report.status.upper()}: {_names(report)}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="skewcheck {_e(report.skewcheck_version)}">\n'
        f"<title>{_e(title)}</title>\n<style>\n{_PAGE_CSS}\n{charts.stylesheet()}\n</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(part for part in body if part)
        + f"\n</main>\n<script>\n{_SORT_SCRIPT}\n</script>\n</body>\n</html>\n"
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _names(report: Report) -> str:
    sides = [summary.spec for summary in (report.train, report.serving) if summary is not None]
    return " vs ".join(sides)


def _badge(status: str) -> str:
    return f'<span class="badge {_e(status)}">{_e(status.upper())}</span>'


def _header(report: Report) -> str:
    status, _, rest = report.summary_line().partition(": ")
    return (
        f'<header>\n<h1>{_badge(status.lower())} skewcheck report</h1>\n<p class="summary">{_e(rest)}</p>\n'
        f'<p class="exit">exit code {int(report.exit_code)}: {_e(report.exit_code.meaning)}</p>\n</header>'
    )


def _inputs(report: Report) -> str:
    rows = [(name, _input(summary)) for name, summary in (("training", report.train), ("serving", report.serving))
            if summary is not None]  # fmt: skip
    rows.append(("schema", f"{_e(report.schema_path)} <code>sha256 {_e(report.schema_sha256[:12])}</code>"))
    elapsed = f" in {sum(report.timings.values()):.2f} s" if report.timings else ""
    rows.append(("run", f"skewcheck {_e(report.skewcheck_version or 'unknown')}, {_e(report.created_at)}{elapsed}"))
    items = "\n".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<section class="inputs">\n<dl>\n{items}\n</dl>\n</section>'


def _input(summary: InputSummary) -> str:
    sampled = f", sampled {summary.sampled_rows:,}" if summary.sampled_rows is not None else ""
    text = f'{_e(summary.spec)} <span class="dim">({_e(summary.format)}, {summary.rows:,} rows{sampled})</span>'
    if summary.paths and tuple(summary.paths) != (summary.spec,):
        shown = ", ".join(_e(path) for path in summary.paths[:_MAX_PATHS])
        more = f", … ({len(summary.paths) - _MAX_PATHS} more)" if len(summary.paths) > _MAX_PATHS else ""
        text += f'<br><span class="dim">{shown}{more}</span>'
    return text


def _findings(findings: Sequence[Finding]) -> str:
    shown = sorted((f for f in findings if f.check is not Check.UNEXPECTED_COLUMN),
                   key=lambda f: f.severity.order)  # fmt: skip
    unexpected = _unexpected_columns(findings)
    if not shown and not unexpected:
        return ""
    header = ["severity", "dataset", "feature", "check", "count", "rate", "examples", "message"]
    rows = [
        [
            _sorted_cell(_badge(str(f.severity)), f.severity.order),
            f"<td>{_e(f.dataset)}</td>",
            f"<td>{_e(f.feature)}</td>",
            f"<td>{_e(f.check)}</td>",
            _number_cell("" if f.count is None else f"{f.count:,}", f.count),
            _number_cell(percent(f.rate), f.rate),
            f"<td>{', '.join(f'<code>{_e(example)}</code>' for example in f.examples)}</td>",
            f'<td class="text">{_e(f.message)}</td>',
        ]
        for f in shown
    ]
    table = _table(header, rows, numeric={"severity", "count", "rate"}) if rows else ""
    return f"<section>\n<h2>Schema findings</h2>\n{table}\n{unexpected}\n</section>"


def _unexpected_columns(findings: Iterable[Finding]) -> str:
    lines = []
    for dataset in ("train", "serving"):
        columns = [f.feature for f in findings if f.check is Check.UNEXPECTED_COLUMN and f.dataset == dataset]
        if columns:
            names = ", ".join(f"<code>{_e(column)}</code>" for column in columns)
            lines.append(f'<p class="dim">{dataset} has columns the schema does not mention: {names}</p>')
    return "\n".join(lines)


def _features_table(features: Sequence[FeatureResult], anchors: dict[int, str]) -> str:
    if not features:
        return ""
    header = [
        "feature",
        "type",
        "status",
        "gate metric",
        "value",
        "warn / fail",
        "noise",
        "nulls train → serving",
        "reason",
    ]
    rows = []
    for feature in features:
        gate = feature.drift_gate
        value = gate_value(feature)
        rows.append(
            [
                f'<td><a href="#{anchors[id(feature)]}">{_e(feature.name)}</a></td>',
                f"<td>{_e(feature.type)}</td>",
                _sorted_cell(_badge(str(feature.status)), feature.status.order),
                f"<td>{_e(gate.metric) if gate else ''}</td>",
                _number_cell(number(gate.value) if gate else "", value if value > float("-inf") else None),
                f'<td class="nowrap">{f"{gate.warn:g} / {gate.fail:g}" if gate else ""}</td>',
                _number_cell(
                    number(gate.noise) if gate and gate.noise is not None else "", gate.noise if gate else None
                ),
                f'<td class="num">{_e(_null_rates(feature))}</td>',
                f'<td class="text">{"<br>".join(_e(reason) for reason in feature.reasons)}</td>',
            ]
        )
    table = _table(header, rows, numeric={"status", "value", "noise"})
    return f'<section>\n<h2>Features</h2>\n<p class="dim">Click a heading to sort.</p>\n{table}\n</section>'


def _rows_section(rows: RowSkew | None) -> str:
    if rows is None:
        return ""
    header = ["feature", "status", "mismatch rate", "joined", "differ", "null in serving", "null in training",
              "tolerance", "what differs", "example"]  # fmt: skip
    table_rows = [
        [
            f"<td>{_e(f.name)}</td>",
            _sorted_cell(_badge(str(f.status)), f.status.order),
            _number_cell(percent(f.mismatch_rate), f.mismatch_rate),
            _number_cell(f"{f.joined:,}", f.joined),
            _number_cell(f"{f.mismatches:,}", f.mismatches),
            _number_cell(f"{f.only_train:,}", f.only_train),
            _number_cell(f"{f.only_serving:,}", f.only_serving),
            f"<td>{_e(f.tolerance)}</td>",
            f'<td class="text">{_e(row_text.pattern(f))}</td>',
            f"<td><code>{_e(row_text.example(f, rows.keys))}</code></td>" if f.examples else "<td></td>",
        ]
        for f in sorted(rows.features, key=lambda f: (f.status.order, -(f.mismatch_rate or 0)))
    ]
    gates = "".join(f'<p class="reason">{_badge(str(g.status))} {_e(g.reason)}</p>' for g in rows.gates
                    if g.status is not Status.PASS)  # fmt: skip
    table = _table(header, table_rows, numeric={"status", "mismatch rate", "joined", "differ", "null in serving",
                                                "null in training"})  # fmt: skip
    return (f"<section>\n<h2>Row-level skew</h2>\n<p>{_e(row_text.heading(rows))}</p>\n{gates}\n{table}\n"
            "</section>")  # fmt: skip


def _feature_sections(features: Sequence[FeatureResult], anchors: dict[int, str]) -> str:
    cards = "\n".join(_feature_card(feature, anchors[id(feature)]) for feature in features)
    return f'<section>\n<h2>Distributions</h2>\n<div class="cards">\n{cards}\n</div>\n</section>' if cards else ""


def _feature_card(feature: FeatureResult, anchor: str) -> str:
    gate = feature.drift_gate
    heading = f'{_badge(str(feature.status))} {_e(feature.name)} <span class="dim">{_e(feature.type)}</span>'
    lines = [f'<article class="card {_e(feature.status)}" id="{anchor}">', f"<h3>{heading}</h3>"]
    if gate is not None:
        noise = f", noise {number(gate.noise)}" if gate.noise is not None else ""
        lines.append(
            f'<p class="gate">{_e(gate.metric)} <strong>{number(gate.value)}</strong> '
            f'<span class="dim">(warn {gate.warn:g}, fail {gate.fail:g}{noise})</span></p>'
        )
    lines.extend(f'<p class="reason {_e(level)}">{_e(reason)}</p>' for reason, level in _reasons(feature))
    svg = charts.histogram_svg(feature, temporal=feature.type.is_temporal)
    if svg is not None:
        lines.append(f'<figure class="chart">{svg}<figcaption>{_e(_caption(feature))}</figcaption></figure>')
    elif feature.histogram is not None:
        lines.append(f'<p class="note">{_e(charts.NO_BINS)}</p>')
    lines.append("</article>")
    return "\n".join(lines)


def _reasons(feature: FeatureResult) -> list[tuple[str, str]]:
    """Each reason with the status of the gate that gave it (a failing feature may also have a warning),
    else the feature's: the page colours fail and error red, warn amber, and the rest (skipped) dim."""
    levels = {gate.reason: str(gate.status) for gate in feature.gates if gate.status is not Status.PASS}
    return [(reason, levels.get(reason, str(feature.status))) for reason in feature.reasons]


def _caption(feature: FeatureResult) -> str:
    """What the bars are shares of, and what they leave out: the nulls."""
    assert feature.histogram is not None
    what = "category" if feature.histogram.is_categorical else "training decile bin"
    counts = [f"{side} {summary.get('count', 0):,} values" for side, summary in feature.summary.items()]
    return f"Share of non-null values per {what} ({', '.join(counts)}); nulls {_null_rates(feature)}."


def _null_rates(feature: FeatureResult) -> str:
    if "null_rate_train" not in feature.metrics:
        return ""
    return f"{percent(feature.metrics['null_rate_train'])} → {percent(feature.metrics['null_rate_serving'])}"


def _definitions() -> str:
    items = "\n".join(f"<dt>{_e(name)}</dt><dd>{_e(metric.definition)}</dd>" for name, metric in METRICS.items())
    return (
        '<section class="definitions">\n<details>\n<summary>How the metrics are defined</summary>\n'
        f"<dl>\n{items}\n</dl>\n<p>A gate warns when its value is strictly above warn and fails when strictly "
        "above fail. A failure within the noise level (what two samples of one distribution reach 1% of the "
        "time at these sizes) is only a warning.</p>\n</details>\n</section>"
    )


def _sorted_cell(content: str, key: float) -> str:
    return f'<td data-sort="{key}">{content}</td>'


def _number_cell(text: str, key: float | None) -> str:
    sort = "" if key is None else f' data-sort="{key!r}"'
    return f'<td class="num"{sort}>{_e(text)}</td>'


def _table(header: list[str], rows: list[list[str]], *, numeric: set[str]) -> str:
    heads = "".join(
        f'<th{" class=num" if column in numeric else ""} data-type="{"number" if column in numeric else "text"}">'
        f'<button type="button">{_e(column)}</button></th>'
        for column in header
    )
    body = "\n".join(f"<tr>{''.join(cells)}</tr>" for cells in rows)
    return f'<table class="sortable">\n<thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


_PAGE_CSS = """
:root { --fail: #b42318; --warn: #b54708; --pass: #067647; --error: #6941c6; --skipped: #667085;
  --line: #e4e7ec; --dim: #667085; --ink: #101828; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  background: #f9fafb; }
main { max-width: 1240px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; display: flex; gap: 10px; align-items: center; }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 0 0 6px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
header .summary { font-size: 16px; margin: 4px 0; }
.dim, .exit { color: var(--dim); }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; background: #f2f4f7; padding: 1px 4px;
  border-radius: 4px; overflow-wrap: anywhere; }
.badge { display: inline-block; font: 600 11px/1 system-ui, sans-serif; letter-spacing: .04em; color: #fff;
  padding: 4px 7px; border-radius: 999px; background: var(--skipped); }
.badge.fail { background: var(--fail); } .badge.warn { background: var(--warn); }
.badge.pass { background: var(--pass); } .badge.error { background: var(--error); }
.badge.info { background: var(--skipped); }
.inputs dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 16px 0 0;
  background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.inputs dt { color: var(--dim); } .inputs dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.nowrap { white-space: nowrap; }
td.text { overflow-wrap: anywhere; min-width: 12em; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
tbody tr:hover { background: #f9fafb; }
a { color: #175cd3; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px;
  align-items: start; }
.card { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--skipped);
  border-radius: 8px; padding: 14px 16px; }
.card.fail { border-left-color: var(--fail); } .card.warn { border-left-color: var(--warn); }
.card.pass { border-left-color: var(--pass); } .card.error { border-left-color: var(--error); }
.card .gate, .card .reason, .card .note { margin: 2px 0; }
.card .reason, .card .note { color: var(--dim); }
.card .reason.fail, .card .reason.error { color: var(--fail); }
.card .reason.warn { color: var(--warn); }
.card .note { font-size: 12px; margin-top: 8px; }
figure.chart { margin: 8px 0 0; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--dim); font-size: 12px; }
.definitions dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.definitions dd { margin: 0; }
@media (max-width: 640px) { .cards { grid-template-columns: 1fr; } main { padding: 12px; } }
""".strip()

# Click a column heading to sort by it; click again to reverse. Cells may carry a data-sort key.
_SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach((table) => {
  table.querySelectorAll("th").forEach((heading, column) => {
    heading.querySelector("button").addEventListener("click", () => {
      const ascending = heading.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
      heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const numeric = heading.dataset.type === "number";
      const key = (row) => {
        const cell = row.cells[column];
        const text = cell.dataset.sort ?? cell.textContent.trim();
        if (!numeric) return text.toLowerCase();
        const value = parseFloat(text);
        return Number.isNaN(value) ? -Infinity : value;
      };
      const body = table.tBodies[0];
      const rows = Array.from(body.rows).sort((a, b) => {
        const x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      body.append(...rows);
    });
  });
});
""".strip()
