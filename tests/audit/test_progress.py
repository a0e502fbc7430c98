"""Progress: the runner names its stages; the CLI draws them on a terminal and nowhere else."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from skewcheck.audit import run as runner
from skewcheck.audit.validate import validate_dataset
from tests.helpers import FIXTURES, REPO, invoke

DEMO = [str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), "--schema", str(FIXTURES / "schema.yaml")]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str | int | None]] = []

    def stage(self, description: str, total: int | None = None) -> None:
        self.events.append((description, total))

    def advance(self, steps: int = 1) -> None:
        self.events.append(("advance", steps))


def test_the_runner_reports_each_stage_and_every_feature() -> None:
    recorder = Recorder()
    report = runner.run(DEMO[0], DEMO[1], DEMO[3], progress=recorder)
    stages = [description for description, _ in recorder.events if description != "advance"]
    assert stages == [
        f"reading training data {DEMO[0]}",
        "validating 14,000 training rows",
        "profiling 14,000 training rows",
        f"reading serving data {DEMO[1]}",
        "validating 20,000 serving rows",
        "comparing features",
    ]
    assert ("comparing features", len(report.features)) in recorder.events
    # Every feature is one step, whether compared, skipped or missing.
    assert sum(int(steps or 0) for description, steps in recorder.events if description == "advance") == len(
        report.features
    )


def test_validate_reports_its_stages() -> None:
    recorder = Recorder()
    validate_dataset(DEMO[1], DEMO[3], progress=recorder)
    assert [d for d, _ in recorder.events] == [f"reading {DEMO[1]}", "validating 20,000 rows"]


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
