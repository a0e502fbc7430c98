"""`make fuzz`: generated and mutated inputs against the real CLI, until a time budget runs out.

    python -m fuzz.run --minutes 30 [--findings fuzz/findings]

Each example runs `skewcheck` in a subprocess (oracle.py: limits and the property). A broken property is not
raised (hypothesis would stop and shrink): the case is copied to the findings folder with its command and stderr,
and the run goes on; the summary at the end counts examples and findings by kind.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fuzz import oracle
from fuzz.generate import FORMATS, Dataset, constraints, datasets, schema_text, write
from fuzz.mutate import mutated

_SEED = Dataset(
    {"age": "int", "city": "category", "score": "float", "name": "string"},
    [
        {"age": i % 90, "city": ["Berlin", "Hamburg", "Munich"][i % 3], "score": i / 7, "name": f"n{i}"}
        for i in range(200)
    ],
)
_EXTRA_FLAGS = [[], ["--approx"], ["--json", "out.json"], ["--html", "out.html", "--markdown", "out.md"], ["-q"]]


class Fuzzer:
    """Keeps the tally and the findings of one fuzzing session."""

    def __init__(self, findings: Path) -> None:
        self.findings = findings
        self.examples = 0
        self.kinds: Counter[str] = Counter()
        self.seen: set[str] = set()

    def judge(self, target: str, verdict: oracle.Verdict, folder: Path) -> None:
        self.examples += 1
        if not verdict.problems:
            return
        first = next((line for line in verdict.stderr.splitlines() if line.strip()), "")
        signature = f"{target}|{'/'.join(verdict.problems)}|{re.sub(r'[0-9]+|/tmp/[^ :]+', '#', first)[:120]}"
        self.kinds["; ".join(verdict.problems)] += 1
        if signature in self.seen:
            return
        self.seen.add(signature)
        case = self.findings / f"{len(self.seen):04d}-{target}"
        shutil.copytree(folder, case, dirs_exist_ok=True)
        record: dict[str, object] = {"target": target, "args": verdict.args, "exit": verdict.exit_code}
        record |= {"problems": verdict.problems, "seconds": round(verdict.seconds, 1), "stderr": verdict.stderr[-4000:]}
        (case / "finding.json").write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
        with (self.findings / "findings.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(record | {"case": case.name}, ensure_ascii=False) + "\n")
        print(f"FINDING {case.name}: {verdict.problems} {first[:160]}", flush=True)


def _generated(fuzzer: Fuzzer, data: st.DataObject) -> None:
    """A hypothesis schema and two datasets, in any two formats, through check, validate, profile or infer."""
    train, serving = data.draw(datasets())
    extra = {name: data.draw(constraints(type_)) for name, type_ in train.features.items()}
    formats = data.draw(st.tuples(st.sampled_from(FORMATS), st.sampled_from(FORMATS)))
    command = data.draw(st.sampled_from(["check", "check", "check", "validate", "profile", "infer"]))
    flags = data.draw(st.sampled_from(_EXTRA_FLAGS))
    with tempfile.TemporaryDirectory(prefix="skewfuzz-") as name:
        folder = Path(name)
        paths = [folder / f"train.{formats[0]}", folder / f"serving.{formats[1]}"]
        write(train, paths[0], formats[0])
        write(serving, paths[1], formats[1])
        schema = folder / "schema.yaml"
        schema.write_text(schema_text(train.features, extra), encoding="utf-8")
        inputs = [*paths, schema]
        if command == "check":
            args = ["check", *map(str, paths), "--schema", str(schema), "--no-step-summary", *flags]
        elif command == "validate":
            args = ["validate", str(paths[1]), "--schema", str(schema), "--no-step-summary"]
        elif command == "profile":
            args = ["profile", str(paths[0]), "--schema", str(schema), "-o", "train.skprofile", "-q"]
        else:
            args = ["infer", str(paths[0]), "-o", "inferred.yaml"]
        fuzzer.judge(f"generated-{command}", oracle.run(args, inputs, folder), folder)


def _mutated(fuzzer: Fuzzer, data: st.DataObject) -> None:
    """A valid file of one format with its bytes damaged, as training, serving or a saved profile."""
    format = data.draw(st.sampled_from([*FORMATS, "skprofile"]))
    with tempfile.TemporaryDirectory(prefix="skewfuzz-") as name:
        folder = Path(name)
        good = folder / "good.parquet"
        write(_SEED, good, "parquet")
        schema = folder / "schema.yaml"
        schema.write_text(schema_text(_SEED.features), encoding="utf-8")
        if format == "skprofile":
            source = folder / "seed.skprofile"
            oracle.run(["profile", str(good), "--schema", str(schema), "-o", str(source), "-q"], [], folder)
            if not source.exists():  # the profile command failed: the generated target reports that, not this one
                return
        else:
            source = folder / f"seed.{format}"
            write(_SEED, source, format)
        bad = folder / f"bad.{format}"
        bad.write_bytes(data.draw(mutated(source.read_bytes())))
        source.unlink()
        side = "train" if format == "skprofile" else data.draw(st.sampled_from(["train", "serving"]))
        pair = [bad, good] if side == "train" else [good, bad]
        flags = data.draw(st.sampled_from(_EXTRA_FLAGS))
        args = ["check", *map(str, pair), "--schema", str(schema), "--no-step-summary", *flags]
        fuzzer.judge(f"mutated-{format}", oracle.run(args, [good, bad, schema], folder), folder)


def _round(target: Callable[[Fuzzer, st.DataObject], None], fuzzer: Fuzzer, examples: int, seed: int) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def one(data: st.DataObject) -> None:
        target(fuzzer, data)

    random.seed(seed)
    one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--findings", type=Path, default=Path("fuzz/findings"))
    arguments = parser.parse_args()
    arguments.findings.mkdir(parents=True, exist_ok=True)
    fuzzer = Fuzzer(arguments.findings)
    end = time.monotonic() + arguments.minutes * 60
    started = time.monotonic()
    round_number = 0
    while time.monotonic() < end:
        target = _generated if round_number % 2 == 0 else _mutated
        _round(target, fuzzer, 10, round_number)
        round_number += 1
        print(f"{fuzzer.examples} examples, {len(fuzzer.seen)} distinct findings", flush=True)
    minutes = (time.monotonic() - started) / 60
    print(f"done: {fuzzer.examples} examples in {minutes:.1f} min; findings by kind: {dict(fuzzer.kinds)}")


if __name__ == "__main__":
    main()
