"""The import layers of ARCHITECTURE.md, kept true by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "skewcheck"

ARCHITECTURE = PACKAGE.parent / "ARCHITECTURE.md"


def layers_from_architecture() -> dict[str, int]:
    """The layer picture of ARCHITECTURE.md ("Which module may import which"), bottom line = layer 0.

    Read from the document itself, so the picture and this test cannot disagree.
    """
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text[text.index("## Which module may import which") :]
    picture = section.split("```")[1].strip().splitlines()
    layers = {}
    for level, line in enumerate(reversed(picture)):
        for entry in line.split("|"):
            name = entry.strip().removesuffix(" (package)").replace("/", ".")
            module = {"__init__": "skewcheck", "__main__": "skewcheck.__main__"}.get(name, f"skewcheck.{name}")
            layers[module] = level
    return layers


LAYERS = layers_from_architecture()
ONLY_IN = {
    "typer": {"skewcheck.cli"},
    "rich": {
        "skewcheck.cli",
        "skewcheck.terminal",
        "skewcheck.reporters.table",
        "skewcheck.reporters.partitions",
        "skewcheck.reporters.history_view",
    },
    "scipy": {"skewcheck.metrics"},
    "pygal": {"skewcheck.reporters.charts", "skewcheck.reporters.history_charts"},
    "datasketches": {"skewcheck.sketch"},
}
MAY_PRINT = {"skewcheck.cli", "skewcheck.__main__", "skewcheck.terminal", "skewcheck.outputs"}


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
