"""The report as one self-contained HTML page: summary, findings, a sortable feature table, a plot per feature.

Everything is inline (CSS, the small sorting script, SVG charts), in the page shell (`page`) the history
page shares: an archived report opens the same way offline, years later. Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Status
from skewcheck.drift.rows import RowSkew
from skewcheck.io.sources import InputSummary
from skewcheck.reporters import charts, page, row_text
from skewcheck.reporters.numbers import number, percent
from skewcheck.reporters.order import MAX_CARDS, gate_value, ranked
from skewcheck.reporters.page import escape
from skewcheck.reporters.reasons import reasons as named_reasons
from skewcheck.schema.registry import METRICS
from skewcheck.validation.findings import Check, Finding

_MAX_PATHS = 5


def render(report: Report) -> str:
    features = ranked(report.features)
    anchors = {id(feature): f"feature-{i}" for i, feature in enumerate(features[:MAX_CARDS], 1)}
    body = [
        _header(report),
        _inputs(report),
        _findings(report.findings),
        _features_table(features, anchors),
        _rows_section(report.rows),
        _feature_sections(features, anchors),
        _definitions(),
    ]
    return page.document(
        f"skewcheck {report.status.upper()}: {_names(report)}",
        "\n".join(part for part in body if part) + "\n",
        styles=[charts.stylesheet()],
        script=_SORT_SCRIPT,
        generator=f"skewcheck {report.skewcheck_version}",
    )


def _names(report: Report) -> str:
    sides = [summary.spec for summary in (report.train, report.serving) if summary is not None]
    return " vs ".join(sides)


def _badge(status: str) -> str:
    return f'<span class="badge {escape(status)}">{escape(status.upper())}</span>'


def _header(report: Report) -> str:
    status, _, rest = report.summary_line().partition(": ")
    return (
        f'<header>\n<h1>{_badge(status.lower())} skewcheck report</h1>\n<p class="summary">{escape(rest)}</p>\n'
        f'<p class="exit">exit code {int(report.exit_code)}: {escape(report.exit_code.meaning)}</p>\n</header>'
    )


def _inputs(report: Report) -> str:
    sides = (("training", report.train), ("serving", report.serving))
    rows = [(name, _input(summary)) for name, summary in sides if summary is not None]
    rows.append(("schema", f"{escape(report.schema_path)} <code>sha256 {escape(report.schema_sha256[:12])}</code>"))
    elapsed = f" in {sum(report.timings.values()):.2f} s" if report.timings else ""
    version = report.skewcheck_version or "unknown"
    rows.append(("run", f"skewcheck {escape(version)}, {escape(report.created_at)}{elapsed}"))
    items = "\n".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<section class="inputs">\n<dl>\n{items}\n</dl>\n</section>'


def _input(summary: InputSummary) -> str:
    sampled = f", sampled {summary.sampled_rows:,}" if summary.sampled_rows is not None else ""
    kind = summary.format + (f" version {summary.version}" if summary.version is not None else "")
    text = f'{escape(summary.spec)} <span class="dim">({escape(kind)}, {summary.rows:,} rows{sampled})</span>'
    if summary.paths and tuple(summary.paths) != (summary.spec,):
        shown = ", ".join(escape(path) for path in summary.paths[:_MAX_PATHS])
        more = f", … ({len(summary.paths) - _MAX_PATHS} more)" if len(summary.paths) > _MAX_PATHS else ""
        text += f'<br><span class="dim">{shown}{more}</span>'
    return text


def _findings(findings: Sequence[Finding]) -> str:
    listed = [f for f in findings if f.check is not Check.UNEXPECTED_COLUMN]
    shown = sorted(listed, key=lambda f: f.severity.order)
    unexpected = _unexpected_columns(findings)
    if not shown and not unexpected:
        return ""
    header = ["severity", "dataset", "feature", "check", "count", "rate", "examples", "message"]
    rows = [
        [
            _sorted_cell(_badge(str(f.severity)), f.severity.order),
            f"<td>{escape(f.dataset)}</td>",
            f"<td>{escape(f.feature)}</td>",
            f"<td>{escape(f.check)}</td>",
            _number_cell("" if f.count is None else f"{f.count:,}", f.count),
            _number_cell(percent(f.rate), f.rate),
            f"<td>{', '.join(f'<code>{escape(example)}</code>' for example in f.examples)}</td>",
            f'<td class="text">{escape(f.message)}</td>',
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
            names = ", ".join(f"<code>{escape(column)}</code>" for column in columns)
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
                _name_cell(feature, anchors),
                f"<td>{escape(feature.type)}</td>",
                _sorted_cell(_badge(str(feature.status)), feature.status.order),
                f"<td>{escape(gate.metric) if gate else ''}</td>",
                _number_cell(number(gate.value) if gate else "", value if value > float("-inf") else None),
                f'<td class="nowrap">{f"{gate.warn:g} / {gate.fail:g}" if gate else ""}</td>',
                _number_cell(
                    number(gate.noise) if gate and gate.noise is not None else "", gate.noise if gate else None
                ),
                f'<td class="num">{escape(_null_rates(feature))}</td>',
                f'<td class="text">{"<br>".join(escape(reason) for reason in named_reasons(feature))}</td>',
            ]
        )
    table = _table(header, rows, numeric={"status", "value", "noise"})
    return f'<section>\n<h2>Features</h2>\n<p class="dim">Click a heading to sort.</p>\n{table}\n</section>'


def _rows_section(rows: RowSkew | None) -> str:
    if rows is None:
        return ""
    counts = ["mismatch rate", "joined", "differ", "null in serving", "null in training"]
    header = ["feature", "status", *counts, "tolerance", "what differs", "example"]
    table_rows = [
        [
            f"<td>{escape(f.name)}</td>",
            _sorted_cell(_badge(str(f.status)), f.status.order),
            _number_cell(percent(f.mismatch_rate), f.mismatch_rate),
            _number_cell(f"{f.joined:,}", f.joined),
            _number_cell(f"{f.mismatches:,}", f.mismatches),
            _number_cell(f"{f.only_train:,}", f.only_train),
            _number_cell(f"{f.only_serving:,}", f.only_serving),
            f"<td>{escape(f.tolerance)}</td>",
            f'<td class="text">{escape(row_text.pattern(f))}</td>',
            f"<td><code>{escape(row_text.example(f, rows.keys))}</code></td>" if f.examples else "<td></td>",
        ]
        for f in sorted(rows.features, key=lambda f: (f.status.order, -(f.mismatch_rate or 0)))
    ]
    failing = [gate for gate in rows.gates if gate.status is not Status.PASS]
    gates = "".join(f'<p class="reason">{_badge(str(g.status))} {escape(g.reason)}</p>' for g in failing)
    table = _table(header, table_rows, numeric={"status", *counts})
    heading = f"<h2>Row-level skew</h2>\n<p>{escape(row_text.heading(rows))}</p>"
    return f"<section>\n{heading}\n{gates}\n{table}\n</section>"


def _feature_sections(features: Sequence[FeatureResult], anchors: dict[int, str]) -> str:
    cards = "\n".join(_feature_card(feature, anchors[id(feature)]) for feature in features[:MAX_CARDS])
    more = f"Charts for the first {MAX_CARDS:,} features above; {len(features) - MAX_CARDS:,} more are in the table."
    note = f'<p class="note">{more}</p>\n' if len(features) > MAX_CARDS else ""
    return f'<section>\n<h2>Distributions</h2>\n{note}<div class="cards">\n{cards}\n</div>\n</section>' if cards else ""


def _name_cell(feature: FeatureResult, anchors: dict[int, str]) -> str:
    anchor, name = anchors.get(id(feature)), escape(feature.name)
    return f'<td><a href="#{anchor}">{name}</a></td>' if anchor else f"<td>{name}</td>"


def _feature_card(feature: FeatureResult, anchor: str) -> str:
    gate = feature.drift_gate
    heading = f'{_badge(str(feature.status))} {escape(feature.name)} <span class="dim">{escape(feature.type)}</span>'
    lines = [f'<article class="card {escape(feature.status)}" id="{anchor}">', f"<h3>{heading}</h3>"]
    if gate is not None:
        noise = f", noise {number(gate.noise)}" if gate.noise is not None else ""
        lines.append(
            f'<p class="gate">{escape(gate.metric)} <strong>{number(gate.value)}</strong> '
            f'<span class="dim">(warn {gate.warn:g}, fail {gate.fail:g}{noise})</span></p>'
        )
    lines.extend(f'<p class="reason {escape(level)}">{escape(reason)}</p>' for reason, level in _reasons(feature))
    svg = charts.histogram_svg(feature, temporal=feature.type.is_temporal)
    if svg is not None:
        lines.append(f'<figure class="chart">{svg}<figcaption>{escape(_caption(feature))}</figcaption></figure>')
    elif feature.histogram is not None:
        lines.append(f'<p class="note">{escape(charts.NO_BINS)}</p>')
    lines.append("</article>")
    return "\n".join(lines)


def _reasons(feature: FeatureResult) -> list[tuple[str, str]]:
    """Each reason as every report writes it (unseen values named) with the status of the gate that gave it (a
    failing feature may also warn), else the feature's: fail and error red, warn amber, the rest (skipped) dim."""
    levels = {gate.reason: str(gate.status) for gate in feature.gates if gate.status is not Status.PASS}
    named = zip(feature.reasons, named_reasons(feature), strict=True)
    return [(text, levels.get(reason, str(feature.status))) for reason, text in named]


def _caption(feature: FeatureResult) -> str:
    """What the bars are shares of, and what they leave out: the nulls."""
    assert feature.histogram is not None
    histogram = feature.histogram
    what = "category" if histogram.is_categorical else "training decile bin"
    counts = [f"{side} {summary.get('count', 0):,} values" for side, summary in feature.summary.items()]
    beyond = (
        " Serving values beyond training's range have bars of their own." if histogram.below or histogram.above else ""
    )
    return f"Share of non-null values per {what} ({', '.join(counts)}); nulls {_null_rates(feature)}.{beyond}"


def _null_rates(feature: FeatureResult) -> str:
    if "null_rate_train" not in feature.metrics:
        return ""
    return f"{percent(feature.metrics['null_rate_train'])} → {percent(feature.metrics['null_rate_serving'])}"


def _definitions() -> str:
    items = "\n".join(
        f"<dt>{escape(name)}</dt><dd>{escape(metric.definition)}</dd>" for name, metric in METRICS.items()
    )
    return (
        '<section class="definitions">\n<details>\n<summary>How the metrics are defined</summary>\n'
        f"<dl>\n{items}\n</dl>\n<p>A gate warns when its value is strictly above warn and fails when strictly "
        "above fail, and only above its noise level (what two samples of one distribution reach 1% of the "
        "time at these sizes): within it, chance alone explains the value and the gate passes."
        "</p>\n</details>\n</section>"
    )


def _sorted_cell(content: str, key: float) -> str:
    return f'<td data-sort="{key}">{content}</td>'


def _number_cell(text: str, key: float | None) -> str:
    sort = "" if key is None else f' data-sort="{key!r}"'
    return f'<td class="num"{sort}>{escape(text)}</td>'


def _table(header: list[str], rows: list[list[str]], *, numeric: set[str]) -> str:
    heads = "".join(
        f'<th{" class=num" if column in numeric else ""} data-type="{"number" if column in numeric else "text"}">'
        f'<button type="button">{escape(column)}</button></th>'
        for column in header
    )
    body = "\n".join(f"<tr>{''.join(cells)}</tr>" for cells in rows)
    return f'<table class="sortable">\n<thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


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
