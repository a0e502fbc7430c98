"""One output format per module, each a `render(report) -> str`, chosen through `OutputFormat`."""

from __future__ import annotations

import importlib
from enum import StrEnum

from skewcheck.audit.report import Report


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    GITHUB = "github"
    HTML = "html"

    @property
    def is_human(self) -> bool:
        return self is OutputFormat.TABLE


# Each format's module, imported when a report is rendered in it: the HTML page's charting library alone
# costs a fifth of a second of start-up that a run writing only a table or JSON never needs.
RENDERERS: dict[OutputFormat, str] = {
    OutputFormat.TABLE: "table",
    OutputFormat.JSON: "json_report",
    OutputFormat.MARKDOWN: "markdown",
    OutputFormat.JUNIT: "junit",
    OutputFormat.GITHUB: "github",
    OutputFormat.HTML: "html",
}


def render(report: Report, format: OutputFormat) -> str:
    text: str = importlib.import_module(f"skewcheck.reporters.{RENDERERS[format]}").render(report)
    return text
