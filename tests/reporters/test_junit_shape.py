"""The JUnit XML report: the shape we mean to write (test_junit.py checks it against the XSD CI readers use)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from skewcheck.audit.report import Report
from skewcheck.drift.gates import Status
from skewcheck.reporters import junit
from skewcheck.reporters.reasons import reasons
from skewcheck.schema.model import Severity
from tests.reporters.ci_reports import MIXED, demo, feature, finding, synthetic

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
        message = failure.get("message", "")
        assert all(metric in message for metric in metrics), (metrics, message)
        # Each reason starts with its metric: the message is the reasons (the unseen values named, as every report
        # names them), with no metric said twice.
        assert message == "; ".join(reasons(result))
    insufficient = feature("thin", Status.FAIL, ["insufficient data: 3 values in serving"], metric="psi")
    thin = parse(synthetic([insufficient], [])).find("testsuite/testcase/failure")
    assert thin is not None and thin.get("message") == "psi: insufficient data: 3 values in serving"
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
