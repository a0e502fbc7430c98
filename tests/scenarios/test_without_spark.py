"""pyspark is an extra: without it, every other module imports and every command runs; --spark says what to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import FIXTURES, REPO

# A Python with pyspark and py4j hidden, as if never installed; it imports every module but skewcheck.spark, then
# runs the command line on its arguments.
WITHOUT_SPARK = """
import importlib, pkgutil, sys

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pyspark", "py4j"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
import skewcheck
try:
    import skewcheck.spark
except ModuleNotFoundError:
    pass
else:
    raise SystemExit("pyspark was not hidden")
for module in pkgutil.walk_packages(skewcheck.__path__, "skewcheck."):
    if not module.name.startswith("skewcheck.spark"):
        importlib.import_module(module.name)
assert not any(name.split(".")[0] in ("pyspark", "py4j") for name in sys.modules)
from skewcheck.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def without_spark(*args: object) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", WITHOUT_SPARK, *(str(arg) for arg in args)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, timeout=300)


def test_everything_but_spark_runs_without_pyspark(tmp_path: Path) -> None:
    out = tmp_path / "train.skprofile"
    made = without_spark("profile", FIXTURES / "train.parquet", "-s", FIXTURES / "schema.yaml", "-o", out, "-q")
    assert made.returncode == 0, made.stderr
    assert out.is_file()


def test_spark_without_pyspark_says_what_to_install(tmp_path: Path) -> None:
    out = tmp_path / "x.skprofile"
    result = without_spark("profile", FIXTURES / "train.parquet", "-s", FIXTURES / "schema.yaml", "-o", out, "--spark")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'skewcheck[spark]'" in lines[0], result.stderr
    assert not out.exists()
