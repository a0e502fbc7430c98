"""`make bench-scaling`: skewcheck's time and peak memory against each dimension of the data, on this machine.

Three series, each growing one dimension tenfold per step while the others stay small: distinct categories in one
category column (10k, 100k, 1M; one row per value, training's values never seen in serving), features (100, 1,000,
10,000 float columns of 120 rows, a schema naming every one), and rows (250k, 1M, 4M of four features). Each run is
`skewcheck check TRAIN SERVING --schema S -q` in a fresh process: wall time, CPU time (user + system, all threads)
and peak resident memory, from the child's rusage. The last columns are the growth exponents from the step before
(CPU time and memory ratios over the size ratio, in logs): 1 is linear, 2 quadratic. CPU time, not wall time,
because a shared machine's load swings wall times by several times. Nothing is asserted; writes bench/SCALING.md.
Set SCALING_SERIES=categories (or features, rows) to run one series.
"""

from __future__ import annotations

import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

OUT = Path(__file__).resolve().parent / "SCALING.md"


def categories(folder: Path, size: int) -> tuple[Path, Path, str]:
    train, serving = folder / "train.parquet", folder / "serving.parquet"
    pl.DataFrame({"c": [f"t{i}" for i in range(size)]}).write_parquet(train)
    pl.DataFrame({"c": [f"s{i}" for i in range(size)]}).write_parquet(serving)
    return train, serving, "version: 1\nfeatures:\n  c: {type: category}\n"


def features(folder: Path, size: int) -> tuple[Path, Path, str]:
    rng = np.random.default_rng(0)
    paths = folder / "train.parquet", folder / "serving.parquet"
    for path in paths:
        pl.DataFrame({f"f{i}": rng.normal(size=120) for i in range(size)}).write_parquet(path)
    return *paths, "version: 1\nfeatures:\n" + "".join(f"  f{i}: {{type: float}}\n" for i in range(size))


def rows(folder: Path, size: int) -> tuple[Path, Path, str]:
    rng = np.random.default_rng(0)
    paths = folder / "train.parquet", folder / "serving.parquet"
    for shift, path in enumerate(paths):
        pl.DataFrame(
            {
                "x": rng.normal(shift * 0.1, 1, size),
                "n": rng.integers(0, 1_000, size),
                "c": rng.choice(["a", "b", "c", "d"], size),
                "y": rng.exponential(1, size),
            }
        ).write_parquet(path)
    schema = "  x: {type: float}\n  n: {type: int}\n  c: {type: category}\n  y: {type: float}\n"
    return *paths, "version: 1\nfeatures:\n" + schema


SERIES: dict[str, tuple[Callable[[Path, int], tuple[Path, Path, str]], list[int]]] = {
    "categories": (categories, [10_000, 100_000, 1_000_000]),
    "features": (features, [100, 1_000, 10_000]),
    "rows": (rows, [250_000, 1_000_000, 4_000_000]),
}


def measure(train: Path, serving: Path, schema: Path) -> tuple[float, float, float, int]:
    """Wall and CPU seconds, peak resident MiB and exit code of one `skewcheck check` in a fresh process."""
    command = [sys.executable, "-m", "skewcheck", "check", str(train), str(serving), "--schema", str(schema), "-q"]
    start = time.perf_counter()
    process = subprocess.Popen([*command, "--no-step-summary"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


_BEFORE = (
    "Before issue 14's fixes: 10k distinct categories took 1.5 s, 100k 122 s and 1M never finished (the "
    "categorical histogram summed a side's counts once per category); 2,000 features of 120 rows peaked at 1.3 GB "
    "and 10,000 passed 4 GB (each profile query ran over the whole frame and copied every column's schema; each "
    "feature looked itself up in the frame's list of column names)."
)


def main() -> None:
    chosen = os.environ.get("SCALING_SERIES", ",".join(SERIES)).split(",")
    lines = [
        "# Scaling: time and memory against each dimension of the data",
        "",
        f"`make bench-scaling` (bench/scaling.py) on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}. One `skewcheck check -q` per row in a fresh "
        "process; an exponent is log(ratio) / log(size ratio) from the row before: 1 linear, 2 quadratic. "
        "Times include about a second of start-up (imports), which flattens the small sizes.",
        "",
        _BEFORE,
        "",
    ]
    for name in chosen:
        make, sizes = SERIES[name]
        lines += [
            f"## {name}",
            "",
            f"| {name} | wall s | CPU s | peak MiB | exit | exponent (CPU) | exponent (memory) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        previous: tuple[int, float, float] | None = None
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="skewscale-") as folder:
                train, serving, text = make(Path(folder), size)
                schema = Path(folder) / "schema.yaml"
                schema.write_text(text, encoding="utf-8")
                seconds, cpu, mib, code = measure(train, serving, schema)
            growth = ["", ""]
            if previous is not None:
                step = math.log(size / previous[0])
                growth = [f"{math.log(cpu / previous[1]) / step:.2f}", f"{math.log(mib / previous[2]) / step:.2f}"]
            lines.append(f"| {size:,} | {seconds:.1f} | {cpu:.1f} | {mib:,.0f} | {code} | {growth[0]} | {growth[1]} |")
            print(lines[-1], flush=True)
            previous = (size, cpu, mib)
        lines.append("")
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
