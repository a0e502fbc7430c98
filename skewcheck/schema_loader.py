"""Step two of schema loading: plain Python to the frozen dataclasses of `schema`.

`schema_file.read_document` turns the file into plain Python with line numbers; this
module checks every key and value, rejects what it does not understand (with a
did-you-mean), and fills in the defaults. Every complaint names file, line and feature.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from pathlib import Path
from typing import Any, NoReturn, cast

from skewcheck.errors import SchemaFileError
from skewcheck.schema import (
    ENVIRONMENTS,
    GATE_METRICS,
    METRIC_THRESHOLDS,
    Bound,
    Dataset,
    Defaults,
    DriftGate,
    Feature,
    FeatureType,
    Kind,
    Role,
    Schema,
    Thresholds,
)
from skewcheck.schema_file import Document, KeyPath, read_document


def load_schema(path: str | Path) -> Schema:
    """Read, parse and check a schema file. Raises SchemaFileError naming file, line, feature."""
    document = read_document(path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return build_schema(document, digest)


def build_schema(document: Document, sha256: str = "") -> Schema:
    builder = _Builder(document)
    data = builder.mapping((), {"version", "defaults", "features"}, "the schema file")
    version = data.get("version", 1)
    if version != 1:
        builder.fail(("version",), f"unsupported schema version {version!r} (this skewcheck reads version 1)")
    defaults = builder.defaults(data.get("defaults", {}))
    features_data = data.get("features")
    if not isinstance(features_data, dict) or not features_data:
        builder.fail(("features",), "'features' must be a mapping of feature names to their declarations")
    features = tuple(builder.feature(name, defaults) for name in features_data)
    return Schema(path=document.path, sha256=sha256, features=features, defaults=defaults)


_FEATURE_KEYS = {
    "type", "nullable", "min", "max", "values", "drift", "role", "environments",
    "serving_path", "training_path", "min_rows", "max_null_rate_increase",
    "max_unseen_rate", "description",
}  # fmt: skip
_DEFAULT_KEYS = {"numeric", "categorical", "max_null_rate_increase", "max_unseen_rate", "min_rows"}
_VALUES_TYPES = {FeatureType.INT, FeatureType.STRING, FeatureType.CATEGORY}


class _Builder:
    """Turns a Document into dataclasses; every complaint names the file and line."""

    def __init__(self, document: Document) -> None:
        self.document = document

    def fail(self, key_path: KeyPath, message: str) -> NoReturn:
        where = self.document.where(key_path)
        feature = f"feature '{key_path[1]}': " if len(key_path) > 1 and key_path[0] == "features" else ""
        raise SchemaFileError(f"{where}: {feature}{message}")

    def value(self, key_path: KeyPath) -> Any:
        data = self.document.data
        for key in key_path:
            data = data[key]
        return data

    def mapping(self, key_path: KeyPath, allowed: set[str], what: str) -> dict[str, Any]:
        data = self.value(key_path)
        if not isinstance(data, dict):
            self.fail(key_path, f"{what} must be a mapping, got {_describe(data)}")
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(sorted(allowed))})"
                self.fail((*key_path, key), f"unknown key '{key}'{hint}")
        return cast(dict[str, Any], data)

    def number(self, key_path: KeyPath, *, minimum: float | None = None) -> float:
        value = self.value(key_path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key_path, f"'{key_path[-1]}' must be a number, got {_describe(value)}")
        if minimum is not None and value < minimum:
            self.fail(key_path, f"'{key_path[-1]}' must be at least {minimum:g}, got {value}")
        return float(value)

    def integer(self, key_path: KeyPath, *, minimum: int) -> int:
        value = self.value(key_path)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key_path, f"'{key_path[-1]}' must be a whole number >= {minimum}, got {_describe(value)}")
        return int(value)

    def boolean(self, key_path: KeyPath) -> bool:
        value = self.value(key_path)
        if not isinstance(value, bool):
            self.fail(key_path, f"'{key_path[-1]}' must be true or false, got {_describe(value)}")
        return bool(value)

    def thresholds(self, key_path: KeyPath, inherited: Thresholds) -> Thresholds:
        self.mapping(key_path, {"warn", "fail"}, f"'{key_path[-1]}'")
        return self._warn_fail(key_path, inherited)

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
        if metric not in GATE_METRICS:
            close = difflib.get_close_matches(str(metric), sorted(GATE_METRICS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (one of: {', '.join(GATE_METRICS)})"
            self.fail((*key_path, "metric"), f"unknown drift metric '{metric}'{hint}")
        if kind not in GATE_METRICS[metric]:
            allowed = ", ".join(m for m, kinds in GATE_METRICS.items() if kind in kinds)
            self.fail((*key_path, "metric"), f"metric '{metric}' does not apply to {kind} features (use {allowed})")
        # A metric named without thresholds brings its own: psi's 0.25 means nothing for KS.
        base = inherited.thresholds if metric == inherited.metric else METRIC_THRESHOLDS[metric]
        return DriftGate(metric, self._warn_fail(key_path, base))

    def defaults(self, data: Any) -> Defaults:
        if not data:
            return Defaults()
        self.mapping(("defaults",), _DEFAULT_KEYS, "'defaults'")
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
            min_rows=self.integer(("defaults", "min_rows"), minimum=1) if "min_rows" in data else builtin.min_rows,
        )

    def feature(self, name: str, defaults: Defaults) -> Feature:
        key_path: KeyPath = ("features", name)
        if self.value(key_path) is None:
            self.fail(key_path, "has no declaration (at least 'type' is needed)")
        data = self.mapping(key_path, _FEATURE_KEYS, "a feature declaration")
        if "type" not in data:
            self.fail(key_path, f"'type' is required (one of: {', '.join(FeatureType)})")
        type_ = self._type((*key_path, "type"))
        return Feature(
            name=name,
            type=type_,
            nullable=self.boolean((*key_path, "nullable")) if "nullable" in data else True,
            min=self._bound(key_path, "min", type_),
            max=self._bound(key_path, "max", type_),
            values=self._values(key_path, type_) if "values" in data else None,
            drift=self._drift(key_path, defaults.gate_for(type_.kind), type_.kind),
            role=self._role((*key_path, "role")) if "role" in data else Role.FEATURE,
            environments=self._environments((*key_path, "environments"))
            if "environments" in data
            else frozenset(Dataset),
            serving_path=self._path((*key_path, "serving_path")) if "serving_path" in data else (),
            training_path=self._path((*key_path, "training_path")) if "training_path" in data else (),
            min_rows=self.integer((*key_path, "min_rows"), minimum=1) if "min_rows" in data else defaults.min_rows,
            max_null_rate_increase=self.thresholds(
                (*key_path, "max_null_rate_increase"), defaults.max_null_rate_increase
            )
            if "max_null_rate_increase" in data
            else defaults.max_null_rate_increase,
            max_unseen_rate=self.thresholds((*key_path, "max_unseen_rate"), defaults.max_unseen_rate)
            if "max_unseen_rate" in data
            else defaults.max_unseen_rate,
        )

    def _type(self, key_path: KeyPath) -> FeatureType:
        value = self.value(key_path)
        try:
            return FeatureType(value)
        except ValueError:
            close = difflib.get_close_matches(str(value), list(FeatureType), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return self.fail(key_path, f"unknown type '{value}'{hint}; one of: {', '.join(FeatureType)}")

    def _bound(self, key_path: KeyPath, key: str, type_: FeatureType) -> Bound | None:
        data = self.value(key_path)
        if key not in data:
            return None
        if type_.kind is not Kind.NUMERIC:
            self.fail((*key_path, key), f"'{key}' applies to int, float, datetime and date features, not {type_}")
        bound = self._bound_value((*key_path, key), type_)
        if key == "max" and data.get("min") is not None:
            low = self._bound_value((*key_path, "min"), type_)
            if low > bound:  # type: ignore[operator]  # both sides have the same type by construction
                self.fail((*key_path, key), f"min {low} is above max {bound}")
        return bound

    def _bound_value(self, key_path: KeyPath, type_: FeatureType) -> Bound:
        if not type_.is_temporal:
            return self.number(key_path)
        value = self.value(key_path)
        if isinstance(value, dt.date):
            parsed: dt.date = value
        else:
            try:
                parsed = dt.datetime.fromisoformat(str(value))
            except ValueError:
                self.fail(key_path, f"'{key_path[-1]}' must be an ISO-8601 date or datetime, got {value!r}")
        # Compare like with like: date features against dates, datetime features against naive UTC datetimes.
        if type_ is FeatureType.DATE:
            return parsed.date() if isinstance(parsed, dt.datetime) else parsed
        if not isinstance(parsed, dt.datetime):
            return dt.datetime(parsed.year, parsed.month, parsed.day)
        return parsed if parsed.tzinfo is None else parsed.astimezone(dt.UTC).replace(tzinfo=None)

    def _values(self, key_path: KeyPath, type_: FeatureType) -> tuple[Any, ...]:
        values = self.value((*key_path, "values"))
        if type_ not in _VALUES_TYPES:
            self.fail((*key_path, "values"), f"'values' applies to category, string and int features, not {type_}")
        if not isinstance(values, list) or not values:
            self.fail((*key_path, "values"), "'values' must be a non-empty list")
        if type_ is FeatureType.INT:
            for index, value in enumerate(values):
                if isinstance(value, bool) or not isinstance(value, int):
                    self.fail((*key_path, "values", index), f"value {value!r} is not a whole number")
            parsed: list[Any] = list(values)
        else:
            # The raw text keeps `NO` (Norway) a string where YAML 1.1 would say False.
            parsed = [self.document.raw_text((*key_path, "values", i)) or str(v) for i, v in enumerate(values)]
        duplicates = sorted({str(v) for v in parsed if parsed.count(v) > 1})
        if duplicates:
            self.fail((*key_path, "values"), f"'values' lists {', '.join(duplicates)} more than once")
        return tuple(parsed)

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
            return self.fail(key_path, f"unknown role '{value}' (one of: {', '.join(Role)})")

    def _environments(self, key_path: KeyPath) -> frozenset[Dataset]:
        value = self.value(key_path)
        if not isinstance(value, list) or not value:
            self.fail(key_path, "'environments' must be a non-empty list of training, serving")
        for index, item in enumerate(value):
            if item not in ENVIRONMENTS:
                self.fail((*key_path, index), f"unknown environment '{item}' (one of: training, serving)")
        return frozenset(ENVIRONMENTS[item] for item in value)

    def _path(self, key_path: KeyPath) -> tuple[str, ...]:
        value = self.value(key_path)
        if not isinstance(value, str) or not value or any(not part for part in value.split(".")):
            self.fail(key_path, f"'{key_path[-1]}' must be a dotted path like features.age, got {_describe(value)}")
        return tuple(value.split("."))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
