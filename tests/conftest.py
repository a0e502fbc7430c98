"""Fixtures shared by the test modules."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The one local Spark (`local[2]`) every Spark test shares: a JVM takes seconds to start.

    Skipped, with the reason, without pyspark or Java; never in CI, which sets SKEWCHECK_REQUIRE_SPARK=1.
    Each file Spark reads is a partition of its own, so a folder of files of unequal sizes makes unequal partitions.
    """
    missing = None
    if importlib.util.find_spec("pyspark") is None:
        missing = "pyspark is not installed (pip install 'skewcheck[spark]')"
    elif not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        missing = "no Java for Spark (install openjdk-17-jre-headless)"
    if missing:
        if os.environ.get("SKEWCHECK_REQUIRE_SPARK") == "1":
            raise RuntimeError(f"SKEWCHECK_REQUIRE_SPARK=1 but {missing}")
        pytest.skip(missing)
    from skewcheck.spark import session

    settings = [
        ("spark.sql.shuffle.partitions", "4"),
        ("spark.sql.files.openCostInBytes", str(1 << 30)),  # one file, one partition
        ("spark.ui.enabled", "false"),
    ]
    active = session("local[2]", settings)
    yield active
    active.stop()
