"""The CI reporters: Markdown (PR comments, step summaries), JUnit XML and GitHub Actions workflow commands."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

import pytest

import skewcheck
from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.io.sources import InputSummary
from skewcheck.reporters import github, junit, markdown
from skewcheck.schema.model import Dataset, FeatureType, Severity
from skewcheck.validation.findings import Check, Finding
from tests.helpers import FIXTURES

NASTY = 'a|b\nc `d` <e> & "f" \\'
"""Pipe, newline, backtick, HTML and a trailing backslash: everything that could break a table or a document."""


@cache
def demo() -> Report:
    return skewcheck.run(str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), FIXTURES / "schema.yaml")


def feature(name: str, status: Status, reasons: list[str], metric: str = "psi", value: float = 0.5) -> FeatureResult:
    result = FeatureResult(name, FeatureType.FLOAT)
    if status is Status.SKIPPED:
        return FeatureResult(name, FeatureType.FLOAT, status, reasons=reasons)
    result.add_gate(Gate(metric, value, 0.1, 0.25, status, "; ".join(reasons)))
    return result


def finding(name: str, severity: Severity, examples: tuple[str, ...] = ("x",), message: str = "bad") -> Finding:
    return Finding(Dataset.SERVING, name, Check.DOMAIN, severity, 3, 0.03, examples, message)


def synthetic(features: list[FeatureResult], findings: list[Finding], *, validate: bool = False) -> Report:
    train = InputSummary("train.csv", "csv", ("train.csv",), 100)
    serving = InputSummary("logs/*.jsonl", "jsonl", ("logs/a.jsonl", "logs/b.jsonl"), 100, sampled_rows=50)
    return Report(
        None if validate else train,
        serving,
        "schema.yaml",
        "ab" * 32,
        findings,
        features,
        skewcheck_version="9.9.9",
        created_at="2025-01-02T03:04:05+02:00",
        timings={"read": 1.0, "compare": 0.5},
    )


MIXED = synthetic(
    [
        feature("ok_feature", Status.PASS, []),
        feature("warm_feature", Status.WARN, ["psi 0.15 > warn 0.1"], value=0.15),
        feature("hot_feature", Status.FAIL, ["psi 0.5 > fail 0.25"]),
        feature("quiet_feature", Status.SKIPPED, ["drift: false in the schema"]),
    ],
    [
        finding("warned_col", Severity.WARN),
        finding("failed_col", Severity.FAIL),
        finding("noted_col", Severity.INFO),
    ],
)


# Markdown


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
    assert "psi | 1.398 | 0.1 / 0.25 |" in drifted  # 4 significant digits, thresholds as the table shows them
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


# JUnit

# The Ant/Jenkins JUnit schema, as rules: the children each element may have (in this order), its attributes,
# which are required, and which are numbers. `xmlschema` is not installed in the venv, so the XSD is checked
# by hand rather than by a validator.
CHILDREN = {
    "testsuites": ("testsuite",),
    "testsuite": ("properties", "testcase", "system-out", "system-err"),
    "testcase": ("skipped", "error", "failure", "system-out", "system-err"),
    "failure": (),
    "skipped": (),
    "system-out": (),
}
ATTRIBUTES = {
    "testsuites": {"name", "time", "tests", "failures", "disabled", "errors"},
    "testsuite": {"name", "tests", "failures", "errors", "skipped", "time", "timestamp", "hostname", "id", "package"},
    "testcase": {"name", "classname", "time", "assertions", "status"},
    "failure": {"message", "type"},
    "skipped": {"message"},
    "system-out": set(),
}
REQUIRED = {"testsuite": {"name", "tests"}, "testcase": {"name"}}
INTEGERS = {"tests", "failures", "errors", "skipped"}


def assert_junit_shape(element: ET.Element) -> None:
    tag = element.tag
    assert tag in CHILDREN, tag
    assert set(element.attrib) <= ATTRIBUTES[tag], (tag, element.attrib)
    assert REQUIRED.get(tag, set()) <= set(element.attrib), (tag, element.attrib)
    for key, value in element.attrib.items():
        if key in INTEGERS:
            assert re.fullmatch(r"\d+", value), (key, value)
        if key == "time":
            assert re.fullmatch(r"\d+(\.\d+)?", value), value
        if key == "timestamp":
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", value), value
    order = [CHILDREN[tag].index(child.tag) for child in element]  # ValueError on a child not allowed
    assert order == sorted(order), (tag, [child.tag for child in element])
    for child in element:
        assert_junit_shape(child)


def parse(report: Report) -> ET.Element:
    root = ET.fromstring(junit.render(report))
    assert_junit_shape(root)
    return root


@pytest.mark.parametrize("name", ["demo", "mixed"])
def test_junit_counts_equal_the_report(name: str) -> None:
    report = demo() if name == "demo" else MIXED
    suite = parse(report).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    problems = [f for f in report.findings if f.severity is not Severity.INFO]
    assert len(cases) == len(report.features) + len(problems) == int(suite.get("tests", ""))
    failing = sum(f.status in (Status.FAIL, Status.ERROR) for f in report.features)
    failing += sum(f.severity is Severity.FAIL for f in report.findings)
    assert len(suite.findall("testcase/failure")) == failing == int(suite.get("failures", ""))
    skipped = sum(f.status is Status.SKIPPED for f in report.features)
    assert len(suite.findall("testcase/skipped")) == skipped == int(suite.get("skipped", ""))
    assert float(suite.get("time", "")) == pytest.approx(sum(report.timings.values()), abs=1e-3)


def test_junit_failures_name_their_metric() -> None:
    report = demo()
    suite = parse(report).find("testsuite")
    assert suite is not None
    assert suite.get("name") == f"skewcheck: {report.train and report.train.spec} vs {report.serving.spec}"  # type: ignore[union-attr]
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    for result in report.features:
        failure = cases["drift", result.name].find("failure")
        if result.status is not Status.FAIL:
            assert failure is None, result.name
            continue
        assert failure is not None and failure.get("type") == "drift"
        metrics = [g.metric for g in result.gates if g.status is Status.FAIL]
        assert all(metric in failure.get("message", "") for metric in metrics), (metrics, failure.get("message"))
    assert cases["schema.serving", "city: domain"].find("failure") is not None
    assert cases["schema.serving", "courier_rating: type"].find("system-out") is not None
    assert cases["schema.serving", "courier_rating: type"].find("failure") is None
    assert not any(str(name[1]).startswith("ts:") for name in cases)  # info findings are not tests


def test_junit_warnings_pass_with_a_note_and_the_timestamp_is_utc() -> None:
    suite = parse(MIXED).find("testsuite")
    assert suite is not None
    warm = suite.find("testcase[@name='warm_feature']")
    assert warm is not None and warm.find("failure") is None
    assert "psi 0.15 > warn 0.1" in (warm.findtext("system-out") or "")
    assert suite.get("timestamp") == "2025-01-02T01:04:05"  # 03:04:05+02:00


def test_junit_values_round_trip_through_the_xml() -> None:
    odd = 'x<&"y\x01'  # the control character is not allowed in XML at all
    report = synthetic([feature(odd, Status.FAIL, [odd])], [finding(odd, Severity.FAIL, (odd,), odd)])
    suite = parse(report).find("testsuite")
    assert suite is not None
    drift, schema = suite.findall("testcase")
    assert drift.get("name") == 'x<&"y\ufffd'
    assert 'x<&"y\ufffd' in (drift.find("failure").get("message") or "")  # type: ignore[union-attr]
    assert schema.get("name") == 'x<&"y\ufffd: domain'
    assert (schema.find("failure").get("message") or "") == 'x<&"y\ufffd'  # type: ignore[union-attr]


def test_junit_of_a_validate_report_has_only_schema_cases() -> None:
    report = synthetic(
        [], [finding("a", Severity.FAIL), finding("b", Severity.WARN), finding("c", Severity.INFO)], validate=True
    )
    suite = parse(report).find("testsuite")
    assert suite is not None
    assert suite.get("name") == "skewcheck: logs/*.jsonl"
    assert [(c.get("classname"), c.get("name")) for c in suite] == [
        ("schema.serving", "a: domain"),
        ("schema.serving", "b: domain"),
    ]
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("2", "1", "0")


# GitHub workflow commands


def test_github_lines_of_the_demo() -> None:
    report = demo()
    lines = github.render(report).splitlines()
    drifted = [f for f in report.features if f.status in (Status.FAIL, Status.ERROR, Status.WARN)]
    problems = [f for f in report.findings if f.severity is not Severity.INFO]
    assert len(lines) == len(drifted) + len(problems) + 1
    for result in drifted:
        assert f"title=skewcheck drift%3A {result.name}::" in "\n".join(lines)
    assert lines[-3] == (
        "::error title=skewcheck schema%3A serving city domain::"
        "1,214 values outside the declared values (5 allowed) (1,214 rows)"
    )
    assert lines[-2].startswith("::warning title=skewcheck schema%3A serving courier_rating type::")
    assert lines[-1] == f"::notice title=skewcheck::{report.summary_line()}"


def test_github_levels_order_and_escaping() -> None:
    lines = github.render(MIXED).splitlines()
    assert lines == [
        "::warning title=skewcheck drift%3A warm_feature::psi 0.15 > warn 0.1",
        "::error title=skewcheck drift%3A hot_feature::psi 0.5 > fail 0.25",
        "::error title=skewcheck schema%3A serving failed_col domain::bad (3 rows)",
        "::warning title=skewcheck schema%3A serving warned_col domain::bad (3 rows)",
        f"::notice title=skewcheck::{MIXED.summary_line()}",
    ]
    odd = "50%: a,b\r\nc"
    report = synthetic([feature(odd, Status.FAIL, [odd])], [finding(odd, Severity.WARN, message=odd)])
    lines = github.render(report).splitlines()
    assert len(lines) == 3  # newlines in values stay inside their command
    assert lines[0] == "::error title=skewcheck drift%3A 50%25%3A a%2Cb%0D%0Ac::50%25: a,b%0D%0Ac"
    assert (
        lines[1]
        == "::warning title=skewcheck schema%3A serving 50%25%3A a%2Cb%0D%0Ac domain::50%25: a,b%0D%0Ac (3 rows)"
    )
