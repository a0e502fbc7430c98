"""The verdict vocabulary every check shares: a status, its one order, a gate, and how a value is graded.

Every threshold in skewcheck is graded by `grade`: the drift metric, the null-rate rise, the unseen rate,
the row mismatch rate, the join rate (a floor: it must stay above its thresholds) and the trend's rolling
median. So every reason starts the same way: the gate's metric, its value in the unit the reason writes it in, and
the threshold it crossed, then the words: "psi 0.31 > fail 0.25", "join_rate 42.0% < fail 50.0%: …".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """How bad, best first: skipped, pass, warn, error, fail; the worst status of several decides."""
        return _BEST_FIRST.index(self)

    @property
    def order(self) -> int:
        """Worst first (fail 0 … skipped 4): the order every report lists features in."""
        return len(_BEST_FIRST) - 1 - self.rank


# Error counts as fail for the run, but a failing gate explains more than "cannot compare".
_BEST_FIRST = (Status.SKIPPED, Status.PASS, Status.WARN, Status.ERROR, Status.FAIL)


def worst(statuses: Iterable[Status]) -> Status:
    """The highest-ranked status; pass when there is none."""
    return max(statuses, key=lambda status: status.rank, default=Status.PASS)


@dataclass(frozen=True)
class Gate:
    metric: str
    value: float | None
    warn: float
    fail: float
    status: Status
    reason: str
    noise: float | None = None
    """What two samples of one distribution reach 1% of the time at these sample sizes (drift and out-of-range
    gates)."""


@dataclass(frozen=True)
class Grade:
    status: Status
    crossed: str
    """The threshold the value crossed, as every reason writes it ("> fail 0.25"); empty for a pass."""


def grade(value: float, warn: float | None, fail: float | None, *, floor: bool = False, percent: bool = False) -> Grade:
    """Fail strictly beyond the fail threshold, else warn strictly beyond the warn threshold, else pass.

    A threshold is a ceiling (the value must stay at or below it) unless `floor`: then the value must stay
    at or above it, as a join rate must. A missing threshold is never crossed. With `percent` the threshold
    is written as a percentage: a rate's reason writes the rate as one, and a threshold reads best in its value's unit.
    """
    for status, threshold in ((Status.FAIL, fail), (Status.WARN, warn)):
        if threshold is not None and (value < threshold if floor else value > threshold):
            written = _percent(threshold) if percent else f"{threshold:g}"
            return Grade(status, f"{'<' if floor else '>'} {status} {written}")
    return Grade(Status.PASS, "")


def _percent(threshold: float) -> str:
    """One decimal (5.0%), or as many digits as the threshold has (0.05%, 1.25%): never rounded to another."""
    share = threshold * 100
    return f"{threshold:.1%}" if math.isclose(round(share, 1), share, rel_tol=1e-9, abs_tol=1e-12) else f"{share:.4g}%"


def number(value: float) -> str:
    """Four significant digits: how reasons and reports write a metric's value."""
    return f"{value:.4g}"
