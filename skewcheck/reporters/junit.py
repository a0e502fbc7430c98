"""The report as JUnit XML, so CI systems (Jenkins, GitLab, Azure, test-report actions) show each feature as a test.

One testcase per feature (classname "drift") and one per schema finding of severity fail or warn
(classname "schema.DATASET"). A warning is a passing test with a note: CI tools have no "warn" state,
and turning warnings red there would disagree with skewcheck's own exit code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Gate, Status
from skewcheck.drift.rows import FeatureRows
from skewcheck.reporters import row_text
from skewcheck.reporters.numbers import number
from skewcheck.reporters.reasons import reasons as named_reasons
from skewcheck.schema.model import Severity
from skewcheck.validation.findings import Finding

# XML 1.0 forbids these characters outright; ElementTree would write them and produce a file no parser reads.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    suite = ET.Element("testsuite", {"name": _suite_name(report)})
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for feature in report.features:
        _feature_case(suite, feature, counts)
    if report.rows is not None:
        for row in report.rows.features:
            _row_case(suite, row, report.rows.keys, counts)
        for gate in report.rows.gates:
            _join_case(suite, gate, counts)
    for finding in report.findings:
        if finding.severity is not Severity.INFO:  # info findings are notes, not tests
            _finding_case(suite, finding, counts)
    elapsed = f"{sum(report.timings.values()):.3f}"
    attributes = {key: str(value) for key, value in counts.items()} | {"errors": "0", "time": elapsed}
    timestamp = _timestamp(report.created_at)
    if timestamp:
        attributes["timestamp"] = timestamp
    suite.attrib.update(attributes)
    totals = {"tests": attributes["tests"], "failures": attributes["failures"], "errors": "0", "time": elapsed}
    root = ET.Element("testsuites", {"name": "skewcheck", **totals})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite_name(report: Report) -> str:
    specs = [summary.spec for summary in (report.train, report.serving) if summary is not None]
    return _text("skewcheck: " + " vs ".join(specs))


def _feature_case(suite: ET.Element, feature: FeatureResult, counts: dict[str, int]) -> None:
    case = _case(suite, "drift", feature.name, counts)
    reasons = "; ".join(named_reasons(feature))
    if feature.status in (Status.FAIL, Status.ERROR):
        # The message names the gates that did not pass. Each gate's reason starts with its metric; a reason that
        # does not (a drift gate's "insufficient data") gets the metric in front, once.
        unnamed = [
            gate.metric
            for gate in feature.gates
            if gate.status is not Status.PASS and not any(r.startswith(gate.metric) for r in feature.reasons)
        ]
        message = f"{', '.join(unnamed)}: {reasons}" if unnamed else reasons
        failure = ET.SubElement(case, "failure", {"message": _text(message), "type": "drift"})
        failure.text = _text(_gate_lines(feature))
        counts["failures"] += 1
    elif feature.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", {"message": _text(reasons)})
        counts["skipped"] += 1
    elif feature.status is Status.WARN:
        _system_out(case, f"warning: {reasons}\n{_gate_lines(feature)}")


def _row_case(suite: ET.Element, feature: FeatureRows, keys: tuple[str, ...], counts: dict[str, int]) -> None:
    case = _case(suite, "row_skew", feature.name, counts)
    parts = (row_text.counts(feature), row_text.pattern(feature), row_text.example(feature, keys))
    details = "\n".join(part for part in parts if part)
    reason = feature.gate.reason if feature.gate is not None else ""
    if feature.status is Status.FAIL:
        failure = ET.SubElement(case, "failure", {"message": _text(reason), "type": "row_skew"})
        failure.text = _text(details)
        counts["failures"] += 1
    elif feature.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", {"message": _text(reason)})
        counts["skipped"] += 1
    elif feature.status is Status.WARN:
        _system_out(case, f"warning: {reason}\n{details}")


def _join_case(suite: ET.Element, gate: Gate, counts: dict[str, int]) -> None:
    case = _case(suite, "row_skew", f"join: {gate.metric}", counts)
    if gate.status is Status.FAIL:
        ET.SubElement(case, "failure", {"message": _text(gate.reason), "type": "row_skew"})
        counts["failures"] += 1
    elif gate.status is Status.WARN:
        _system_out(case, f"warning: {gate.reason}")


def _finding_case(suite: ET.Element, finding: Finding, counts: dict[str, int]) -> None:
    name = f"{finding.feature}: {finding.check}" if finding.feature else str(finding.check)
    case = _case(suite, f"schema.{finding.dataset}", name, counts)
    details = [finding.message]
    if finding.count is not None:
        rate = "" if finding.rate is None else f" ({finding.rate:.3%} of rows)"
        details.append(f"count: {finding.count:,}{rate}")
    if finding.examples:
        details.append("examples: " + ", ".join(repr(e) for e in finding.examples))
    if finding.severity is Severity.FAIL:
        failure = ET.SubElement(case, "failure", {"message": _text(finding.message), "type": "schema"})
        failure.text = _text("\n".join(details))
        counts["failures"] += 1
    else:
        _system_out(case, "warning: " + "\n".join(details))


def _case(suite: ET.Element, classname: str, name: str, counts: dict[str, int]) -> ET.Element:
    counts["tests"] += 1
    # No per-test time exists (features are compared together); "0" keeps parsers that require it happy.
    return ET.SubElement(suite, "testcase", {"classname": _text(classname), "name": _text(name), "time": "0"})


def _system_out(case: ET.Element, text: str) -> None:
    ET.SubElement(case, "system-out").text = _text(text)


def _gate_lines(feature: FeatureResult) -> str:
    return "\n".join(
        f"{gate.metric} = {number(gate.value)} (warn {gate.warn:g}, fail {gate.fail:g}): {gate.status}"
        for gate in feature.gates
    )


def _timestamp(created_at: str) -> str:
    """UTC without an offset: the Ant/Jenkins schema's timestamp pattern allows no time zone."""
    try:
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)
