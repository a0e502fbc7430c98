"""Run one command in a fresh process and print its wall time and peak memory as one JSON line.

    python bench/measure.py TIMEOUT_S LIMIT_MIB STDERR_PATH COMMAND...

bench/run.py starts this interpreter for every measurement, so the peak memory (the maximum resident set size of
the waited-for children, from getrusage) is that one command's alone. A watcher thread ends the command's process
group when it runs past TIMEOUT_S ("timed out") or its resident memory passes LIMIT_MIB ("out of memory": the
benchmark stops it before the kernel's OOM killer picks a victim on a shared machine). The command's stdout is
discarded and its stderr kept in STDERR_PATH.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

POLL_S = 0.1


def resident_mib(pid: int) -> float:
    """The process's current resident set size (0 once it has gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def watch(process: subprocess.Popen[bytes], deadline: float, limit_mib: float, verdict: list[str]) -> None:
    """Stop the process group at the deadline or over the memory limit, and say which in `verdict`."""
    while process.poll() is None:
        reason = "timed out" if time.perf_counter() > deadline else None
        if reason is None and resident_mib(process.pid) > limit_mib:
            reason = "out of memory"
        if reason is not None:
            verdict.append(reason)
            with contextlib.suppress(ProcessLookupError):  # it may have ended just now
                os.killpg(process.pid, signal.SIGKILL)
            return
        time.sleep(POLL_S)


def outcome(code: int, verdict: list[str]) -> str:
    if verdict:
        return verdict[0]
    if code == -signal.SIGKILL:
        return "killed (out of memory?)"
    return f"killed by signal {-code}" if code < 0 else "ok"


def main(timeout_s: float, limit_mib: float, stderr_path: Path, command: list[str]) -> None:
    verdict: list[str] = []
    with stderr_path.open("wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        watcher = threading.Thread(target=watch, args=(process, start + timeout_s, limit_mib, verdict), daemon=True)
        watcher.start()
        code = process.wait()
        wall = time.perf_counter() - start
    watcher.join()
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "peak_mib": peak_mib, "code": code, "outcome": outcome(code, verdict)}))


if __name__ == "__main__":
    main(float(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:])
