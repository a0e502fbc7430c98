"""Wide data (issue 14): work and memory grow with features, not with features squared; reports stay readable.

Counted, not timed: how many column names are listed while a dataset is validated and profiled,
and how wide a frame each profile query runs over (a query over the whole frame copies every column's schema).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from skewcheck import run
from skewcheck.profiling import profiles
from skewcheck.reporters import html, table
from tests.helpers import write_schema


def wide(tmp_path: Path, features: int, rows: int = 30) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    data = tmp_path / f"wide{features}.parquet"
    pl.DataFrame({f"f{i}": rng.normal(size=rows) for i in range(features)}).write_parquet(data)
    schema = tmp_path / f"wide{features}.yaml"
    write_schema(schema, "version: 1\nfeatures:\n" + "".join(f"  f{i}: {{type: float}}\n" for i in range(features)))
    return data, schema


def test_column_names_listed_grow_linearly_with_the_width(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"columns": 0}
    original = pl.DataFrame.columns

    def counted(frame: pl.DataFrame) -> list[str]:
        names: list[str] = original.fget(frame)  # type: ignore[attr-defined]
        calls["columns"] += len(names)  # the work: a frame's name list is built anew on every call
        return names

    monkeypatch.setattr(pl.DataFrame, "columns", property(counted))
    built = {}
    for features in (20, 200):
        data, schema = wide(tmp_path, features)
        calls["columns"] = 0
        run(str(data), str(data), str(schema))
        built[features] = calls["columns"]
    # Ten times the features, about ten times the names listed; before the fix a hundred times (each feature
    # looked itself up in the whole frame's list of names).
    assert built[200] < 15 * built[20], built


def test_each_profile_query_runs_over_its_own_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    widths: list[int] = []
    original = profiles._distribution

    def recorded(frame: pl.DataFrame, feature: Any, **options: Any) -> pl.LazyFrame:
        widths.append(frame.width)
        return original(frame, feature, **options)

    monkeypatch.setattr(profiles, "_distribution", recorded)
    data, schema = wide(tmp_path, 50)
    run(str(data), str(data), str(schema))
    assert widths and set(widths) == {1}  # before the fix: 50, the whole frame's schema in every query


def test_reports_of_thousands_of_features_keep_to_their_limits(tmp_path: Path) -> None:
    features = max(html.MAX_CARDS, table.MAX_ROWS) + 20
    data, schema = wide(tmp_path, features, rows=12)
    report = run(str(data), str(data), str(schema))
    page = html.render(report)
    assert len(re.findall(r'<article class="card', page)) == html.MAX_CARDS
    assert f"Charts for the first {html.MAX_CARDS} features above; {features - html.MAX_CARDS:,} more" in page
    assert len(re.findall(r"<tr>", page)) >= features  # the features table still lists every one
    text = table.render(report, width=200)
    assert f"… and {features - table.MAX_ROWS:,} more features" in text
