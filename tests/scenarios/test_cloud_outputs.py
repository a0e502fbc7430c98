"""Profiles and reports written to an S3 bucket (moto's server on 127.0.0.1), read back, never over an input."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cloud import SECRET, Bucket, MotoServer, aws_environment, new_bucket, start_moto, stop_moto
from tests.helpers import FIXTURES, assert_one_line_error, invoke

DEMO = [FIXTURES / "train.parquet", FIXTURES / "serving.jsonl.gz", "-s", FIXTURES / "schema.yaml"]


def _metrics(report: dict[str, object]) -> dict[str, object]:
    return {feature["name"]: feature["metrics"] for feature in report["features"]}  # type: ignore[index,attr-defined]


def test_a_profile_saved_to_a_bucket_audits_as_the_same_profile_saved_locally(bucket: Bucket, tmp_path: Path) -> None:
    bucket.put("data/train.parquet", (FIXTURES / "train.parquet").read_bytes())
    schema = ["-s", FIXTURES / "schema.yaml"]
    invoke(["profile", bucket.url("data/train.parquet"), "-o", bucket.url("profiles/baseline.skprofile"), *schema], 0)
    invoke(["profile", FIXTURES / "train.parquet", "-o", tmp_path / "baseline.skprofile", *schema], 0)
    assert bucket.keys("profiles") == ["profiles/baseline.skprofile"]  # one object, put whole: no temporary beside it
    serving = [FIXTURES / "serving.jsonl.gz", *schema, "-f", "json"]
    remote = invoke(["check", bucket.url("profiles/baseline.skprofile"), *serving], None)
    local = invoke(["check", tmp_path / "baseline.skprofile", *serving], remote.exit_code)
    assert _metrics(remote.json()) == _metrics(local.json())
    assert remote.json()["train"]["spec"] == bucket.url("profiles/baseline.skprofile")
    merged = bucket.url("profiles/merged.skprofile")
    invoke(
        [
            "profile",
            "--merge",
            bucket.url("profiles/baseline.skprofile"),
            tmp_path / "baseline.skprofile",
            "-o",
            merged,
        ],
        0,
    )
    assert bucket.keys("profiles") == ["profiles/baseline.skprofile", "profiles/merged.skprofile"]


def test_reports_go_to_a_bucket_whole_and_never_over_an_input(bucket: Bucket) -> None:
    outcome = invoke(
        ["check", *DEMO, "--html", bucket.url("r/report.html"), "--json", bucket.url("r/report.json")],
        3,
    )
    assert bucket.get("r/report.html").decode().startswith("<!DOCTYPE html>")
    assert bucket.get("r/report.json").decode().lstrip().startswith("{")
    assert "FAIL" in outcome.stdout
    train = bucket.put("in/train.parquet", (FIXTURES / "train.parquet").read_bytes())
    over = invoke(["check", train, *DEMO[1:], "--json", train], 2)
    assert_one_line_error(over, train, "refusing to write the --json report over an input")
    assert bucket.get("in/train.parquet") == (FIXTURES / "train.parquet").read_bytes()


@pytest.fixture(scope="module")
def strict_server() -> Iterator[MotoServer]:
    """A second moto server that checks credentials: keys it never issued are refused, as AWS refuses them."""
    server = start_moto(enforce_auth=True)
    yield server
    stop_moto(server)


def test_a_denied_read_is_one_line_without_the_secret(
    strict_server: MotoServer, moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws_environment(monkeypatch, strict_server.endpoint)
    url = "s3://some-bucket/train.parquet"
    denied = invoke(["check", url, *DEMO[1:]], 2)
    assert_one_line_error(denied, url, "access denied")
    assert SECRET not in denied.stderr
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint)
    bucket = new_bucket(moto_server.endpoint)
    bucket.put("train.parquet", (FIXTURES / "train.parquet").read_bytes())
    monkeypatch.setenv("AWS_ENDPOINT_URL", strict_server.endpoint)  # the same request, where the keys are unknown
    profile = invoke(["check", *DEMO, "--html", bucket.url("report.html")], 2)
    assert_one_line_error(profile, bucket.url("report.html"), "access denied")


def test_a_store_that_never_answers_fails_after_a_bounded_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        aws_environment(monkeypatch, f"http://127.0.0.1:{silent.getsockname()[1]}")
        started = time.monotonic()
        options = ["--storage-option", "timeout=1s", "--storage-option", "max_retries=1"]
        outcome = invoke(["check", "s3://slow-bucket/train.parquet", *DEMO[1:], *options], 2)
        assert time.monotonic() - started < 30
    assert_one_line_error(outcome, "s3://slow-bucket/train.parquet", "did not answer")


def test_no_credentials_anywhere_is_one_line(bucket: Bucket, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bucket.put("train.parquet", (FIXTURES / "train.parquet").read_bytes())
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws either: the last resort is the machine's metadata service
    outcome = invoke(["check", bucket.url("train.parquet"), *DEMO[1:]], 2)
    assert_one_line_error(outcome, bucket.url("train.parquet"), "no credentials found")
