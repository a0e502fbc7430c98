"""The order every human-readable report lists features in: worst status first, then largest drift."""

from __future__ import annotations

import math
from collections.abc import Iterable

from skewcheck.drift.features import FeatureResult
from skewcheck.drift.gates import Status

PROBLEMS = (Status.FAIL, Status.ERROR, Status.WARN)
MAX_CARDS = 500
"""Features the HTML report draws a card and chart for, in this order (10,000 charts: a 90 MB page)."""
MAX_ROWS = 1_000
"""Features the terminal table lists, in this order (rich lays out a whole table: 10,000 rows took a minute)."""


def ranked(features: Iterable[FeatureResult]) -> list[FeatureResult]:
    return sorted(features, key=lambda f: (f.status.order, -gate_value(f)))


def gate_value(feature: FeatureResult) -> float:
    """The drift gate's value, -inf when there is none (skipped, or nothing to compare)."""
    gate = feature.drift_gate
    if gate is None or gate.value is None or math.isnan(gate.value):
        return -math.inf
    return gate.value
