"""The README documents what the code does: exit codes, metrics, checks, options, formats."""

from __future__ import annotations

import re

import pytest
import typer.main

from skewcheck.cli.app import app
from skewcheck.errors import ExitCode
from skewcheck.io.sources import InputFormat
from skewcheck.schema.model import FeatureType
from skewcheck.schema.registry import GATE_METRICS, METRIC_THRESHOLDS, METRICS
from skewcheck.validation.findings import Check
from tests.helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(heading: str) -> str:
    """The README from `heading` to the next heading of the same level."""
    start = README.index(f"\n{heading}\n")
    level = heading.partition(" ")[0]
    end = README.find(f"\n{level} ", start + len(heading) + 2)
    return README[start : end if end != -1 else None]


def test_the_two_commands_are_documented() -> None:
    """The first section shows exactly the two commands as a shell block, and the Makefile has both targets."""
    block = re.search(r"```sh\n(.*?)```", section("## Two commands"), re.DOTALL)
    assert block is not None
    assert [line.split("#")[0].strip() for line in block.group(1).splitlines()] == ["make demo", "make test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)


@pytest.mark.parametrize("code", list(ExitCode))
def test_every_exit_code_is_in_the_table(code: ExitCode) -> None:
    assert re.search(rf"^\| {int(code)} \| {re.escape(code.meaning.split(' (')[0])}", README, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_is_documented(name: str) -> None:
    assert f"`{name}`" in README


@pytest.mark.parametrize("metric", sorted(GATE_METRICS))
def test_gate_metric_defaults_are_the_documented_ones(metric: str) -> None:
    thresholds = METRIC_THRESHOLDS[metric]
    assert f"{metric} {thresholds.warn:g} / {thresholds.fail:g}" in README


def check_table() -> dict[str, list[str]]:
    """The Schema validation table: each check named in a row's first cell -> that row's other cells."""
    rows = {}
    for line in section("## Schema validation").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for name in re.findall(r"`(\w+)`", cells[0]) if line.startswith("| `") else []:
            rows.setdefault(name, cells[1:])
    return rows


@pytest.mark.parametrize("check", list(Check))
def test_every_check_is_documented(check: Check) -> None:
    """Each check has its own row in the findings table, with its severity and when it is found."""
    severity, when = check_table()[check]
    assert severity in {"fail", "warn", "info"}
    assert when


@pytest.mark.parametrize("feature_type", list(FeatureType))
def test_every_type_is_documented(feature_type: FeatureType) -> None:
    assert f"`{feature_type}`" in README


@pytest.mark.parametrize("input_format", list(InputFormat))
def test_every_input_format_is_documented(input_format: InputFormat) -> None:
    assert f"`{input_format}`" in README


def test_every_check_option_is_documented() -> None:
    command = typer.main.get_command(app).commands["check"]  # type: ignore[attr-defined]
    for parameter in command.params:
        for option in parameter.opts:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in README, option


def test_every_schema_key_is_in_the_reference() -> None:
    from skewcheck.schema import load as schema_loader

    keys = {*schema_loader.FEATURE_KEYS, *schema_loader.DEFAULT_KEYS, "version", "defaults", "features", "datasets"}
    reference = README[README.index("### Schema reference") :]
    missing = sorted(key for key in keys if f"`{key}`" not in reference)
    assert not missing


@pytest.mark.parametrize("command_name", ["validate", "infer", "diff-schema", "profile", "history"])
def test_every_option_of_the_other_commands_is_documented(command_name: str) -> None:
    command = typer.main.get_command(app).commands[command_name]  # type: ignore[attr-defined]
    for parameter in command.params:
        for option in parameter.opts:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in README, option


@pytest.mark.parametrize("page", ["README.md", "ARCHITECTURE.md"])
def test_every_code_fence_is_closed_on_a_line_of_its_own(page: str) -> None:
    """A fence with text after it ("``` The demo …") does not close: GitHub renders the rest of the page as code."""
    fences = [
        line for line in (REPO / page).read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("```")
    ]
    opening = True
    for line in fences:
        info = line.strip()[3:]
        assert opening or info == "", f"{page}: a closing fence with text after it: {line!r}"
        assert re.fullmatch(r"[\w+-]*", info), f"{page}: {line!r}"
        opening = not opening
    assert opening, f"{page}: a code block is never closed"


@pytest.mark.parametrize(
    "command",
    [["check"], ["validate"], ["infer"], ["profile"], ["history"], ["schema", "json-schema"], ["diff-schema"]],
)
def test_help_names_arguments_and_values_in_capitals(command: list[str]) -> None:
    """`Usage: skewcheck check [OPTIONS] TRAIN SERVING`: no `{train}`, `<str>` or `<list[str]>` (typer's notation)."""
    from tests.helpers import invoke

    text = invoke([*command, "--help"], 0).stdout
    assert not re.search(r"\{[A-Za-z_.]+\}|<[a-z_]+(\[[a-z_]+\])?>", text), text
