"""Row-level skew: bugs that leave every distribution unchanged are caught by joining on the request id."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck import run
from skewcheck.audit.options import Options
from skewcheck.drift import rows
from skewcheck.drift.gates import Status
from skewcheck.drift.join import Coverage, Side
from tests.drift.frames import by_name, compare
from tests.helpers import FIXTURES, assert_one_line_error, invoke, write_schema

ROWS = 4_000


def training(rng: np.random.Generator) -> pl.DataFrame:
    start = dt.datetime(2026, 11, 1)
    return pl.DataFrame(
        {
            "request_id": [f"r{i:05d}" for i in range(ROWS)],
            "amount": np.round(rng.lognormal(3, 0.8, ROWS), 4),
            "items": rng.integers(1, 9, ROWS),
            "placed_at": [start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 60 * 24 * 20, ROWS)],
            "segment": rng.choice(["new", "regular", "vip"], ROWS, p=[0.3, 0.6, 0.1]),
            "price": np.round(rng.uniform(1, 100, ROWS), 6),
        }
    )


SCHEMA = """
features:
  request_id: {type: string, role: key}
  amount: {type: float}
  items: {type: int}
  placed_at: {type: datetime}
  segment: {type: category}
  price: {type: float}
"""


@pytest.fixture(scope="module")
def bugs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Serving recomputed with four row-level bugs that keep every distribution as it was."""
    folder = tmp_path_factory.mktemp("rows")
    rng = np.random.default_rng(11)
    train = training(rng)
    stale = rng.random(ROWS) < 0.05
    shifted = rng.random(ROWS) < 0.3
    serving = train.with_columns(
        # A shuffle: the same values, given to the wrong requests.
        pl.Series("amount", rng.permutation(train.get_column("amount").to_numpy())),
        # A timezone bug on 30% of rows: UTC+1 written as UTC.
        pl.when(pl.Series(shifted)).then(pl.col("placed_at") + pl.duration(hours=1)).otherwise(pl.col("placed_at")),
        # Rounded to 2 decimals at serving time.
        pl.col("price").round(2),
        # A stale lookup for 5% of keys: another request's segment.
        pl.when(pl.Series(stale)).then(pl.col("segment").shift(1).fill_null("new")).otherwise(pl.col("segment")),
    )
    train.write_parquet(folder / "train.parquet")
    serving.sample(fraction=1.0, shuffle=True, seed=3).write_parquet(folder / "serving.parquet")  # order is no key
    write_schema(folder / "schema.yaml", SCHEMA)
    return folder


def audit(folder: Path, key: str = "request_id", **options: object) -> dict[str, object]:
    report = run(
        str(folder / "train.parquet"),
        str(folder / "serving.parquet"),
        folder / "schema.yaml",
        Options(keys=(key,), **options),
    )  # type: ignore[arg-type]
    return report.to_records()


def test_row_bugs_are_caught_while_distributions_pass(bugs: Path) -> None:
    report = audit(bugs)
    drift = {f["name"]: f["status"] for f in report["features"]}  # type: ignore[attr-defined, index]
    assert {drift[name] for name in ("amount", "items", "segment")} == {"pass"}
    assert drift["placed_at"] == "pass" and drift["price"] == "pass"
    rows = report["row_skew"]
    assert isinstance(rows, dict)
    features = {f["name"]: f for f in rows["features"]}
    assert {name: f["status"] for name, f in features.items()} == {
        "amount": "fail",
        "items": "pass",
        "placed_at": "fail",
        "segment": "fail",
        "price": "fail",
    }
    assert report["exit_code"] == 1


def test_each_bug_has_its_signature(bugs: Path) -> None:
    rows = audit(bugs)["row_skew"]
    features = {f["name"]: f for f in rows["features"]}  # type: ignore[index]
    train = pl.read_parquet(bugs / "train.parquet")
    serving = pl.read_parquet(bugs / "serving.parquet")
    joined = train.join(serving, on="request_id", suffix="_s")
    # Timezone: every mismatch is exactly one hour, and the count is the shifted rows.
    placed = features["placed_at"]
    shifted = joined.filter(pl.col("placed_at") != pl.col("placed_at_s")).height
    assert placed["mismatches"] == shifted and placed["differences"]["median_diff"] == 3600.0
    assert placed["differences"]["offset_share"] == 1.0
    # Rounding: off by at most half a cent, counted against the float tolerance.
    price = features["price"]
    differ = joined.filter((pl.col("price") - pl.col("price_s")).abs() > 1e-9 + 1e-6 * pl.col("price").abs())
    assert price["mismatches"] == differ.height and price["differences"]["max_abs_diff"] <= 0.005 + 1e-12
    # Stale segment: the confusion pairs count exactly the changed rows.
    segment = features["segment"]
    changed = joined.filter(pl.col("segment") != pl.col("segment_s"))
    assert segment["mismatches"] == changed.height
    top = changed.group_by("segment", "segment_s").len().sort("len", descending=True).row(0)
    assert segment["pairs"][0] == {"train": top[0], "serving": top[1], "count": top[2]}
    # The shuffle: nearly every row differs, and the example shows a real differing row.
    amount = features["amount"]
    assert amount["mismatch_rate"] > 0.99
    example = amount["examples"][0]
    row = joined.filter(pl.col("request_id") == example["request_id"]).row(0, named=True)
    assert float(example["train"]) == row["amount"] and float(example["serving"]) == row["amount_s"]


def test_join_coverage_counts_missing_null_and_duplicate_keys(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    train = training(rng)
    serving = pl.concat(
        [
            train.slice(0, 3_000),  # 1,000 training keys never served
            train.slice(0, 10),  # 10 keys logged twice
            train.slice(0, 5).with_columns(pl.lit(None, dtype=pl.String).alias("request_id")),  # 5 null keys
            training(np.random.default_rng(6))
            .slice(0, 200)
            .with_columns((pl.lit("new-") + pl.col("request_id")).alias("request_id")),  # 200 keys only in serving
        ]
    )
    train.write_parquet(tmp_path / "train.parquet")
    serving.write_parquet(tmp_path / "serving.parquet")
    write_schema(tmp_path / "schema.yaml", SCHEMA)
    rows = audit(tmp_path)["row_skew"]
    join = rows["join"]  # type: ignore[index]
    assert join["train"] == {"rows": ROWS, "keys": ROWS, "null_keys": 0, "duplicate_keys": 0}
    assert join["serving"] == {"rows": 3_215, "keys": 3_200, "null_keys": 5, "duplicate_keys": 10}
    assert (join["both"], join["only_train"], join["only_serving"]) == (3_000, 1_000, 200)
    assert join["join_rate"] == pytest.approx(3_000 / 3_200)
    gates = {g["metric"]: g["status"] for g in rows["gates"]}  # type: ignore[index]
    assert gates == {"join_rate": "pass", "duplicate_keys_serving": "warn"}
    # Duplicates kept on purpose: no warning, and "last" compares the later copy.
    allowed = audit(tmp_path, keep_duplicates="last")["row_skew"]
    assert {g["metric"] for g in allowed["gates"]} == {"join_rate"}  # type: ignore[index]


def test_join_rate_gate_is_a_lower_bound() -> None:
    from skewcheck.drift.rows import _join_rate_gate
    from skewcheck.schema.registry import Thresholds

    def coverage(both: int) -> Coverage:
        return Coverage(Side(100, 100, 0, 0), Side(200, 200, 0, 0), both)

    thresholds = Thresholds(0.9, 0.5)
    assert _join_rate_gate(coverage(95), thresholds).status is Status.PASS
    assert _join_rate_gate(coverage(90), thresholds).status is Status.PASS  # exactly warn
    assert _join_rate_gate(coverage(89), thresholds).status is Status.WARN
    assert _join_rate_gate(coverage(49), thresholds).status is Status.FAIL


def test_row_gate_reasons_write_a_rate_and_its_threshold_in_one_unit() -> None:
    from skewcheck.drift.rows import _join_rate_gate, _mismatch_gate
    from skewcheck.schema.model import FeatureType
    from skewcheck.schema.registry import Thresholds

    join_rate = _join_rate_gate(Coverage(Side(100, 100, 0, 0), Side(200, 200, 0, 0), 42), Thresholds(0.9, 0.5))
    assert join_rate.reason == "join_rate 42.0% < fail 50.0%: 42 of 100 keys found on both sides"
    differing = rows.FeatureRows("x", FeatureType.FLOAT, 1_000, matches=998, mismatches=2)
    mismatch = _mismatch_gate(differing, Thresholds(0.001, 0.01))
    assert mismatch.reason == "mismatch_rate 0.20% > warn 0.1%: 2 of 1,000 joined rows differ"


def test_tolerances_from_the_schema(tmp_path: Path) -> None:
    frame = pl.DataFrame({"id": ["a", "b", "c", "d"], "x": [100.0, 100.0, 100.0, 0.0], "n": [1, 2, 3, 4]})
    frame.write_parquet(tmp_path / "train.parquet")
    frame.with_columns(pl.Series("x", [100.0, 100.0005, 100.02, 0.5]), pl.Series("n", [1, 2, 3, 5])).write_parquet(
        tmp_path / "serving.parquet"
    )
    write_schema(
        tmp_path / "schema.yaml",
        """
        defaults:
          max_mismatch_rate: {warn: 0.3, fail: 0.6}
          min_rows: 1
        features:
          id: {type: string, role: key}
          x: {type: float, tolerance: {abs: 0.001, rel: 0.0001}}
          n: {type: int}
        """,
    )
    rows = audit(tmp_path, key="id")["row_skew"]
    features = {f["name"]: f for f in rows["features"]}  # type: ignore[index]
    # |d| <= 0.001 + 0.0001 * 100 = 0.011: 0.0005 matches, 0.02 and 0.5 do not.
    assert features["x"]["mismatches"] == 2 and features["x"]["tolerance"] == "abs 0.001, rel 0.0001"
    assert features["x"]["status"] == "warn"  # 0.5 is not above fail 0.6
    assert features["n"]["mismatches"] == 1 and features["n"]["tolerance"] == "exact"


def test_the_demo_shows_row_skew_in_every_format(tmp_path: Path) -> None:
    """Anchors only: the row-level section of every format is compared byte for byte by the golden case
    tests/scenarios/golden/key/. What this test adds is the --mismatches file, which no golden case holds: one row
    per difference that the JSON report counts."""
    files = {name: tmp_path / f"r.{name}" for name in ("json", "markdown", "junit", "html")}
    outcome = invoke(
        [
            "check",
            FIXTURES / "train.parquet",
            FIXTURES / "serving.jsonl.gz",
            "-s",
            FIXTURES / "schema.yaml",
            "--key",
            "request_id",
            "--mismatches",
            tmp_path / "m.parquet",
            *(f"--{name}={path}" for name, path in files.items()),
        ],
        3,
    )
    assert "Row-level skew" in outcome.stdout and "× 0.6214" in outcome.stdout and "(a default?)" in outcome.stdout
    report = json.loads(files["json"].read_text())
    distance = next(f for f in report["row_skew"]["features"] if f["name"] == "distance_km")
    assert distance["differences"]["median_ratio"] == pytest.approx(0.621371, abs=0.001)
    assert "Row-level skew" in files["markdown"].read_text() and "Row-level skew" in files["html"].read_text()
    assert 'classname="row_skew" name="distance_km"' in files["junit"].read_text()
    mismatches = pl.read_parquet(tmp_path / "m.parquet")
    counts = dict(mismatches.group_by("feature").len().iter_rows())
    assert counts == {
        f["name"]: f["mismatches"] + f["only_train"] + f["only_serving"]
        for f in report["row_skew"]["features"]
        if f["status"] != "pass"
    }


def test_rows_only_skips_the_distributions(bugs: Path) -> None:
    report = audit(bugs, rows_only=True)
    assert report["features"] == [] and report["row_skew"] is not None
    assert "drifted" not in str(report["summary"]) and "features differ row by row" in str(report["summary"])


def test_the_words_name_the_right_bug(bugs: Path) -> None:
    from skewcheck.reporters import row_text

    report = run(
        str(bugs / "train.parquet"), str(bugs / "serving.parquet"), bugs / "schema.yaml", Options(keys=("request_id",))
    )
    assert report.rows is not None
    words = {feature.name: row_text.pattern(feature) for feature in report.rows.features}
    assert words["placed_at"] == "serving = training + 3600 in 100.0% (an offset?)"  # a timezone, not a unit
    assert "unit" not in words["price"] and words["price"].startswith("mean |difference|")  # a rounding
    assert report.differing_rows is None  # collected only for --mismatches


def test_row_options_fail_with_one_line(bugs: Path, tmp_path: Path) -> None:
    base = ["check", bugs / "train.parquet", bugs / "serving.parquet", "-s", bugs / "schema.yaml"]
    assert_one_line_error(invoke([*base, "--key", "nope"], 2), "--key nope")
    assert_one_line_error(invoke([*base, "--rows-only"], 2), "--key")
    assert_one_line_error(invoke([*base, "--mismatches", tmp_path / "m.parquet"], 2), "--key")
    invoke(["profile", bugs / "train.parquet", "-s", bugs / "schema.yaml", "-o", tmp_path / "b.skprofile"], 0)
    outcome = invoke(
        ["check", tmp_path / "b.skprofile", bugs / "serving.parquet", "-s", bugs / "schema.yaml", "--rows"], 2
    )
    assert_one_line_error(outcome, "b.skprofile", "no rows to join")


def test_features_compared_a_group_at_a_time_keep_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "FEATURES_AT_ONCE", 2)
    text = "features:\n  id: {type: string, role: key}\n" + "".join(f"  f{i}: {{type: int}}\n" for i in range(1, 6))
    train = pl.DataFrame({"id": ["a", "b", "c"], **{f"f{i}": [0, 0, 0] for i in range(1, 6)}})
    # Served in another order; f2, f3, f4 differ on 1, 2, 3 rows, f5 is missing on one.
    serving = pl.DataFrame(
        {"id": ["c", "b", "a"], "f1": [0, 0, 0], "f2": [0, 0, 1], "f3": [1, 1, 0], "f4": [1, 1, 1], "f5": [0, None, 0]}
    )
    skew, differing = compare(train, serving, text, with_rows=True)
    features = by_name(skew)
    assert [f.name for f in skew.features] == ["f1", "f2", "f3", "f4", "f5"]
    assert [features[f"f{i}"].differing for i in range(1, 6)] == [0, 1, 2, 3, 1]
    assert features["f5"].only_train == 1 and features["f2"].examples == [{"id": "a", "train": "0", "serving": "1"}]
    assert differing is not None
    assert differing.select("feature", "id").rows() == [
        ("f2", "a"),
        ("f3", "c"),
        ("f3", "b"),
        ("f4", "c"),
        ("f4", "b"),
        ("f4", "a"),
        ("f5", "b"),
    ]
