"""The error boundary in-process: the machine's errors and limits are the user's to act on (exit 2, one line
naming the path), only a real bug is exit 4; names from the data or the command line never break the line."""

from __future__ import annotations

import errno
from pathlib import Path

import polars as pl
import pytest

from skewcheck.audit import run as runner
from skewcheck.io import atomic
from tests.helpers import FIXTURES, assert_one_line_error, invoke

CHECK = ["check", FIXTURES / "train.parquet", FIXTURES / "serving.jsonl.gz", "-s", FIXTURES / "schema.yaml", "-q"]


def failing(error: BaseException):  # type: ignore[no-untyped-def]
    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    return fail


@pytest.mark.parametrize(
    ("error", "fragments"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), ["report.json", "no space left on the device"]),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), ["report.json", "disk quota exceeded"]),
        (OSError(errno.EACCES, "Permission denied"), ["report.json", "permission denied"]),
        (OSError(errno.EROFS, "Read-only file system"), ["report.json", "read-only file system; write elsewhere"]),
        (OSError(errno.ENAMETOOLONG, "File name too long"), ["report.json", "use a shorter name"]),
    ],
)
def test_a_report_the_disk_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, fragments: list[str]
) -> None:
    monkeypatch.setattr(atomic.tempfile, "mkstemp", failing(error))
    outcome = invoke([*CHECK, "--json", tmp_path / "report.json"], 2)
    line = assert_one_line_error(outcome, *fragments)
    assert "bug" not in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "/data/part-1.parquet"),
            "/data/part-1.parquet: permission",
        ),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "/data/x"), "/data/x: is a directory; name a file"),
        (OSError(errno.EIO, "Input/output error", "/mnt/share/x"), "/mnt/share/x: input/output error"),
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
        (MemoryError(), "out of memory; read less at once (--approx or --sample)"),
    ],
)
def test_the_machines_errors_and_limits_are_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, fragment: str
) -> None:
    monkeypatch.setattr(runner, "audit", failing(error))
    line = assert_one_line_error(invoke(CHECK, 2), fragment)
    assert "bug" not in line and "internal error" not in line


def test_a_real_bug_is_still_exit_4(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "audit", failing(KeyError("feature")))
    assert_one_line_error(invoke(CHECK, 4), "internal error: KeyError", "a bug in skewcheck")


def test_a_file_name_with_a_newline_and_escapes_stays_one_line(tmp_path: Path) -> None:
    name = tmp_path / "serving\n\x1b]0;PWNED\x07.jsonl"
    outcome = invoke(["check", FIXTURES / "train.parquet", name, "-s", FIXTURES / "schema.yaml"], 2)
    assert_one_line_error(outcome, "serving\\n\\x1b]0;PWNED\\x07.jsonl")
    assert "\x1b" not in outcome.stderr and "\x07" not in outcome.stderr


def test_column_names_with_terminal_escapes_are_shown_escaped(tmp_path: Path) -> None:
    evil = "evil\x1b]0;PWNED\x07\x1b[2J"
    train = tmp_path / "train.parquet"
    pl.DataFrame({"x": [float(i % 7) for i in range(100)], evil: [1.0] * 100}).write_parquet(train)
    schema = tmp_path / "schema.yaml"
    schema.write_text("version: 1\nfeatures:\n  x: {type: float}\n")
    outcome = invoke(["check", train, train, "-s", schema], 0)
    assert "\x1b" not in outcome.stdout + outcome.stderr and "\x07" not in outcome.stdout + outcome.stderr
    assert "columns the schema does not mention" in outcome.stdout
    assert "evil\\x1b]0;PWNED\\x1b[2J" in outcome.stdout  # rich drops the bell (\x07) itself


def test_feature_names_and_values_with_controls_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    name, value = "col\x1b[31mred", "cat\x1b[2J\rX"
    data = tmp_path / "data.parquet"
    pl.DataFrame({name: [value] * 50 + ["b"] * 50}).write_parquet(data)
    serving = tmp_path / "serving.parquet"
    pl.DataFrame({name: ["b"] * 100}).write_parquet(serving)
    outcome = invoke(["check", data, serving], None)
    assert "\x1b" not in outcome.stdout + outcome.stderr and "\r" not in outcome.stdout
    assert "col\\x1b" in outcome.stdout  # a table cell may cut the rest with an ellipsis
    markdown = invoke(["check", data, serving, "--format", "markdown"], None)
    assert "\x1b" not in markdown.stdout and "\r" not in markdown.stdout


def test_a_history_on_a_full_disk_names_the_history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Parquet-files layout, which skewcheck writes itself (delta-rs writes a Delta table's files)."""
    from skewcheck.history import kept

    monkeypatch.setattr(kept, "is_lake", lambda _location: False)
    monkeypatch.setattr(atomic.tempfile, "mkstemp", failing(OSError(errno.ENOSPC, "No space left on device")))
    outcome = invoke([*CHECK, "--history", tmp_path / "history"], 2)
    line = assert_one_line_error(outcome, str(tmp_path / "history" / "partition="), "no space left on the device")
    assert ".parquet: no space" in line and ".tmp" not in line
