"""`make bench`: skewcheck against a bare polars read of the same columns, in one run, on this machine.

For each size: generate the data (deterministic), then run each contender in its own process three
times and keep the fastest wall time and its peak memory (maximum resident set size). The floor is
the least work any tool must do: read both files' columns into memory with polars. Writes
bench/RESULTS.md. Nothing here is asserted: shared machines are noisy, so read ratios, not seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
SIZES = [int(s) for s in os.environ.get("BENCH_ROWS", "100000,1000000").split(",")]
REPEATS = 3

FLOOR = """
import polars as pl, sys
for path in sys.argv[1:]:
    pl.scan_parquet(path).collect()
"""
# Each measurement runs in a fresh interpreter that reports its child's peak memory.
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def measure(command: list[str]) -> tuple[float, float, int]:
    """Best wall seconds of REPEATS runs, the peak MiB of that run, and its exit code."""
    runs = []
    for _ in range(REPEATS):
        out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
        wall, peak_kib, code = out.stdout.split()
        runs.append((float(wall), int(peak_kib) / 1024, int(code)))
    return min(runs)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))  # fmt: skip
    return f"{os.cpu_count()} cores ({cpu}), {memory} memory, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    rows_out = []
    for rows in SIZES:
        folder = DATA / f"{rows}"
        if not (folder / "serving.parquet").exists():
            subprocess.run([sys.executable, str(HERE / "generate.py"), str(rows), str(folder)], check=True)
        train, serving, schema = (str(folder / name) for name in ("train.parquet", "serving.parquet", "schema.yaml"))
        floor = measure([sys.executable, "-c", FLOOR, train, serving])
        audit = measure([sys.executable, "-m", "skewcheck", "check", train, serving, "-s", schema, "-q"])
        sampled = measure([sys.executable, "-m", "skewcheck", "check", train, serving, "-s", schema, "-q",
                           "--sample", "100000"])  # fmt: skip
        for name, (wall, peak, code) in (("polars read (floor)", floor), ("skewcheck check", audit),
                                         ("skewcheck check --sample 100000", sampled)):  # fmt: skip
            rows_out.append(f"| {rows:,} x 20 | {name} | {wall:.2f} | {wall / floor[0]:.1f}x | {peak:,.0f} | "
                            f"{peak / floor[1]:.1f}x | {code} |")  # fmt: skip
        print(rows_out[-3:], flush=True)
    report = [
        "# Benchmark results",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()} by `make bench` (bench/run.py).",
        "Best of three runs, each in a fresh process; ratios are against the floor measured in the same run.",
        "The floor reads both Parquet files' columns into memory with polars, the least work any tool must do.",
        "Data: bench/generate.py (20 features: 12 float, 4 int, 3 category, 1 bool; three injected drifts).",
        "",
        "| rows | run | wall s | vs floor | peak MiB | vs floor | exit |",
        "|---|---|---|---|---|---|---|",
        *rows_out,
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(report))
    print((HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
