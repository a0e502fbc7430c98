"""The terminal: the CLI draws a run's progress on a terminal and nowhere else."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import FIXTURES, REPO, invoke

DEMO = [str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), "--schema", str(FIXTURES / "schema.yaml")]


def run_in_terminal(args: list[str]) -> tuple[int, bytes]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; its exit code and everything it drew."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "skewcheck", *args]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, cwd=REPO, env=env)
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower side closed: the process is gone
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    return process.wait(timeout=60), output


def test_a_terminal_sees_the_stages(tmp_path: Path) -> None:
    code, output = run_in_terminal(["check", *DEMO])
    assert code == 3
    assert b"reading training data" in output
    assert b"FAIL: 4 of 11 features drifted" in output


def test_quiet_and_non_terminal_runs_draw_no_progress() -> None:
    outcome = invoke(["check", *DEMO], 3)  # CliRunner: not a terminal
    assert "reading" not in outcome.stderr and "comparing" not in outcome.stderr + outcome.stdout
    code, output = run_in_terminal(["check", *DEMO, "--quiet"])
    assert code == 3
    assert b"reading" not in output and b"FAIL: 4 of 11" in output
