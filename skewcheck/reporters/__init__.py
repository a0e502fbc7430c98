"""One output format per module, each a `render(report) -> str`, chosen through `OutputFormat`."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from skewcheck.report import Report
from skewcheck.reporters import github, html, json_report, junit, markdown, table


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


RENDERERS: dict[OutputFormat, Callable[[Report], str]] = {
    OutputFormat.TABLE: table.render,
    OutputFormat.JSON: json_report.render,
    OutputFormat.MARKDOWN: markdown.render,
    OutputFormat.JUNIT: junit.render,
    OutputFormat.GITHUB: github.render,
    OutputFormat.HTML: html.render,
}


def render(report: Report, format: OutputFormat) -> str:
    return RENDERERS[format](report)
