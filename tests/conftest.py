"""Fixtures shared by the test modules."""

from __future__ import annotations

import os

import pytest

# Rich wraps to the terminal width; a fixed width keeps CLI output comparable from run to run.
os.environ.setdefault("COLUMNS", "200")


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    # A CI job's own step summary must not receive the tests' reports.
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
