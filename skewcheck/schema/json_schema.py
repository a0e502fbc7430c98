"""A JSON Schema (draft 2020-12) of the schema file: autocomplete, hover text and validation in editors.

Built from the loader's own key sets (`FEATURE_KEYS`, `DEFAULT_KEYS`, `CONSTRAINT_KEYS`, the rule keys)
and the model's enums and dataclasses, so a key the loader accepts is always here and an enum cannot drift:
the keys come from the code, only their descriptions come from `json_descriptions` (a key with no description
gets `UNDESCRIBED`, which `tests/schema/test_json_schema.py` refuses). What JSON Schema cannot say (warn <= fail,
min <= max, a regex Rust accepts, `max_null_rate` with `nullable: false`) is left to the loader: a file this
schema accepts may still be refused by skewcheck, while a file skewcheck accepts should pass here.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from skewcheck.schema.constraints import CONSTRAINT_KEYS, RULE_KEYS, TEXT_TYPES, VALUES_TYPES
from skewcheck.schema.json_descriptions import DEFAULT_DOCS, FEATURE_DOCS, RULE_DOCS, TREND_DOCS
from skewcheck.schema.load import DEFAULT_KEYS, FEATURE_KEYS, TOP_LEVEL_KEYS, TREND_KEYS
from skewcheck.schema.model import (
    ENVIRONMENTS,
    OUT_OF_RANGE_THRESHOLDS,
    Defaults,
    DriftGate,
    Feature,
    FeatureType,
    Role,
    RowCount,
    Severity,
)
from skewcheck.schema.registry import GATE_METRICS, Kind, Thresholds, gate_metrics_for

DRAFT = "https://json-schema.org/draft/2020-12/schema"
UNDESCRIBED = "(accepted by skewcheck; not described yet)"
Spec = dict[str, Any]

_BUILTIN = Defaults()
_NUMERIC_TYPES = [t.value for t in FeatureType if t.kind is Kind.NUMERIC]
_TEMPORAL_TYPES = [t.value for t in FeatureType if t.is_temporal]
# Where a constraint applies, as `schema_constraints._read_value` enforces it.
_APPLIES_TO: dict[str, list[str]] = {
    "min": _NUMERIC_TYPES,
    "max": _NUMERIC_TYPES,
    "values": [t.value for t in FeatureType if t in VALUES_TYPES],
    "pattern": [t.value for t in FeatureType if t in TEXT_TYPES],
    "min_length": [t.value for t in FeatureType if t in TEXT_TYPES],
    "max_length": [t.value for t in FeatureType if t in TEXT_TYPES],
    "allow_nan": [FeatureType.FLOAT.value],
    "allow_inf": [FeatureType.FLOAT.value],
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a skewcheck schema file, as plain builtins (json.dumps-able)."""
    top = {
        "version": {"const": 1, "default": 1, "description": "Schema file format version; only 1 exists."},
        "defaults": {"description": "Gates every feature inherits.", "anyOf": [_defaults(), {"type": "null"}]},
        "features": {
            "type": "object",
            "description": "Feature name -> declaration.",
            "minProperties": 1,
            "additionalProperties": {"$ref": "#/$defs/feature"},
        },
        "datasets": _datasets(),
    }
    return {
        "$schema": DRAFT,
        "title": "skewcheck schema file",
        "description": "Declares each feature's type, constraints and drift gates (version 1).",
        "type": "object",
        "properties": {key: top[key] for key in sorted(TOP_LEVEL_KEYS, key=list(top).index)},
        "required": ["features"],
        "additionalProperties": False,
        "$defs": {"feature": _feature(), "thresholds": _thresholds()},
    }


def _described(keys: set[str] | tuple[str, ...], docs: dict[str, str], specs: dict[str, Spec]) -> dict[str, Spec]:
    """One property per key the loader accepts, in the docs' order; the loader's keys decide which exist."""
    ordered = [k for k in docs if k in keys] + sorted(set(keys) - set(docs))
    return {key: {"description": docs.get(key, UNDESCRIBED), **specs.get(key, {})} for key in ordered}


def _thresholds(default: Thresholds | None = None) -> Spec:
    spec: Spec = {
        "type": "object",
        "properties": {
            f.name: {"type": "number", "minimum": 0, "description": f"Strictly above this: {f.name}."}
            for f in fields(Thresholds)
        },
        "additionalProperties": False,
    }
    return {**spec, "default": asdict(default)} if default is not None else spec


def _optional_thresholds() -> Spec:
    """{warn, fail}, or false to turn the gate off (max_out_of_range_rate)."""
    return {"anyOf": [{"const": False}, _thresholds()], "default": asdict(OUT_OF_RANGE_THRESHOLDS)}


def _gate(metrics: list[str], default: DriftGate | None = None) -> Spec:
    """{metric, warn, fail}: DriftGate's metric and Thresholds' fields, as the loader reads them."""
    spec = _thresholds()
    metric = {"enum": metrics, "description": "The gate's metric; named alone, it brings its own thresholds."}
    spec["properties"] = {"metric": metric, **spec["properties"]}
    if default is not None:
        spec["default"] = {"metric": default.metric, **asdict(default.thresholds)}
    return spec


def _defaults() -> Spec:
    specs: dict[str, Spec] = {
        "numeric": _gate(gate_metrics_for(Kind.NUMERIC), _BUILTIN.numeric),
        "categorical": _gate(gate_metrics_for(Kind.CATEGORICAL), _BUILTIN.categorical),
        "max_null_rate_increase": _thresholds(_BUILTIN.max_null_rate_increase),
        "max_unseen_rate": _thresholds(_BUILTIN.max_unseen_rate),
        "max_out_of_range_rate": _optional_thresholds(),
        "min_rows": {"type": "integer", "minimum": 1, "default": _BUILTIN.min_rows},
        "trend": _trend(),
        "max_mismatch_rate": _thresholds(_BUILTIN.max_mismatch_rate),
        "min_join_rate": {
            "type": "object",
            "properties": {
                name: {"type": "number", "minimum": 0, "maximum": 1, "description": f"Below this: {name}."}
                for name in ("warn", "fail")
            },
            "additionalProperties": False,
            "default": asdict(_BUILTIN.min_join_rate),
        },
    }
    properties = _described(DEFAULT_KEYS, DEFAULT_DOCS, specs)
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _trend() -> Spec:
    count: Spec = {"type": "integer", "minimum": 1}
    return {
        "type": "object",
        "properties": _described(TREND_KEYS, TREND_DOCS, {"rising": count, "rolling": count}),
        "minProperties": 1,
        "additionalProperties": False,
    }


def _constraint(plain: Spec, *, mostly: bool = True) -> Spec:
    """Either the value (`max: 120`) or `{value, severity, mostly}`: every constraint takes both forms."""
    specs: dict[str, Spec] = {
        "value": plain,
        "severity": {"enum": [Severity.FAIL.value, Severity.WARN.value], "default": Severity.FAIL.value},
        "mostly": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 1},
    }
    # A row count holds or not: no share of rows can comply.
    keys = RULE_KEYS if mostly else RULE_KEYS - {"mostly"}
    rule = {
        "type": "object",
        "properties": _described(keys, RULE_DOCS, specs),
        "required": ["value"],
        "additionalProperties": False,
    }
    return {"anyOf": [plain, rule]}


def _constraints() -> dict[str, Spec]:
    boolean: Spec = {"type": "boolean"}
    length: Spec = {"type": "integer", "minimum": 0}
    plain: dict[str, Spec] = {
        "nullable": boolean,
        "min": {"type": ["number", "string"]},
        "max": {"type": ["number", "string"]},
        # YAML reads `NO` as false and `1` as a number; the loader keeps their text, so all are fine here.
        "values": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": ["string", "number", "boolean"]},
        },
        "pattern": {"type": "string", "minLength": 1},
        "min_length": length,
        "max_length": length,
        "unique": boolean,
        "max_null_rate": {"type": "number", "minimum": 0, "maximum": 1},
        "allow_nan": boolean,
        "allow_inf": boolean,
    }
    # The defaults an editor offers are Feature's own (nullable true, unique false, ...).
    defaults = {f.name: f.default for f in fields(Feature) if f.name in CONSTRAINT_KEYS and f.default is not None}
    specs = {key: _constraint(plain.get(key, {})) for key in CONSTRAINT_KEYS}
    return {key: {**spec, "default": defaults[key]} if key in defaults else spec for key, spec in specs.items()}


def _feature() -> Spec:
    specs: dict[str, Spec] = {
        "type": {"enum": [t.value for t in FeatureType]},
        "description": {"type": "string"},
        "pii": {"type": "boolean", "default": False},
        **_constraints(),
        "drift": {"anyOf": [{"type": "boolean"}, _gate(list(GATE_METRICS))], "default": True},
        "role": {"enum": [r.value for r in Role], "default": Role.FEATURE.value},
        "environments": {
            "type": "array",
            "minItems": 1,
            "items": {"enum": list(ENVIRONMENTS)},
            "default": list(ENVIRONMENTS),
        },
        "serving_path": {"type": "string", "pattern": r"^[^.]+(\.[^.]+)*$"},
        "training_path": {"type": "string", "pattern": r"^[^.]+(\.[^.]+)*$"},
        "min_rows": {"type": "integer", "minimum": 1, "default": _BUILTIN.min_rows},
        "max_null_rate_increase": {"$ref": "#/$defs/thresholds", "default": asdict(_BUILTIN.max_null_rate_increase)},
        "max_unseen_rate": {"$ref": "#/$defs/thresholds", "default": asdict(_BUILTIN.max_unseen_rate)},
        "max_out_of_range_rate": _optional_thresholds(),
        "trend": {"anyOf": [{"const": False}, _trend()]},
        "max_mismatch_rate": {"$ref": "#/$defs/thresholds", "default": asdict(_BUILTIN.max_mismatch_rate)},
        "tolerance": {
            "type": "object",
            "properties": {"abs": {"type": "number", "minimum": 0}, "rel": {"type": "number", "minimum": 0}},
            "additionalProperties": False,
        },
    }
    return {
        "type": "object",
        "properties": _described(FEATURE_KEYS, FEATURE_DOCS, specs),
        "required": ["type"],
        "additionalProperties": False,
        "allOf": [*_by_type(), *_drift_by_kind()],
    }


def _when_type(types: list[str], then: Spec) -> Spec:
    return {"if": {"properties": {"type": {"enum": types}}, "required": ["type"]}, "then": then}


def _by_type() -> list[Spec]:
    """Constraints that apply to some types only; bounds and values read differently per type."""
    rules = []
    for key, types in _APPLIES_TO.items():
        others = [t.value for t in FeatureType if t.value not in types]
        if others:
            rules.append(_when_type(others, {"properties": {key: False}}))
    number, text = _constraint({"type": "number"}), _constraint({"type": "string"})
    exact = [t for t in _NUMERIC_TYPES if t not in _TEMPORAL_TYPES]
    rules.append(_when_type(exact, {"properties": {"min": number, "max": number}}))
    rules.append(_when_type(_TEMPORAL_TYPES, {"properties": {"min": text, "max": text}}))
    whole = {"type": "array", "items": {"type": "integer"}}
    rules.append(_when_type([FeatureType.INT.value], {"properties": {"values": _constraint(whole)}}))
    return rules


def _drift_by_kind() -> list[Spec]:
    """A drift metric must apply to the feature's kind: linf on a numeric feature is refused."""
    rules = []
    for kind in Kind:
        types = [t.value for t in FeatureType if t.kind is kind]
        gate = {"type": "object", "properties": {"metric": {"enum": gate_metrics_for(kind)}}}
        rules.append(_when_type(types, {"properties": {"drift": {"anyOf": [{"type": "boolean"}, gate]}}}))
    return rules


def _datasets() -> Spec:
    bound: Spec = _constraint({"type": "integer", "minimum": 0}, mostly=False)
    keys = [f.name for f in fields(RowCount) if f.name != "rules"]
    counts = {
        "type": "object",
        "properties": {key: {"description": f"{key.replace('_', ' ')} of the dataset.", **bound} for key in keys},
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": "Bounds on each dataset's number of rows (check row_count).",
        "properties": {name: {"description": f"Row counts of the {name} dataset.", **counts} for name in ENVIRONMENTS},
        "additionalProperties": False,
    }
