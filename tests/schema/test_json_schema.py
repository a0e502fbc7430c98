"""The JSON Schema of the schema file: it covers every key the loader reads, and agrees with the loader.

`jsonschema` is not a dependency of skewcheck, so the files are checked with the small validator below. It knows
exactly the keywords `json_schema()` uses and raises on any other, so it cannot silently skip a rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from skewcheck.errors import SchemaFileError
from skewcheck.schema import json_schema as schema_json
from skewcheck.schema.constraints import CONSTRAINT_KEYS, RULE_KEYS
from skewcheck.schema.json_schema import DRAFT, UNDESCRIBED, json_schema
from skewcheck.schema.load import DEFAULT_KEYS, FEATURE_KEYS, load_schema
from skewcheck.schema.model import ENVIRONMENTS, GATE_METRICS, Defaults, FeatureType, Kind, Role
from tests.helpers import FIXTURES, REPO

SCHEMA = json_schema()
FEATURE = SCHEMA["$defs"]["feature"]
ANNOTATIONS = {"$schema", "$defs", "title", "description", "default"}


# --- a validator for the draft 2020-12 keywords json_schema() uses -------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _is(value: Any, kind: str) -> bool:
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "integer": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer(),
    }
    return bool(checks[kind](value))


def is_valid(value: Any, schema: Any, root: dict[str, Any] = SCHEMA) -> bool:
    if isinstance(schema, bool):
        return schema
    unknown = set(schema) - ANNOTATIONS - set(_KEYWORDS)
    assert not unknown, f"the test validator does not know {unknown}"
    return all(_KEYWORDS[key](value, schema[key], schema, root) for key in schema if key in _KEYWORDS)


def _properties(value: Any, properties: dict[str, Any], _: Any, root: dict[str, Any]) -> bool:
    return not isinstance(value, dict) or all(is_valid(value[k], s, root) for k, s in properties.items() if k in value)


def _additional(value: Any, extra: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    return all(is_valid(v, extra, root) for k, v in value.items() if k not in schema.get("properties", {}))


def _if_then(value: Any, condition: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return not is_valid(value, condition, root) or is_valid(value, schema.get("then", True), root)


def _ref(value: Any, ref: str, _: Any, root: dict[str, Any]) -> bool:
    assert ref.startswith("#/$defs/"), ref
    return is_valid(value, root["$defs"][ref.removeprefix("#/$defs/")], root)


def _number_check(test: Any) -> Any:
    return lambda value, limit, _, __: not _is(value, "number") or test(value, limit)


_KEYWORDS: dict[str, Any] = {
    "type": lambda v, t, _, __: any(_is(v, k) for k in ([t] if isinstance(t, str) else t)),
    "enum": lambda v, options, _, __: any(_same(v, o) for o in options),
    "const": lambda v, c, _, __: _same(v, c),
    "properties": _properties,
    "additionalProperties": _additional,
    "required": lambda v, keys, _, __: not isinstance(v, dict) or all(k in v for k in keys),
    "minProperties": lambda v, n, _, __: not isinstance(v, dict) or len(v) >= n,
    "items": lambda v, s, _, root: not isinstance(v, list) or all(is_valid(i, s, root) for i in v),
    "minItems": lambda v, n, _, __: not isinstance(v, list) or len(v) >= n,
    "uniqueItems": lambda v, u, _, __: not (u and isinstance(v, list)) or len({json.dumps(i) for i in v}) == len(v),
    "minLength": lambda v, n, _, __: not isinstance(v, str) or len(v) >= n,
    "pattern": lambda v, p, _, __: not isinstance(v, str) or re.search(p, v) is not None,
    "minimum": _number_check(lambda v, n: v >= n),
    "maximum": _number_check(lambda v, n: v <= n),
    "exclusiveMinimum": _number_check(lambda v, n: v > n),
    "anyOf": lambda v, schemas, _, root: any(is_valid(v, s, root) for s in schemas),
    "allOf": lambda v, schemas, _, root: all(is_valid(v, s, root) for s in schemas),
    "if": _if_then,
    "then": lambda *_: True,  # judged with its `if`
    "$ref": _ref,
}


def json_accepts(text: str) -> bool:
    # An editor reads YAML 1.2: an unquoted 2024-01-01 is a string there, not a date.
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    return is_valid(data, SCHEMA)


def loader_accepts(tmp_path: Path, text: str) -> bool:
    path = tmp_path / "schema.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_schema(path)
    except SchemaFileError:
        return False
    return True


def one_feature(declaration: str) -> str:
    return f"version: 1\nfeatures:\n  x: {declaration}\n"


# --- the schema itself ---------------------------------------------------------------------------------------------


def test_it_is_json_and_draft_2020_12() -> None:
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA
    assert SCHEMA["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    ("where", "loader_keys"),
    [
        (FEATURE["properties"], FEATURE_KEYS),
        (SCHEMA["properties"]["defaults"]["anyOf"][0]["properties"], DEFAULT_KEYS),
        (FEATURE["properties"]["max"]["anyOf"][1]["properties"], RULE_KEYS),
        (SCHEMA["properties"]["datasets"]["properties"], set(ENVIRONMENTS)),
    ],
    ids=["feature", "defaults", "constraint-mapping", "datasets"],
)
def test_every_key_the_loader_accepts_is_there(where: dict[str, Any], loader_keys: set[str]) -> None:
    assert set(where) == set(loader_keys)


@pytest.mark.parametrize("key", CONSTRAINT_KEYS)
def test_every_constraint_takes_the_plain_and_the_mapping_form(key: str) -> None:
    plain, mapping = FEATURE["properties"][key]["anyOf"]
    assert mapping["required"] == ["value"]
    value = {k: v for k, v in mapping["properties"]["value"].items() if k != "description"}
    assert value == plain
    assert mapping["additionalProperties"] is False


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every sub-schema, except under allOf: conditionals only narrow what the base already bounds."""
    if isinstance(node, dict):
        yield path, node
        for key, child in node.items():
            if key not in {"allOf", "default", "enum", "const"}:
                yield from walk(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from walk(child, f"{path}/{index}")


def test_every_key_is_described() -> None:
    for where in (FEATURE["properties"], SCHEMA["properties"], SCHEMA["properties"]["datasets"]["properties"]):
        for key, spec in where.items():
            assert spec.get("description") not in (None, UNDESCRIBED), key
    assert not [path for path, node in walk(SCHEMA) if node.get("description") == UNDESCRIBED]


def test_descriptions_name_only_keys_the_loader_accepts() -> None:
    """A key dropped from the loader leaves no dead description behind."""
    assert set(schema_json._FEATURE_DOCS) <= FEATURE_KEYS
    assert set(schema_json._DEFAULT_DOCS) <= DEFAULT_KEYS
    assert set(schema_json._RULE_DOCS) <= RULE_KEYS


def test_every_mapping_rejects_unknown_keys() -> None:
    objects = [(path, node) for path, node in walk(SCHEMA) if "properties" in node and "type" in node]
    assert len(objects) > 10
    for path, node in objects:
        assert node.get("additionalProperties") is False, path


def test_enums_are_the_codes_enums() -> None:
    props = FEATURE["properties"]
    assert props["type"]["enum"] == [t.value for t in FeatureType]
    assert props["role"]["enum"] == [r.value for r in Role]
    assert props["environments"]["items"]["enum"] == list(ENVIRONMENTS)
    assert props["drift"]["anyOf"][1]["properties"]["metric"]["enum"] == list(GATE_METRICS)
    defaults = SCHEMA["properties"]["defaults"]["anyOf"][0]["properties"]
    for name, kind in (("numeric", Kind.NUMERIC), ("categorical", Kind.CATEGORICAL)):
        assert set(defaults[name]["properties"]["metric"]["enum"]) == {m for m, k in GATE_METRICS.items() if kind in k}


def test_defaults_are_the_built_in_ones() -> None:
    builtin = Defaults()
    defaults = SCHEMA["properties"]["defaults"]["anyOf"][0]["properties"]
    assert (
        defaults["numeric"]["default"]
        == {"metric": "psi", "warn": 0.1, "fail": 0.25}
        == {
            "metric": builtin.numeric.metric,
            "warn": builtin.numeric.thresholds.warn,
            "fail": builtin.numeric.thresholds.fail,
        }
    )
    assert defaults["min_rows"]["default"] == builtin.min_rows
    props = FEATURE["properties"]
    assert (props["nullable"]["default"], props["unique"]["default"], props["allow_nan"]["default"]) == (
        True,
        False,
        False,
    )
    assert props["role"]["default"] == "feature"


# --- the shipped files ---------------------------------------------------------------------------------------------


def readme_schemas() -> list[str]:
    """The README's YAML examples, each made a whole schema file (fragments get a feature or a features key)."""
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    whole = []
    for block in blocks:
        if block.startswith("version:"):
            whole.append(block)
        elif block.startswith("datasets:"):
            whole.append(block + "features:\n  x: {type: int}\n")
        elif block.startswith("  "):
            whole.append("features:\n" + block)
    return whole


def test_the_readme_has_a_whole_example() -> None:
    assert any(text.startswith("version: 1") for text in readme_schemas())


@pytest.mark.parametrize(
    "text",
    [(FIXTURES / "schema.yaml").read_text(encoding="utf-8"), *readme_schemas()],
    ids=lambda text: text.splitlines()[0][:30],
)
def test_the_shipped_schemas_validate(tmp_path: Path, text: str) -> None:
    assert loader_accepts(tmp_path, text)
    assert json_accepts(text)


# --- the JSON Schema and the loader agree --------------------------------------------------------------------------

SAMPLE = {
    "nullable": "false",
    "min": "1",
    "max": "1",
    "values": "[1, 2]",
    "pattern": "'^a'",
    "min_length": "1",
    "max_length": "3",
    "unique": "true",
    "max_null_rate": "0.5",
    "allow_nan": "true",
    "allow_inf": "true",
}


def test_a_sample_for_every_constraint() -> None:
    assert set(SAMPLE) == set(CONSTRAINT_KEYS)


def matrix() -> Iterator[str]:
    """Every constraint on every type, plainly and as a mapping; bounds as numbers and as dates."""
    for feature_type in FeatureType:
        for key, value in [*SAMPLE.items(), ("min", "2024-01-01"), ("max", "'2024-01-01T10:00:00'")]:
            yield f"{{type: {feature_type}, {key}: {value}}}"
            yield f"{{type: {feature_type}, {key}: {{value: {value}, severity: warn, mostly: 0.9}}}}"
        yield f"{{type: {feature_type}, values: [a, b]}}"
        yield f"{{type: {feature_type}, drift: true}}"
        for metric in GATE_METRICS:
            yield f"{{type: {feature_type}, drift: {{metric: {metric}, fail: 0.3}}}}"


@pytest.mark.parametrize("declaration", list(matrix()))
def test_they_agree_on_each_constraint_and_type(tmp_path: Path, declaration: str) -> None:
    text = one_feature(declaration)
    assert json_accepts(text) == loader_accepts(tmp_path, text)


ACCEPTED = [
    "features:\n  x: {type: int}\n",
    "version: 1\ndefaults:\nfeatures:\n  x: {type: int}\n",
    "defaults: {numeric: {metric: ks_statistic}, categorical: {metric: linf}, min_rows: 5}\n"
    "features:\n  x: {type: int}\n",
    one_feature("{type: category, values: [NO, 'yes', 1], role: key, description: text}"),
    one_feature("{type: float, environments: [serving], serving_path: a.b.c, training_path: c}"),
    one_feature("{type: float, drift: false, min_rows: 1, max_unseen_rate: {warn: 0}, max_null_rate_increase: {}}"),
    one_feature("{type: float, nullable: {value: true, severity: fail, mostly: 1}, max_null_rate: 0}"),
    "datasets:\n  serving: {min_rows: {value: 0, severity: warn}, max_rows: 10}\nfeatures:\n  x: {type: int}\n",
]
REFUSED = [
    "version: 2\nfeatures:\n  x: {type: int}\n",
    "features: {}\n",
    "feature:\n  x: {type: int}\n",
    "defaults: {numeric: {metric: linf}}\nfeatures:\n  x: {type: int}\n",
    "defaults: {numrical: {}}\nfeatures:\n  x: {type: int}\n",
    "defaults: {min_rows: 0}\nfeatures:\n  x: {type: int}\n",
    "datasets:\n  serve: {min_rows: 1}\nfeatures:\n  x: {type: int}\n",
    "datasets:\n  serving: {min_rows: -1}\nfeatures:\n  x: {type: int}\n",
    one_feature("{nullable: false}"),
    one_feature("{type: integer}"),
    one_feature("{type: int, nulable: false}"),
    one_feature("{type: int, role: label}"),
    one_feature("{type: int, environments: []}"),
    one_feature("{type: int, environments: [production]}"),
    one_feature("{type: int, serving_path: 'a..b'}"),
    one_feature("{type: int, min_rows: 0}"),
    one_feature("{type: int, drift: {metric: psi, warn: -1}}"),
    one_feature("{type: int, drift: {metric: psi, fial: 1}}"),
    one_feature("{type: int, max_unseen_rate: {warn: 0.1, failure: 0.2}}"),
    one_feature("{type: int, nullable: 'no'}"),
    one_feature("{type: int, max: {severity: warn}}"),
    one_feature("{type: int, max: {value: 1, severity: info}}"),
    one_feature("{type: int, max: {value: 1, mostly: 0}}"),
    one_feature("{type: int, max: {value: 1, mostly: 1.5}}"),
    one_feature("{type: int, max: {value: 1, strict: true}}"),
    one_feature("{type: int, values: []}"),
    one_feature("{type: int, values: [1, 1]}"),
    one_feature("{type: int, values: [1.5]}"),
    one_feature("{type: string, pattern: ''}"),
    one_feature("{type: string, min_length: -1}"),
    one_feature("{type: float, max_null_rate: 1.5}"),
    one_feature("{type: float, min: 'soon'}"),
    one_feature("{type: date, min: 5}"),
]
# What JSON Schema cannot express: it lets these through and skewcheck refuses them.
LOADER_ONLY = [
    one_feature("{type: int, min: 5, max: 1}"),
    one_feature("{type: int, drift: {warn: 0.5, fail: 0.1}}"),
    one_feature("{type: string, pattern: '(unclosed'}"),
    one_feature("{type: int, nullable: false, max_null_rate: 0.1}"),
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_both_accept(tmp_path: Path, text: str) -> None:
    assert loader_accepts(tmp_path, text)
    assert json_accepts(text)


@pytest.mark.parametrize("text", REFUSED)
def test_both_refuse(tmp_path: Path, text: str) -> None:
    assert not loader_accepts(tmp_path, text)
    assert not json_accepts(text)


@pytest.mark.parametrize("text", LOADER_ONLY)
def test_what_only_the_loader_refuses(tmp_path: Path, text: str) -> None:
    assert not loader_accepts(tmp_path, text)
    assert json_accepts(text)
