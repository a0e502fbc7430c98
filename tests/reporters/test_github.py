"""The GitHub Actions workflow commands report."""

from __future__ import annotations

from skewcheck.drift.gates import Status
from skewcheck.reporters import github
from skewcheck.schema.model import Severity
from tests.reporters.ci_reports import MIXED, demo, feature, finding, synthetic


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
