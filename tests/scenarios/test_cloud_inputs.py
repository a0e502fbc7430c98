"""Inputs in an S3 bucket (moto's server on 127.0.0.1): globs, hive folders, a schema by URL, the same results."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.cloud import SECRET, Bucket
from tests.helpers import FIXTURES, assert_one_line_error, invoke


def _upload_demo(bucket: Bucket) -> None:
    """Training split over two hive folders, serving as one gzip log, the schema beside them."""
    train = pl.read_parquet(FIXTURES / "train.parquet")
    half = train.height // 2
    bucket.put_parquet("train/day=1/part-0.parquet", train.head(half))
    bucket.put_parquet("train/day=2/part-0.parquet", train.tail(train.height - half))
    bucket.put("train/_SUCCESS", b"")
    bucket.put("serving/log.jsonl.gz", (FIXTURES / "serving.jsonl.gz").read_bytes())
    bucket.put("schema.yaml", (FIXTURES / "schema.yaml").read_bytes())


def _features(report: dict[str, object]) -> dict[str, object]:
    return {feature["name"]: feature["metrics"] for feature in report["features"]}  # type: ignore[index,attr-defined]


def test_check_reads_globs_and_hive_folders_in_a_bucket_as_it_reads_local_files(bucket: Bucket) -> None:
    _upload_demo(bucket)
    local = invoke(
        [
            "check",
            FIXTURES / "train.parquet",
            FIXTURES / "serving.jsonl.gz",
            "-s",
            FIXTURES / "schema.yaml",
            "-f",
            "json",
        ],
        None,
    )
    for train in (bucket.url("train/"), bucket.url("train/day=*/*.parquet"), bucket.url("train/**/*.parquet")):
        remote = invoke(
            ["check", train, bucket.url("serving/log.jsonl.gz"), "-s", bucket.url("schema.yaml"), "-f", "json"],
            local.exit_code,
        )
        report = remote.json()
        assert _features(report) == _features(local.json())
        assert report["train"]["rows"] == local.json()["train"]["rows"]
        assert report["train"]["paths"] == [
            bucket.url("train/day=1/part-0.parquet"),
            bucket.url("train/day=2/part-0.parquet"),
        ]  # the _SUCCESS marker is skipped, as beside local files
        assert report["schema"]["path"] == bucket.url("schema.yaml")


def test_each_hive_folder_in_a_bucket_is_a_partition(bucket: Bucket) -> None:
    _upload_demo(bucket)
    serving = pl.read_parquet(FIXTURES / "train.parquet").head(400)
    bucket.put_parquet("serving/date=2026-11-20/part-0.parquet", serving)
    bucket.put_parquet("serving/date=2026-11-21/part-0.parquet", serving)
    outcome = invoke(
        [
            *("check", bucket.url("train/"), bucket.url("serving/date=*/*.parquet"), "-s", bucket.url("schema.yaml")),
            *("--each", "date", "-f", "json"),
        ],
        None,
    )
    labels = [part["partition"] for part in outcome.json()["partitions"]]
    assert labels == ["date=2026-11-20", "date=2026-11-21"]


def test_a_storage_option_reaches_the_store_and_no_output_shows_it(bucket: Bucket, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _upload_demo(bucket)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")  # the secret comes only from the command line now
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    options = ["--storage-option", f"aws_secret_access_key={SECRET}"]
    options += ["--storage-option", f"aws_endpoint_url={bucket.endpoint}"]
    files = {name: tmp_path / f"report.{name}" for name in ("json", "html")}
    outcome = invoke(
        [
            *("check", bucket.url("train/"), bucket.url("serving/log.jsonl.gz"), "-s", bucket.url("schema.yaml")),
            *options,
            *("--json", files["json"], "--html", files["html"], "--markdown", bucket.url("reports/r.md")),
        ],
        3,  # the demo's serving log breaks the schema
    )
    assert "distance_km" in outcome.stdout  # the terminal table was printed, and read through the options
    shown = [
        outcome.stdout,
        outcome.stderr,
        *(path.read_text() for path in files.values()),
        bucket.get("reports/r.md").decode(),
    ]
    assert all(SECRET not in text for text in shown)
    missing = invoke(["check", bucket.url("nowhere/"), bucket.url("serving/log.jsonl.gz"), *options], 2)
    assert SECRET not in missing.stdout + missing.stderr


def test_a_missing_object_and_bucket_are_one_line_naming_the_url(bucket: Bucket) -> None:
    _upload_demo(bucket)
    schema = ["-s", bucket.url("schema.yaml")]
    gone = invoke(["check", bucket.url("train/"), bucket.url("serving/gone.jsonl"), *schema], 2)
    assert_one_line_error(gone, bucket.url("serving/gone.jsonl"), "no such object")
    no_bucket = invoke(["check", "s3://no-such-bucket-here/train/", bucket.url("serving/log.jsonl.gz"), *schema], 2)
    assert_one_line_error(no_bucket, "s3://no-such-bucket-here/train", "bucket does not exist")
    no_schema = invoke(
        ["check", bucket.url("train/"), bucket.url("serving/log.jsonl.gz"), "-s", bucket.url("x.yaml")], 2
    )
    assert_one_line_error(no_schema, bucket.url("x.yaml"), "no such object")
    no_match = invoke(["check", bucket.url("train/day=9*/*.parquet"), bucket.url("serving/log.jsonl.gz"), *schema], 2)
    assert_one_line_error(no_match, "no objects match")


def test_only_the_schemas_columns_are_fetched(bucket: Bucket, tmp_path: Path) -> None:
    """Measured through a proxy: a schema of 1 of 40 columns fetches a small part of the object, all 40 nearly all."""
    import numpy as np

    from tests.cloud import CountingProxy

    columns = {f"c{i}": np.random.default_rng(i).normal(size=50_000) for i in range(40)}
    url = bucket.put_parquet("wide/train.parquet", pl.DataFrame(columns))
    size = len(bucket.get("wide/train.parquet"))
    fetched = {}
    for width in (1, 40):
        schema = tmp_path / f"schema{width}.yaml"
        schema.write_text("features:\n" + "".join(f"  c{i}: {{type: float}}\n" for i in range(width)))
        proxy = CountingProxy()
        try:
            invoke(["validate", url, "-s", schema, "-q", "--storage-option", f"proxy_url={proxy.url}"], 0)
        finally:
            proxy.close()
        fetched[width] = proxy.received
    assert fetched[1] < size / 10  # one column's chunks and the footer
    assert fetched[40] > size * 0.9


def test_a_file_on_a_web_server_is_read_as_one_object() -> None:
    from tests.cloud import serve_directory

    url, server = serve_directory(str(FIXTURES))
    try:
        web = ["--storage-option", "allow_http=true"]
        schema = ["-s", f"{url}/schema.yaml", "-f", "json"]
        outcome = invoke(["check", f"{url}/train.parquet", f"{url}/serving.jsonl.gz", *schema, *web], None)
        assert outcome.exit_code != 2, outcome.stderr
        remote = outcome.json()
        demo = [FIXTURES / "train.parquet", FIXTURES / "serving.jsonl.gz", "-s", FIXTURES / "schema.yaml", "-f", "json"]
        local = invoke(["check", *demo], remote["exit_code"]).json()
        assert _features(remote) == _features(local)
        listing = invoke(["check", f"{url}/*.parquet", f"{url}/serving.jsonl.gz", *schema, *web], 2)
        assert_one_line_error(listing, "a web server cannot list its files")
    finally:
        server.shutdown()
        server.server_close()
