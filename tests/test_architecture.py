"""The package layers of ARCHITECTURE.md and pyproject.toml, and the rules that hold inside them.

The layers themselves are import-linter's contract (`make lint` runs `lint-imports`); these tests check that the
picture in ARCHITECTURE.md is that contract, that the contract holds, and that it would catch an upward import.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "skewcheck"
ARCHITECTURE = REPO / "ARCHITECTURE.md"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MODULE_LINES = 300

ONLY_IN = {  # a third-party library -> the packages (or modules) that may import it
    "typer": ("skewcheck.cli",),
    "rich": ("skewcheck.cli", "skewcheck.reporters"),
    "scipy": ("skewcheck.stats",),
    "pygal": ("skewcheck.reporters",),
    "datasketches": ("skewcheck.stats.sketch",),
    "pyspark": ("skewcheck.spark",),  # an optional extra: the rest of skewcheck runs without it
    "py4j": ("skewcheck.spark",),
    "obstore": ("skewcheck.io.remote",),
    "deltalake": ("skewcheck.io.tables", "skewcheck.history.lake"),
    "pyiceberg": ("skewcheck.io.tables",),
}
MAY_PRINT = ("skewcheck.cli", "skewcheck.__main__")


def contract_layers() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return [" | ".join(part.strip() for part in row.split("|")) for row in contract["layers"]]


def pictured_layers() -> list[str]:
    """The code block under "## Layers" in ARCHITECTURE.md, top row first, one package (or `a | b`) a row."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    picture = text[text.index("## Layers") :].split("```")[1].strip().splitlines()
    return [" | ".join(part.split()[0] for part in line.split("|")) for line in picture]


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(), str(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_the_picture_is_the_contract() -> None:
    assert pictured_layers() == contract_layers()


def test_every_package_is_in_a_layer() -> None:
    layered = {name.strip() for row in contract_layers() for name in row.split("|")}
    top_level = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in PACKAGE.rglob("*.py")} - {"__init__"}
    assert top_level == layered


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layers_hold() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The contract can fail: a copy of the package where schema (low) imports audit (high) is refused."""
    shutil.copytree(PACKAGE, tmp_path / "skewcheck", ignore=shutil.ignore_patterns("__pycache__"))
    model = tmp_path / "skewcheck" / "schema" / "model.py"
    model.write_text(model.read_text() + "\nfrom skewcheck.audit import report  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "skewcheck.schema.model -> skewcheck.audit.report" in result.stdout


@pytest.mark.parametrize("library", sorted(ONLY_IN))
def test_libraries_stay_in_their_packages(library: str) -> None:
    users = {name for name, tree in modules().items() if any(n.split(".")[0] == library for n in imported(tree))}
    assert users, f"nothing imports {library}: drop it from ONLY_IN"
    assert {name for name in users if not within(name, ONLY_IN[library])} == set()


def test_core_modules_neither_print_nor_exit() -> None:
    for name, tree in modules().items():
        if within(name, MAY_PRINT):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", f"{name} prints"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sys":
                assert node.attr not in {"exit", "argv", "stdout", "stderr"}, f"{name} uses sys.{node.attr}"


def test_modules_stay_small() -> None:
    sizes = {str(p.relative_to(REPO)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {path: lines for path, lines in sizes.items() if lines > MODULE_LINES} == {}


def test_the_formatter_formats_everything() -> None:
    packed = [str(p.relative_to(REPO)) for p in PACKAGE.rglob("*.py") if "fmt: skip" in p.read_text()]
    assert packed == []
