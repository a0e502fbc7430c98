"""`make bench-spark`: `skewcheck profile --spark` against Spark's own aggregate pass and one machine's profile.

10M rows x 20 features (bench/generate.py's training side) in 16 Parquet files, on `local[2]`. Each contender runs
in a fresh process (this script, with `one CONTENDER ...`), which reports its wall time, the time after the Spark
session started, and its own peak memory (the Python driver's maximum resident set size: what the driver holds,
flat in the rows if only profiles travel); the parent adds the largest child's peak (the JVM, which in local mode
also runs the executors). Then the driver's peak again at 50M rows: the same 16 files five times over (80 files).
Writes bench/SPARK.md, which bench/RESULTS.md takes in. Nothing is asserted: read the ratios.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data" / "spark"
FILES = 16
FEATURES = 20
ROWS = int(os.environ.get("BENCH_SPARK_ROWS", "10000000"))
COPIES = int(os.environ.get("BENCH_SPARK_COPIES", "5"))  # the large run: the files this many times over
MASTER = "local[2]"


def generate() -> Path:
    """The training side of bench/generate.py's data, in FILES files, written once."""
    folder = DATA / f"{ROWS}x{FEATURES}"
    if (folder / "schema.yaml").exists():
        return folder
    sys.path.insert(0, str(HERE))
    from generate import feature_kinds, frame, schema_text

    kinds = feature_kinds(FEATURES)
    whole = frame(kinds, ROWS, "train")
    (folder / "files").mkdir(parents=True, exist_ok=True)
    size = -(-ROWS // FILES)
    for index in range(FILES):
        whole.slice(index * size, size).write_parquet(folder / "files" / f"part-{index:02d}.parquet")
    large = folder / f"files-x{COPIES}"
    large.mkdir(exist_ok=True)
    for copy in range(COPIES):
        for index in range(FILES):
            target = large / f"part-{copy}-{index:02d}.parquet"
            if not target.exists():
                target.symlink_to(folder / "files" / f"part-{index:02d}.parquet")
    (folder / "schema.yaml").write_text(schema_text(kinds, ROWS))
    return folder


def tree_mib(root: int) -> float:
    """The resident memory of `root` and all its descendants (the JVM, its Python workers), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    total = 0
    for pid in family:
        with contextlib.suppress(OSError, ValueError, IndexError):
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            line = next((x for x in lines if x.startswith("VmRSS:")), "VmRSS: 0 kB")  # a zombie has none
            total += int(line.split()[1])
    return total / 1024


def sample_tree(peak: list[float]) -> None:
    while True:
        peak[0] = max(peak[0], tree_mib(os.getpid()))
        time.sleep(0.5)


def one(contender: str, data: str, schema: str, out: str) -> None:
    """In a fresh process: run one contender, print its times and this process's peak memory as JSON."""
    tree = [0.0]
    threading.Thread(target=sample_tree, args=(tree,), daemon=True).start()
    started = time.perf_counter()
    if contender == "local":
        from skewcheck.__main__ import main

        ready = time.perf_counter()
        code = main(["profile", data, "-s", schema, "-o", out, "-q"])
    else:
        from skewcheck.spark import session

        spark = session(MASTER)
        ready = time.perf_counter()
        if contender == "spark-profile":
            from skewcheck.__main__ import main

            code = main(["profile", data, "-s", schema, "-o", out, "-q", "--spark", "--master", MASTER])
        else:
            code = spark_aggregates(spark, data)
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "exit": code,
        "wall": done - started,
        "after_start": done - ready,
        "driver_mib": peak,
        "tree_mib": tree[0],
    }
    Path(out).with_suffix(".json").write_text(json.dumps(result))


def spark_aggregates(spark: object, data: str) -> int:
    """Spark's own single pass: count, then nulls, min, max and percentile_approx (numbers) of every column."""
    from pyspark.sql import functions as F  # noqa: N812

    df = spark.read.parquet(data)  # type: ignore[attr-defined]
    numeric = ("int", "bigint", "double", "float", "timestamp", "timestamp_ntz", "boolean")
    columns = []
    for name, kind in df.dtypes:
        column = F.col(name)
        columns += [F.count(column), F.min(column), F.max(column)]
        if kind in numeric and kind != "boolean":
            value = F.unix_micros(column.cast("timestamp")) if kind.startswith("timestamp") else column
            columns.append(F.percentile_approx(value, [0.01, 0.1, 0.5, 0.9, 0.99]))
    df.agg(F.count(F.lit(1)), *columns).collect()
    return 0


def measure(contender: str, data: Path, schema: Path) -> dict[str, float]:
    """One contender in a fresh process, under bench/measure.py (which adds the peak of its largest process)."""
    out = DATA / f"{contender}.skprofile"
    out.unlink(missing_ok=True)
    stderr = DATA / f"{contender}.stderr"
    one = [sys.executable, __file__, "one", contender, str(data), str(schema), str(out)]
    command = ["nice", "-n", "15", sys.executable, str(HERE / "measure.py"), "3600", "16384", str(stderr), *one]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    outer = json.loads(result.stdout.strip().splitlines()[-1])
    if outer["code"] != 0:
        raise SystemExit(f"{contender} failed ({outer}):\n{stderr.read_text()[-3000:]}")
    measured = json.loads(out.with_suffix(".json").read_text())
    measured["largest_process_mib"] = outer["peak_mib"]
    print(contender, measured, file=sys.stderr)
    return measured


def main() -> None:
    folder = generate()
    schema = folder / "schema.yaml"
    started = time.time()
    load = os.getloadavg()
    rows = {name: measure(name, folder / "files", schema) for name in ("spark-aggregates", "spark-profile", "local")}
    write(rows, None, load, time.time() - started)  # the 10M table first: the 50M run can take long
    large = measure("spark-profile", folder / f"files-x{COPIES}", schema)
    write(rows, large, load, time.time() - started)


def write(
    rows: dict[str, dict[str, float]], large: dict[str, float] | None, load: tuple[float, ...], took: float
) -> None:
    import polars as pl
    import pyspark

    floor = rows["spark-aggregates"]["after_start"]
    lines = [
        "## On Spark (`make bench-spark`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by bench/spark.py in {took / 60:.0f} min: "
        f"{ROWS:,} rows x {FEATURES} features in {FILES} Parquet files, Spark `{MASTER}`. Machine: "
        f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"pyspark {pyspark.__version__}, polars {pl.__version__}, Java {java_version()}. "
        f"Load average when it started: {', '.join(f'{x:.2f}' for x in load)} (other work shared the machine).",
        "",
        "`after start` excludes starting Spark (the JVM, a few seconds, paid once per job); `x Spark` divides it by",
        "Spark's own single aggregate pass (count, nulls, min, max of every column, `percentile_approx` of the",
        "numeric ones). `driver MiB`: the Python driver's peak resident memory; `all MiB`: the peak of the sum of",
        "every process of the run, sampled twice a second (on Spark the JVM, which in local mode also runs the",
        "executors, and its Python workers).",
        "",
        "| contender | rows | wall s | after start s | x Spark | driver MiB | all MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {
        "spark-aggregates": "Spark's own aggregate pass",
        "spark-profile": "`profile --spark`",
        "local": "`profile` (one machine)",
    }
    for name, m in [*rows.items(), *([("spark-profile", large)] if large else [])]:
        count = ROWS * COPIES if m is large else ROWS
        ratio = "" if m is large else f"{m['after_start'] / floor:.2f}"  # the 50M run has no Spark pass to match
        lines.append(
            f"| {names[name]} | {count:,} | {m['wall']:.1f} | {m['after_start']:.1f} | {ratio} "
            f"| {m['driver_mib']:.0f} | {m.get('tree_mib', float('nan')):.0f} |"
        )
    (HERE / "SPARK.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def java_version() -> str:
    result = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    return (result.stderr.splitlines() or ["unknown"])[0]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "one":
        one(*sys.argv[2:6])
    else:
        main()
