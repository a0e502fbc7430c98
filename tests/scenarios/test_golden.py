"""Golden files: the demo audit in every report format, byte for byte after normalising what changes per run.

A mismatch shows a unified diff. After an intended change to a format, regenerate every golden file with

    SKEWCHECK_UPDATE_GOLDEN=1 .venv/bin/pytest -q tests/test_golden.py

and review the diff of tests/golden/ like any other change.

Normalised: the time (created_at, JUnit timestamp), the skewcheck version, timings and elapsed seconds, the repo's
absolute path, salted PII hashes, and (JSON only) float digits past the tenth significant one, where numpy/scipy
builds may differ. The CLI runs at the repo root with relative paths, so a clone at any path prints the same
report, wrapped the same way.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from skewcheck.audit import run as runner
from skewcheck.audit.report import Report
from skewcheck.reporters import OutputFormat, render
from tests.helpers import REPO, invoke

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SKEWCHECK_UPDATE_GOLDEN") == "1"
DEMO = ["check", "fixtures/train.parquet", "fixtures/serving.jsonl.gz", "--schema", "fixtures/schema.yaml"]

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
SALTED = re.compile(r"hash:[0-9a-f]{12}")
# A number, not part of a word, a hash or a dotted version.
FLOAT = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")


def normalise(text: str) -> str:
    """What every format shares: no path, time, version or salt of this run left in."""
    text = text.replace(str(REPO), "<repo>")
    text = TIMESTAMP.sub("<time>", text)
    text = re.sub(rf"(?<![\w.]){re.escape(runner.skewcheck_version())}(?![\w.])", "<version>", text)
    return SALTED.sub("hash:<salted>", text)


def normalise_json(text: str) -> str:
    text = re.sub(
        r'"timings_seconds": \{[^}]*\}',
        lambda block: re.sub(r"(\": )[-\d.eE+]+", r'\1"<seconds>"', block.group()),
        normalise(text),
    )
    return FLOAT.sub(lambda number: _ten_digits(number.group()), text)


def _ten_digits(number: str) -> str:
    if not any(mark in number for mark in ".eE"):
        return number  # integers (counts, rows) are exact
    return repr(float(f"{float(number):.10g}"))


def normalise_markdown(text: str) -> str:
    # The provenance line ends with the run's elapsed seconds: "- skewcheck <version> · <time> · 0.83 s".
    return re.sub(r"(?m)^(- skewcheck .*· )\d+(?:\.\d+)? s$", r"\1<seconds> s", normalise(text))


def normalise_junit(text: str) -> str:
    return re.sub(r'(<testsuites?\b[^>]*\btime=")[^"]*"', r'\1<seconds>"', normalise(text))


def normalise_html(text: str) -> str:
    # The run line ends with the elapsed seconds: "skewcheck <version>, <time> in 0.83 s".
    return re.sub(r"(, <time>) in \d+(?:\.\d+)? s<", r"\1 in <seconds> s<", normalise(text))


def normalise_table(text: str) -> str:
    # rich pads each line to the terminal width; the padding is not the report.
    return "\n".join(line.rstrip() for line in normalise(text).splitlines()) + "\n"


# golden file name -> (how to normalise it, which output of the demo run it is). A new format: write it in
# `demo` (a file option, or a stdout run of its own) and add a line here.
FORMATS: dict[str, tuple[Callable[[str], str], str]] = {
    "demo.json": (normalise_json, "json"),
    "demo.md": (normalise_markdown, "markdown"),
    "demo.junit.xml": (normalise_junit, "junit"),
    "demo.github.txt": (normalise, "github"),
    "demo.table.txt": (normalise_table, "table"),
    "demo.html": (normalise_html, "html"),
}


@dataclass(frozen=True)
class DemoRun:
    outputs: dict[str, str]
    """Each format's text as the CLI wrote it, by OutputFormat value."""
    report: Report


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The demo audit once, rendered in every format: report files plus each stdout format."""
    folder = tmp_path_factory.mktemp("golden")
    files = {name: folder / f"demo.{name}" for name in ("json", "markdown", "junit", "html")}
    report_options = [f"--{name}={path}" for name, path in files.items()]
    with demo_environment() as reports:
        table = invoke([*DEMO, *report_options], 3)
        github = invoke([*DEMO, "--format", "github"], 3)
    assert len(reports) == 1, "both runs should share one audit"
    outputs = {name: path.read_text(encoding="utf-8") for name, path in files.items()}
    return DemoRun(outputs | {"table": table.stdout, "github": github.stdout}, next(iter(reports.values())))


@contextmanager
def demo_environment() -> Iterator[dict[str, Report]]:
    """cwd at the repo root, a fixed terminal, and one audit shared by every CLI run inside (yielded, by arguments)."""
    # Module-scoped fixtures run before conftest's function-scoped ones, so the environment is set here too; and
    # forced, since conftest only defaults COLUMNS and a developer's own terminal width would rewrap the table.
    # Each stdout format needs its own CLI run, and the audit is the slow part: later runs reuse the first one's
    # Report, while every output still goes through the CLI's own rendering.
    reports: dict[str, Report] = {}
    audit = runner.run

    def memoised(*args: Any, **kwargs: Any) -> Report:
        key = repr((args, kwargs))
        if key not in reports:
            reports[key] = audit(*args, **kwargs)
        return reports[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        patch.setenv("COLUMNS", "200")
        patch.setenv("NO_COLOR", "1")
        patch.setenv("TERM", "dumb")
        patch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        patch.setattr(runner, "run", memoised)
        yield reports


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


@pytest.mark.parametrize("name", FORMATS)
def test_demo_matches_its_golden_file(name: str, demo: DemoRun) -> None:
    normaliser, output = FORMATS[name]
    assert_matches_golden(normaliser(demo.outputs[output]), GOLDEN / name)


@pytest.mark.parametrize("name", FORMATS)
def test_nothing_of_this_run_is_left_after_normalising(name: str, demo: DemoRun) -> None:
    normaliser, output = FORMATS[name]
    text = normaliser(demo.outputs[output])
    assert str(REPO) not in text
    assert not TIMESTAMP.search(text), TIMESTAMP.search(text)
    assert not SALTED.search(text)


@pytest.mark.parametrize("name", FORMATS)
def test_a_later_slower_run_normalises_the_same(name: str, demo: DemoRun) -> None:
    """Whatever a format makes of the time and the timings, normalising hides it: the golden file cannot flake."""
    later = replace(
        demo.report,
        created_at="2031-12-30T23:59:58+00:00",
        timings={stage: seconds * 7 + 123.4567 for stage, seconds in demo.report.timings.items()},
    )
    normaliser, output = FORMATS[name]
    assert normaliser(render(later, OutputFormat(output))) == normaliser(render(demo.report, OutputFormat(output)))


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
    assert normaliser(raw.replace("VERSION", runner.skewcheck_version())) == expected


def test_the_environment_is_restored() -> None:
    audit = runner.run
    with demo_environment():
        assert Path.cwd() == REPO
        assert runner.run is not audit
    assert runner.run is audit
