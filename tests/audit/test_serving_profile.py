"""`check TRAIN.skprofile SERVING.skprofile`: a serving profile checks as the serving data itself does, the same
report, exit code and history rows, and one counted on another baseline is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from skewcheck.history import kept
from skewcheck.profiling import saved as profile_file
from skewcheck.profiling.profiles import NumericProfile
from skewcheck.stats.grid import Grid
from tests.helpers import FIXTURES, assert_one_line_error, invoke, write_schema
from tests.normalise import normalise_json

SCHEMA = FIXTURES / "schema.yaml"


def checked(tmp_path: Path, train: Path, serving: Path, schema: Path, name: str, *extra: object) -> tuple[int, str]:
    out = tmp_path / f"{name}.json"
    args = ["check", train, serving, "-s", schema, "--json", out, "--no-step-summary", "-q", *extra]
    return invoke(args, None).exit_code, normalise_json(out.read_text())


def profiles(tmp_path: Path, train: Path, serving: Path, schema: Path) -> tuple[Path, Path]:
    baseline, day = tmp_path / "train.skprofile", tmp_path / "day.skprofile"
    invoke(["profile", train, "-s", schema, "-o", baseline, "-q"], 0)
    invoke(["profile", serving, "-s", schema, "--dataset", "serving", "--baseline", baseline, "-o", day, "-q"], 0)
    return baseline, day


def test_the_demo_checks_alike_from_two_profiles(tmp_path: Path) -> None:
    baseline, day = profiles(tmp_path, FIXTURES / "train.parquet", FIXTURES / "serving.jsonl.gz", SCHEMA)
    direct = checked(tmp_path, baseline, FIXTURES / "serving.jsonl.gz", SCHEMA, "direct")
    assert direct[0] == 3
    assert checked(tmp_path, baseline, day, SCHEMA, "two") == direct


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Serving beyond the exact-values limit (counted on a grid), a day's partition in a dated folder."""
    folder = tmp_path_factory.mktemp("serving-profile")
    rng = np.random.default_rng(5)
    for name, rows, shift in (("train", 90_000, 0.0), ("dt=2026-11-02", 80_000, 0.2)):
        amount = rng.lognormal(3 + shift, 1, rows)
        amount[::501] = -1.0  # below min 0
        frame = pl.DataFrame({"amount": amount, "city": rng.choice(["a", "b", "c"], rows)})
        (folder / name).mkdir()
        frame.write_parquet(folder / name / "part.parquet")
    schema = write_schema(
        folder / "schema.yaml",
        """
        version: 1
        features:
          amount: {type: float, min: 0}
          city: {type: category}
        """,
    )
    return {"train": folder / "train", "serving": folder / "dt=2026-11-02", "schema": schema}


def test_a_serving_grid_is_saved_and_checks_alike_with_history(tmp_path: Path, large: dict[str, Path]) -> None:
    baseline, day = profiles(tmp_path, large["train"], large["serving"], large["schema"])
    amount = profile_file.read(day).features["amount"]
    assert isinstance(amount, NumericProfile) and isinstance(amount.sketch, Grid)  # the grid survived the file
    assert amount.sketch.count == amount.count == 80_000
    direct = checked(tmp_path, baseline, large["serving"], large["schema"], "direct", "--history", tmp_path / "h1")
    two = checked(tmp_path, baseline, day, large["schema"], "two", "--history", tmp_path / "h2")
    assert two == direct
    # The same history rows, the partition labelled and dated by the data's folder, not the profile's name.
    varying = ["run_id", "run_at"]
    one, other = kept.read(tmp_path / "h1").drop(varying), kept.read(tmp_path / "h2").drop(varying)
    assert one.height == 2 and one.equals(other)
    assert set(one.get_column("partition")) == {"dt=2026-11-02"}


def test_a_serving_profile_needs_its_own_baseline(tmp_path: Path, large: dict[str, Path]) -> None:
    baseline, day = profiles(tmp_path, large["train"], large["serving"], large["schema"])
    other = tmp_path / "other.skprofile"
    invoke(["profile", large["serving"], "-s", large["schema"], "-o", other, "-q"], 0)  # another training set
    refused = invoke(["check", other, day, "-s", large["schema"], "-q", "--no-step-summary"], 2)
    assert_one_line_error(refused, "day.skprofile", "'amount'", "another baseline")
    as_serving = invoke(["check", baseline, other, "-s", large["schema"], "-q", "--no-step-summary"], 2)
    assert_one_line_error(as_serving, "other.skprofile", "training data")


def test_a_serving_profile_has_no_rows_to_join(tmp_path: Path, large: dict[str, Path]) -> None:
    _, day = profiles(tmp_path, large["train"], large["serving"], large["schema"])
    outcome = invoke(
        ["check", large["train"], day, "-s", large["schema"], "-q", "--no-step-summary", "--key", "city"], 2
    )
    assert_one_line_error(outcome, "day.skprofile", "no rows to join")


def test_profile_refuses_what_cannot_make_a_serving_profile(tmp_path: Path, large: dict[str, Path]) -> None:
    baseline, day = profiles(tmp_path, large["train"], large["serving"], large["schema"])
    schema, out = large["schema"], tmp_path / "x.skprofile"
    no_baseline = invoke(["profile", large["serving"], "-s", schema, "--dataset", "serving", "-o", out], 2)
    assert_one_line_error(no_baseline, "--baseline PROFILE")
    merged = invoke(["profile", "--merge", baseline, day, "-o", out], 2)
    assert_one_line_error(merged, "only training profiles merge")
    assert not out.exists()


def test_a_profile_saved_before_serving_profiles_still_reads(tmp_path: Path) -> None:
    """Version 2 files written before the grid columns existed: read as they were, nothing refused."""
    made = tmp_path / "train.skprofile"
    invoke(["profile", FIXTURES / "train.parquet", "-s", SCHEMA, "-o", made, "-q"], 0)
    table = pq.read_table(made)
    older = table.drop_columns([name for name in table.column_names if name.startswith("grid_")])
    before = tmp_path / "before.skprofile"
    pq.write_table(older.replace_schema_metadata(table.schema.metadata), before)
    assert profile_file.read(before).features.keys() == profile_file.read(made).features.keys()
    assert checked(tmp_path, before, FIXTURES / "serving.jsonl.gz", SCHEMA, "before")[1] == checked(
        tmp_path, made, FIXTURES / "serving.jsonl.gz", SCHEMA, "made"
    )[1].replace("train.skprofile", "before.skprofile")
