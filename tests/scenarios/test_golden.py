"""Golden files: each case of tests/scenarios/golden/ run through the CLI, byte for byte after normalising.

A case is a folder of data, not Python (see golden_cases.py for what it holds): adding one is adding its `args.txt`
and running once with SKEWCHECK_UPDATE_GOLDEN=1. A mismatch shows a unified diff. After an intended change to a
format, regenerate every case's expected files (and exit codes) with

    SKEWCHECK_UPDATE_GOLDEN=1 .venv/bin/pytest -q tests/scenarios/test_golden.py

and review the diff of tests/scenarios/golden/ like any other change.

Normalised: the time (created_at, JUnit timestamp), the skewcheck version, timings and elapsed seconds, the repo's
absolute path, salted PII hashes, and (JSON only) float digits past the tenth significant one, where numpy/scipy
builds may differ. The CLI runs at the repo root with relative paths, so a clone at any path prints the same
report, wrapped the same way; the temporary folders a case writes into read `{out}` and `{tmp}`.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from skewcheck.audit import run as runner
from skewcheck.audit.stamps import skewcheck_version
from skewcheck.cli import check as check_command
from skewcheck.reporters import OutputFormat, render
from tests.helpers import REPO
from tests.normalise import (
    RUN_ID,
    SALTED,
    TIMESTAMP,
    normalise,
    normalise_json,
    normalise_junit,
    normalise_markdown,
    normaliser_for,
)
from tests.scenarios.golden_cases import (
    ARGS,
    EXIT_CODES,
    GOLDEN,
    CaseRun,
    case_names,
    golden_environment,
    load_case,
    run_case,
)

UPDATE = os.environ.get("SKEWCHECK_UPDATE_GOLDEN") == "1"

# The stdout formats each case's single audit is rendered in again in-process, by expected file.
RENDERED = {
    "report.json": "json",
    "report.md": "markdown",
    "report.xml": "junit",
    "report.html": "html",
    "github.txt": "github",
    "table.txt": "table",
}
ONE_AUDIT = ("demo", "key")
"""The cases whose commands all share one `runner.run` audit."""

CASES = {name: load_case(name) for name in case_names()}
EXPECTED = [f"{case.name}/{name}" for case in CASES.values() for name in case.expected]


@pytest.fixture(scope="module")
def case_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], CaseRun]:
    """Each case run once, when a test first asks for it."""
    runs: dict[str, CaseRun] = {}

    def run(name: str) -> CaseRun:
        if name not in runs:
            runs[name] = run_case(CASES[name], tmp_path_factory.mktemp(name))
        return runs[name]

    return run


def assert_matches_golden(actual: str, path: Path) -> None:
    """Compare with the golden file; with SKEWCHECK_UPDATE_GOLDEN=1, write it instead."""
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing: run with SKEWCHECK_UPDATE_GOLDEN=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), f"{path.name} (golden)", "this run"
        )
        pytest.fail(
            f"{path.name} differs from this run (rerun with SKEWCHECK_UPDATE_GOLDEN=1 if the change is intended):\n"
            + "".join(diff),
            pytrace=False,
        )


@pytest.mark.parametrize("expected", EXPECTED)
def test_the_output_matches_its_golden_file(expected: str, case_run: Callable[[str], CaseRun]) -> None:
    case, name = expected.split("/")
    outputs = case_run(case).outputs
    assert name in outputs, f"{expected}: no command of the case wrote it"
    assert_matches_golden(normaliser_for(name)(outputs[name]), GOLDEN / expected)


@pytest.mark.parametrize("case", CASES)
def test_the_exit_codes_match(case: str, case_run: Callable[[str], CaseRun]) -> None:
    actual = "".join(f"{code}\n" for code in case_run(case).exit_codes)
    assert_matches_golden(actual, GOLDEN / case / EXIT_CODES)


@pytest.mark.parametrize("case", CASES)
def test_every_golden_file_is_an_output(case: str) -> None:
    """A file no command writes any more would pass forever unread: the case's top level holds only its outputs."""
    files = {path.name for path in (GOLDEN / case).iterdir() if path.is_file()}
    assert files - {ARGS, EXIT_CODES} == set(CASES[case].expected)


@pytest.mark.parametrize("expected", EXPECTED)
def test_nothing_of_this_run_is_left_after_normalising(expected: str, case_run: Callable[[str], CaseRun]) -> None:
    case, name = expected.split("/")
    text = normaliser_for(name)(case_run(case).outputs[name])
    assert str(REPO) not in text
    assert "pytest-of" not in text
    assert not TIMESTAMP.search(text), TIMESTAMP.search(text)
    assert not SALTED.search(text)
    assert not RUN_ID.search(text)


@pytest.mark.parametrize("expected", [f"{case}/{name}" for case in ONE_AUDIT for name in RENDERED])
def test_a_later_slower_run_normalises_the_same(expected: str, case_run: Callable[[str], CaseRun]) -> None:
    """Whatever a format makes of the time and the timings, normalising hides it: the golden file cannot flake."""
    case, name = expected.split("/")
    reports = case_run(case).reports
    assert len(reports) == 1, "the case's commands should share one audit"
    report = next(iter(reports.values()))
    later = replace(
        report,
        created_at="2031-12-30T23:59:58+00:00",
        timings={stage: seconds * 7 + 123.4567 for stage, seconds in report.timings.items()},
    )
    normaliser, output = normaliser_for(name), OutputFormat(RENDERED[name])
    assert normaliser(render(later, output)) == normaliser(render(report, output))


def test_a_changed_report_fails_with_a_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.UPDATE", False)
    golden = tmp_path / "x.txt"
    golden.write_text("one\ntwo\n")
    assert_matches_golden("one\ntwo\n", golden)
    with pytest.raises(pytest.fail.Exception, match=r"(?s)-two\n\+three"):
        assert_matches_golden("one\nthree\n", golden)


@pytest.mark.parametrize(
    ("normaliser", "raw", "expected"),
    [
        (normalise, "at 2026-11-26T01:35:08+00:00 by skewcheck VERSION", "at <time> by skewcheck <version>"),
        (normalise, "examples: 'hash:0123456789ab', 'x'", "examples: 'hash:<salted>', 'x'"),
        (normalise, '"run_id": "20261204T033132Z-e8cada80",', '"run_id": "<run id>",'),
        (
            normalise_json,
            '"p01": 0.9499000000000001, "rows": 14000, "sha256": "4977f5c13fe4d69e"',
            '"p01": 0.9499, "rows": 14000, "sha256": "4977f5c13fe4d69e"',
        ),
        (
            normalise_json,
            '"timings_seconds": {\n    "read": 0.1075,\n    "compare": 1e-05\n  }',
            '"timings_seconds": {\n    "read": "<seconds>",\n    "compare": "<seconds>"\n  }',
        ),
        (
            normalise_markdown,
            "- skewcheck VERSION · 2026-11-26T01:35:04+00:00 · 0.83 s\n",
            "- skewcheck <version> · <time> · <seconds> s\n",
        ),
        (
            normalise_junit,
            '<testsuites name="s" time="1.234">\n  <testsuite time="1.234" timestamp="2026-11-26T01:34:50">'
            '<testcase time="0" />',
            '<testsuites name="s" time="<seconds>">\n  <testsuite time="<seconds>" '
            'timestamp="<time>"><testcase time="0" />',
        ),
    ],
)
def test_normalising(normaliser: Callable[[str], str], raw: str, expected: str) -> None:
    assert normaliser(raw.replace("VERSION", skewcheck_version())) == expected


def test_the_environment_is_restored() -> None:
    audit = check_command.run
    with golden_environment():
        assert Path.cwd() == REPO
        assert check_command.run is not audit
    assert check_command.run is audit is runner.run
