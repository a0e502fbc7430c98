"""`make bench`: skewcheck against the floor (a bare polars read) and against peer tools, in one run, on this machine.

For each size (BENCH_SIZES, default all of SIZES: `BENCH_SIZES=100k make bench` is a quick run), generate the data
once (bench/generate.py, cached in bench/.data/ under the generator's hash), then run each contender of CONTENDERS
in its own fresh process (bench/measure.py): wall time and peak memory (maximum resident set size), the best of up
to REPEATS runs (a run over REPEAT_UNDER_S is not repeated), each stopped past BENCH_TIMEOUT seconds (default 900)
or BENCH_MEMORY_LIMIT_MIB (default 12 GiB) and recorded as "timed out" or "out of memory". Every contender that
judges drift writes its per-feature verdicts, and the table says how many of the injected drifts it flagged and how
many clean features it flagged too. Writes bench/RESULTS.md after every size. Nothing is asserted: shared machines
are noisy, so read the ratios, taken within one run.

A contender is one entry of CONTENDERS: a name, a command, the floor it is compared against, how to read its
verdicts, when to skip it, an untimed set-up command (e.g. a baseline profile) and the exit codes of a run that did
its job. Peer tools (Evidently, TFDV) run from their own virtual environments, set up by `make bench-peers`, and only
when those exist; Evidently is skipped above BENCH_EVIDENTLY_MAX_ROWS (default 1,000,000) rows and above
BENCH_EVIDENTLY_MAX_CELLS (default 20,000,000) rows x features.

Row-level skew (`--key`) is measured on another pair: serving against the offline pipeline's recomputation of the
same requests (train_recomputed.parquet, with three injected row-level bugs), joined on `request_id`. Its contenders'
verdicts are scored against those bugs instead of the drifts.

RESULTS.md also takes in bench/PROFILES.md, when it exists: a hand-written account of where the time goes, by
function (pyinstrument), which this script does not measure; and bench/SPARK.md, `make bench-spark`'s results.

skewcheck is run as `python -m skewcheck` by this interpreter: to measure another copy of it (say, a clean export of
a commit while the work tree is being edited), run this script from another folder with PYTHONPATH pointing at it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
REPEATS = 3
REPEAT_UNDER_S = 30.0
TIMEOUT_S = float(os.environ.get("BENCH_TIMEOUT", "900"))
MEMORY_LIMIT_MIB = float(os.environ.get("BENCH_MEMORY_LIMIT_MIB", str(12 * 1024)))
# Evidently is skipped above this many rows, or rows x features (its time and memory grow with both; see Peer.skip).
EVIDENTLY_MAX_ROWS = int(os.environ.get("BENCH_EVIDENTLY_MAX_ROWS", "1000000"))
EVIDENTLY_MAX_CELLS = int(os.environ.get("BENCH_EVIDENTLY_MAX_CELLS", "20000000"))
EVIDENTLY = "Evidently DataDriftPreset"
TFDV = "TFDV drift comparators"
SAMPLE = 100_000  # the --sample contender's sample size
KEY = "request_id"  # bench/generate.py's join key
RECOMPUTED = "train_recomputed.parquet"  # the offline recomputation of serving's rows, with row-level bugs
AUDITED = frozenset({0, 1, 3})  # skewcheck's exit codes of a finished audit: pass, drift failed, schema failed


@dataclass(frozen=True)
class Size:
    key: str
    rows: int
    features: int
    jsonl: bool  # also a JSON Lines serving log

    @property
    def label(self) -> str:
        return f"{self.rows:,} x {self.features}"

    @property
    def folder(self) -> Path:
        return DATA / f"{self.key}-{generator_version()}"

    def file(self, name: str) -> Path:
        return self.folder / name


TEN_M = Size("10M", 10_000_000, 20, jsonl=False)
SIZES = [
    Size("100k", 100_000, 20, jsonl=False),
    Size("1M", 1_000_000, 20, jsonl=True),
    Size("1Mx100", 1_000_000, 100, jsonl=False),
    TEN_M,
]

Command = Callable[[Size, Path], list[str]]  # (size, the verdicts file to write) -> argv


@dataclass(frozen=True)
class Verdicts:
    flagged: set[str]  # the features it says drifted (or differ row by row)
    unchecked: set[str]  # the features it did not judge at all
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, where the tool reports them
    tool: str = ""  # a peer's name and version, as it reports them


@dataclass(frozen=True)
class Contender:
    name: str
    command: Command
    floor: str | None = None  # the floor this is compared against; None: this is a floor
    verdicts: Callable[[Path], Verdicts] | None = None  # what it flagged, from the file it wrote
    skip: Callable[[Size], str | None] = lambda size: None  # why it does not run on this size, or None
    setup: Command | None = None  # run first, untimed: e.g. building a baseline profile
    ok_codes: frozenset[int] = frozenset({0})  # exit codes of a run that did its job
    truth: str = "drifted"  # what its verdicts are scored against: meta.json's "drifted" or "row_bugs"


@dataclass(frozen=True)
class Result:
    size: Size
    contender: Contender
    wall: float
    peak_mib: float
    code: int
    outcome: str  # "ok", "timed out", "out of memory", ...
    runs: int
    verdicts: Verdicts | None
    error: str = ""  # the last line of its stderr, when it failed


# ---- contenders -------------------------------------------------------------------------------------------------

FLOOR = """
import json, sys, polars as pl
meta = json.loads(open(sys.argv[1]).read())
columns = [meta["key"], *meta["features"]]
for path in sys.argv[2:]:
    scan = pl.scan_ndjson(path) if path.endswith(".jsonl") else pl.scan_parquet(path)
    scan.select(columns).collect()
"""


def floor(*files: str) -> Command:
    """The least work any tool must do: polars reads the key's and features' columns of these files into memory."""
    return lambda size, _: [sys.executable, "-c", FLOOR, str(size.file("meta.json")), *map(str, map(size.file, files))]


def skewcheck(*options: str, train: str = "train.parquet", serving: str = "serving.parquet") -> Command:
    def command(size: Size, report: Path) -> list[str]:
        inputs = [str(size.file(train)), str(size.file(serving)), "-s", str(size.file("schema.yaml"))]
        return [sys.executable, "-m", "skewcheck", "check", *inputs, "-q", "--json", str(report), *options]

    return command


def skewcheck_verdicts(report: Path) -> Verdicts:
    """Flagged: the features skewcheck did not pass (warn, fail or error); unchecked: the skipped ones."""
    records = json.loads(report.read_text())
    features = records["features"]
    flagged = {feature["name"] for feature in features if feature["status"] in ("warn", "fail", "error")}
    skipped = {feature["name"] for feature in features if feature["status"] == "skipped"}
    return Verdicts(flagged, skipped, records.get("timings_seconds", {}))


def row_verdicts(report: Path) -> Verdicts:
    """Flagged: the features that differ row by row (warn, fail or error), and any feature that drifted."""
    drift = skewcheck_verdicts(report)
    row_skew = json.loads(report.read_text())["row_skew"] or {"features": []}
    differing = {feature["name"] for feature in row_skew["features"] if feature["status"] in ("warn", "fail", "error")}
    return Verdicts(drift.flagged | differing, set(), drift.stages)


def peer_verdicts(report: Path) -> Verdicts:
    """A peer script's {"flagged": [...], "checked": [...]} against the features of the size's meta.json."""
    verdicts = json.loads(report.read_text())
    features = json.loads((report.parent.parent / "meta.json").read_text())["features"]
    tool = f"{verdicts['tool']} {verdicts['version']}"
    return Verdicts(set(verdicts["flagged"]), set(features) - set(verdicts["checked"]), tool=tool)


def profile(train_of: Size | None = None) -> Command:
    """`skewcheck profile` of the training data of `train_of` (default: the size's own), beside the report."""

    def command(size: Size, report: Path) -> list[str]:
        source = train_of or size
        inputs = [str(source.file("train.parquet")), "--schema", str(source.file("schema.yaml"))]
        output = ["-o", str(report.with_suffix(".skprofile")), "-q"]
        return [sys.executable, "-m", "skewcheck", "profile", *inputs, *output]

    return command


def check_profile(size: Size, report: Path) -> list[str]:
    """`check` against the profile that the contender's set-up wrote beside its report: serving is all it reads."""
    inputs = [str(report.with_suffix(".skprofile")), str(size.file("serving.parquet"))]
    inputs += ["-s", str(size.file("schema.yaml"))]
    return [sys.executable, "-m", "skewcheck", "check", *inputs, "-q", "--json", str(report)]


STREAMED_COPIES = 5  # the 50M-row serving log: the 10M serving file five times over, in one folder


def check_profile_streamed(size: Size, report: Path) -> list[str]:
    """`check` of STREAMED_COPIES x the serving file (a folder of links to it) against the training profile."""
    folder = size.folder / f"serving_x{STREAMED_COPIES}"
    folder.mkdir(exist_ok=True)
    for copy in range(STREAMED_COPIES):
        link = folder / f"part-{copy}.parquet"
        if not link.exists():
            link.symlink_to(size.file("serving.parquet"))
    inputs = [str(report.with_suffix(".skprofile")), str(folder), "-s", str(size.file("schema.yaml"))]
    return [sys.executable, "-m", "skewcheck", "check", *inputs, "-q", "--json", str(report)]


def ten_million_only(size: Size) -> str | None:
    return None if size.key == TEN_M.key else "only on the 10M x 20 data"


@dataclass(frozen=True)
class Peer:
    """A peer tool: a script in bench/peers/ run by the Python of its own virtual environment."""

    venv: str  # under bench/, made by `make bench-peers`
    script: str
    max_rows: int
    max_cells: int  # rows x features

    def command(self, size: Size, report: Path) -> list[str]:
        files = [size.file(name) for name in ("train.parquet", "serving.parquet", "meta.json")]
        python = HERE / self.venv / "bin" / "python"
        return [str(python), str(HERE / "peers" / self.script), *map(str, files), str(report)]

    def skip(self, size: Size) -> str | None:
        if not (HERE / self.venv / "bin" / "python").exists():
            return f"bench/{self.venv} does not exist: `make bench-peers` sets it up"
        if size.rows > self.max_rows:
            return (f"skipped above BENCH_EVIDENTLY_MAX_ROWS={self.max_rows:,} rows: it took 1 to 2 minutes and 2 "
                    f"GiB on 1M x 20 here, and 9 minutes and 8.5 GiB on 1M x 100, so 10M x 20 would pass the "
                    f"{TIMEOUT_S / 60:.0f}-minute and {MEMORY_LIMIT_MIB / 1024:.0f} GiB limits")  # fmt: skip
        if size.rows * size.features > self.max_cells:
            return (f"skipped above BENCH_EVIDENTLY_MAX_CELLS={self.max_cells:,} rows x features, to keep the run "
                    f"short: on 1M x 100 it took 535.5 s (304x the floor, 34.6x skewcheck check's 15.5 s) and 8,662 "
                    f"MiB, and found 5/7 drifts with 0 false alarms, in the run of 2026-11-26 02:36 UTC at 8bd8296; "
                    f"BENCH_EVIDENTLY_MAX_CELLS=100000000 runs it")  # fmt: skip
        return None


EVIDENTLY_PEER = Peer(".venv-peers", "evidently_drift.py", EVIDENTLY_MAX_ROWS, EVIDENTLY_MAX_CELLS)
TFDV_PEER = Peer(".venv-tfdv", "tfdv_drift.py", sys.maxsize, sys.maxsize)


def profile_skip(size: Size) -> str | None:
    return profile_mode_missing()


def ten_million_profile_skip(size: Size) -> str | None:
    if size.key != "1M":
        return "only on the 1M x 20 serving file"
    if not TEN_M.file(".complete").exists():
        return "needs the 10M x 20 training data: add 10M to BENCH_SIZES"
    return profile_mode_missing()


@functools.cache
def profile_mode_missing() -> str | None:
    command = [sys.executable, "-m", "skewcheck", "profile", "--help"]
    help_run = subprocess.run(command, capture_output=True, check=False)
    return "`skewcheck profile` does not exist yet" if help_run.returncode else None


def sample_skip(size: Size) -> str | None:
    return "the sample would be the whole data" if size.rows <= SAMPLE else None


def no_jsonl(size: Size) -> str | None:
    return None if size.jsonl else "no JSON Lines serving log at this size"


FLOOR_BOTH = "polars read (floor)"
FLOOR_SERVING = "polars read, serving only (floor)"
FLOOR_TRAIN = "polars read, training only (floor)"
FLOOR_JSONL = "polars read, serving JSONL (floor)"
FLOOR_ROWS = "polars read, recomputed training + serving (floor)"
ROWS_ONLY = f"skewcheck check --key {KEY} --rows-only"
APPROX = "skewcheck check --approx"
STREAMED = f"skewcheck check PROFILE serving x{STREAMED_COPIES} (50M rows, in batches)"
ROWS_FULL = f"skewcheck check --key {KEY}"
CONTENDERS = [
    Contender(FLOOR_BOTH, floor("train.parquet", "serving.parquet")),
    Contender("skewcheck check", skewcheck(), FLOOR_BOTH, skewcheck_verdicts, ok_codes=AUDITED),
    # KS and Wasserstein from counts on fine cells, no sort (issue 16): against the default's sorted values, same run.
    Contender("skewcheck check --no-exact", skewcheck("--no-exact"), FLOOR_BOTH, skewcheck_verdicts,
              ok_codes=AUDITED),
    Contender(f"skewcheck check --sample {SAMPLE}", skewcheck("--sample", str(SAMPLE)), FLOOR_BOTH, skewcheck_verdicts,
              sample_skip, ok_codes=AUDITED),
    Contender(APPROX, skewcheck("--approx"), FLOOR_BOTH, skewcheck_verdicts, ok_codes=AUDITED),
    Contender(EVIDENTLY, EVIDENTLY_PEER.command, FLOOR_BOTH, peer_verdicts, EVIDENTLY_PEER.skip),
    Contender(TFDV, TFDV_PEER.command, FLOOR_BOTH, peer_verdicts, TFDV_PEER.skip),
    Contender(FLOOR_SERVING, floor("serving.parquet")),
    Contender(FLOOR_TRAIN, floor("train.parquet")),
    Contender("skewcheck profile TRAIN", profile(), FLOOR_TRAIN, skip=profile_skip),
    Contender("skewcheck check PROFILE serving", check_profile, FLOOR_SERVING, skewcheck_verdicts, profile_skip,
              setup=profile(), ok_codes=AUDITED),
    Contender("skewcheck check PROFILE(10M train) serving", check_profile, FLOOR_SERVING, skewcheck_verdicts,
              ten_million_profile_skip, setup=profile(TEN_M), ok_codes=AUDITED),
    Contender(STREAMED, check_profile_streamed, FLOOR_SERVING, skewcheck_verdicts, ten_million_only, setup=profile(),
              ok_codes=AUDITED),
    Contender(FLOOR_JSONL, floor("train.parquet", "serving.jsonl"), skip=no_jsonl),
    Contender("skewcheck check, serving JSONL", skewcheck(serving="serving.jsonl"), FLOOR_JSONL, skewcheck_verdicts,
              no_jsonl, ok_codes=AUDITED),
    Contender(FLOOR_ROWS, floor(RECOMPUTED, "serving.parquet")),
    Contender(ROWS_ONLY, skewcheck("--key", KEY, "--rows-only", train=RECOMPUTED), FLOOR_ROWS, row_verdicts,
              ok_codes=AUDITED, truth="row_bugs"),
    Contender(ROWS_FULL, skewcheck("--key", KEY, train=RECOMPUTED), FLOOR_ROWS, row_verdicts, ok_codes=AUDITED,
              truth="row_bugs"),
]  # fmt: skip


# ---- data ------------------------------------------------------------------------------------------------------


@functools.cache
def generator_version() -> str:
    """The generator's own hash: any change to bench/generate.py regenerates the cached data."""
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]


def ensure_data(size: Size) -> float | None:
    """Generate the size's files unless cached; the seconds it took, or None when cached."""
    if (size.file(".complete")).exists():
        return None
    for stale in DATA.glob(f"{size.key}-*"):
        shutil.rmtree(stale)
    start = time.perf_counter()
    arguments = [str(size.rows), str(size.features), str(size.folder), *(["--jsonl"] if size.jsonl else [])]
    subprocess.run([sys.executable, str(HERE / "generate.py"), *arguments], check=True)
    size.file(".complete").touch()
    return time.perf_counter() - start


def selected_sizes() -> list[Size]:
    keys = [key.strip() for key in os.environ.get("BENCH_SIZES", ",".join(s.key for s in SIZES)).split(",")]
    unknown = set(keys) - {size.key for size in SIZES}
    if unknown:
        sys.exit(f"BENCH_SIZES: unknown size {', '.join(sorted(unknown))}; known: {', '.join(s.key for s in SIZES)}")
    return [size for size in SIZES if size.key in keys]


# ---- measuring -------------------------------------------------------------------------------------------------


def report_path(size: Size, contender: Contender) -> Path:
    """Where the contender writes its verdicts (and its stderr goes, beside them)."""
    return size.folder / "out" / ("".join(ch if ch.isalnum() else "_" for ch in contender.name) + ".json")


def measure_once(command: list[str], stderr: Path) -> dict[str, float | int | str]:
    limits = [str(TIMEOUT_S), str(MEMORY_LIMIT_MIB), str(stderr)]
    measure = [sys.executable, str(HERE / "measure.py"), *limits, *command]
    out = subprocess.run(measure, capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"bench/measure.py failed: {out.stderr}")
    result: dict[str, float | int | str] = json.loads(out.stdout)
    return result


def run_contender(size: Size, contender: Contender) -> Result:
    """Best of up to REPEATS runs; a run that fails, stops or takes over REPEAT_UNDER_S is not repeated."""
    report = report_path(size, contender)
    report.parent.mkdir(exist_ok=True)
    report.unlink(missing_ok=True)
    if contender.setup is not None:
        setup = subprocess.run(contender.setup(size, report), capture_output=True, text=True, check=False)
        if setup.returncode:
            return Result(size, contender, 0.0, 0.0, setup.returncode, f"set-up failed (exit {setup.returncode})", 0,
                          None, last_line(setup.stderr))  # fmt: skip
    runs: list[tuple[dict[str, float | int | str], Verdicts | None]] = []
    while len(runs) < REPEATS:
        run = measure_once(contender.command(size, report), report.with_suffix(".stderr"))
        runs.append((run, contender.verdicts(report) if contender.verdicts and report.exists() else None))
        report.unlink(missing_ok=True)
        if run["outcome"] != "ok" or float(run["wall"]) > REPEAT_UNDER_S:
            break
    best, verdicts = min(runs, key=lambda run: (run[0]["outcome"] != "ok", float(run[0]["wall"])))
    code, outcome, error = int(best["code"]), str(best["outcome"]), ""
    if outcome == "ok" and code not in contender.ok_codes:
        outcome, error = f"failed (exit {code})", last_line(report.with_suffix(".stderr").read_text(errors="replace"))
    return Result(size, contender, float(best["wall"]), float(best["peak_mib"]), code, outcome, len(runs),
                  verdicts if outcome == "ok" else None, error)  # fmt: skip


def last_line(text: str) -> str:
    return next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")


def plan(size: Size) -> tuple[list[Contender], list[tuple[Contender, str]]]:
    """The contenders to run on this size (floors only where a running contender needs them), and the skipped."""
    skipped = [(c, reason) for c in CONTENDERS if c.floor is not None and (reason := c.skip(size)) is not None]
    running = [c for c in CONTENDERS if c.floor is not None and c not in {s for s, _ in skipped}]
    floors = {c.floor for c in running}
    return [c for c in CONTENDERS if c in running or (c.floor is None and c.name in floors)], skipped


# ---- the report ------------------------------------------------------------------------------------------------

Results = dict[tuple[str, str], Result]  # (size key, contender name) -> result


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))  # fmt: skip
    return (f"{os.cpu_count()} cores ({cpu}), {kib / 1024**2:.1f} GiB memory, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")  # fmt: skip


def skewcheck_source() -> Path:
    """The folder of the skewcheck package the contenders import (run from elsewhere, PYTHONPATH may pick it)."""
    where = [sys.executable, "-c", "import skewcheck; print(skewcheck.__file__)"]
    out = subprocess.run(where, capture_output=True, text=True, check=False).stdout.strip()
    return Path(out).parent.parent if out else Path.cwd()


def versions(results: Results) -> str:
    import polars  # noqa: PLC0415 (only the report needs it; run.py itself stays light)

    source = skewcheck_source()
    describe = ["git", "describe", "--always", "--dirty"]
    rev = subprocess.run(describe, capture_output=True, text=True, cwd=source, check=False).stdout.strip()
    parts = [f"skewcheck from {source}" + (f" at {rev}" if rev else "") + work_tree(source),
             f"polars {polars.__version__}"]  # fmt: skip
    for peer, venv in ((EVIDENTLY, EVIDENTLY_PEER.venv), (TFDV, TFDV_PEER.venv)):
        tools = [r.verdicts.tool for r in results.values() if r.contender.name == peer and r.verdicts]
        parts += [f"{tools[0]} (bench/{venv})"] if tools else []
    return ", ".join(parts)


Truths = dict[str, dict[str, dict[str, str]]]  # size key -> "drifted" or "row_bugs" -> feature -> what was injected


def truths_of(sizes: list[Size]) -> Truths:
    metas = {size.key: json.loads(size.file("meta.json").read_text()) for size in sizes}
    return {key: {truth: meta[truth] for truth in ("drifted", "row_bugs")} for key, meta in metas.items()}


def injected(result: Result, truths: Truths) -> set[str]:
    """The features its verdicts are scored against: the size's injected drifts, or its row-level bugs."""
    return set(truths[result.size.key][result.contender.truth])


def work_tree(source: Path) -> str:
    """What the measured package's work tree changed from its commit (the bench's own files aside)."""
    status = ["git", "status", "--porcelain", "--", "skewcheck", "pyproject.toml"]
    out = subprocess.run(status, capture_output=True, text=True, cwd=source, check=False)
    changed = [line[3:] for line in out.stdout.splitlines()]
    if out.returncode:
        return ""
    return f" (uncommitted changes in {', '.join(changed)})" if changed else " (skewcheck/ as committed)"


def verdict_cells(result: Result, injected: set[str]) -> tuple[str, str]:
    if result.contender.floor is None or result.contender.verdicts is None:
        return "", ""
    if result.verdicts is None:
        return "n/a", "n/a"
    flagged = result.verdicts.flagged
    return f"{len(flagged & injected)}/{len(injected)}", str(len(flagged - injected))


def ratio(value: float, base: float) -> str:
    return f"{value / base:.1f}x" if base > 0 else ""


def row(result: Result, results: Results, truths: Truths) -> str:
    floor = results.get((result.size.key, result.contender.floor or result.contender.name))
    ok = result.outcome == "ok" and floor is not None and floor.outcome == "ok"
    versus_peers = []
    for name in (EVIDENTLY, TFDV):
        peer = results.get((result.size.key, name))
        same_files = peer is not None and peer.outcome == "ok" and result.contender.floor == peer.contender.floor
        versus_peers.append(ratio(peer.wall, result.wall) if ok and peer and same_files else "")
    wall = f"{result.wall:.2f}" if result.outcome == "ok" else f"{result.outcome} ({result.wall:.0f} s)"
    cells = [result.size.label, result.contender.name, wall, ratio(result.wall, floor.wall) if ok and floor else "",
             f"{result.peak_mib:,.0f}", ratio(result.peak_mib, floor.peak_mib) if ok and floor else "", *versus_peers,
             *verdict_cells(result, injected(result, truths)), str(result.code), str(result.runs)]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def missed_notes(results: Results, truths: Truths) -> list[str]:
    notes = []
    for result in results.values():
        if result.verdicts is None:
            continue
        expected, flagged = injected(result, truths), result.verdicts.flagged
        missed, extra = sorted(expected - flagged), sorted(flagged - expected)
        if missed or extra:
            found = f"missed {', '.join(missed) or 'none'}; clean features flagged: {', '.join(extra) or 'none'}"
            unchecked = sorted(result.verdicts.unchecked)
            found += f" (not drift-checked at all: {', '.join(unchecked)})" if unchecked else ""
            notes.append(f"- {result.contender.name} on {result.size.label}: {found}.")
    errors = [r for r in results.values() if r.error]
    notes += [f"- {r.contender.name} on {r.size.label} {r.outcome}: `{r.error[:300]}`" for r in errors]
    return notes


# ---- the targets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    text: str
    size: str
    contender: str
    value: Callable[[Result, Result], float]  # (the contender's result, the result it is compared with)
    versus: str | None  # the result it is compared with; None: its floor
    limit: float
    at_most: bool
    unit: str = "x"


def wall_ratio(result: Result, base: Result) -> float:
    return result.wall / base.wall


def memory_ratio(result: Result, base: Result) -> float:
    return result.peak_mib / base.peak_mib


def peak_gib(result: Result, base: Result) -> float:
    return result.peak_mib / 1024


def speedup(result: Result, peer: Result) -> float:
    return peer.wall / result.wall


TARGETS = [
    Target("10M x 20 Parquet: `check` wall time at most 2x the bare read", "10M", "skewcheck check", wall_ratio,
           None, 2.0, at_most=True),
    Target("10M x 20 Parquet: `check` peak memory at most 1.3x the bare read's", "10M", "skewcheck check",
           memory_ratio, None, 1.3, at_most=True),
    Target("1M x 20: `check` wall time at most 2.5x the bare read", "1M", "skewcheck check", wall_ratio, None,
           2.5, at_most=True),
    Target("1M x 20: `check` at least 100x faster than Evidently's data drift preset", "1M", "skewcheck check",
           speedup, EVIDENTLY, 100.0, at_most=False),
    Target("1M x 20: `check` at least 10x faster than TFDV", "1M", "skewcheck check", speedup, TFDV, 10.0,
           at_most=False),
    Target("1M x 100: `check` wall time at most 2x the bare read", "1Mx100", "skewcheck check", wall_ratio, None,
           2.0, at_most=True),
    Target("1M-row JSON Lines serving log: `check` at most 1.5x polars' own read (NDJSON serving + Parquet train)",
           "1M", "skewcheck check, serving JSONL", wall_ratio, None, 1.5, at_most=True),
    Target("Profile baseline: `check` of the 1M-row serving file against a profile of 10M training rows at most 1.5x "
           "the bare read of the serving file alone", "1M", "skewcheck check PROFILE(10M train) serving", wall_ratio,
           None, 1.5, at_most=True),
    Target("10M x 20: `check --approx` wall time within 1.2x of the default `check`'s", "10M",
           "skewcheck check --approx", wall_ratio, "skewcheck check", 1.2, at_most=True),
    Target(f"Row-level skew (issue 7): 10M joined rows x 20 features, `check --key {KEY} --rows-only`, wall time at "
           "most 3x the bare read of the key and compared columns of both files", "10M", ROWS_ONLY, wall_ratio, None,
           3.0, at_most=True),
    Target(f"Profile baseline on 50M serving rows read in batches (the 10M serving file x{STREAMED_COPIES}): peak "
           "memory under 1 GB", "10M", STREAMED, peak_gib, None, 1.0, at_most=True, unit=" GiB"),
]  # fmt: skip


def target_row(target: Target, results: Results, skipped: dict[tuple[str, str], str]) -> str:
    result = results.get((target.size, target.contender))
    base_name = target.versus or (result.contender.floor if result else None)
    base = results.get((target.size, base_name)) if base_name else None
    if result is None or base is None:
        reason = skipped.get((target.size, target.contender)) or skipped.get((target.size, base_name or ""))
        return f"| {target.text} | not run: {reason or 'size not in BENCH_SIZES'} | not measured |"
    if result.outcome != "ok" or base.outcome != "ok":
        return stopped_row(target, result, base)
    value = target.value(result, base)
    met = value <= target.limit if target.at_most else value >= target.limit
    return f"| {target.text} | {value:.2f}{target.unit} | {'met' if met else 'not met'} |"


@dataclass(frozen=True)
class Correctness:
    text: str
    size: str
    contender: str


CORRECTNESS = [
    Correctness("1M x 20: the injected drifts detected and no clean feature flagged (`check`)", "1M",
                "skewcheck check"),
    Correctness(f"10M x 20 (issue 7): the three injected row-level bugs found and no other feature flagged "
                f"(`check --key {KEY} --rows-only`)", "10M", ROWS_ONLY),
]  # fmt: skip


def stopped_row(target: Target, result: Result, base: Result) -> str:
    """A run stopped at the time or memory limit: for an upper bound, what it had reached by then is a lower bound."""
    stopped = result.outcome in ("timed out", "out of memory") and base.outcome == "ok" and result.wall > 0
    value = target.value(result, base) if stopped else 0.0
    if stopped and target.at_most and value > target.limit:
        return f"| {target.text} | over {value:.1f}x: {result.outcome} after {result.wall:.0f} s | not met |"
    outcomes = f"{result.contender.name}: {result.outcome}; {base.contender.name}: {base.outcome}"
    return f"| {target.text} | {outcomes} | n/a |"


def correctness_row(check: Correctness, results: Results, truths: Truths) -> str:
    result = results.get((check.size, check.contender))
    if result is None or result.verdicts is None:
        return f"| {check.text} | {'not run' if result is None else result.outcome} | not measured |"
    expected, flagged = injected(result, truths), result.verdicts.flagged
    found, extra = len(flagged & expected), len(flagged - expected)
    met = found == len(expected) and extra == 0
    return f"| {check.text} | {found}/{len(expected)} found, {extra} false alarms | {'met' if met else 'not met'} |"


# ---- RESULTS.md ------------------------------------------------------------------------------------------------


@dataclass
class Run:
    sizes: list[Size]
    started: dt.datetime
    load: tuple[float, float, float]
    results: Results
    skipped: dict[tuple[str, str], str]
    generated: dict[str, float | None]


def header(run: Run) -> list[str]:
    minutes = (dt.datetime.now(dt.UTC) - run.started).total_seconds() / 60
    return [
        "# Benchmark results",
        "",
        f"Measured {run.started:%Y-%m-%d %H:%M} UTC by `make bench` (bench/run.py), sizes "
        f"{', '.join(size.key for size in run.sizes)} (`BENCH_SIZES`), in {minutes:.0f} min.",
        f"Machine: {machine()}. Load average when it started: {', '.join(f'{x:.2f}' for x in run.load)}.",
        f"Versions: {versions(run.results)}.",
        "",
        "How to read it:",
        "",
        "- Each contender runs in a fresh process (bench/measure.py): `wall s` is its elapsed time, `peak MiB` its",
        f"  maximum resident set size. Best of up to {REPEATS} runs (`runs`; a run over {REPEAT_UNDER_S:.0f} s is not"
        f" repeated), each stopped after {TIMEOUT_S / 60:.0f} minutes or {MEMORY_LIMIT_MIB / 1024:.0f} GiB.",
        f"- The floor is the least work any tool must do: polars reading the columns the schema names (`{KEY}` and",
        "  the features) of the same files into memory. `x floor` divides by the floor the contender is compared",
        "  with: both Parquet files for a check of them; Parquet training plus the NDJSON serving log for the JSON",
        "  Lines check; serving alone for a check against a saved profile; the recomputed training file plus serving",
        f"  for the row-level checks (`--key {KEY}`: `--rows-only` is the join and the row comparison alone, without",
        "  it the distribution checks run too).",
        "- `Evidently / this`, `TFDV / this`: the peer's wall time over this row's, on the same Parquet files (above",
        "  1x, this row is faster). Each peer reads the files with pandas inside its timed run, as skewcheck does.",
        "- `injected found`: the injected drifts a contender flagged; `false alarms`: the clean features it flagged.",
        "  The `--key` contenders are scored against the injected row-level bugs instead: a feature counts as",
        "  flagged when its row-level status (or its drift status) is warn, fail or error.",
        "  skewcheck flags a feature whose status is warn, fail or error. Evidently's DataDriftPreset flags a column",
        "  whose drift test fails (its defaults: Wasserstein distance (normed) above 0.1 for numerical columns,",
        "  Jensen-Shannon distance above 0.1 for categorical ones); it does not drift-check datetime columns. TFDV",
        "  flags a feature with any anomaly when serving's statistics are validated against training's, with a schema",
        "  inferred from training and drift comparators set on every feature (approximate Jensen-Shannon divergence",
        "  above 0.01 for numeric, L-infinity distance above 0.1 for categorical); datetimes are given to it as epoch",
        "  seconds. TFDV's divergence is approximate: on clean features here it reaches 0.03 to 0.06 at every size, so",
        "  0.01 raises false alarms, and no one threshold parts clean from drifted (at 100k rows a drifted feature",
        "  scored 0.051, a clean one 0.059). `exit` is the exit code (skewcheck's 1 is: drift, or row-level skew,",
        "  found).",
        f"- Timings are noisy: the machine has {os.cpu_count()} cores and is shared (the load average above says how",
        "  busy it was). Read the ratios, taken within one run, rather than the seconds. Speed is never asserted in",
        "  the test suite.",
        "",
    ]


def results_table(run: Run, truths: Truths) -> list[str]:
    head = ["| data (rows x features) | contender | wall s | x floor | peak MiB | x floor | Evidently / this | "
            "TFDV / this | injected found | false alarms | exit | runs |", "|---" * 12 + "|"]  # fmt: skip
    rows = [row(result, run.results, truths) for result in run.results.values()]
    notes = missed_notes(run.results, truths)
    explained = ["What was missed, flagged wrongly or failed:", "", *notes, ""] if notes else []
    return ["## Results", "", *head, *rows, "", *explained]


def stages_table(run: Run) -> list[str]:
    """skewcheck's own timings_seconds, against the wall time of the same run."""
    timed = [(result, result.verdicts.stages) for result in run.results.values() if result.verdicts]
    timed = [(result, stages) for result, stages in timed if stages]
    names = list(dict.fromkeys(name for _, stages in timed for name in stages))
    rows = []
    for result, stages in timed:
        cells = [f"{stages[name]:.2f}" if name in stages else "" for name in names]
        rest = result.wall - sum(stages.values())
        rows.append(f"| {result.size.label} | {result.contender.name} | {' | '.join(cells)} | {rest:.2f} | "
                    f"{result.wall:.2f} |")  # fmt: skip
    if not rows:
        return []
    return [
        "## Where skewcheck's time goes",
        "",
        "Seconds per stage from its JSON report (`timings_seconds`) of the best run; `other` is the rest of that run's",
        "wall time: starting Python, the imports that no stage makes, writing the report.",
        "",
        f"| data | contender | {' | '.join(names)} | other | wall s |",
        "|---|---|" + "---|" * (len(names) + 2),
        *rows,
        "",
    ]


def targets_table(run: Run, truths: Truths) -> list[str]:
    rows = [target_row(target, run.results, run.skipped) for target in TARGETS]
    rows.insert(4, correctness_row(CORRECTNESS[0], run.results, truths))
    rows += [correctness_row(check, run.results, truths) for check in CORRECTNESS[1:]]
    return ["## Targets (issues 5, 7 and 16)", "", "| target | measured | |", "|---|---|---|", *rows, ""]


def not_run(run: Run) -> list[str]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for (key, name), reason in run.skipped.items():
        grouped.setdefault((name, reason), []).append(key)
    lines = [f"- {name} ({', '.join(keys)}): {reason}." for (name, reason), keys in grouped.items()]
    return ["## Not run", "", *lines, ""]


def data_section(run: Run, truths: Truths) -> list[str]:
    def mib(path: Path) -> str:
        return f"{path.stat().st_size / 1024**2:,.0f}" if path.exists() else ""

    files = ("train.parquet", "serving.parquet", RECOMPUTED, "serving.jsonl")
    rows = [f"| {size.label} | {' | '.join(mib(size.file(name)) for name in files)} | "
            f"{generated_text(run.generated.get(size.key))} |"
            for size in run.sizes if size.key in run.generated]  # fmt: skip
    first: dict[str, dict[str, str]] = next(iter(truths.values()), {"drifted": {}, "row_bugs": {}})
    return [
        "## Data",
        "",
        "bench/generate.py, deterministic: features 50% float, 15% int, 15% category, 10% bool, 10% datetime; serving",
        "drawn from training's distributions except for these injected drifts (every other feature is clean; some",
        "clean features have 1-2% nulls on both sides). Cached in bench/.data/ under the generator's hash.",
        "",
        *[f"- `{name}`: {why}" for name, why in first["drifted"].items()],
        "",
        f"Every file has a `{KEY}` column (text such as `req-0000123456`; `role: key` in the schema, so never",
        "drift-checked); training's ids are other requests than serving's. For row-level skew,",
        f"{RECOMPUTED} is the offline pipeline's recomputation of the served requests: serving's rows in",
        "another order, every value serving's own except for these injected row-level bugs, which barely move the",
        "features' distributions:",
        "",
        *[f"- `{name}`: {why}" for name, why in first["row_bugs"].items()],
        "",
        f"| data | {' | '.join(f'{name} MiB' for name in files)} | generated |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]


def generated_text(seconds: float | None) -> str:
    return "cached" if seconds is None else f"in {seconds:.0f} s"


def profiles_section() -> list[str]:
    """bench/PROFILES.md, hand-written (pyinstrument's account of where the time goes), with its headings demoted."""
    path = HERE / "PROFILES.md"
    if not path.exists():
        return []
    return ["#" + line if line.startswith("#") else line for line in path.read_text().splitlines()] + [""]


def spark_section() -> list[str]:
    """bench/SPARK.md, written by `make bench-spark` (bench/spark.py), which this run does not measure."""
    path = HERE / "SPARK.md"
    return [*path.read_text().splitlines(), ""] if path.exists() else []


def write_results(run: Run) -> None:
    done = [size for size in run.sizes if size.key in run.generated]
    truths = truths_of(done)
    text = [*header(run), *results_table(run, truths), *targets_table(run, truths), *stages_table(run),
            *profiles_section(), *spark_section(), *not_run(run), *data_section(run, truths)]  # fmt: skip
    (HERE / "RESULTS.md").write_text("\n".join(text))


# ---- main ------------------------------------------------------------------------------------------------------


def progress(result: Result) -> str:
    flagged = "" if result.verdicts is None else f", flagged {len(result.verdicts.flagged)}"
    return (f"{result.size.label:>16}  {result.contender.name:<52} {result.outcome:>8} {result.wall:8.2f} s "
            f"{result.peak_mib:8,.0f} MiB  exit {result.code}{flagged}")  # fmt: skip


def main() -> None:
    run = Run(selected_sizes(), dt.datetime.now(dt.UTC), os.getloadavg(), {}, {}, {})
    for size in run.sizes:  # all data first: a contender may use another size's files
        print(f"{size.label}: data in {size.folder}", flush=True)
        run.generated[size.key] = ensure_data(size)
    for size in run.sizes:
        running, skipped = plan(size)
        run.skipped.update({(size.key, contender.name): reason for contender, reason in skipped})
        for contender in running:
            result = run_contender(size, contender)
            run.results[(size.key, contender.name)] = result
            print(progress(result), flush=True)
        write_results(run)
    print((HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
