"""The CI reports through the command line: files, stdout, and the GitHub step summary."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, assert_one_line_error, invoke

DEMO = [
    "check",
    str(FIXTURES / "train.parquet"),
    str(FIXTURES / "serving.jsonl.gz"),
    "-s",
    str(FIXTURES / "schema.yaml"),
]


def test_one_run_writes_every_report(tmp_path: Path) -> None:
    paths = {name: tmp_path / f"report.{name}" for name in ("json", "md", "xml")}
    outcome = invoke(
        [*DEMO, "--json", str(paths["json"]), "--markdown", str(paths["md"]), "--junit", str(paths["xml"])], 3
    )
    assert "Schema findings" in outcome.stdout  # the table still goes to stdout
    assert paths["md"].read_text().startswith("**FAIL**")
    suite = ET.parse(paths["xml"]).getroot().find("testsuite")
    assert suite is not None and int(suite.get("failures", "0")) == 5  # 4 drifted features, the domain finding
    assert '"exit_code": 3' in paths["json"].read_text()


def test_github_format_on_stdout_and_summary_on_stderr() -> None:
    outcome = invoke([*DEMO, "--format", "github"], 3)
    lines = outcome.stdout.strip().splitlines()
    assert lines[-1].startswith("::notice title=skewcheck::FAIL: 4 of 11 features drifted")
    assert any(line.startswith("::error title=skewcheck drift%3A distance_km::") for line in lines)
    assert outcome.stderr.startswith("FAIL: 4 of 11")


def test_markdown_to_stdout() -> None:
    assert invoke([*DEMO, "--markdown", "-"], 3).stdout.startswith("**FAIL**")


def test_only_one_report_may_take_stdout() -> None:
    assert_one_line_error(invoke([*DEMO, "--json", "-", "--junit", "-"], 2), "only one report can go to stdout")


def test_github_step_summary_is_appended_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    invoke([*DEMO, "--quiet"], 3)
    text = summary.read_text()
    assert text.startswith("earlier step\n**FAIL**")
    invoke([*DEMO, "--quiet", "--no-step-summary"], 3)
    assert summary.read_text() == text


def test_validate_writes_junit_with_schema_cases_only(tmp_path: Path) -> None:
    target = tmp_path / "v.xml"
    invoke(
        ["validate", str(FIXTURES / "serving.jsonl.gz"), "-s", str(FIXTURES / "schema.yaml"), "--junit", str(target)], 3
    )
    cases = ET.parse(target).getroot().iter("testcase")
    assert {case.get("classname") for case in cases} == {"schema.serving"}
