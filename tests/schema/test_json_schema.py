"""The JSON Schema of the schema file: it covers every key the loader reads, and agrees with the loader.

Files are checked with `json_validator`, which knows exactly the keywords `json_schema()` uses. Where the two
must agree, each case carries its own expected verdict, so they cannot agree on a wrong answer.
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
from skewcheck.schema.constraints import CONSTRAINT_KEYS, RULE_KEYS
from skewcheck.schema.json_schema import DRAFT, UNDESCRIBED, json_schema
from skewcheck.schema.load import DEFAULT_KEYS, FEATURE_KEYS, load_schema
from skewcheck.schema.model import ENVIRONMENTS, Defaults, FeatureType, Role
from skewcheck.schema.registry import GATE_METRICS, Kind
from tests.helpers import FIXTURES, REPO
from tests.schema.json_validator import is_valid

SCHEMA = json_schema()
FEATURE = SCHEMA["$defs"]["feature"]


def json_accepts(text: str) -> bool:
    # An editor reads YAML 1.2: an unquoted 2024-01-01 is a string there, not a date.
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    return is_valid(data, SCHEMA, SCHEMA)


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
    numeric = builtin.numeric
    expected = {"metric": numeric.metric, "warn": numeric.thresholds.warn, "fail": numeric.thresholds.fail}
    assert defaults["numeric"]["default"] == {"metric": "psi", "warn": 0.1, "fail": 0.25} == expected
    assert defaults["min_rows"]["default"] == builtin.min_rows
    props = FEATURE["properties"]
    constraint_defaults = tuple(props[key]["default"] for key in ("nullable", "unique", "allow_nan"))
    assert constraint_defaults == (True, False, False)
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

ALL = "int float bool string category datetime date"
NUMERIC = "int float datetime date"
CATEGORICAL = "bool string category"
# Each constraint sample and the types that take it, as the README states them (not read from the code).
VERDICTS = {
    "nullable: false": ALL,
    "min: 1": "int float",
    "max: 1": "int float",
    "values: [1, 2]": "int string category",  # string and category keep the values' text
    "pattern: '^a'": "string category",
    "min_length: 1": "string category",
    "max_length: 3": "string category",
    "unique: true": ALL,
    "max_null_rate: 0.5": ALL,
    "allow_nan: true": "float",
    "allow_inf: true": "float",
    "min: 2024-01-01": "datetime date",
    "max: '2024-01-01T10:00:00'": "datetime date",
}
# The same for declarations that have no mapping form; a gate metric applies to its kinds only.
PLAIN_ONLY_VERDICTS = {
    "values: [a, b]": "string category",
    "drift: true": ALL,
    "drift: {metric: psi, fail: 0.3}": ALL,
    "drift: {metric: jensen_shannon, fail: 0.3}": ALL,
    "drift: {metric: wasserstein, fail: 0.3}": NUMERIC,
    "drift: {metric: ks_statistic, fail: 0.3}": NUMERIC,
    "drift: {metric: linf, fail: 0.3}": CATEGORICAL,
}


def test_a_sample_for_every_constraint() -> None:
    assert {sample.split(":")[0] for sample in VERDICTS} == set(CONSTRAINT_KEYS)


def test_a_verdict_for_every_gate_metric() -> None:
    metrics = {sample.split("metric: ")[1].split(",")[0] for sample in PLAIN_ONLY_VERDICTS if "metric" in sample}
    assert metrics == set(GATE_METRICS)


def matrix() -> Iterator[tuple[str, bool]]:
    """Every sample on every type, plainly and as a mapping, with whether the type takes it."""
    for feature_type in FeatureType:
        for sample, types in VERDICTS.items():
            key, value = sample.split(": ", 1)
            accepted = feature_type in types.split()
            yield f"{{type: {feature_type}, {sample}}}", accepted
            yield f"{{type: {feature_type}, {key}: {{value: {value}, severity: warn, mostly: 0.9}}}}", accepted
        for sample, types in PLAIN_ONLY_VERDICTS.items():
            yield f"{{type: {feature_type}, {sample}}}", feature_type in types.split()


CASES = list(matrix())


@pytest.mark.parametrize(("declaration", "accepted"), CASES, ids=[declaration for declaration, _ in CASES])
def test_they_agree_on_each_constraint_and_type(tmp_path: Path, declaration: str, accepted: bool) -> None:
    text = one_feature(declaration)
    assert loader_accepts(tmp_path, text) is accepted
    assert json_accepts(text) is accepted


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
