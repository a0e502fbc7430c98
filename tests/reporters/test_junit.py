"""The JUnit report against the JUnit XSD Jenkins' xUnit plugin validates with (tests/data/junit-10.xsd).

test_junit_shape.py checks the shape we mean to write; this checks it against the schema CI readers hold us to,
for real CLI runs (the demo, a pass, a validate) and for reports built to be awkward.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import xmlschema

from skewcheck.audit.report import Report
from skewcheck.drift.features import FeatureResult, errored
from skewcheck.drift.gates import Gate, Status
from skewcheck.io.sources import InputSummary
from skewcheck.reporters import junit
from skewcheck.schema.model import Dataset, Feature, FeatureType, Severity
from skewcheck.validation.findings import Check, Finding
from tests.helpers import FIXTURES, invoke, write_schema

XSD = Path(__file__).parent / "data" / "junit-10.xsd"


@cache
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def errors(xml: str) -> list[str]:
    """Every way the document breaks the XSD (empty when valid); parsed from UTF-8 bytes, as a CI reader gets it."""
    return [str(error.reason) for error in junit_schema().iter_errors(io.BytesIO(xml.encode("utf-8")))]


def assert_valid(xml: str) -> None:
    found = errors(xml)
    assert not found, "JUnit report breaks junit-10.xsd:\n" + "\n".join(found) + "\n--- document\n" + xml


# The validator is live: documents a Jenkins reader rejects are rejected here too.

MINIMAL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<testsuites name="s" tests="1" failures="0" errors="0" time="0.5">'
    '<testsuite name="s" tests="1" failures="0" errors="0" skipped="0" time="0.5">'
    '<testcase classname="c" name="n" time="0"/></testsuite></testsuites>'
)


def test_a_minimal_document_is_valid() -> None:
    assert_valid(MINIMAL)


@pytest.mark.parametrize(
    ("broken", "why"),
    [
        (MINIMAL.replace(' failures="0" errors="0" skipped', " skipped"), "testsuite needs failures and errors"),
        (MINIMAL.replace('<testsuites name="s"', '<testsuites skipped="0" name="s"'), "testsuites has no skipped"),
        (MINIMAL.replace('time="0.5">', 'time="-1">', 1), "a negative or signed time"),
        (MINIMAL.replace('time="0"/>', 'time="0"><warning/></testcase>'), "an element the schema does not know"),
        (MINIMAL.replace('classname="c" name="n"', 'classname="c"'), "a testcase without a name"),
    ],
)
def test_the_xsd_rejects_a_broken_document(broken: str, why: str) -> None:
    assert broken != MINIMAL, why
    assert errors(broken), why


# Real runs through the command line


@pytest.fixture(scope="module")
def demo_junit(tmp_path_factory: pytest.TempPathFactory) -> str:
    target = tmp_path_factory.mktemp("junit") / "demo.xml"
    demo = [str(FIXTURES / name) for name in ("train.parquet", "serving.jsonl.gz", "schema.yaml")]
    invoke(["check", demo[0], demo[1], "--schema", demo[2], "--junit", str(target)], 3)
    return target.read_text(encoding="utf-8")


def test_the_demo_report_validates(demo_junit: str) -> None:
    assert_valid(demo_junit)
    assert 'failures="5"' in demo_junit  # the demo's four drifted features and one schema failure are in it


def test_a_passing_run_validates(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    for name in ("train", "serving"):
        frame = pl.DataFrame({"amount": rng.gamma(2.0, 10.0, 2000), "channel": rng.choice(["web", "app"], 2000)})
        frame.write_parquet(tmp_path / f"{name}.parquet")
    schema = write_schema(
        tmp_path / "schema.yaml", "version: 1\nfeatures:\n  amount: {type: float}\n  channel: {type: category}\n"
    )
    target = tmp_path / "pass.xml"
    train, serving = (str(tmp_path / f"{name}.parquet") for name in ("train", "serving"))
    invoke(["check", train, serving, "-s", str(schema), "--junit", str(target)], 0)
    xml = target.read_text(encoding="utf-8")
    assert_valid(xml)
    assert 'tests="2" failures="0"' in xml


@pytest.mark.parametrize(
    ("data", "environment", "code"),
    [("serving.jsonl.gz", "serving", 3), ("train.parquet", "training", 0)],  # findings; and a suite with no cases
)
def test_a_validate_run_validates(tmp_path: Path, data: str, environment: str, code: int) -> None:
    target = tmp_path / "validate.xml"
    schema = str(FIXTURES / "schema.yaml")
    invoke(["validate", str(FIXTURES / data), "-s", schema, "-e", environment, "--junit", str(target)], code)
    assert_valid(target.read_text(encoding="utf-8"))


# Reports built to be awkward

AWKWARD = [
    "quote \" and apostrophe '",
    "markup <testcase> & </failure> ]]> &amp;",
    "unicode: Zürich 東京 🚚 \u202eltr\u202c e\u0301",
    "control: nul \x00 bell \x07 esc \x1b[31m del \x7f nel \x85 ff \x0c",
    "whitespace:\ttab\r\ncrlf\n",
    "lone surrogate \ud800 and non-characters \ufffe \uffff",
    "",
]


def awkward_report(text: str, *, validate: bool = False, seconds: float = 1.5, created_at: str = "") -> Report:
    """Every status and severity, with `text` in every name, reason, message and example."""
    passing, warm, hot = (FeatureResult(f"{status} {text}", FeatureType.FLOAT) for status in ("pass", "warn", "fail"))
    warm = warm.with_gate(Gate("psi", 0.15, 0.1, 0.25, Status.WARN, f"warn {text}"))
    hot = hot.with_gate(Gate(text or "psi", float("nan"), 0.1, 0.25, Status.FAIL, f"fail {text}"))
    quiet = FeatureResult(f"skipped {text}", FeatureType.CATEGORY, Status.SKIPPED, reasons=[f"skipped {text}"])
    broken = errored(Feature(name=f"error {text}", type=FeatureType.INT), f"cannot compare: {text}")
    findings = [
        Finding(
            Dataset.SERVING, f"{severity} {text}", Check.PATTERN, severity, 3, 0.03, (text, text * 2), f"message {text}"
        )
        for severity in Severity
    ]
    findings.append(Finding(Dataset.TRAIN, "", Check.ROW_COUNT, Severity.FAIL, None, None, (), text))
    source = InputSummary(f"logs/{text}*.jsonl", "jsonl", (f"logs/{text}.jsonl",), 100)
    return Report(
        None if validate else source,
        source,
        f"{text}.yaml",
        "ab" * 32,
        findings,
        [] if validate else [passing, warm, hot, quiet, broken],
        skewcheck_version="9.9.9",
        created_at=created_at,
        timings={"read": seconds},
    )


@pytest.mark.parametrize("text", AWKWARD, ids=range(len(AWKWARD)))
@pytest.mark.parametrize("validate", [False, True], ids=["check", "validate"])
def test_awkward_text_validates(text: str, validate: bool) -> None:
    xml = junit.render(awkward_report(text, validate=validate))
    assert_valid(xml)
    if not validate:
        assert 'errors="0"' in xml and xml.count("<failure ") == 4  # fail, error and both failed findings


def test_no_awkward_character_is_lost_or_smuggled_in() -> None:
    """Characters XML can carry come back as written; the ones it cannot become U+FFFD, never a broken file."""
    text = AWKWARD[1] + AWKWARD[2] + AWKWARD[3] + AWKWARD[5]
    xml = junit.render(awkward_report(text))
    assert_valid(xml)
    names = [case.get("name") or "" for case in ET.fromstring(xml.encode("utf-8")).iter("testcase")]
    allowed = re.sub("[\x00\x07\x0c\x1b\ud800\ufffe\uffff]", "\ufffd", text)
    assert f"fail {allowed}" in names


@pytest.mark.parametrize(
    ("seconds", "created_at"),
    [(0.0, ""), (12345.6789, "2025-01-02T03:04:05+02:00"), (1e-9, "2025-01-02T03:04:05"), (0.5, "not a time")],
)
def test_times_and_timestamps_validate(seconds: float, created_at: str) -> None:
    assert_valid(junit.render(awkward_report("t", seconds=seconds, created_at=created_at)))


def test_an_empty_report_validates() -> None:
    empty = Report(None, InputSummary("x.csv", "csv", ("x.csv",), 0), "s.yaml", "00" * 32, [], [])
    assert_valid(junit.render(empty))
