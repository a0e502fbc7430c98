"""Step two of schema loading: plain Python to the frozen dataclasses of `schema`.

`schema_file.read_document` turns the file into plain Python with line numbers; this
module checks every key and value, rejects what it does not understand (with a
did-you-mean), and fills in the defaults. Every complaint names file, line and feature.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path
from typing import Any

from skewcheck.schema.constraints import CONSTRAINT_KEYS, read_constraints, read_row_counts
from skewcheck.schema.document import Document, KeyPath, Reader, describe, read_document
from skewcheck.schema.model import (
    ENVIRONMENTS,
    OUT_OF_RANGE_THRESHOLDS,
    Dataset,
    Defaults,
    DriftGate,
    Feature,
    FeatureType,
    Role,
    Schema,
    Tolerance,
    TrendSettings,
)
from skewcheck.schema.registry import GATE_METRICS, METRIC_THRESHOLDS, Kind, Thresholds, gate_metrics_for


def load_schema(path: str | Path) -> Schema:
    """Read, parse and check a schema file. Raises SchemaFileError naming file, line, feature."""
    document = read_document(path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return build_schema(document, digest)


def as_schema(schema_or_path: Schema | str | Path) -> Schema:
    """A Schema as given, or loaded from its file: for callers that take either."""
    return schema_or_path if isinstance(schema_or_path, Schema) else load_schema(schema_or_path)


def build_schema(document: Document, sha256: str = "") -> Schema:
    builder = _Builder(document)
    data = builder.mapping((), TOP_LEVEL_KEYS, "the schema file")
    version = data.get("version", 1)
    if version != 1:
        builder.fail(("version",), f"unsupported schema version {version!r} (this skewcheck reads version 1)")
    defaults = builder.defaults(data.get("defaults", {}))
    features_data = data.get("features")
    if not isinstance(features_data, dict):
        builder.fail(("features",), "'features' must be a mapping of feature names to their declarations")
    if not features_data:
        builder.fail(("features",), "'features' is empty: declare at least one feature")
    features = tuple(builder.feature(name, defaults) for name in features_data)
    row_counts = read_row_counts(builder, ("datasets",)) if "datasets" in data else {}
    return Schema(path=document.path, sha256=sha256, features=features, defaults=defaults, row_counts=row_counts)


TOP_LEVEL_KEYS = {"version", "defaults", "features", "datasets"}
FEATURE_KEYS = {
    "type",
    "drift",
    "role",
    "environments",
    "serving_path",
    "training_path",
    "min_rows",
    "max_null_rate_increase",
    "max_unseen_rate",
    "max_out_of_range_rate",
    "description",
    "pii",
    "trend",
    "max_mismatch_rate",
    "tolerance",
    *CONSTRAINT_KEYS,
}
DEFAULT_KEYS = {
    "numeric",
    "categorical",
    "max_null_rate_increase",
    "max_unseen_rate",
    "max_out_of_range_rate",
    "min_rows",
    "trend",
    "max_mismatch_rate",
    "min_join_rate",
}
TREND_KEYS = {"rising", "rolling"}


class _Builder(Reader):
    """Turns a Document into dataclasses; every complaint names the file and line."""

    def thresholds(self, key_path: KeyPath, inherited: Thresholds) -> Thresholds:
        self.mapping(key_path, {"warn", "fail"}, f"'{key_path[-1]}'")
        return self._warn_fail(key_path, inherited)

    def optional_thresholds(self, key_path: KeyPath, inherited: Thresholds | None) -> Thresholds | None:
        """`{warn, fail}`, or `false` to turn the gate off; under a gate turned off, thresholds start from the
        built-in ones."""
        if self.value(key_path) is False:
            return None
        return self.thresholds(key_path, inherited or OUT_OF_RANGE_THRESHOLDS)

    def lower_bounds(self, key_path: KeyPath, inherited: Thresholds) -> Thresholds:
        """`{warn, fail}` for a gate that trips below its thresholds (min_join_rate): warn >= fail, both in [0, 1]."""
        data = self.mapping(key_path, {"warn", "fail"}, f"'{key_path[-1]}'")
        warn = self.number((*key_path, "warn"), minimum=0) if "warn" in data else inherited.warn
        fail = self.number((*key_path, "fail"), minimum=0) if "fail" in data else inherited.fail
        if warn > 1 or fail > 1:
            self.fail(key_path, f"'{key_path[-1]}' is a share of keys: warn and fail must be at most 1")
        if warn < fail:
            self.fail(key_path, f"warn threshold {warn:g} is below fail threshold {fail:g} (the gate trips below them)")
        return Thresholds(warn, fail)

    def tolerance(self, key_path: KeyPath) -> Tolerance:
        data = self.mapping(key_path, {"abs", "rel"}, "'tolerance'")
        return Tolerance(
            abs=self.number((*key_path, "abs"), minimum=0) if "abs" in data else 0.0,
            rel=self.number((*key_path, "rel"), minimum=0) if "rel" in data else 0.0,
        )

    def _warn_fail(self, key_path: KeyPath, inherited: Thresholds) -> Thresholds:
        data = self.value(key_path)
        warn = self.number((*key_path, "warn"), minimum=0) if "warn" in data else inherited.warn
        fail = self.number((*key_path, "fail"), minimum=0) if "fail" in data else inherited.fail
        if warn > fail:
            self.fail(key_path, f"warn threshold {warn:g} is above fail threshold {fail:g}")
        return Thresholds(warn, fail)

    def gate(self, key_path: KeyPath, inherited: DriftGate, kind: Kind) -> DriftGate:
        data = self.mapping(key_path, {"metric", "warn", "fail"}, f"'{key_path[-1]}'")
        metric = data.get("metric", inherited.metric)
        if not isinstance(metric, str) or metric not in GATE_METRICS:
            text = f"'{metric}'" if isinstance(metric, str) else describe(metric)
            close = difflib.get_close_matches(metric, sorted(GATE_METRICS), n=1) if isinstance(metric, str) else []
            hint = f" (did you mean '{close[0]}'?)" if close else f" (one of: {', '.join(GATE_METRICS)})"
            self.fail((*key_path, "metric"), f"unknown drift metric {text}{hint}")
        if kind not in GATE_METRICS[metric]:
            allowed = ", ".join(gate_metrics_for(kind))
            self.fail((*key_path, "metric"), f"metric '{metric}' does not apply to {kind} features (use {allowed})")
        # A metric named without thresholds brings its own: psi's 0.25 means nothing for KS.
        base = inherited.thresholds if metric == inherited.metric else METRIC_THRESHOLDS[metric]
        return DriftGate(metric, self._warn_fail(key_path, base))

    def defaults(self, data: Any) -> Defaults:
        if data is None or data == {}:
            return Defaults()
        self.mapping(("defaults",), DEFAULT_KEYS, "'defaults'")
        builtin = Defaults()
        return Defaults(
            numeric=self.gate(("defaults", "numeric"), builtin.numeric, Kind.NUMERIC)
            if "numeric" in data
            else builtin.numeric,
            categorical=self.gate(("defaults", "categorical"), builtin.categorical, Kind.CATEGORICAL)
            if "categorical" in data
            else builtin.categorical,
            max_null_rate_increase=self.thresholds(
                ("defaults", "max_null_rate_increase"), builtin.max_null_rate_increase
            )
            if "max_null_rate_increase" in data
            else builtin.max_null_rate_increase,
            max_unseen_rate=self.thresholds(("defaults", "max_unseen_rate"), builtin.max_unseen_rate)
            if "max_unseen_rate" in data
            else builtin.max_unseen_rate,
            max_out_of_range_rate=self.optional_thresholds(
                ("defaults", "max_out_of_range_rate"), builtin.max_out_of_range_rate
            )
            if "max_out_of_range_rate" in data
            else builtin.max_out_of_range_rate,
            min_rows=self.integer(("defaults", "min_rows"), minimum=1) if "min_rows" in data else builtin.min_rows,
            trend=self.trend(("defaults", "trend")) if "trend" in data else None,
            max_mismatch_rate=self.thresholds(("defaults", "max_mismatch_rate"), builtin.max_mismatch_rate)
            if "max_mismatch_rate" in data
            else builtin.max_mismatch_rate,
            min_join_rate=self.lower_bounds(("defaults", "min_join_rate"), builtin.min_join_rate)
            if "min_join_rate" in data
            else builtin.min_join_rate,
        )

    def trend(self, key_path: KeyPath) -> TrendSettings | None:
        """`trend: {rising: N, rolling: K}`; `trend: false` turns inherited trend gates off."""
        if self.value(key_path) is False:
            return None
        data = self.mapping(key_path, TREND_KEYS, "'trend'")
        if not data:
            self.fail(key_path, "'trend' needs rising, rolling or both (or false to turn trend gates off)")
        return TrendSettings(
            rising=self.integer((*key_path, "rising"), minimum=1) if "rising" in data else None,
            rolling=self.integer((*key_path, "rolling"), minimum=1) if "rolling" in data else None,
        )

    def feature(self, name: str, defaults: Defaults) -> Feature:
        key_path: KeyPath = ("features", name)
        if self.value(key_path) is None:
            self.fail(key_path, "has no declaration (at least 'type' is needed)")
        data = self.mapping(key_path, FEATURE_KEYS, "a feature declaration")
        if "type" not in data:
            self.fail(key_path, f"'type' is required (one of: {', '.join(FeatureType)})")
        type_ = self._type((*key_path, "type"))
        if not isinstance(data.get("description"), str | None):  # as the JSON Schema says: text, or nothing
            self.fail((*key_path, "description"), f"'description' is text, got {describe(data['description'])}")
        return Feature(
            name=name,
            type=type_,
            **read_constraints(self, key_path, type_),
            drift=self._drift(key_path, defaults.gate_for(type_.kind), type_.kind),
            role=self._role((*key_path, "role")) if "role" in data else Role.FEATURE,
            environments=self._environments((*key_path, "environments"))
            if "environments" in data
            else frozenset(Dataset),
            serving_path=self._path((*key_path, "serving_path")) if "serving_path" in data else (),
            training_path=self._path((*key_path, "training_path")) if "training_path" in data else (),
            min_rows=self.integer((*key_path, "min_rows"), minimum=1) if "min_rows" in data else defaults.min_rows,
            pii=self.boolean((*key_path, "pii")) if "pii" in data else False,
            trend=self.trend((*key_path, "trend")) if "trend" in data else defaults.trend,
            max_mismatch_rate=self.thresholds((*key_path, "max_mismatch_rate"), defaults.max_mismatch_rate)
            if "max_mismatch_rate" in data
            else defaults.max_mismatch_rate,
            tolerance=self._tolerance_for(key_path, type_) if "tolerance" in data else None,
            max_null_rate_increase=self.thresholds(
                (*key_path, "max_null_rate_increase"), defaults.max_null_rate_increase
            )
            if "max_null_rate_increase" in data
            else defaults.max_null_rate_increase,
            max_unseen_rate=self.thresholds((*key_path, "max_unseen_rate"), defaults.max_unseen_rate)
            if "max_unseen_rate" in data
            else defaults.max_unseen_rate,
            max_out_of_range_rate=self.optional_thresholds(
                (*key_path, "max_out_of_range_rate"), defaults.max_out_of_range_rate
            )
            if "max_out_of_range_rate" in data
            else defaults.max_out_of_range_rate,
        )

    def _tolerance_for(self, key_path: KeyPath, type_: FeatureType) -> Tolerance:
        if type_.kind is not Kind.NUMERIC:
            self.fail((*key_path, "tolerance"), f"'tolerance' is for numbers and dates; {type_} compares exactly")
        return self.tolerance((*key_path, "tolerance"))

    def _type(self, key_path: KeyPath) -> FeatureType:
        value = self.value(key_path)
        try:
            return FeatureType(value)
        except ValueError:
            text = value if isinstance(value, str) else describe(value)
            close = difflib.get_close_matches(text, list(FeatureType), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return self.fail(key_path, f"unknown type '{text}' (expected one of {', '.join(FeatureType)}{hint})")

    def _drift(self, key_path: KeyPath, inherited: DriftGate, kind: Kind) -> DriftGate | None:
        data = self.value(key_path)
        if "drift" not in data or data["drift"] is True:
            return inherited
        if data["drift"] is False:
            return None
        return self.gate((*key_path, "drift"), inherited, kind)

    def _role(self, key_path: KeyPath) -> Role:
        value = self.value(key_path)
        try:
            return Role(value)
        except ValueError:
            text = value if isinstance(value, str) else describe(value)
            return self.fail(key_path, f"unknown role '{text}' (one of: {', '.join(Role)})")

    def _environments(self, key_path: KeyPath) -> frozenset[Dataset]:
        value = self.value(key_path)
        if not isinstance(value, list) or not value:
            self.fail(key_path, "'environments' must be a non-empty list of training, serving")
        for index, item in enumerate(value):
            if not isinstance(item, str) or item not in ENVIRONMENTS:
                shown = f"'{item}'" if isinstance(item, str) else describe(item)
                self.fail((*key_path, index), f"unknown environment {shown} (one of: training, serving)")
        return frozenset(ENVIRONMENTS[item] for item in value)

    def _path(self, key_path: KeyPath) -> tuple[str, ...]:
        value = self.value(key_path)
        if not isinstance(value, str) or not value or any(not part for part in value.split(".")):
            self.fail(key_path, f"'{key_path[-1]}' must be a dotted path like features.age, got {describe(value)}")
        return tuple(value.split("."))
