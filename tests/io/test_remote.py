"""Object-storage names, options and errors: what is a URL, what a message may show, which error is which."""

from __future__ import annotations

import pytest

from skewcheck.errors import UsageError
from skewcheck.io import remote


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("s3://bucket/key.parquet", True),
        ("gs://bucket/exports/", True),
        ("abfss://container@account.dfs.core.windows.net/x", True),
        ("https://host/train.parquet", True),
        ("exports/date=2026-11-20/", False),
        ("/data/s3://odd", False),
        ("delta://table", False),  # a table name, resolved by io.tables
    ],
)
def test_is_url(spec: str, expected: bool) -> None:
    assert remote.is_url(spec) is expected


def test_shown_drops_what_may_be_secret() -> None:
    assert remote.shown("https://user:pass@host/x.parquet?sig=abc&se=2026") == "https://host/x.parquet"
    assert remote.shown("s3://bucket/a/b.parquet") == "s3://bucket/a/b.parquet"
    assert remote.shown("http://user:pw@127.0.0.1:9000/b/x.csv") == "http://127.0.0.1:9000/b/x.csv"


def test_a_malformed_option_is_named_without_its_value() -> None:
    assert remote.parse_options(["AWS_REGION=eu-west-1", "token=a=b"]) == {"aws_region": "eu-west-1", "token": "a=b"}
    with pytest.raises(UsageError) as caught:
        remote.parse_options(["aws_secret_access_key:SECRET-VALUE"])
    assert "SECRET-VALUE" not in str(caught.value)


def test_scrub_replaces_option_values_and_url_queries() -> None:
    text = "denied for key SECRET-VALUE at https://host/x?sig=TOKEN and region true"
    scrubbed = remote.scrub(text, {"aws_secret_access_key": "SECRET-VALUE", "aws_allow_http": "true"})
    assert "SECRET-VALUE" not in scrubbed and "TOKEN" not in scrubbed
    assert scrubbed.endswith("region true")  # short settings are not secrets, and too common to replace


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            "Error performing GET http://127.0.0.1:40312/b/x in 2.403s - HTTP error: error sending request",
            "did not answer",
        ),
        ("<Code>NoSuchBucket</Code>", "bucket does not exist"),
        ("Object at location x not found: 404 Not Found", "no such object"),
        ("Client error with status 403 Forbidden: <Code>InvalidAccessKeyId</Code>", "access denied"),
        ("something else entirely", "cannot read: something else entirely"),
    ],
)
def test_failures_read_as_what_to_do(message: str, reason: str) -> None:
    error = remote.failure("s3://b/x.parquet", OSError(message))
    assert str(error) == f"s3://b/x.parquet: {error_reason(error)}"
    assert reason in str(error)


def error_reason(error: BaseException) -> str:
    return str(error).split(": ", 1)[1]


@pytest.mark.parametrize(
    ("pattern", "key", "matches"),
    [
        ("exports/date=*/*.parquet", "exports/date=2026-11-20/part-0.parquet", True),
        ("exports/date=*/*.parquet", "exports/date=2026-11-20/sub/part-0.parquet", False),
        ("exports/**/*.parquet", "exports/a/b/part-0.parquet", True),
        ("exports/**/*.parquet", "exports/part-0.parquet", True),
        ("exports/day=?/x.csv", "exports/day=1/x.csv", True),
        ("exports/day=[!1]/x.csv", "exports/day=1/x.csv", False),
        ("exports/a+b.csv", "exports/a+b.csv", True),  # regex characters are literal
    ],
)
def test_glob_pattern(pattern: str, key: str, matches: bool) -> None:
    assert bool(remote.glob_pattern(pattern).fullmatch(key)) is matches


def test_same_object() -> None:
    assert remote.same_object("s3://b/x.json", "S3://b/x.json")
    assert remote.same_object("s3://b/dir/", "s3://b/dir")
    assert not remote.same_object("s3://b/x.json", "s3://b/y.json")
    assert not remote.same_object("s3://b/x.json", "x.json")
