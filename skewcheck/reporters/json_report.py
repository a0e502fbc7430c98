"""The machine report: `Report.to_records()` as JSON (named so as not to shadow `json`)."""

from __future__ import annotations

import json

from skewcheck.audit.report import Report


def render(report: Report) -> str:
    return json.dumps(report.to_records(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
