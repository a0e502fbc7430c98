"""Data read in batches (serving against a profile, --approx): bounded, exact counts, metrics within bounds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck.audit import run as runner
from skewcheck.audit.baseline import load_baseline
from skewcheck.audit.options import Options
from skewcheck.io.read import read_batches, read_table
from skewcheck.io.sources import resolve_source
from skewcheck.profiling.profiles import CategoricalProfile, NumericProfile
from skewcheck.profiling.streaming import OUTER_POINTS, stream
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset, Severity
from skewcheck.stats.grid import GRID_POINTS, Grid
from skewcheck.validation.findings import Check, Finding
from skewcheck.validation.tally import validate
from tests.helpers import assert_one_line_error, invoke, write_schema

ROWS = 120_000


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Training and a drifted serving log, large enough for sketches, with problems spread over every batch."""
    folder = tmp_path_factory.mktemp("streaming")
    rng = np.random.default_rng(11)

    def frame(rows: int, shift: float) -> pl.DataFrame:
        amount = rng.lognormal(3 + shift, 1, rows)
        amount[rng.random(rows) < 0.001] = -5.0  # below min 0, in every batch
        return pl.DataFrame(
            {
                "request_id": [f"r{i}" for i in range(rows)],
                "amount": amount,
                "score": rng.normal(shift, 1, rows),
                "level": rng.integers(0, 6, rows),
                "colour": rng.choice(["red", "green", "blue", "mauve"], rows, p=[0.5, 0.3, 0.19, 0.01]),
                "seen": pl.datetime_range(
                    pl.datetime(2026, 1, 1), pl.datetime(2026, 1, 1) + pl.duration(seconds=rows - 1), "1s", eager=True
                ),
            }
        ).with_columns(
            # Nulls in 3% of rows: above max_null_rate 2% overall, below it in no batch of this size.
            pl.when(pl.int_range(rows) % 33 == 0).then(None).otherwise(pl.col("score")).alias("score"),
        )

    frame(ROWS, 0.0).write_parquet(folder / "train.parquet")
    serving = frame(ROWS // 2, 0.3)
    # The same request id twice, far apart: a repeat only a whole-dataset check can see.
    serving = serving.with_columns(
        pl.when(pl.int_range(ROWS // 2) == ROWS // 2 - 1)
        .then(pl.lit("r7"))
        .otherwise(pl.col("request_id"))
        .alias("request_id")
    )
    serving.write_parquet(folder / "serving.parquet")
    write_schema(
        folder / "schema.yaml",
        """
        features:
          request_id: {type: string, unique: true, drift: false}
          amount: {type: float, min: 0, drift: {metric: wasserstein}}
          score: {type: float, max_null_rate: 0.02, drift: {metric: ks_statistic}}
          level: {type: int}
          colour: {type: category, values: [red, green, blue]}
          seen: {type: datetime}
        """,
    )
    return folder


def without_unique_examples(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    # A repeat across batches is counted from hashes: the value itself is gone by then, so no example.
    return tuple(replace(f, examples=()) if f.check is Check.UNIQUE else f for f in findings)


def test_batches_cover_every_row_once_in_order(data: Path) -> None:
    schema = load_schema(data / "schema.yaml")
    batches = list(read_batches(resolve_source(str(data / "serving.parquet")), schema, Dataset.SERVING, 7_000))
    assert all(batch.rows <= 7_000 for batch in batches) and len(batches) >= ROWS // 2 // 7_000
    assert [b.first_row for b in batches] == list(np.cumsum([0] + [b.rows for b in batches[:-1]]))
    whole = pl.concat([batch.frame for batch in batches])
    assert whole.equals(pl.read_parquet(data / "serving.parquet").select(whole.columns))


def test_findings_in_batches_equal_the_whole_datasets(data: Path) -> None:
    schema = load_schema(data / "schema.yaml")
    source = resolve_source(str(data / "serving.parquet"))
    whole = validate(read_table(source, schema, Dataset.SERVING), schema).findings
    streamed = stream(source, schema, Dataset.SERVING, batch_rows=4_000).findings
    assert streamed == without_unique_examples(whole)
    checks = {(f.feature, str(f.check)): f for f in whole}
    # The rate-based and cross-batch checks are the ones a batch alone would get wrong: they are there.
    assert ("score", "null_rate") in checks and checks[("score", "null_rate")].count == len(range(0, ROWS // 2, 33))
    assert checks[("request_id", "unique")].count == 1
    assert checks[("amount", "min")].count == int((pl.read_parquet(data / "serving.parquet")["amount"] < 0).sum())
    assert ("colour", "domain") in checks


def test_streamed_profiles_count_exactly_and_stay_small(data: Path) -> None:
    schema = load_schema(data / "schema.yaml")
    source = resolve_source(str(data / "train.parquet"))
    exact = load_baseline(str(data / "train.parquet"), schema, Options(exact=True)).profiles
    streamed = stream(source, schema, Dataset.TRAIN, batch_rows=10_000).profiles
    for name in ("amount", "score", "level", "seen"):
        a, b = exact[name], streamed[name]
        assert isinstance(a, NumericProfile) and isinstance(b, NumericProfile)
        assert (b.rows, b.nulls, b.nonfinite, b.count) == (a.rows, a.nulls, a.nonfinite, a.count)
        # The memory bound: a grid of at most GRID_POINTS points, not the values; counted exactly on them.
        assert b.values is None and isinstance(b.sketch, Grid) and b.bins_exact
        assert len(b.sketch.points) <= GRID_POINTS + 2 * OUTER_POINTS
        values = a.values
        assert values is not None
        direct = Grid.of(values, b.sketch.points)
        assert b.sketch.counts.tolist() == direct.counts.tolist()
        np.testing.assert_allclose(b.sketch.sums, direct.sums, rtol=1e-9, atol=1e-6 * float(np.abs(values).max()))
        expected = np.bincount(np.searchsorted(b.edges, values, side="left"), minlength=len(b.edges) + 1)
        assert b.bin_counts.tolist() == expected.tolist()
        assert b.mean == pytest.approx(a.mean, rel=1e-9) and b.std == pytest.approx(a.std, rel=1e-9)
        assert (b.minimum, b.maximum) == (a.minimum, a.maximum)
    colour_a, colour_b = exact["colour"], streamed["colour"]
    assert isinstance(colour_a, CategoricalProfile) and isinstance(colour_b, CategoricalProfile)
    assert colour_b.counts == colour_a.counts and colour_b.nulls == colour_a.nulls


def test_the_same_data_gives_the_same_summary_every_time(data: Path) -> None:
    schema = load_schema(data / "schema.yaml")
    runs = [
        stream(resolve_source(str(data / "train.parquet")), schema, Dataset.TRAIN, batch_rows=10_000).profiles
        for _ in range(2)
    ]
    for name in ("amount", "score"):
        first, second = runs[0][name], runs[1][name]
        assert isinstance(first, NumericProfile) and isinstance(second, NumericProfile)
        assert isinstance(first.sketch, Grid) and isinstance(second.sketch, Grid)
        assert first.sketch.points.tolist() == second.sketch.points.tolist()
        assert first.sketch.counts.tolist() == second.sketch.counts.tolist()


def test_serving_streamed_on_trainings_edges_counts_bins_exactly(data: Path) -> None:
    schema = load_schema(data / "schema.yaml")
    baseline = load_baseline(str(data / "train.parquet"), schema, Options(exact=True)).profiles
    edges = {n: p.edges for n, p in baseline.items() if isinstance(p, NumericProfile)}
    streamed = stream(
        resolve_source(str(data / "serving.parquet")), schema, Dataset.SERVING, baseline=baseline, batch_rows=9_000
    ).profiles
    serving = pl.read_parquet(data / "serving.parquet")
    for name in ("amount", "level"):
        profile = streamed[name]
        assert isinstance(profile, NumericProfile) and profile.bins_exact
        values = serving[name].cast(pl.Float64).to_numpy()
        expected = np.bincount(np.searchsorted(edges[name], values, side="left"), minlength=len(edges[name]) + 1)
        assert profile.bin_counts.tolist() == expected.tolist()


def test_approx_agrees_with_the_exact_check_within_the_stated_bounds(data: Path, tmp_path: Path) -> None:
    args = [str(data / "train.parquet"), str(data / "serving.parquet"), "-s", str(data / "schema.yaml"), "-q"]
    exact = invoke(["check", *args, "--json", str(tmp_path / "exact.json"), "--exact"], 3)  # schema violations: exit 3
    approx = invoke(["check", *args, "--approx", "--json", str(tmp_path / "approx.json")], 3)
    assert exact.stdout == approx.stdout  # the same verdict line
    a = {f["name"]: f for f in json.loads((tmp_path / "exact.json").read_text())["features"]}
    b = {f["name"]: f for f in json.loads((tmp_path / "approx.json").read_text())["features"]}
    assert {n: f["status"] for n, f in a.items()} == {n: f["status"] for n, f in b.items()}
    for name in ("amount", "score", "level", "seen"):
        exact_metrics, approx_metrics = a[name]["metrics"], b[name]["metrics"]
        # Both sides counted on a grid of training's points (4,097 from one batch here): KS within the largest
        # cell's share below the exact value, Wasserstein a lower bound within a percent.
        assert -1e-12 <= exact_metrics["ks_statistic"] - approx_metrics["ks_statistic"] <= 2 / 4_096
        assert (
            0.99 * exact_metrics["wasserstein"]
            <= approx_metrics["wasserstein"]
            <= exact_metrics["wasserstein"] * (1 + 1e-12)
        )
        # Bins: the sketch's deciles rather than the exact ones, counted exactly. Near the gates the bins' shift
        # hardly matters; on a feature drifted far past them (empty serving bins) it moves PSI by a few percent.
        if exact_metrics["psi"] < 0.5:
            assert abs(approx_metrics["psi"] - exact_metrics["psi"]) <= 0.005
            assert abs(approx_metrics["jensen_shannon"] - exact_metrics["jensen_shannon"]) <= 0.005
        else:
            assert approx_metrics["psi"] == pytest.approx(exact_metrics["psi"], rel=0.1)
            assert approx_metrics["jensen_shannon"] == pytest.approx(exact_metrics["jensen_shannon"], rel=0.02)
    assert a["colour"]["metrics"] == b["colour"]["metrics"]  # category counts are exact either way


def test_a_profile_baseline_streams_serving_with_the_same_findings(data: Path, tmp_path: Path) -> None:
    profile = tmp_path / "train.skprofile"
    invoke(["profile", str(data / "train.parquet"), "-s", str(data / "schema.yaml"), "-o", str(profile), "-q"], 0)
    schema = load_schema(data / "schema.yaml")
    exact = runner.run(str(data / "train.parquet"), str(data / "serving.parquet"), schema)
    streamed = runner.run(str(profile), str(data / "serving.parquet"), schema, Options(batch_rows=5_000))
    assert streamed.serving is not None and streamed.serving.rows == ROWS // 2
    serving_findings = [f for f in exact.findings if f.dataset is Dataset.SERVING]
    assert tuple(f for f in streamed.findings if f.dataset is Dataset.SERVING) == without_unique_examples(
        serving_findings
    )
    assert [f.status for f in streamed.features] == [f.status for f in exact.features]


def test_a_json_lines_field_changing_type_late_is_read_again(tmp_path: Path) -> None:
    lines = [json.dumps({"x": i % 7}) for i in range(300)] + [json.dumps({"x": 2.5})]
    (tmp_path / "serving.jsonl").write_text("\n".join(lines) + "\n")
    pl.DataFrame({"x": [float(i % 7) for i in range(300)]}).write_parquet(tmp_path / "train.parquet")
    schema = write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float}\n")
    report = runner.run(
        str(tmp_path / "train.parquet"),
        str(tmp_path / "serving.jsonl"),
        schema,
        Options(approx=True, batch_rows=50),
    )
    assert report.serving is not None and report.serving.rows == 301
    assert report.features[0].summary[Dataset.SERVING]["max"] == 6.0


def test_approx_refuses_a_row_join(data: Path) -> None:
    args = [str(data / "train.parquet"), str(data / "serving.parquet"), "-s", str(data / "schema.yaml")]
    outcome = invoke(["check", *args, "--approx", "--key", "request_id"], 2)
    assert_one_line_error(outcome, "--approx", "join")


def test_a_csv_log_in_batches_gives_the_whole_files_findings(tmp_path: Path) -> None:
    rows = 2_000
    amounts = [str(i * 0.5) if i % 97 else "n/a" for i in range(rows)]  # unreadable in many batches
    colours = ["red" if i % 3 else "teal" for i in range(rows)]
    pl.DataFrame({"amount": amounts, "colour": colours}).write_csv(tmp_path / "serving.csv")
    schema = load_schema(
        write_schema(
            tmp_path / "schema.yaml",
            """
            features:
              amount: {type: float, max: {value: 950, mostly: 0.9}}
              colour: {type: category, values: [red, green]}
            """,
        )
    )
    source = resolve_source(str(tmp_path / "serving.csv"))
    whole = validate(read_table(source, schema, Dataset.SERVING), schema).findings
    assert stream(source, schema, Dataset.SERVING, batch_rows=150).findings == whole
    assert {str(f.check) for f in whole} == {"type", "max", "domain"}
    # 5% above max overall, within mostly; the last batches are all above it, which a batch alone would fail.
    assert next(f for f in whole if str(f.check) == "max").severity is Severity.INFO


def test_a_json_field_mixing_numbers_and_strings_counts_the_same_in_batches(tmp_path: Path) -> None:
    lines = [json.dumps({"x": f"{i}.5" if i % 40 == 0 else i + 0.5}) for i in range(1_000)]
    (tmp_path / "serving.jsonl").write_text("\n".join(lines) + "\n")
    schema = load_schema(write_schema(tmp_path / "schema.yaml", "features:\n  x: {type: float}\n"))
    source = resolve_source(str(tmp_path / "serving.jsonl"))
    whole = validate(read_table(source, schema, Dataset.SERVING), schema).findings
    assert stream(source, schema, Dataset.SERVING, batch_rows=64).findings == whole
    assert [(str(f.check), f.count) for f in whole] == [("type", 25)]  # the strings only, in every batch
