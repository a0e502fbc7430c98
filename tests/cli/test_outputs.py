"""Outputs never destroy what the user has: inputs found through directories and globs, logs, devices."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import FIXTURES, assert_one_line_error, invoke

TRAIN = str(FIXTURES / "train.parquet")
SERVING = str(FIXTURES / "serving.jsonl.gz")

DEMO = [
    "check",
    str(FIXTURES / "train.parquet"),
    str(FIXTURES / "serving.jsonl.gz"),
    "--schema",
    str(FIXTURES / "schema.yaml"),
]


def test_save_schema_never_replaces_a_file_of_a_directory_input(tmp_path: Path) -> None:
    folder = tmp_path / "train"
    folder.mkdir()
    part = folder / "part-0.parquet"
    pl.read_parquet(TRAIN).write_parquet(part)
    before = part.read_bytes()
    outcome = invoke(["check", str(folder), SERVING, "--save-schema", str(part)], 2)
    assert_one_line_error(outcome, "refusing to write the schema over an input file")
    assert part.read_bytes() == before


def test_infer_never_replaces_its_serving_log(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text('{"features": {"distance_km": 1.0}}\n')
    before = log.read_bytes()
    outcome = invoke(["infer", TRAIN, "--serving-log", str(log), "-o", str(log)], 2)
    assert_one_line_error(outcome, "refusing to write the schema over an input file")
    assert log.read_bytes() == before


def test_dash_means_stdout_for_infer_and_nothing_for_save_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke(["infer", TRAIN, "-o", "-"], 0).stdout.startswith("# Schema inferred by skewcheck")
    assert_one_line_error(invoke(["check", TRAIN, SERVING, "--save-schema", "-"], 2), "--save-schema needs a file")
    assert not (tmp_path / "-").exists()


def test_a_folder_that_is_a_file_is_named_as_such(tmp_path: Path) -> None:
    outcome = invoke(["check", TRAIN, SERVING, "-s", str(FIXTURES / "schema.yaml"), "--json", f"{TRAIN}/x.json"], 2)
    assert_one_line_error(outcome, "is a file, not a folder")


class TestInferredOnTheFly:
    def test_a_field_first_seen_after_line_100_keeps_its_place(self, tmp_path: Path) -> None:
        train = tmp_path / "train.parquet"
        pl.DataFrame({"tenure": [float(i % 7) for i in range(300)]}).write_parquet(train)
        lines = [{"features": {}} for _ in range(150)] + [{"features": {"tenure": float(i % 7)}} for i in range(150)]
        log = tmp_path / "log.jsonl"
        log.write_text("".join(json.dumps(line) + "\n" for line in lines))
        outcome = invoke(["check", str(train), str(log), "--json", "-"], 1)
        feature = outcome.json()["features"][0]
        assert (feature["name"], feature["status"]) == (
            "tenure",
            "fail",
        )  # compared (half the log is null), not skipped

    def test_a_nested_log_against_itself_compares_its_fields(self, tmp_path: Path) -> None:
        outcome = invoke(["check", SERVING, SERVING, "--quiet"], 0)
        # ts, request_id, model_version, the 12 nested features and prediction: compared, not dropped.
        assert outcome.stdout.strip() == "PASS: 0 of 13 features drifted"
        assert "(16 features)" in outcome.stderr


def test_markdown_is_rendered_once_for_a_file_and_the_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skewcheck.reporters import markdown

    calls = []
    original = markdown.render
    monkeypatch.setattr(markdown, "render", lambda report: calls.append(1) or original(report))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    args = ["check", TRAIN, SERVING, "-s", FIXTURES / "schema.yaml", "--markdown", tmp_path / "r.md", "--quiet"]
    invoke(args, 3)
    assert len(calls) == 1
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == (tmp_path / "r.md").read_text(
        encoding="utf-8"
    ) + "\n"


class TestOutputs:
    def test_json_to_stdout_leaves_the_summary_on_stderr(self) -> None:
        outcome = invoke([*DEMO, "--json", "-"], 3)
        json.loads(outcome.stdout)
        assert outcome.stderr.startswith("FAIL: 4 of 11 features drifted")

    def test_format_json_prints_the_same_report(self, tmp_path: Path) -> None:
        """`--format json` prints, byte for byte, the report `--json PATH` writes in the same run."""
        target = tmp_path / "report.json"
        outcome = invoke([*DEMO, "--format", "json", "--json", str(target)], 3)
        assert outcome.stdout == target.read_text(encoding="utf-8")
        assert (
            outcome.json()["summary"]
            == "FAIL: 4 of 11 features drifted, 1 schema violation in serving, 1 schema warning in serving"
        )

    def test_json_file_is_written_and_the_table_still_printed(self, tmp_path: Path) -> None:
        target = tmp_path / "report.json"
        outcome = invoke([*DEMO, "--json", str(target)], 3)
        assert json.loads(target.read_text())["exit_code"] == 3
        assert "Schema findings" in outcome.stdout
        assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind

    def test_refuses_to_write_over_an_input(self, tmp_path: Path) -> None:
        schema = tmp_path / "schema.yaml"
        schema.write_bytes((FIXTURES / "schema.yaml").read_bytes())
        before = schema.read_bytes()
        args = ["check", str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), "-s", str(schema)]
        outcome = invoke([*args, "--json", str(schema)], 2)
        assert "refusing to write the --json report over an input file" in outcome.stderr
        assert schema.read_bytes() == before

    def test_quiet_prints_only_the_summary(self) -> None:
        outcome = invoke([*DEMO, "--quiet"], 3)
        assert outcome.stdout.strip() == (
            "FAIL: 4 of 11 features drifted, 1 schema violation in serving, 1 schema warning in serving"
        )
