"""The words and cells the history's terminal table and HTML page both show for a feature's series."""

from __future__ import annotations

from typing import Any

from skewcheck.history.series import Series, finite
from skewcheck.reporters import history_charts
from skewcheck.reporters.numbers import percent
from skewcheck.reporters.sparkline import sparkline

SPARKLINE_POINTS = 60
"""The sparkline shows at most this many latest partitions."""
_UNCHECKED_SHOWN = 12


def other_gate(row: dict[str, Any]) -> tuple[str, str] | None:
    """The gate a failed partition failed on when it was not drift, and its rates: ("null rate", "0.5% → 12.5%").

    The history keeps the null and unseen rates, not those gates' thresholds: the rate that rose more is
    named (both gates fail at 5% by default). None when the drift gate failed, or could not compare.
    """
    if row["status"] not in ("fail", "error"):
        return None
    value, fail, noise = finite(row["gate_value"]), finite(row["fail"]), finite(row.get("noise"))
    if value is None or (fail is not None and value > fail and (noise is None or value > noise)):
        return None
    train, serving = finite(row.get("null_rate_train")), finite(row.get("null_rate_serving"))
    unseen = finite(row.get("unseen_rate"))
    rise = serving - train if serving is not None and train is not None else None
    if rise is not None and rise > 0 and (unseen is None or rise >= unseen):
        return "null rate", f"{percent(train)} → {percent(serving)}"
    if unseen is not None and unseen > 0:
        return "unseen values", percent(unseen)
    return "another gate", ""


def other_failures(one: Series) -> list[tuple[str, str, str]]:
    """(partition, gate, its rates) of each partition that failed on another gate than drift, oldest first."""
    return [(str(row["partition"]), *gate) for row in one.rows if (gate := other_gate(row)) is not None]


def failed(one: Series) -> tuple[str, str]:
    """How many partitions failed, and how many of them on a gate other than drift: ("3", "2 on null rate")."""
    gates = [gate for _, gate, _ in other_failures(one)]
    return str(one.count("fail", "error")), ", ".join(f"{gates.count(gate)} on {gate}" for gate in dict.fromkeys(gates))


def series_sparkline(one: Series, points: int) -> str:
    """The latest partitions on a scale up to the largest value or the fail threshold, whichever is higher;
    where one value towers over the rest, up to the charts' scale (`history_charts.scale_top`) instead."""
    shown = one.values[-points:]
    top = history_charts.scale_top(one.values, [one.fail]) or max([*one.present, one.fail or 0.0]) or None
    return ("…" if len(one.values) > len(shown) else "") + sparkline(shown, top)


def thresholds(one: Series) -> str:
    return "" if one.warn is None or one.fail is None else f"{one.warn:g} / {one.fail:g}"


def signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.3g}"


def unchecked_line(names: list[str]) -> str:
    shown = ", ".join(names[:_UNCHECKED_SHOWN])
    more = f", … ({len(names) - _UNCHECKED_SHOWN} more)" if len(names) > _UNCHECKED_SHOWN else ""
    return f"Never drift-checked, so not charted: {shown}{more}"
