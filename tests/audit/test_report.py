"""The Report: frozen once made, its exit code its own."""

from __future__ import annotations

import pytest

from skewcheck.audit.report import Report
from skewcheck.errors import ExitCode
from skewcheck.schema.model import Dataset, Severity
from skewcheck.validation.findings import Check, Finding


def test_a_report_never_changes_once_made() -> None:
    import dataclasses

    finding = Finding(Dataset.SERVING, "amount", Check.NULL, Severity.FAIL, 1, 1.0, (), "1 null")
    passed = [finding]
    report = Report(train=None, serving=None, schema_path="s.yaml", schema_sha256="", findings=passed, features=[])
    assert report.exit_code == ExitCode.SCHEMA_FAILED
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.created_at = "2026-01-01T00:00:00+00:00"  # type: ignore[misc]
    passed.clear()  # the caller's list is not the report's
    with pytest.raises(AttributeError):
        report.findings.clear()  # type: ignore[attr-defined]
    assert report.findings == (finding,)
    assert report.exit_code == ExitCode.SCHEMA_FAILED
