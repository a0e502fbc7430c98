"""Issue 14's error boundary, run as the installed command: permissions, full disks, closed pipes, long names and
Ctrl-C end in one stderr line and exit 2 (130 for Ctrl-C), never a traceback and never "a bug in skewcheck".

Permission cases need a user the permissions apply to: when the tests run as root (who reads a 0000 file
anyway), the command runs as `nobody` instead, in a folder that user can enter.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FIXTURES

SKEWCHECK = str(Path(sys.executable).parent / "skewcheck")
TRAIN, SERVING, SCHEMA = FIXTURES / "train.parquet", FIXTURES / "serving.jsonl.gz", FIXTURES / "schema.yaml"
NOBODY = 65534


def run(args: list[Any], cwd: Path, *, unprivileged: bool = False, **popen: Any) -> subprocess.CompletedProcess[str]:
    as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    command = [*(as_nobody if unprivileged and os.geteuid() == 0 else []), SKEWCHECK, *map(str, args)]
    popen.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        command,
        cwd=cwd,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        **popen,
    )


def one_line(result: subprocess.CompletedProcess[str], code: int, *fragments: str) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == code, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "a bug in skewcheck" not in lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder `nobody` can enter and write, with the fixtures copied in (readable by all)."""
    folder = Path(tempfile.mkdtemp(prefix="skewcheck-shared-"))
    folder.chmod(0o777)
    for fixture in (TRAIN, SERVING, SCHEMA):
        shutil.copy(fixture, folder / fixture.name)
        (folder / fixture.name).chmod(0o644)
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


CHECK = ["check", TRAIN.name, SERVING.name, "-s", SCHEMA.name, "--quiet"]


def test_a_directory_whose_second_file_is_unreadable(shared: Path) -> None:
    folder = shared / "serving"
    folder.mkdir(mode=0o755)
    for name in ("a.parquet", "b.parquet"):
        shutil.copy(TRAIN, folder / name)
    (folder / "b.parquet").chmod(0o000)
    result = run(["check", TRAIN.name, "serving", "-s", SCHEMA.name], shared, unprivileged=True)
    one_line(result, 2, "b.parquet", "permission denied")


def test_an_unreadable_directory_says_permission_denied(shared: Path) -> None:
    (shared / "locked").mkdir(mode=0o000)
    result = run(["check", TRAIN.name, "locked", "-s", SCHEMA.name], shared, unprivileged=True)
    one_line(result, 2, "locked", "permission denied")


def test_an_unwritable_history_folder_is_refused_before_the_run(shared: Path) -> None:
    (shared / "history").mkdir(mode=0o555)
    result = run([*CHECK, "--history", "history"], shared, unprivileged=True)
    one_line(result, 2, "history", "not writable (permission denied)")


def test_stdout_on_a_full_disk(shared: Path) -> None:
    for payload in ([], ["--json", "-"]):
        with open("/dev/full", "w") as full:
            result = run([*CHECK, *payload], shared, stdout=full)
        one_line(result, 2, "stdout: no space left on the device")


def test_stdout_closed_by_its_reader(shared: Path) -> None:
    process = subprocess.Popen(
        [SKEWCHECK, *CHECK[:-1], "--format", "markdown"],
        cwd=shared,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # `skewcheck ... | head -0`
    stderr = process.stderr.read()
    assert process.wait() == 2 and "Traceback" not in stderr
    summary, error = [line for line in stderr.splitlines() if line.strip()]  # data on stdout: the summary on stderr
    assert summary.startswith("FAIL: 4 of 11 features drifted")
    assert error.startswith("skewcheck: error: stdout: the reader closed the pipe")


def test_a_report_name_too_long_for_the_file_system(shared: Path) -> None:
    result = run([*CHECK, "--json", "r" * 300 + ".json"], shared)
    one_line(result, 2, "file name too long", "use a shorter name")


def test_a_non_ascii_feature_name_on_an_ascii_terminal(shared: Path) -> None:
    import polars as pl

    pl.DataFrame({"température": [float(i % 9) for i in range(200)]}).write_parquet(shared / "t.parquet")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    result = run(["check", "t.parquet", "t.parquet"], shared, env=env)
    assert result.returncode == 0, result.stderr
    assert "UnicodeEncodeError" not in result.stderr
    assert "temp\\xe9rature" in result.stdout


def started(process: subprocess.Popen[str], ready: Any, what: str) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        assert process.poll() is None, f"ended before {what}"
        assert time.monotonic() < deadline, f"never reached {what}"
        time.sleep(0.01)


def test_ctrl_c_while_the_command_line_is_still_importing(shared: Path) -> None:
    """SIGINT as soon as polars is being loaded: inside the boundary already, so one line and 130."""
    process = subprocess.Popen(
        [SKEWCHECK, *CHECK], cwd=shared, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    maps = Path(f"/proc/{process.pid}/maps")
    started(process, lambda: "polars" in maps.read_text(errors="replace"), "the import of polars")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and [line for line in stderr.splitlines() if line.strip()] == [
        "skewcheck: interrupted; no output was left half-written"
    ], stderr


def test_ctrl_c_while_polars_reads(shared: Path) -> None:
    """SIGINT in the middle of a long read: polars aborts its query and raises KeyboardInterrupt while Python's
    own handler has one pending too; still one line and 130."""
    folder = shared / "serving"
    folder.mkdir()
    for number in range(4000):
        (folder / f"part-{number}.parquet").symlink_to(shared / TRAIN.name)
    args = ["check", TRAIN.name, "serving", "-s", SCHEMA.name, "--quiet", "--approx"]
    process = subprocess.Popen(
        [SKEWCHECK, *args], cwd=shared, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    maps = Path(f"/proc/{process.pid}/maps")
    started(process, lambda: "polars" in maps.read_text(errors="replace"), "the import of polars")
    time.sleep(1)  # the run takes five seconds and more: it is reading now
    assert process.poll() is None, "the run ended before the test could interrupt it"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines[-1] == "skewcheck: interrupted; no output was left half-written", stderr
    assert "internal error" not in stderr and "a bug in skewcheck" not in stderr
    # Only when the signal lands while polars runs Python code from Rust does polars print a panic of its own
    # first (a polars bug: it unwraps the KeyboardInterrupt); anything else before our line is a failure.
    assert len(lines) == 1 or "panicked at" in lines[0], stderr


def test_ctrl_c_while_writing_the_reports(shared: Path) -> None:
    """SIGINT once the audit is done and one report is written, the next blocked opening a FIFO nobody reads."""
    os.mkfifo(shared / "blocked.md")
    args = [*CHECK, "--json", "done.json", "--markdown", "blocked.md"]
    process = subprocess.Popen(
        [SKEWCHECK, *args], cwd=shared, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    started(process, (shared / "done.json").exists, "the first report")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if line.strip()] == [
        "skewcheck: interrupted; no output was left half-written"
    ]
    assert sorted(path.name for path in shared.iterdir() if path.name.startswith(".")) == []  # no temporary left
