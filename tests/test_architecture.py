"""The import layers of ARCHITECTURE.md, kept true by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "skewcheck"

# A module may import only from modules on a lower layer (ARCHITECTURE.md, "Which module may import which").
LAYERS = {
    "skewcheck.errors": 0,
    "skewcheck.atomic": 0,
    "skewcheck.schema_file": 1,
    "skewcheck.schema": 1,
    "skewcheck.schema_constraints": 2,
    "skewcheck.schema_loader": 3,
    "skewcheck.schema_diff": 2,
    "skewcheck.schema_json": 4,
    "skewcheck.diagnose": 3,
    "skewcheck.readers": 4,
    "skewcheck.metrics": 4,
    "skewcheck.coerce": 4,
    "skewcheck.validate": 5,
    "skewcheck.infer": 5,
    "skewcheck.profiles": 5,
    "skewcheck.checks": 6,
    "skewcheck.report": 7,
    "skewcheck.runner": 8,
    "skewcheck.reporters.table": 9,
    "skewcheck.reporters.json_report": 9,
    "skewcheck.reporters": 10,
    "skewcheck.cli": 11,
    "skewcheck.__main__": 12,
    "skewcheck": 12,
}
ONLY_IN = {
    "typer": {"skewcheck.cli"},
    "rich": {"skewcheck.cli", "skewcheck.reporters.table"},
    "scipy": {"skewcheck.metrics"},
}
MAY_PRINT = {"skewcheck.cli", "skewcheck.__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(), str(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from skewcheck import metrics` imports skewcheck.metrics, not the package's __init__.
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(LAYERS)
            names |= submodules or {node.module}
    return names


def test_every_module_has_a_layer() -> None:
    assert set(modules()) == set(LAYERS)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_imports_go_down_the_layers(name: str) -> None:
    ours = {n for n in imported(modules()[name]) if n in LAYERS and n != name}
    upward = {n for n in ours if LAYERS[n] >= LAYERS[name]}
    assert not upward, f"{name} (layer {LAYERS[name]}) imports {upward} from its own layer or above"


@pytest.mark.parametrize("library", sorted(ONLY_IN))
def test_libraries_stay_in_their_modules(library: str) -> None:
    users = {name for name, tree in modules().items() if any(n.split(".")[0] == library for n in imported(tree))}
    assert users <= ONLY_IN[library]


def test_core_modules_neither_print_nor_exit() -> None:
    for name, tree in modules().items():
        if name in MAY_PRINT:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", f"{name} prints"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sys":
                assert node.attr not in {"exit", "argv", "stdout", "stderr"}, f"{name} uses sys.{node.attr}"


def test_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) <= 500, sizes
