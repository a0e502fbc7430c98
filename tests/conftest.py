"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.cloud import Bucket, MotoServer, aws_environment, moto_session, new_bucket

# Rich wraps to the terminal width; a fixed width keeps CLI output comparable from run to run.
os.environ.setdefault("COLUMNS", "200")


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    # A CI job's own step summary must not receive the tests' reports.
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """moto's S3 server on 127.0.0.1, one for the session (a subprocess: the tests' S3 traffic goes only there)."""
    yield from moto_session()


@pytest.fixture
def bucket(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """A fresh bucket, and the AWS settings that reach it, for this test only."""
    aws_environment(monkeypatch, moto_server.endpoint)
    return new_bucket(moto_server.endpoint)
