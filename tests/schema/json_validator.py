"""A validator for exactly the draft 2020-12 keywords `json_schema()` uses (`jsonschema` is not a dependency).

It raises on any other keyword, so it cannot silently skip a rule.
"""

from __future__ import annotations

import json
import re
from typing import Any

ANNOTATIONS = {"$schema", "$defs", "title", "description", "default"}


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


def is_valid(value: Any, schema: Any, root: dict[str, Any]) -> bool:
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
