"""infer's judgement calls: the better calls on the flights-shaped cases, each explained in the file and on stderr."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from skewcheck.profiling import judgements
from skewcheck.profiling.infer import infer, infer_explained
from skewcheck.schema.model import FeatureType, Role
from tests.helpers import invoke

ROWS = 600


@pytest.fixture
def flights(tmp_path: Path) -> Path:
    carriers = [f"C{i % 15:02d}" for i in range(ROWS - 3)] + ["C15"] * 3  # the sixteenth airline: three flights
    pl.DataFrame(
        {
            "flight_id": [f"F{i}" for i in range(ROWS)],
            "carrier": carriers,
            "tailnum": [f"N{i % 200}" for i in range(ROWS)],  # 200 values: too many for a category
            "month": [1 + i % 6 for i in range(ROWS)],  # January to June
            "year": [2013] * ROWS,
            "dep_hour": [i % 24 for i in range(ROWS)],
            "time_hour": [dt.datetime(2013, 1, 1) + dt.timedelta(hours=i) for i in range(ROWS)],
            "scheduled": [dt.datetime(2013, 1, 1) + dt.timedelta(hours=i) for i in range(ROWS)],
            "distance": [100 + i for i in range(ROWS)],
        }
    ).write_parquet(tmp_path / "flights.parquet")
    return tmp_path / "flights.parquet"


def test_the_calls_on_flights_shaped_data(flights: Path) -> None:
    features = {f.name: f for f in infer(str(flights)).features}
    carrier = features["carrier"]
    assert carrier.type is FeatureType.CATEGORY and carrier.values is not None and "C15" in carrier.values
    assert features["tailnum"].type is FeatureType.STRING
    assert features["flight_id"].role is Role.KEY
    assert (features["month"].min, features["month"].max) == (1, 12)  # the calendar's, not 1-6
    assert (features["dep_hour"].min, features["dep_hour"].max) == (0, 23)
    assert (features["year"].min, features["year"].max) == (None, None)
    assert features["time_hour"].drift is None  # a timestamp: time moves on
    assert features["scheduled"].drift is not None
    assert (features["distance"].min, features["distance"].max) == (100, ROWS + 99)


def test_each_call_is_one_line_in_the_file_and_on_stderr(flights: Path) -> None:
    text, notes = infer_explained(str(flights))
    expected = [
        "flight_id: an id (role: key)",
        "carrier: category of 16 values, 1 of them rare (seen fewer than 5 times: 'C15' (3)): kept",
        "tailnum: string, not category: 200 distinct values (more than 50)",
        "month: an integer calendar field (month): bounds 1 to 12, the calendar's, not the data's (the data holds 1",
        "year: a year: no bounds",
        "time_hour: a timestamp (datetime named as one): drift: false",
        "scheduled: a datetime not named as a timestamp: drift-checked",
        "bounds are the data's minimum and maximum (a later sample can pass them): dep_hour, distance",
    ]
    assert len(notes) == len(expected)
    for note, start in zip(notes, expected, strict=True):
        assert note.startswith(start)
        assert f"# - {note}" in text
    outcome = invoke(["infer", flights], 0)
    assert [line.removeprefix("infer: ") for line in outcome.stderr.splitlines()] == list(notes)


def test_a_field_the_log_names_otherwise_is_suggested(flights: Path, tmp_path: Path) -> None:
    pl.read_parquet(flights).rename({"distance": "dist"}).write_ndjson(tmp_path / "log.jsonl")
    _, notes = infer_explained(str(flights), serving_log=str(tmp_path / "log.jsonl"))
    assert notes[-1] == (
        "distance: training-only: the serving log has no field of that name, at its top level or nested; "
        "if it is logged as 'dist', set serving_path: dist"
    )


@pytest.mark.parametrize(
    ("counts", "category"),
    [
        ([("a", 50), ("b", 40), ("c", 3)], True),  # one rare value is always allowed
        ([("a", 50), *[(f"v{i}", 9) for i in range(19)], ("y", 2), ("z", 1)], True),  # 2 rare of 22: a tenth
        ([("a", 50), ("b", 2), ("c", 1)], False),  # 2 rare of 3
        ([("a", 3)], False),  # nothing common: too little to call
        ([(f"v{i}", 1) for i in range(40)], False),  # free text: every value rare
    ],
)
def test_a_category_may_have_one_rare_value_or_a_tenth(counts: list[tuple[str, int]], category: bool) -> None:
    found, note = judgements.category_call("x", counts, len(counts), 50, 5)
    assert found is category
    assert note.startswith("x: category" if category else "x: string, not category")


@pytest.mark.parametrize(
    ("name", "timestamp"),
    [("time_hour", True), ("order_ts", True), ("created_at", True), ("eventTime", True), ("pickup_day", True)],
)
def test_timestamp_names(name: str, timestamp: bool) -> None:
    assert judgements.is_timestamp_name(name) is timestamp
    assert not judgements.is_timestamp_name("scheduled") and not judgements.is_timestamp_name("birthday")
