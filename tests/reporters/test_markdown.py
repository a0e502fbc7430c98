"""The Markdown report (PR comments, step summaries)."""

from __future__ import annotations

from skewcheck.drift.gates import Status
from skewcheck.reporters import markdown
from skewcheck.schema.model import Severity
from tests.reporters.ci_reports import MIXED, NASTY, demo, feature, finding, synthetic


def _cells(line: str) -> list[str]:
    """The cells of a GFM table row, split as GitHub does: on pipes not escaped by a backslash."""
    cells, current, chars = [], "", iter(line.strip()[1:-1])
    for char in chars:
        if char == "\\":
            current += char + next(chars, "")
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    return [*cells, current]


def _tables(text: str) -> list[list[str]]:
    tables: list[list[str]] = []
    previous = ""
    for line in text.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(line)
        previous = line
    return tables


def test_markdown_summary_inputs_and_failing_features_of_the_demo() -> None:
    report = demo()
    text = markdown.render(report)
    assert text.startswith("**FAIL** · 4 of 11 features drifted")
    assert report.schema_sha256[:12] in text and report.skewcheck_version in text and report.created_at in text
    assert "14,000 rows" in text and "20,000 rows" in text and "train.parquet" in text
    drifted = text[text.index("### Drifted features") : text.index("### Schema findings")]
    failing = {f.name for f in report.features if f.status is Status.FAIL}
    assert failing == {"distance_km", "prep_time_min", "city", "traffic_index"}
    for name in failing:
        assert f"| {name} | " in drifted
    assert "| items_count |" not in drifted  # passing features are folded away, not listed as drifted
    assert "psi | 0.6908 | 0.1 / 0.25 |" in drifted  # 4 significant digits, thresholds as the table shows them
    assert "| 6.1% |" in text  # rates as percentages


def test_markdown_findings_failures_first_and_details_hold_the_rest() -> None:
    text = markdown.render(MIXED)
    assert text.startswith("**FAIL** · ")
    assert text.index("| hot_feature |") < text.index("| warm_feature |") < text.index("### Schema findings")
    findings = text[text.index("### Schema findings") :]
    assert findings.index("| failed_col |") < findings.index("| warned_col |")  # the report listed the warning first
    details = text[text.index("<details>") : text.index("</details>")]
    assert "1 passing, 1 skipped features</summary>" in details
    assert "| ok_feature |" in details and "| quiet_feature |" in details
    assert "warm_feature" not in details and "hot_feature" not in details
    assert "logs/a.jsonl" in text and "sampled 50" in text


def test_markdown_cells_cannot_break_the_table() -> None:
    report = synthetic(
        [feature(NASTY, Status.FAIL, [NASTY, "second reason"]), feature("fine", Status.PASS, [])],
        [finding(NASTY, Severity.FAIL, examples=(NASTY, "p|q"), message=NASTY)],
    )
    text = markdown.render(report)
    tables = _tables(text)
    assert len(tables) == 3
    for table, rows in zip(tables, (1, 1, 1), strict=True):
        width = len(_cells(table[0]))
        assert len(table) == 2 + rows, table  # a newline in a value must not start a new row
        assert all(len(_cells(line)) == width for line in table), table
    assert 'a\\|b<br>c \\`d\\` &lt;e&gt; &amp; "f" \\\\' in text
    assert "`" not in text.replace("\\`", "").replace("`abababababab`", "")  # no unescaped code span from data


def test_markdown_of_a_validate_report_has_no_feature_tables() -> None:
    report = synthetic([], [finding("col", Severity.FAIL)], validate=True)
    text = markdown.render(report)
    assert text.startswith("**FAIL** · 1 schema violation in serving")
    assert "### Drifted features" not in text and "<details>" not in text and "- train:" not in text
    assert "| col |" in text
