"""The declared schema: what each feature is, where it lives, and how much drift it may show.

Frozen dataclasses only; `schema_loader.load_schema` builds them from a file. Nothing
downstream of the loader sees a raw dict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from skewcheck.schema.registry import METRIC_THRESHOLDS, Kind, Thresholds


class FeatureType(StrEnum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    STRING = "string"
    CATEGORY = "category"
    DATETIME = "datetime"
    DATE = "date"

    @property
    def kind(self) -> Kind:
        return Kind.CATEGORICAL if self in _CATEGORICAL_TYPES else Kind.NUMERIC

    @property
    def is_temporal(self) -> bool:
        return self in (FeatureType.DATETIME, FeatureType.DATE)


_CATEGORICAL_TYPES = {FeatureType.BOOL, FeatureType.STRING, FeatureType.CATEGORY}


class Dataset(StrEnum):
    """The two sides of an audit, named as they appear in reports."""

    TRAIN = "train"
    SERVING = "serving"


class Severity(StrEnum):
    FAIL = "fail"
    WARN = "warn"
    INFO = "info"

    @property
    def order(self) -> int:
        """Failures first: the order every report lists findings in."""
        return _SEVERITY_ORDER[self]


_SEVERITY_ORDER = {Severity.FAIL: 0, Severity.WARN: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Rule:
    """How strictly one constraint is held: its severity, and the share of values that must satisfy it."""

    severity: Severity = Severity.FAIL
    mostly: float = 1.0


STRICT = Rule()


class Role(StrEnum):
    FEATURE = "feature"
    KEY = "key"


# The schema file says `environments: [training, serving]`; reports say train / serving.
ENVIRONMENTS = {"training": Dataset.TRAIN, "serving": Dataset.SERVING}


@dataclass(frozen=True)
class DriftGate:
    metric: str
    thresholds: Thresholds


@dataclass(frozen=True)
class Tolerance:
    """How far apart two numbers may be and still be the same value, row by row: |s - t| <= abs + rel * |t|."""

    abs: float = 0.0
    rel: float = 0.0


FLOAT_TOLERANCE = Tolerance(abs=1e-9, rel=1e-6)
"""Two code paths rarely compute a float to the last bit; ints, dates and text compare exactly."""


@dataclass(frozen=True)
class TrendSettings:
    """Trend gates over a history of audits (see trend.py); None turns a gate off."""

    rising: int | None = None
    """Fail when the gate metric rose on this many consecutive partitions."""
    rolling: int | None = None
    """Warn / fail when the median over this many latest partitions is above warn / fail."""

    def __post_init__(self) -> None:
        for name, value in (("rising", self.rising), ("rolling", self.rolling)):
            if value is not None and value < 1:
                raise ValueError(f"trend {name} must be at least 1, got {value}")

    @property
    def window(self) -> int:
        """How many latest partitions the gates look at."""
        return max(self.rising + 1 if self.rising else 0, self.rolling or 0)


OUT_OF_RANGE_THRESHOLDS = Thresholds(0.01, 0.05)
"""The out-of-range gate's built-in thresholds, also where a schema sets some under a gate its defaults turned off."""


@dataclass(frozen=True)
class Defaults:
    numeric: DriftGate = DriftGate("psi", METRIC_THRESHOLDS["psi"])
    categorical: DriftGate = DriftGate("jensen_shannon", METRIC_THRESHOLDS["jensen_shannon"])
    max_null_rate_increase: Thresholds = Thresholds(0.02, 0.05)
    max_unseen_rate: Thresholds = Thresholds(0.01, 0.05)
    max_out_of_range_rate: Thresholds | None = OUT_OF_RANGE_THRESHOLDS
    """None (`false` in the schema): no gate on numeric serving values outside training's range."""
    min_rows: int = 100
    trend: TrendSettings | None = None
    max_mismatch_rate: Thresholds = Thresholds(0.001, 0.01)
    min_join_rate: Thresholds = Thresholds(0.9, 0.5)
    """A lower bound: the join warns below warn and fails below fail."""

    def gate_for(self, kind: Kind) -> DriftGate:
        return self.numeric if kind is Kind.NUMERIC else self.categorical


Bound = float | dt.datetime | dt.date


def bound_text(bound: object) -> str:
    """A bound as the schema file wrote it: 120, not 120.0."""
    return f"{bound:.15g}" if isinstance(bound, float) else str(bound)


@dataclass(frozen=True)
class Feature:
    name: str
    type: FeatureType
    nullable: bool = True
    min: Bound | None = None
    max: Bound | None = None
    values: tuple[Any, ...] | None = None
    drift: DriftGate | None = None
    role: Role = Role.FEATURE
    environments: frozenset[Dataset] = frozenset(Dataset)
    serving_path: tuple[str, ...] = ()
    training_path: tuple[str, ...] = ()
    min_rows: int = 100
    max_null_rate_increase: Thresholds = Defaults.max_null_rate_increase
    max_unseen_rate: Thresholds = Defaults.max_unseen_rate
    max_out_of_range_rate: Thresholds | None = Defaults.max_out_of_range_rate
    """Numbers, dates, datetimes: the share of serving values outside training's [min, max]; None: not gated."""
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    unique: bool = False
    max_null_rate: float | None = None
    allow_nan: bool = False
    allow_inf: bool = False
    pii: bool = False
    """Personal data: reports never show its raw values (see privacy.py)."""
    trend: TrendSettings | None = None
    """Trend gates, judged when a run keeps a history (--history)."""
    max_mismatch_rate: Thresholds = Defaults.max_mismatch_rate
    """Row-level skew (--key): the share of joined rows whose values differ."""
    tolerance: Tolerance | None = None
    """Row-level skew: how close two numbers must be to match; None: the type's default (`row_tolerance`)."""
    rules: Mapping[str, Rule] = field(default_factory=dict)
    """Severity and tolerance per constraint key (min, max, nullable, values, pattern, ...), where not strict."""

    @property
    def kind(self) -> Kind:
        return self.type.kind

    @property
    def row_tolerance(self) -> Tolerance:
        if self.tolerance is not None:
            return self.tolerance
        return FLOAT_TOLERANCE if self.type is FeatureType.FLOAT else Tolerance()

    def rule(self, key: str) -> Rule:
        return self.rules.get(key, STRICT)

    def path_in(self, dataset: Dataset) -> tuple[str, ...]:
        """Where the feature lives in a dataset: a column, or a column then struct fields."""
        path = self.serving_path if dataset is Dataset.SERVING else self.training_path
        return path or (self.name,)

    def expected_in(self, dataset: Dataset) -> bool:
        return dataset in self.environments

    @property
    def skip_reason(self) -> str | None:
        """Why this feature is not drift-checked, or None when it is."""
        if self.role is Role.KEY:
            return "key feature: never drift-checked"
        if self.drift is None:
            return "drift: false in the schema"
        if self.environments != frozenset(Dataset):
            only = ", ".join(sorted(e for e, d in ENVIRONMENTS.items() if d in self.environments))
            return f"expected only in {only}"
        return None


@dataclass(frozen=True)
class RowCount:
    """How many rows a dataset may have."""

    min_rows: int | None = None
    max_rows: int | None = None
    rules: Mapping[str, Rule] = field(default_factory=dict)


@dataclass(frozen=True)
class Schema:
    path: str
    sha256: str
    features: tuple[Feature, ...]
    defaults: Defaults = Defaults()
    row_counts: Mapping[Dataset, RowCount] = field(default_factory=dict)

    def feature(self, name: str) -> Feature:
        return next(f for f in self.features if f.name == name)
