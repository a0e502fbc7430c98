"""Issue 14's write side: planted links, private inputs, outputs over or into what the run reads, refused early."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import polars as pl
import pytest

from skewcheck.history import store as history_store
from tests.helpers import FIXTURES, assert_one_line_error, invoke
from tests.history_data import rows as history_rows

TRAIN, SERVING, SCHEMA = FIXTURES / "train.parquet", FIXTURES / "serving.jsonl.gz", FIXTURES / "schema.yaml"
CHECK = ["check", TRAIN, SERVING, "-s", SCHEMA, "--quiet"]
JOINED = [*CHECK, "--key", "request_id"]
VICTIM = "export PATH=/home/me/bin:$PATH  # the user's .bashrc\n"


def planted(folder: Path, name: str) -> tuple[Path, Path]:
    """`name` in a shared folder, a symlink another user planted towards the victim's file."""
    victim = folder / "victim"
    victim.write_text(VICTIM)
    link = folder / name
    link.symlink_to(victim)
    return link, victim


def dangling(folder: Path, name: str) -> tuple[Path, Path]:
    link = folder / name
    link.symlink_to(folder / "not-yet")
    return link, folder / "not-yet"


@pytest.mark.parametrize("plant", [planted, dangling])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("report.json", [*CHECK, "--json"]),
        ("report.html", [*CHECK, "--html"]),
        ("report.md", [*CHECK, "--markdown"]),
        ("report.xml", [*CHECK, "--junit"]),
        ("rows.parquet", [*JOINED, "--mismatches"]),
        ("train.skprofile", ["profile", TRAIN, "-s", SCHEMA, "-o"]),
        ("schema.yaml", ["infer", TRAIN, "-o"]),
        ("schema.yaml", ["check", TRAIN, SERVING, "--quiet", "--save-schema"]),
    ],
)
def test_a_planted_link_is_replaced_and_its_target_untouched(tmp_path: Path, plant, name: str, args: list) -> None:  # type: ignore[no-untyped-def]
    link, target = plant(tmp_path, name)
    before = target.read_bytes() if target.exists() else None
    invoke([*args, link], None)
    assert not link.is_symlink() and link.stat().st_size > 0, "the output replaced the link"
    assert (target.read_bytes() if target.exists() else None) == before


def test_a_planted_link_in_the_parquet_files_history_is_replaced(tmp_path: Path) -> None:
    """The older layout writes each partition's file itself (a Delta table's files are new names each commit)."""
    store = tmp_path / "history"
    written = history_store.write(store, history_rows(0, {"x": 0.1}))
    written.unlink()
    _, victim = planted(tmp_path, "unused")
    written.symlink_to(victim)
    assert history_store.write(store, history_rows(0, {"x": 0.1})) == written
    assert not written.is_symlink() and victim.read_text() == VICTIM
    assert history_store.read(store).height > 0


def test_outputs_are_no_more_readable_than_a_private_input(tmp_path: Path) -> None:
    """A 0600 training file: the profile, reports, rows and history holding its values are 0600 too."""
    train = tmp_path / "train.parquet"
    train.write_bytes(TRAIN.read_bytes())
    train.chmod(0o600)
    profile = tmp_path / "train.skprofile"
    invoke(["profile", train, "-s", SCHEMA, "-o", profile], 0)
    report, rows, store = tmp_path / "report.json", tmp_path / "rows.parquet", tmp_path / "history"
    joined = ["check", train, SERVING, "-s", SCHEMA, "--quiet", "--key", "request_id"]
    invoke([*joined, "--json", report, "--mismatches", rows, "--history", store], None)
    kept = [path for path in store.rglob("*") if path.is_file()]  # a Delta table: data files and its log
    written = [profile, report, rows, *kept]
    assert kept and len(written) > 3
    assert {str(path): stat.S_IMODE(path.stat().st_mode) for path in written} == dict.fromkeys(
        (str(path) for path in written), 0o600
    )


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_outputs_of_shared_inputs_get_what_the_umask_allows(tmp_path: Path, umask: int) -> None:
    report = tmp_path / "report.json"
    previous = os.umask(umask)
    try:
        invoke([*CHECK, "--json", report], 3)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~umask


class TestRefusedBeforeAnyWork:
    """Each refusal comes before the data is read: an absent serving file would otherwise be the error."""

    def absent(self, tmp_path: Path) -> list:  # type: ignore[type-arg]
        return ["check", TRAIN, tmp_path / "absent.jsonl", "-s", SCHEMA, "--quiet"]

    def test_one_path_for_two_reports(self, tmp_path: Path) -> None:
        target = tmp_path / "x"
        outcome = invoke([*self.absent(tmp_path), "--json", target, "--markdown", target], 2)
        assert_one_line_error(outcome, f"{target}: named for both the --json report and the --markdown report")
        assert not target.exists()

    def test_an_empty_path(self, tmp_path: Path) -> None:
        outcome = invoke([*self.absent(tmp_path), "--json", ""], 2)
        assert_one_line_error(outcome, "an empty path is not a file: name a file for the --json report")

    def test_the_step_summary_over_an_input(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        schema = tmp_path / "schema.yaml"
        schema.write_bytes(SCHEMA.read_bytes())
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(schema))
        outcome = invoke(["check", TRAIN, tmp_path / "absent.jsonl", "-s", schema], 2)
        assert_one_line_error(outcome, "refusing to write the step summary ($GITHUB_STEP_SUMMARY) over an input file")
        assert schema.read_bytes() == SCHEMA.read_bytes()

    def test_a_report_into_the_history_store(self, tmp_path: Path) -> None:
        store = tmp_path / "history"
        outcome = invoke([*self.absent(tmp_path), "--history", store, "--json", store / "report.json"], 2)
        assert_one_line_error(outcome, "refusing to write the --json report into the history store")
        assert not store.exists()

    @pytest.mark.parametrize("folder", [".", "inputs"])
    def test_a_history_folder_that_is_not_a_store(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
    ) -> None:
        """`--history .` or the inputs' folder: refused before a partition folder is made beside the user's files."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "inputs").mkdir()
        serving = tmp_path / "inputs" / "serving.jsonl.gz"
        serving.write_bytes(SERVING.read_bytes())
        outcome = invoke(["check", TRAIN, serving, "-s", SCHEMA, "--history", folder], 2)
        assert_one_line_error(outcome, "not part of a skewcheck history", "give --history DIR a new or empty folder")
        assert sorted(path.name for path in tmp_path.rglob("*")) == ["inputs", "serving.jsonl.gz"]


class TestTheHistoryView:
    @pytest.fixture
    def store(self, tmp_path: Path) -> Path:
        store = tmp_path / "history"
        invoke([*CHECK, "--history", store], 3)
        return store

    def test_a_page_over_a_stored_file_is_refused_and_the_file_kept(self, store: Path) -> None:
        stored = next(path for path in store.rglob("*.parquet") if path.is_file())
        before = stored.read_bytes()
        outcome = invoke(["history", store, "--html", stored], 2)
        assert_one_line_error(outcome, f"{stored}: refusing to write the --html page into the history store")
        assert stored.read_bytes() == before

    def test_a_page_inside_the_store_is_refused_and_the_store_still_reads(self, store: Path) -> None:
        outcome = invoke(["history", store, "--html", store / "trends.html"], 2)
        assert_one_line_error(outcome, "refusing to write the --html page into the history store")
        assert not (store / "trends.html").exists()
        invoke(["history", store], 0)

    def test_a_page_beside_the_store_is_written(self, store: Path, tmp_path: Path) -> None:
        invoke(["history", store, "--html", tmp_path / "trends.html"], 0)
        assert (tmp_path / "trends.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_mismatching_rows_are_written_as_parquet(tmp_path: Path) -> None:
    """The write path the link test covers also writes a readable file."""
    rows = tmp_path / "rows.parquet"
    invoke([*JOINED, "--mismatches", rows], None)
    assert set(pl.read_parquet(rows).columns) >= {"request_id", "feature"}
