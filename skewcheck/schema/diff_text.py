"""How a schema change reads: a value as the schema file would write it, a domain's values added and removed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from skewcheck.schema.model import ENVIRONMENTS, DriftGate, Rule, Tolerance, TrendSettings
from skewcheck.schema.registry import Thresholds


def domain_delta(old: tuple[Any, ...], new: tuple[Any, ...]) -> str:
    before, after = [str(v) for v in old], [str(v) for v in new]
    added, removed = [v for v in after if v not in before], [v for v in before if v not in after]
    parts = [f"{label} {_listed(values)}" for label, values in (("added", added), ("removed", removed)) if values]
    return "; ".join(parts) or f"reordered {_listed(after)}"


def _listed(values: list[str], most: int = 5) -> str:
    return ", ".join(values[:most]) + (f" (+{len(values) - most} more)" if len(values) > most else "")


def as_text(value: Any) -> str:
    """A value as the schema file would write it; "" for nothing there."""
    if value is None or value == ():
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr: the shortest text that reads back as this float (401762.99, not :g's 401763)
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return ", ".join(name for name, dataset in ENVIRONMENTS.items() if dataset in value)
    if isinstance(value, tuple):
        return "[" + ", ".join(as_text(v) for v in value) + "]"
    if isinstance(value, DriftGate):
        return f"{value.metric} {as_text(value.thresholds)}"
    if isinstance(value, Thresholds):
        return f"warn {value.warn:g} / fail {value.fail:g}"
    if isinstance(value, TrendSettings):
        parts = [
            f"{name} {number}" for name, number in (("rising", value.rising), ("rolling", value.rolling)) if number
        ]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, Tolerance):
        return f"abs {value.abs:g} / rel {value.rel:g}"
    if isinstance(value, Rule):
        return str(value.severity) + (f", mostly {value.mostly:g}" if value.mostly < 1 else "")
    return str(value)
