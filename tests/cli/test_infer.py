"""`skewcheck infer` and `skewcheck check` without --schema, through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset
from tests.helpers import FIXTURES, assert_one_line_error, invoke

TRAIN = str(FIXTURES / "train.parquet")
SERVING = str(FIXTURES / "serving.jsonl.gz")


@pytest.fixture(autouse=True)
def _pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")


class TestInfer:
    def test_prints_a_schema_that_audits_its_own_data_clean(self, tmp_path: Path) -> None:
        text = invoke(["infer", TRAIN], 0).stdout
        assert text.startswith(f"# Schema inferred by skewcheck from {TRAIN} (parquet, 14,000 rows) on 2025-11-24.")
        assert f"# Command: skewcheck infer {TRAIN}\n" in text
        schema = tmp_path / "schema.yaml"
        schema.write_text(text)
        invoke(["check", TRAIN, TRAIN, "--schema", str(schema)], 0)

    def test_output_file_is_byte_identical_run_after_run(self, tmp_path: Path) -> None:
        first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
        invoke(["infer", TRAIN, "-o", str(first), "--range-margin", "0.1"], 0)
        invoke(["infer", TRAIN, "--output", str(second), "--range-margin", "0.1"], 0)
        assert first.read_bytes() == second.read_bytes()
        assert "# Command: skewcheck infer" in first.read_text() and "--range-margin 0.1" in first.read_text()

    def test_options_reach_the_inference(self, tmp_path: Path) -> None:
        target = tmp_path / "s.yaml"
        invoke(["infer", TRAIN, "-o", str(target), "--max-categories", "2"], 0)
        assert load_schema(target).feature("city").values is None  # five cities: more than 2, not a category

    def test_serving_log_gets_paths(self, tmp_path: Path) -> None:
        target = tmp_path / "s.yaml"
        invoke(["infer", SERVING, "--serving", "-o", str(target)], 0)
        assert load_schema(target).feature("distance_km").path_in(Dataset.SERVING) == ("features", "distance_km")
        invoke(["check", SERVING, SERVING, "--schema", str(target), "--quiet"], 0)

    def test_refuses_to_overwrite_its_input(self, tmp_path: Path) -> None:
        data = tmp_path / "data.csv"
        data.write_text("a,b\n1,x\n")
        before = data.read_bytes()
        outcome = invoke(["infer", str(data), "-o", str(data)], 2)
        assert_one_line_error(outcome, "refusing to write the schema over an input file")
        assert data.read_bytes() == before

    def test_unreadable_input_exits_2(self, tmp_path: Path) -> None:
        (tmp_path / "bad.jsonl").write_text("[1, 2]\n")
        assert_one_line_error(invoke(["infer", str(tmp_path / "bad.jsonl")], 2), "bad.jsonl", "line 1")


class TestCheckWithoutSchema:
    def test_infers_says_so_and_audits(self) -> None:
        outcome = invoke(["check", TRAIN, SERVING, "--quiet"], 1)
        assert outcome.stderr.strip() == (
            f"skewcheck: no --schema given: inferred one from {TRAIN} (14 features); "
            "--save-schema PATH keeps it for review"
        )
        # The skews are drift: no bound, domain or nullability was made up from the training sample.
        assert outcome.stdout.strip() == "FAIL: 4 of 11 features drifted, 1 schema warning in serving"

    def test_save_schema_keeps_what_was_inferred(self, tmp_path: Path) -> None:
        target = tmp_path / "inferred.yaml"
        outcome = invoke(["check", TRAIN, SERVING, "--save-schema", str(target), "--json", "-"], 1)
        assert f"saved to {target}" in outcome.stderr
        schema = load_schema(target)
        assert schema.feature("distance_km").path_in(Dataset.SERVING) == ("features", "distance_km")
        assert schema.feature("delivery_minutes").environments == frozenset({Dataset.TRAIN})
        assert schema.feature("request_id").skip_reason is not None
        # The same schema, loaded from the file, gives the same verdicts.
        again = invoke(["check", TRAIN, SERVING, "--schema", str(target), "--json", "-"], 1).json()
        first = outcome.json()
        assert [(f["name"], f["status"]) for f in again["features"]] == [
            (f["name"], f["status"]) for f in first["features"]
        ]

    def test_save_schema_needs_no_schema(self, tmp_path: Path) -> None:
        args = ["check", TRAIN, SERVING, "-s", str(FIXTURES / "schema.yaml"), "--save-schema", str(tmp_path / "x")]
        assert_one_line_error(invoke(args, 2), "--save-schema keeps an inferred schema")


class TestServingLog:
    def test_serving_log_gives_paths_and_the_label(self, tmp_path: Path) -> None:
        """A flat training file and a nested log: one reviewed schema that fits both."""
        target = tmp_path / "schema.yaml"
        invoke(["infer", TRAIN, "--serving-log", SERVING, "-o", str(target)], 0)
        text = target.read_text()
        assert f"--serving-log {SERVING}" in text.splitlines()[1]
        schema = load_schema(target)
        assert schema.feature("distance_km").path_in(Dataset.SERVING) == ("features", "distance_km")
        assert schema.feature("distance_km").path_in(Dataset.TRAIN) == ("distance_km",)
        assert schema.feature("delivery_minutes").environments == frozenset({Dataset.TRAIN})
        assert schema.feature("distance_km").max is not None  # a reviewed schema keeps its bounds
        outcome = invoke(["check", TRAIN, SERVING, "--schema", str(target), "--json", "-"], 3)
        missing = [f for f in outcome.json()["schema_findings"] if f["check"] == "missing_column"]
        assert missing == []
