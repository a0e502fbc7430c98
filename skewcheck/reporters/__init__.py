"""One output format per module, each a `render(report) -> str`, chosen through `Format`."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from skewcheck.report import Report
from skewcheck.reporters import json_report, table


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"

    @property
    def is_human(self) -> bool:
        return self is Format.TABLE


RENDERERS: dict[Format, Callable[[Report], str]] = {
    Format.TABLE: table.render,
    Format.JSON: json_report.render,
}


def render(report: Report, format: Format) -> str:
    return RENDERERS[format](report)
