"""The report's JSON records (version 1): each part of a finished Report as builtins, NaN and infinity as null.

`Report.to_records` assembles them; the layout is the README's "The JSON report" table.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from skewcheck.drift.accuracy import Accuracy
from skewcheck.drift.features import FeatureResult, Histogram
from skewcheck.drift.gates import Gate
from skewcheck.drift.rows import RowSkew
from skewcheck.io.sources import InputSummary
from skewcheck.profiling.bins import EDGE_QUANTILES
from skewcheck.schema.registry import DEFINITIONS, PSI_SHARE_FLOOR


def rows_record(rows: RowSkew) -> dict[str, Any]:
    coverage = rows.coverage
    return {
        "keys": list(rows.keys),
        "status": str(rows.status),
        "join": {
            "train": asdict(coverage.train),
            "serving": asdict(coverage.serving),
            "both": coverage.both,
            "only_train": coverage.only_train,
            "only_serving": coverage.only_serving,
            "join_rate": coverage.join_rate,
        },
        "gates": [gate_record(gate) for gate in rows.gates],
        "features": [
            {
                "name": f.name,
                "type": str(f.type),
                "status": str(f.status),
                "joined": f.joined,
                "matches": f.matches,
                "mismatches": f.mismatches,
                "only_train": f.only_train,
                "only_serving": f.only_serving,
                "mismatch_rate": f.mismatch_rate,
                "tolerance": f.tolerance,
                "gate": None if f.gate is None else gate_record(f.gate),
                "differences": dict(f.differences),
                "pairs": [{"train": t, "serving": s, "count": n} for t, s, n in f.pairs],
                "examples": list(f.examples),
            }
            for f in rows.features
        ],
    }


def gate_record(gate: Gate) -> dict[str, Any]:
    """Every gate in the JSON report has this one shape, wherever it stands (drift, null rate, join, row, trend)."""
    return {
        "metric": gate.metric,
        "value": gate.value,
        "warn": gate.warn,
        "fail": gate.fail,
        "noise": gate.noise,
        "status": str(gate.status),
        "reason": gate.reason,
    }


def input_record(summary: InputSummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "spec": summary.spec,
        "format": summary.format,
        "paths": list(summary.paths),
        "rows": summary.rows,
        "sampled_rows": summary.sampled_rows,
        **({"version": summary.version} if summary.version is not None else {}),  # a Delta table's, read
    }


def feature_record(feature: FeatureResult) -> dict[str, Any]:
    gate = feature.drift_gate
    return {
        "name": feature.name,
        "type": str(feature.type),
        "status": str(feature.status),
        "gate": None if gate is None else gate_record(gate),
        "gates": [gate_record(g) for g in feature.gates],
        "metrics": dict(feature.metrics),
        "reasons": list(feature.reasons),
        "summary": {str(dataset): summary for dataset, summary in feature.summary.items()},
        "histogram": _histogram_record(feature.histogram),
        **_accuracy_record(feature.accuracy),
    }


def _accuracy_record(accuracy: Accuracy | None) -> dict[str, Any]:
    """How exact KS and Wasserstein are (numeric features; null otherwise). Added in report version 1 (issue 16)."""
    if accuracy is None:
        return {"distribution_metrics": None, "ks_error_bound": None, "wasserstein_error_bound": None}
    return {
        "distribution_metrics": accuracy.kind,
        "ks_error_bound": accuracy.ks_error_bound,
        "wasserstein_error_bound": accuracy.wasserstein_error_bound,
    }


def _histogram_record(histogram: Histogram | None) -> dict[str, Any] | None:
    if histogram is None:
        return None
    return {
        "train": histogram.train,
        "serving": histogram.serving,
        "edges": histogram.edges,
        "categories": histogram.categories,
        "unseen": histogram.unseen,
        "out_of_range": None if histogram.is_categorical else {"below": histogram.below, "above": histogram.above},
    }


def definitions() -> dict[str, str]:
    deciles = ", ".join(f"{q:g}" for q in EDGE_QUANTILES)
    return {
        **DEFINITIONS,
        "numeric_bins": f"edges at the training quantiles {deciles} (numpy linear interpolation), ties merged; "
        "ten right-closed bins (-inf, q1], (q1, q2], ..., (q9, inf), the outer two open, so serving values beyond "
        "the training range land in the outer bins, which hold a tenth of training each",
        "psi_smoothing": f"a share below {PSI_SHARE_FLOOR:g} counts as {PSI_SHARE_FLOOR:g}, on both sides, before "
        "logarithms are taken (no renormalisation; the same at every sample size)",
        "null_rate_increase": "null_rate_serving - null_rate_train (absolute)",
        "distribution_metrics": "how ks_statistic and wasserstein were computed: exact (from every value, sorted, as "
        "scipy.stats computes them: the default), bounded (with --no-exact, a column of more than 65,536 values: each "
        "value counted in a fine cell of a grid fixed by training, no sort, within the stated bounds; or a batched "
        "read's grid) or "
        "approximate (a saved profile's quantile sketch)",
        "ks_error_bound": "the true KS statistic lies between ks_statistic and ks_statistic + this (0: exact); at "
        "most the largest share of training in one cell holding several training values, which --no-exact's cells "
        "keep below a tenth of KS's noise (in a cell of one training value: serving's share of other values there)",
        "wasserstein_error_bound": "the true Wasserstein distance lies within this of wasserstein, in training "
        "standard deviations (0: exact; null: not bounded)",
        "thresholds": "a gate warns when its value is strictly above warn and fails when strictly above fail",
    }


def finite(value: dict[str, Any]) -> dict[str, Any]:
    return {key: _finite_value(item) for key, item in value.items()}


def _finite_value(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_value(v) for v in value]
    return value
