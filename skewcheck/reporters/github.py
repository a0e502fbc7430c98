"""The report as GitHub Actions workflow commands: annotations on the run, one line each.

Every value goes through GitHub's escaping, since a `%`, a newline or (in a title) a `:` or `,`
in a feature name or a message would otherwise end the command early or change its meaning.
"""

from __future__ import annotations

from skewcheck.audit.report import Report
from skewcheck.drift.gates import Status
from skewcheck.reporters import row_text
from skewcheck.reporters.reasons import reasons
from skewcheck.schema.model import Severity


def render(report: Report) -> str:
    lines = []
    for feature in report.features:
        if feature.status in (Status.FAIL, Status.ERROR):
            level = "error"
        elif feature.status is Status.WARN:
            level = "warning"
        else:
            continue
        lines.append(command(level, f"skewcheck drift: {feature.name}", "; ".join(reasons(feature))))
    if report.rows is not None:
        for gate in report.rows.gates:
            if gate.status is not Status.PASS:
                lines.append(command(_LEVELS[gate.status], f"skewcheck rows: join {gate.metric}", gate.reason))
        for row in row_text.problems(report.rows):
            message = "; ".join(part for part in (row.gate.reason if row.gate else "", row_text.pattern(row)) if part)
            lines.append(command(_LEVELS[row.status], f"skewcheck rows: {row.name}", message))
    findings = [f for f in report.findings if f.severity is not Severity.INFO]
    for finding in sorted(findings, key=lambda f: f.severity.order):  # stable: report order within
        where = " ".join(part for part in (str(finding.dataset), finding.feature, str(finding.check)) if part)
        rows = "" if finding.count is None else f" ({finding.count:,} rows)"
        level = "error" if finding.severity is Severity.FAIL else "warning"
        lines.append(command(level, f"skewcheck schema: {where}", finding.message + rows))
    lines.append(command("notice", "skewcheck", report.summary_line()))
    return "\n".join(lines) + "\n"


_LEVELS = {Status.FAIL: "error", Status.ERROR: "error", Status.WARN: "warning"}


def command(level: str, title: str, message: str) -> str:
    return f"::{level} title={escape_property(title)}::{escape_data(message)}"


def escape_data(text: str) -> str:
    # `%` first, or the escapes added after it would be escaped again.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
