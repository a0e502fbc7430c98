"""Hostile schema files (issue 14): each refused in one line naming the file and line, never a blow-up or exit 4.

Alias bombs, deep nesting, tags, text that is not UTF-8, regexes too large to compile, and values of the wrong
kind where the loader used to hash or print them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from skewcheck.schema.yaml_loader import MAX_DEPTH, MAX_VALUES
from tests.helpers import assert_one_line_error, invoke


def _validate(tmp_path: Path, schema_text: str | bytes, name: str = "schema.yaml", code: int = 2) -> str:
    schema = tmp_path / name
    if isinstance(schema_text, bytes):
        schema.write_bytes(schema_text)
    else:
        schema.write_text(schema_text, encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("age,code\n1,a\n2,b\n", encoding="utf-8")
    outcome = invoke(["validate", data, "--schema", schema], code)
    return assert_one_line_error(outcome, f"{schema}:") if code == 2 else outcome.stderr


def _bomb(levels: int = 9) -> str:
    """Nine aliases of nine aliases ...: nine levels expand to 9**9 (387 million) strings, gigabytes."""
    lists = ["&l0 [" + ", ".join(['"lol"'] * 9) + "]"]
    lists += [f"&l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "[" + ", ".join(lists) + "]"


BOMBS = {
    "top level": f"bomb: {_bomb()}\nfeatures:\n  age: {{type: int}}\n",
    "under description": f"features:\n  age:\n    type: int\n    description: {_bomb()}\n",
    "under values": f"features:\n  code:\n    type: category\n    values: {_bomb()}\n",
}


@pytest.mark.parametrize("where", BOMBS)
def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path, where: str) -> None:
    line = _validate(tmp_path, BOMBS[where])
    assert f"more than {MAX_VALUES:,} values once its aliases are expanded" in line


def test_an_alias_inside_what_it_names_is_refused(tmp_path: Path) -> None:
    line = _validate(tmp_path, "features:\n  age: &a\n    type: int\n    description: [*a]\n")
    assert line.endswith("schema.yaml:4: an alias is used inside the very value it names (a loop)")


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("schema.yaml", "features:\n  age: {type: int}\nx: " + "[" * 10_000 + "]" * 10_000 + "\n", 3),
        ("schema.yaml", "features:\n  age: {type: int}\n" + "".join(f"{' ' * i}k{i}:\n" for i in range(10_000)), 34),
        ("schema.json", '{"features": {"age": {"type": "int"}}, "x": ' + "[" * 10_000 + "]" * 10_000 + "}", 1),
    ],
    ids=["yaml flow", "yaml block", "json"],
)
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path, name: str, text: str, line: int) -> None:
    message = _validate(tmp_path, text, name)
    assert message.endswith(f"{name}:{line}: nested more than {MAX_DEPTH} levels deep (a schema needs five)")


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("    values: !!python/tuple [a, b]\n", "!!python/tuple"),
        ("    values: !!set {a: null}\n", "!!set"),
        ("    description: !!binary aGVsbG8=\n", "!!binary"),
        ("    description: !!python/name:os.system x\n", "!!python/name:os.system"),
        ("    description: !custom x\n", "!custom"),
        ("    !!python/str min_length: 1\n", "!!python/str"),
    ],
)
def test_every_tag_but_plain_data_is_refused_at_its_line(tmp_path: Path, text: str, tag: str) -> None:
    line = _validate(tmp_path, "features:\n  code:\n    type: category\n" + text)
    assert line.endswith(
        f"schema.yaml:4: YAML tag '{tag}' is not allowed in a schema file (only plain values, lists, mappings)"
    )


def test_merge_keys_share_a_declaration_and_its_own_keys_win(tmp_path: Path) -> None:
    # `b` takes age's type and min through the merge key, and its own max: 5 over age's max: 10.
    text = "features:\n  age: &base\n    type: int\n    min: 0\n    max: 10\n  b:\n    <<: *base\n    max: 5\n"
    (tmp_path / "data.csv").write_text("age,b\n1,7\n2,-1\n", encoding="utf-8")
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    outcome = invoke(["validate", tmp_path / "data.csv", "-s", tmp_path / "schema.yaml", "--json", "-"], 3)
    findings = {(f["feature"], f["check"]): f["count"] for f in outcome.json()["schema_findings"]}
    assert findings == {("b", "min"): 1, ("b", "max"): 1}


def test_a_merge_key_naming_no_mapping_is_one_line(tmp_path: Path) -> None:
    line = _validate(tmp_path, "features:\n  age:\n    <<: [5]\n    type: int\n")
    assert line.endswith("schema.yaml:3: a merge key '<<' takes a mapping or a list of mappings")


NUMBERS = {"1e-9": 1e-9, "1E5": 1e5, "2.5e-3": 2.5e-3, "1E+2": 100.0}  # JSON's numbers; YAML reads them too
YAML_ONLY = {".5": 0.5, "+1e3": 1e3, "1_000.5": 1000.5}
CASES = [(name, written) for name in ("schema.yaml", "schema.json") for written in NUMBERS]
CASES += [("schema.yaml", written) for written in YAML_ONLY]


@pytest.mark.parametrize(("name", "written"), CASES)
def test_numbers_as_people_write_them(tmp_path: Path, name: str, written: str) -> None:
    from skewcheck.schema.load import load_schema

    text = (
        f'{{"features": {{"age": {{"type": "float", "tolerance": {{"abs": {written}}}, "max": {written}}}}}}}'
        if name.endswith(".json")
        else f"features:\n  age:\n    type: float\n    tolerance: {{rel: {written}}}\n    max: {written}\n"
    )
    (tmp_path / name).write_text(text, encoding="utf-8")
    feature = load_schema(tmp_path / name).features[0]
    expected = {**NUMBERS, **YAML_ONLY}[written]
    assert feature.max == expected
    assert feature.tolerance is not None and expected in (feature.tolerance.abs, feature.tolerance.rel)


def test_the_readme_tolerance_runs_and_whole_numbers_count(tmp_path: Path) -> None:
    from skewcheck.schema.load import load_schema

    text = "features:\n  age:\n    type: float\n    tolerance: {abs: 1e-9}\n    min_rows: 1e1\n"
    _validate(tmp_path, text, code=0)
    assert load_schema(tmp_path / "schema.yaml").features[0].min_rows == 10
    line = _validate(tmp_path, text.replace("1e1", "1.5"))
    assert line.endswith("feature 'age': 'min_rows' must be a whole number >= 1, got float 1.5")


def test_a_json_dump_with_an_emoji_loads(tmp_path: Path) -> None:
    import json

    schema = {"features": {"code": {"type": "category", "values": ["😀", "b"], "description": "smile 😀"}}}
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")  # "\ud83d\ude00", ASCII
    assert "\\ud83d\\ude00" in (tmp_path / "schema.json").read_text()
    (tmp_path / "data.csv").write_text("code\n😀\nb\n", encoding="utf-8")
    invoke(["validate", tmp_path / "data.csv", "-s", tmp_path / "schema.json"], 0)


def test_half_a_surrogate_pair_is_one_line(tmp_path: Path) -> None:
    line = _validate(tmp_path, '{"features": {"code": {"type": "category", "description": "\\ud83d"}}}', "s.json")
    assert line.endswith("s.json:1: '\\ud83d' is half of a UTF-16 surrogate pair, not a character")


def test_latin_1_is_named_by_line_not_byte(tmp_path: Path) -> None:
    line = _validate(tmp_path, "features:\n  age:\n    type: int\n    description: café\n".encode("latin-1"))
    assert line.endswith("schema.yaml:4: not UTF-8 text (byte 0xe9: Latin-1 or Windows-1252?); save the file as UTF-8")


def test_a_control_character_is_named_by_line(tmp_path: Path) -> None:
    line = _validate(tmp_path, "features:\n  age:\n    type: int\n    description: a\x01b\n")
    assert line.endswith("schema.yaml:4: not valid YAML or JSON: control character U+0001")


def test_a_regex_too_large_to_compile_says_so(tmp_path: Path) -> None:
    line = _validate(tmp_path, "features:\n  code:\n    type: string\n    pattern: '(a{1000}){1000}'\n")
    assert "schema.yaml:4: feature 'code': 'pattern' is too large" in line
    assert "limit of 10,485,760 bytes" in line


def test_rust_says_what_it_does_not_support(tmp_path: Path) -> None:
    line = _validate(tmp_path, "features:\n  code:\n    type: string\n    pattern: '(?<=a)b'\n")
    assert line.endswith(
        "is not Rust regex syntax (polars runs it): look-around, including look-ahead and look-behind, is not supported"
    )


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("    drift: {metric: [psi]}\n", "feature 'code': unknown drift metric a list (one of: "),
        ("    environments: [[a]]\n", "feature 'code': unknown environment a list (one of: training, serving)"),
        ("    drift: {warn: 0x" + "f" * 400 + "}\n", "feature 'code': 'warn' must be a finite number, got a whole"),
        ("    min: 2024-02-30\n", "'2024-02-30' is not a valid timestamp"),
        ("    description: [a, b]\n", "feature 'code': 'description' is text, got a list"),
        ("    description: !!int x\n", "'x' is not a valid int"),
        ("    ? [a]\n    : 1\n", "a key must be a name, not a list or a mapping"),
        ("    max: " + "9" * 5000 + "\n", "'" + "9" * 40 + "...' is not a valid int"),
    ],
)
def test_values_of_the_wrong_kind_are_one_line_not_a_crash(tmp_path: Path, text: str, end: str) -> None:
    line = _validate(tmp_path, "features:\n  code:\n    type: int\n" + text)
    assert end in line


def test_the_readme_states_these_limits_and_its_merge_example_works(tmp_path: Path) -> None:
    from skewcheck.schema.load import load_schema
    from tests.helpers import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    limits = readme[readme.index("## Limits") :]
    assert f"| {MAX_VALUES:,} values" in limits and f"| {MAX_DEPTH} levels" in limits
    assert "| 10,485,760 bytes" in limits  # the regex engine's, as test_a_regex_too_large_to_compile_says_so reads it
    (tmp_path / "schema.yaml").write_text(
        "features:\n  age: &bounded {type: int, min: 0}\n  tenure: {<<: *bounded, max: 50}\n", encoding="utf-8"
    )
    assert "`age: &bounded {type: int, min: 0}` then `tenure: {<<: *bounded, max: 50}`" in readme
    tenure = load_schema(tmp_path / "schema.yaml").features[1]
    assert (tenure.name, tenure.type, tenure.min, tenure.max) == ("tenure", "int", 0, 50)
