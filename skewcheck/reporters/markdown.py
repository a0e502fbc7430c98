"""The report as GitHub-flavoured Markdown, for a pull-request comment or $GITHUB_STEP_SUMMARY.

Problems come first and in full; passing and skipped features fold away in a <details> block,
because a reviewer reads the comment for what went wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Status
from skewcheck.drift.rows import RowSkew
from skewcheck.io.sources import InputSummary
from skewcheck.reporters import row_text
from skewcheck.reporters.numbers import number, percent
from skewcheck.reporters.order import PROBLEMS, ranked
from skewcheck.reporters.reasons import reasons
from skewcheck.schema.model import Severity
from skewcheck.validation.findings import Check, Finding

_MAX_PATHS = 3


def render(report: Report) -> str:
    status, _, rest = report.summary_line().partition(": ")
    parts = [f"**{status}** · {inline(rest)}", _inputs(report)]
    problems = ranked(f for f in report.features if f.status in PROBLEMS)
    if problems:
        parts.append("### Drifted features\n\n" + _features_table(problems, with_thresholds=True))
    if report.rows is not None:
        parts.append(_rows_section(report.rows))
    findings = sorted(
        (f for f in report.findings if f.check is not Check.UNEXPECTED_COLUMN),
        key=lambda f: f.severity.order,  # sorted() is stable: the report's order within a severity
    )
    if findings:
        parts.append("### Schema findings\n\n" + _findings_table(findings))
    parts.extend(_unexpected_columns(report))
    rest_features = ranked(f for f in report.features if f.status not in PROBLEMS)
    if rest_features:
        passing = sum(1 for f in rest_features if f.status is Status.PASS)
        skipped = len(rest_features) - passing
        # The blank lines inside <details> let GitHub render the Markdown table in it.
        parts.append(
            f"<details><summary>{passing} passing, {skipped} skipped features</summary>\n\n"
            + _features_table(rest_features, with_thresholds=False)
            + "\n\n</details>"
        )
    return "\n\n".join(parts) + "\n"


def _rows_section(rows: RowSkew) -> str:
    header = ["feature", "status", "mismatch rate", "rows", "what differs", "example"]
    failing = [gate for gate in rows.gates if gate.status is not Status.PASS]
    table = [["(join)", f"**{gate.status}**", "", "", gate.reason, ""] for gate in failing]
    table += [
        [
            f.name,
            f"**{f.status}**",
            percent(f.mismatch_rate),
            row_text.counts(f),
            row_text.pattern(f),
            row_text.example(f, rows.keys),
        ]
        for f in row_text.problems(rows)
    ]
    matching = len(rows.features) - len(row_text.problems(rows))
    body = _table(header, table, right={"mismatch rate"}, raw={"status"}) if table else ""
    note = f"{matching} other features match on every joined row." if matching and rows.coverage.both else ""
    heading = f"### Row-level skew\n\n{inline(row_text.heading(rows))}"
    return "\n\n".join(part for part in (heading, body, note) if part)


def _inputs(report: Report) -> str:
    sides = (("train", report.train), ("serving", report.serving))
    lines = [f"- {name}: {_input(summary)}" for name, summary in sides if summary is not None]
    lines.append(f"- schema: {inline(report.schema_path)} (sha256 `{report.schema_sha256[:12]}`)")
    elapsed = sum(report.timings.values())
    footer = [f"skewcheck {inline(report.skewcheck_version or 'unknown')}", inline(report.created_at)]
    if report.timings:
        footer.append(f"{elapsed:.2f} s")
    lines.append("- " + " · ".join(part for part in footer if part))
    return "\n".join(lines)


def _input(summary: InputSummary) -> str:
    sampled = f", sampled {summary.sampled_rows:,}" if summary.sampled_rows is not None else ""
    kind = summary.format + (f" version {summary.version}" if summary.version is not None else "")
    text = f"{inline(summary.spec)} ({kind}, {summary.rows:,} rows{sampled})"
    if summary.paths and tuple(summary.paths) != (summary.spec,):
        # A glob or folder: name the files it found, but never a wall of them.
        shown = ", ".join(inline(p) for p in summary.paths[:_MAX_PATHS])
        more = f", … ({len(summary.paths) - _MAX_PATHS} more)" if len(summary.paths) > _MAX_PATHS else ""
        text += f": {shown}{more}"
    return text


def _features_table(features: Sequence[FeatureResult], *, with_thresholds: bool) -> str:
    header = ["feature", "type", "status", "gate metric", "value"]
    header += ["warn / fail", "reason"] if with_thresholds else ["reason"]
    rows = []
    for feature in features:
        gate = feature.drift_gate
        row = [
            feature.name,
            str(feature.type),
            f"**{feature.status}**" if feature.status in PROBLEMS else str(feature.status),
            gate.metric if gate else "",
            number(gate.value) if gate else "",
        ]
        if with_thresholds:
            row.append(f"{gate.warn:g} / {gate.fail:g}" if gate else "")
        row.append("\n".join(reasons(feature)))
        rows.append(row)
    return _table(header, rows, right={"value"}, raw={"status"})


def _findings_table(findings: Sequence[Finding]) -> str:
    header = ["dataset", "feature", "check", "severity", "count", "rate", "examples", "message"]
    rows = [
        [
            str(f.dataset),
            f.feature,
            str(f.check),
            f"**{f.severity}**" if f.severity is Severity.FAIL else str(f.severity),
            "" if f.count is None else f"{f.count:,}",
            percent(f.rate),
            ", ".join(repr(e) for e in f.examples),
            f.message,
        ]
        for f in findings
    ]
    return _table(header, rows, right={"count", "rate"}, raw={"severity"})


def _unexpected_columns(report: Report) -> list[str]:
    lines = []
    for dataset in ("train", "serving"):
        columns = [f.feature for f in report.findings if f.check is Check.UNEXPECTED_COLUMN and f.dataset == dataset]
        if columns:
            shown = ", ".join(inline(c) for c in columns[:12]) + (
                f", … ({len(columns) - 12} more)" if len(columns) > 12 else ""
            )
            lines.append(f"_info: {dataset} has columns the schema does not mention: {shown}_")
    lines += [f"_note: {inline(note)}_" for note in report.noise_notes()]
    return lines


def _table(header: list[str], rows: list[list[str]], *, right: set[str], raw: set[str]) -> str:
    """A GFM table; `raw` columns hold our own Markdown, every other cell is data and is escaped."""
    align = ["---:" if column in right else "---" for column in header]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    for row in rows:
        cells = [value if column in raw else cell(value) for column, value in zip(header, row, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cell(text: str) -> str:
    """Data made inert in a table cell: it can neither end the cell, nor the row, nor open code or HTML."""
    # Backslashes first, so a value ending in `\` cannot escape the pipe we add after it.
    for char, escaped in (("\\", "\\\\"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "\\`")):
        text = text.replace(char, escaped)
    # <br> keeps a multi-line reason readable without starting a new table row.
    return text.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def inline(text: str) -> str:
    """Data outside a table: one line, no code spans or HTML."""
    return " ".join(cell(text).replace("<br>", " ").split())
