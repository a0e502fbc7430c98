"""A light start: the check command imports what a check needs when it needs it (issue 16).

Behaviour, not timing (speed is measured in `make bench`): which libraries a fresh interpreter has loaded
after importing the command line, or after a whole check of JSON Lines. scipy (half a second) is for small
samples' p-values (a check needs scipy.special, imported on a thread while the data is read), pyarrow for
Parquet's footer check and saved profiles, pygal for HTML charts, datasketches for saved profiles' sketches,
rich.progress for a terminal's progress bar.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

HEAVY = ("scipy", "pyarrow", "pygal", "datasketches", "rich.progress")
IN_A_CHECK = ("scipy.stats", "pyarrow", "pygal", "datasketches", "rich.progress")


def _loaded_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_command_line_loads_none_of_the_heavy_libraries() -> None:
    assert _loaded_after("import skewcheck.__main__, skewcheck.cli.check") == []


def test_the_package_imports_its_names_on_first_use() -> None:
    assert _loaded_after("import skewcheck; assert 'polars' not in __import__('sys').modules") == []
    assert _loaded_after("from skewcheck import run, Options, Report") == []


def test_a_check_of_json_lines_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    # Enough rows that the KS p-value is the asymptotic one (scipy.stats.kstwo serves small samples).
    rows = [{"x": float(i % 50), "c": "ab"[i % 2]} for i in range(50_000)]
    pl.DataFrame(rows).write_ndjson(tmp_path / "train.jsonl")
    pl.DataFrame(rows).write_ndjson(tmp_path / "serving.jsonl")
    schema = tmp_path / "schema.yaml"
    schema.write_text("features:\n  x: {type: float}\n  c: {type: string}\n")
    run = (
        "from skewcheck.__main__ import main\n"
        "code = main(['check', "
        f"{str(tmp_path / 'train.jsonl')!r}, {str(tmp_path / 'serving.jsonl')!r}, '--schema', {str(schema)!r}, "
        "'--format', 'json', '--quiet'])\n"
        "assert code == 0, code"
    )
    assert _loaded_after(run, IN_A_CHECK) == []
