"""The words and cells the history's terminal table and HTML page both show for a feature's series."""

from __future__ import annotations

from typing import Any

from skewcheck.history.series import Overview, Series, finite
from skewcheck.reporters import history_charts
from skewcheck.reporters.numbers import percent
from skewcheck.reporters.sparkline import sparkline

SPARKLINE_POINTS = 60
"""The sparkline shows at most this many latest partitions."""
_UNCHECKED_SHOWN = 12


def other_gate(row: dict[str, Any]) -> tuple[str, str] | None:
    """The gate a failed partition failed on when it was not drift, and its rates: ("null rate", "0.5% → 12.5%"),
    ("trend of psi", ""), ("out of range", "7.2%"). None when the drift gate failed, or could not compare.

    The history records each partition's failed gates by name; one written before it did keeps only the rates, and
    the rate that rose more is named (the null and unseen gates both fail at 5% by default).
    """
    if row["status"] not in ("fail", "error"):
        return None
    recorded = row.get("failed_gates")
    if recorded:
        return _recorded_gate(row, [name for name in recorded.split("; ") if name != row.get("gate_metric")])
    # A history written before it recorded the failed gates: the rates tell which gate it likely was.
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


_GATE_WORDS = {"null_rate_increase": "null rate", "unseen_rate": "unseen values", "out_of_range_rate": "out of range"}


def _recorded_gate(row: dict[str, Any], others: list[str]) -> tuple[str, str] | None:
    """The gates other than drift the partition failed on, by name, with the rates that explain them."""
    if not others:
        return None  # the drift gate failed (or could not compare)
    names = " and ".join(_GATE_WORDS.get(name, name) for name in others)
    train, serving = finite(row.get("null_rate_train")), finite(row.get("null_rate_serving"))
    rates = {
        "null_rate_increase": f"{percent(train)} → {percent(serving)}" if train is not None else "",
        "unseen_rate": percent(finite(row.get("unseen_rate"))),
        "out_of_range_rate": percent(finite(row.get("out_of_range_rate"))),
    }
    return names, ", ".join(rate for name in others if (rate := rates.get(name, "")))


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


def failed_on_lines(found: list[Series], shown: int = 3) -> list[str]:
    """Per feature and gate other than drift: "dep_delay failed on null rate in 1 partition: date=… (1.9% → 29.9%)"."""
    lines = []
    for one in found:
        failures = other_failures(one)
        for gate in dict.fromkeys(name for _, name, _ in failures):
            where = [f"{part} ({rates})" if rates else part for part, name, rates in failures if name == gate]
            more = f", and {len(where) - shown} more" if len(where) > shown else ""
            count = f"{len(where)} partition{'s' * (len(where) != 1)}"
            lines.append(f"{one.feature} failed on {gate} in {count}: {', '.join(where[:shown])}{more}")
    return lines


def summary_line(view: Overview) -> str:
    """One line for a log: how much the history holds and which features failed or warned somewhere."""
    checked = view.checked
    failed = [one.feature for one in checked if one.count("fail", "error")]
    warned = [one.feature for one in checked if one.count("warn") and one.feature not in failed]
    parts = [f"{len(checked)} drift-checked feature{'s' * (len(checked) != 1)} over {view.partitions} partitions"]
    for names, word in ((failed, "failed"), (warned, "warned")):
        if names:
            listed = ", ".join(names[:5]) + (f", … ({len(names) - 5} more)" if len(names) > 5 else "")
            parts.append(f"{len(names)} {word} in some partition ({listed})")
    if not failed and not warned:
        parts.append("none failed or warned")
    return "; ".join(parts)
