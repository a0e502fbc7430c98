"""`skewcheck check`: its usage rules, through the console script's error boundary."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import FIXTURES, assert_one_line_error, invoke

DEMO = [FIXTURES / "train.parquet", FIXTURES / "serving.jsonl.gz", "-s", FIXTURES / "schema.yaml"]


def test_the_command_returns_its_report_s_exit_code() -> None:
    invoke(["check", *DEMO, "--quiet"], 3)


def test_save_schema_needs_an_inferred_schema() -> None:
    outcome = invoke(["check", *DEMO, "--save-schema", "kept.yaml"], 2)
    assert_one_line_error(outcome, "--save-schema keeps an inferred schema")


def test_history_options_need_a_history(tmp_path: Path) -> None:
    outcome = invoke(["check", *DEMO, "--skip-done"], 2)
    assert_one_line_error(outcome, "--skip-done works on a history: add --history DIR")


def test_latest_needs_each() -> None:
    assert_one_line_error(invoke(["check", *DEMO, "--latest"], 2), "--latest", "--each")


def test_library_rules_reach_the_command_line_as_flags(tmp_path: Path) -> None:
    """Options(rows_only=True) says `keys=`; the command line says `--key COLUMN`."""
    outcome = invoke(["check", *DEMO, "--rows-only"], 2)
    line = assert_one_line_error(outcome, "--rows-only compares rows: give --key COLUMN (or --rows")
    assert "keys=" not in line and "rows_only" not in line


def test_mismatches_to_stdout_is_refused_before_any_data_is_read(tmp_path: Path) -> None:
    """Refused from the options alone: serving does not even exist here, so reading it would be another error."""
    serving = tmp_path / "absent.jsonl"
    args = ["check", FIXTURES / "train.parquet", serving, "--key", "request_id", "-s", FIXTURES / "schema.yaml"]
    outcome = invoke([*args, "--mismatches", "-"], 2)
    assert_one_line_error(outcome, "--mismatches needs a file: Parquet is not for stdout")


def test_a_join_on_a_key_training_lacks_is_an_error_not_a_silent_omission(tmp_path: Path) -> None:
    """--key asks for the row-level section: without the key in training there is none to give, and it says so."""
    import polars as pl

    train = tmp_path / "train.parquet"
    pl.read_parquet(FIXTURES / "train.parquet").drop("request_id").write_parquet(train)
    schema = ["-s", FIXTURES / "schema.yaml"]
    for extra in ([], ["--mismatches", tmp_path / "rows.parquet"]):
        outcome = invoke(["check", train, FIXTURES / "serving.jsonl.gz", *schema, "--key", "request_id", *extra], 2)
        assert_one_line_error(outcome, f"{train}: has no key column request_id to join serving on")
    assert not (tmp_path / "rows.parquet").exists()


def test_a_history_that_cannot_be_read_stops_the_run_once(tmp_path: Path) -> None:
    """Before any partition is audited: one line and exit 2, not every partition reported as unreadable."""
    case = Path(__file__).parent.parent / "scenarios" / "golden" / "each" / "input"
    store = tmp_path / "history"
    store.mkdir()
    (store / "stray.txt").write_text("not ours")
    args = ["check", case / "train.csv", case / "exports", "-s", case / "schema.yaml", "--each", "date"]
    outcome = invoke([*args, "--history", store, "--json", "-"], 2)
    assert_one_line_error(outcome, f"{store / 'stray.txt'}: not part of a skewcheck history")
    assert outcome.stdout == ""
