"""Run the real `skewcheck` in a subprocess under time and memory limits, and judge what it did.

The property every input must keep: exit 0, 1, 2 or 3; at most one stderr line on exit 2; no Python traceback,
no Rust panic; the input files unchanged; done within the time and memory limits.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CPU_LIMIT_S = 60
"""The limit that counts: CPU seconds (the machine is shared and the fuzzer runs niced, so wall time is noise)."""
TIME_LIMIT_S = 300.0
MEMORY_LIMIT_BYTES = 3 * 1024**3
_PANIC_MARKS = ("Traceback (most recent call last)", "panicked at", "RUST_BACKTRACE", "PanicException")


@dataclass(frozen=True)
class Verdict:
    """What one run did, and what about it breaks the property (empty: nothing)."""

    args: tuple[str, ...]
    exit_code: int | None
    stderr: str
    problems: tuple[str, ...]
    seconds: float


def _limits() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S + 5))


def _digest(paths: Sequence[Path]) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths if path.is_file()}


def run(args: Sequence[str], inputs: Sequence[Path], cwd: Path) -> Verdict:
    """`skewcheck ARGS` in `cwd`; `inputs` are the files it must leave as they were."""
    before = _digest(inputs)
    env = {**os.environ, "POLARS_MAX_THREADS": "1", "RAYON_NUM_THREADS": "1", "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    start = time.monotonic()
    problems: list[str] = []
    try:
        done = subprocess.run(
            [sys.executable, "-m", "skewcheck", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=TIME_LIMIT_S,
            preexec_fn=_limits,
            check=False,
        )
        code: int | None = done.returncode
        stderr = done.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as expired:
        code, stderr = None, (expired.stderr or b"").decode("utf-8", "replace")
        problems.append(f"took longer than {TIME_LIMIT_S:.0f} s")
    seconds = time.monotonic() - start
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        problems.append(f"used more than {CPU_LIMIT_S} s of CPU")
    elif code is not None and code not in (0, 1, 2, 3):
        problems.append(f"exit {code}")
    lines = [line for line in stderr.splitlines() if line.strip()]
    if code == 2 and len(lines) != 1:
        problems.append(f"exit 2 with {len(lines)} stderr lines")
    if any(mark in stderr for mark in _PANIC_MARKS):
        problems.append("a traceback or a panic on stderr")
    if "MemoryError" in stderr or "memory allocation" in stderr:
        problems.append("ran out of memory")
    if _digest(inputs) != before:
        problems.append("an input file changed")
    return Verdict(tuple(args), code, stderr, tuple(problems), seconds)
