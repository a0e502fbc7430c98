"""The training side of an audit: which columns rows are joined on, and what identifies it in a history."""

from __future__ import annotations

from pathlib import Path

import pytest

from skewcheck.audit.baseline import join_keys, profile_identity, source_identity
from skewcheck.audit.options import Options
from skewcheck.errors import UsageError
from skewcheck.io.sources import InputFormat, Source
from skewcheck.schema.load import load_schema
from tests.helpers import write_schema


def test_join_keys_from_options_or_the_schema(tmp_path: Path) -> None:
    schema = load_schema(
        write_schema(tmp_path / "s.yaml", "features:\n  id: {type: int, role: key}\n  x: {type: float}\n")
    )
    assert join_keys(schema, Options()) == ()
    assert join_keys(schema, Options(rows=True)) == ("id",)
    with pytest.raises(UsageError) as caught:
        join_keys(schema, Options(keys=("nope",)))
    assert str(caught.value).startswith("keys=('nope',): not a feature of")


def test_rows_without_declared_keys_names_the_parameter(tmp_path: Path) -> None:
    schema = load_schema(write_schema(tmp_path / "s.yaml", "features:\n  x: {type: float}\n"))
    with pytest.raises(UsageError, match=r"^rows=True joins on the schema's keys"):
        join_keys(schema, Options(rows=True))


def test_identity_is_names_and_sizes_not_times(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n")
    source = Source("a.csv", InputFormat.CSV, (tmp_path / "a.csv",))
    first, content = source_identity(source), profile_identity(str(tmp_path / "a.csv"), Options())
    (tmp_path / "a.csv").write_text("x\n2\n")  # same size, new time and content
    assert source_identity(source) == first
    assert profile_identity(str(tmp_path / "a.csv"), Options()) != content


def test_an_objects_identity_is_its_name_and_listed_size() -> None:
    url = "s3://bucket/exports/a.csv"
    listed = Source(url, InputFormat.CSV, (url,), sizes={url: 6})
    assert source_identity(listed) == source_identity(Source(url, InputFormat.CSV, (url,), sizes={url: 6}))
    assert source_identity(listed) != source_identity(Source(url, InputFormat.CSV, (url,), sizes={url: 7}))
